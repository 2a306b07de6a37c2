//go:build !goexperiment.simd || !amd64 || go1.27

package cpu

import (
	"github.com/synbols-gpu/synbols-gpu/atlas"
	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/engine/internal/paint"
)

// vectorized is false in this build: post's scalar loops do every value
// (see vector_amd64.go).
const vectorized = false

func minMaxBits([]int32) (lo, hi int32) { panic("cpu: no vector loops in this build") }

func postVector([]float32, []byte, float32, float32, float32, float32, float32, uint32, []uint32) int {
	panic("cpu: no vector loops in this build")
}

// coverScratch is oneCoveredVector's scratch: none in this build.
type coverScratch struct{}

func (*painter) oneCoveredVector(*engine.Symbol, *atlas.Glyph, int, []byte, []coveredPixel, int, int, int, int) int {
	panic("cpu: no vector loops in this build")
}

func (*painter) symbolRows(*engine.Symbol, *atlas.Glyph, *paint.Fill, int, []byte, int, int, int, int, float32) {
	panic("cpu: no vector loops in this build")
}
