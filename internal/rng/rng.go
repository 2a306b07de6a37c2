// Package rng is the project's counter-based randomness.
//
// Every random choice of sample i is drawn from a Stream keyed by
// (dataset seed, i), so a sample depends only on (spec, seed, i): not on the
// order in which samples are drawn, the number of workers, the batch size or
// the shard. Randomness inside painting (pixel noise) uses Hash, a stateless
// 32-bit hash written identically in Go and in GLSL (shaders/), because GLSL
// 4.30 has no 64-bit integers.
package rng

import (
	"math"

	"github.com/synbols-gpu/synbols-gpu/internal/detmath"
)

// Stream is a SplitMix64 generator. It is a value type: copying it forks the
// stream. A Stream is not safe for concurrent use; each goroutine keeps its own.
type Stream struct{ s uint64 }

// New returns the stream for element index of the sequence keyed by seed.
// Distinct (seed, index) pairs give statistically independent streams: the
// pair is mixed through two rounds of the SplitMix64 finaliser.
func New(seed, index uint64) Stream {
	return Stream{s: Mix64(Mix64(seed^0x5851f42d4c957f2d) ^ index)}
}

// Mix64 is the SplitMix64 finaliser, a bijective 64-bit mixer.
func Mix64(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// Uint64 returns the next 64 random bits.
func (r *Stream) Uint64() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// Uint32 returns the next 32 random bits.
func (r *Stream) Uint32() uint32 { return uint32(r.Uint64() >> 32) }

// Float64 returns a uniform value in [0, 1) with 53 random bits.
func (r *Stream) Float64() float64 { return float64(float64(r.Uint64()>>11) * (1.0 / (1 << 53))) }

// Uniform returns a uniform value in [lo, hi).
func (r *Stream) Uniform(lo, hi float64) float64 { return lo + float64((hi-lo)*r.Float64()) }

// Intn returns a uniform integer in [0, n). n must be > 0. It uses Lemire's
// multiply-shift with rejection, so it is exactly uniform.
func (r *Stream) Intn(n int) int {
	if n <= 0 {
		panic("rng: Intn with n <= 0")
	}
	un := uint64(n)
	for {
		v := r.Uint64()
		hi, lo := mul64(v, un)
		if lo >= un || lo >= (-un)%un {
			return int(hi)
		}
	}
}

func mul64(a, b uint64) (hi, lo uint64) {
	const mask32 = 1<<32 - 1
	a0, a1 := a&mask32, a>>32
	b0, b1 := b&mask32, b>>32
	w0 := a0 * b0
	t := a1*b0 + w0>>32
	w1 := t&mask32 + a0*b1
	hi = a1*b1 + t>>32 + w1>>32
	lo = a * b
	return
}

// NormalBound is the largest magnitude Normal can return: the radius
// sqrt(−2·ln u1) is largest for the smallest u1, 2^−53 (Float64 has 53
// bits), which gives sqrt(106·ln 2) ≈ 8.5718. Range checks use it to know
// exactly which values a normal distribution can draw.
const NormalBound = 8.5716744 // rounded up

// Normal returns a standard normal deviate (Box–Muller; one value per call,
// so the number of draws per sample does not depend on parity).
func (r *Stream) Normal() float64 {
	u1 := 1 - float64(r.Float64()) // (0, 1]: log is finite
	u2 := r.Float64()
	return math.Sqrt(-2*detmath.Log(u1)) * detmath.Cos(2*math.Pi*u2)
}

// Bernoulli returns true with probability p.
func (r *Stream) Bernoulli(p float64) bool { return r.Float64() < p }

// Hash is lowbias32 (Chris Wellons' hash-prospector), keyed: the stateless
// per-element hash used inside painters. The GLSL twin lives in shaders/.
func Hash(seed, index uint32) uint32 {
	return HashKeyed(Key(seed), index)
}

// Key is the part of Hash that depends on the seed alone: painters compute
// it once per image and call HashKeyed per value.
func Key(seed uint32) uint32 { return lowbias32(seed ^ 0x9e3779b9) }

// HashKeyed is Hash(seed, index) given Key(seed).
func HashKeyed(key, index uint32) uint32 { return lowbias32(index ^ key) }

func lowbias32(x uint32) uint32 {
	x ^= x >> 16
	x *= 0x7feb352d
	x ^= x >> 15
	x *= 0x846ca68b
	x ^= x >> 16
	return x
}
