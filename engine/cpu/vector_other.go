//go:build !goexperiment.simd || !amd64 || go1.27

package cpu

// vectorized is false in this build: post's scalar loops do every value
// (see vector_amd64.go).
const vectorized = false

func minMaxBits([]int32) (lo, hi int32) { panic("cpu: no vector loops in this build") }

func postVector([]float32, []byte, float32, float32, float32, float32, float32, uint32, []uint32) int {
	panic("cpu: no vector loops in this build")
}
