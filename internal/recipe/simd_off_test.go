//go:build !goexperiment.simd

package recipe

// simdBuild reports whether this test binary was built with
// GOEXPERIMENT=simd (TestSameBytesVectorized).
const simdBuild = false
