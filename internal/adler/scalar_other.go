//go:build !goexperiment.simd || !amd64 || go1.27

package adler

// vectorized is false in this build: scalar does every byte.
const vectorized = false

func blocks(s1, s2 uint32, p []byte) (uint32, uint32, []byte) { return s1, s2, p }
