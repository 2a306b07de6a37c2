package paint

import (
	"github.com/synbols-gpu/synbols-gpu/internal/detmath"
	"math"

	"github.com/synbols-gpu/synbols-gpu/internal/rng"
)

// NoiseBits is how many hash bits index NoiseTable.
const NoiseBits = 12

// NoiseTable holds the 2^NoiseBits midpoint quantiles of the standard normal
// distribution: Φ⁻¹((k + ½) / 2^NoiseBits). A painter draws one normal
// deviate per value as NoiseTable[Hash(seed, index) >> (32 − NoiseBits)].
// A table look-up costs one hash and one load where Box–Muller costs a log,
// a square root and a cosine per value, and it is bit-identical in Go and
// GLSL (the GPU backend uploads this very table). The deviates are exact
// quantiles, truncated at ±3.7σ; the pixel noise is then quantised to
// 8 bits, far coarser than the 1/4096 quantile steps.
var NoiseTable = func() []float32 {
	n := 1 << NoiseBits
	t := make([]float32, n)
	for k := range t {
		p := float64((float64(k) + 0.5) / float64(n))
		t[k] = float32(math.Sqrt2 * detmath.Erfinv(2*p-1))
	}
	return t
}()

// Noise returns the standard normal deviate of value index in the noise
// sequence keyed by seed.
func Noise(seed, index uint32) float32 {
	return NoiseKeyed(rng.Key(seed), index)
}

// NoiseKeyed is Noise(seed, index) given key = rng.Key(seed), computed once
// per image.
func NoiseKeyed(key, index uint32) float32 {
	return NoiseTable[rng.HashKeyed(key, index)>>(32-NoiseBits)]
}
