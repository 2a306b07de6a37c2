package cpu

import (
	"testing"

	"github.com/synbols-gpu/synbols-gpu/engine/internal/paint"
	"github.com/synbols-gpu/synbols-gpu/internal/rng"
)

// TestNoiseIndex checks the folded hash of post against
// paint.NoiseKeyed for every index below 2¹⁶, over assorted keys.
func TestNoiseIndex(t *testing.T) {
	r := rng.New(12, 0)
	keys := []uint32{0, 1, 0xffff, 0x10000, 0xffffffff, 0x9e3779b9}
	for range 26 {
		keys = append(keys, r.Uint32())
	}
	for _, key := range keys {
		k := foldKey(key)
		for i := range uint32(1 << 16) {
			if got, want := paint.NoiseTable[noiseIndex(k, i)], paint.NoiseKeyed(key, i); got != want {
				t.Fatalf("key %#x index %d: folded hash gives %v, NoiseKeyed %v", key, i, got, want)
			}
		}
	}
}

// TestQuantize checks the branch-free quantize against a plain clip.
func TestQuantize(t *testing.T) {
	inf := float32(1) / float32(zero)
	nan := inf - inf
	vs := []float32{0, -0, 1, -1, 0.5, 1.0 / 255, 0.999999, 1.000001, 4.2e6, -4.2e6, 4.3e6, -4.3e6, 1e30, -1e30, inf, -inf, nan}
	for i := range 100000 {
		vs = append(vs, float32(i)/50000-0.5)
	}
	for _, v := range vs {
		want := uint8(0)
		switch c := v * 255; {
		case c >= 255:
			want = 255
		case c > 0:
			want = uint8(int(c))
		}
		if got := quantize(v); got != want {
			t.Errorf("quantize(%v) = %d, want %d", v, got, want)
		}
	}
}

var zero float32

// TestMinMax checks minMax against a plain scan, on painted-like values
// and on ones with negatives, signed zeros, infinities and NaNs.
func TestMinMax(t *testing.T) {
	inf := float32(1) / zero
	nan := inf - inf
	negz := -zero
	r := rng.New(15, 0)
	special := []float32{0, negz, -1, 2, inf, -inf, nan}
	for n := 1; n < 40; n++ {
		for trial := range 200 {
			vals := make([]float32, n)
			for i := range vals {
				vals[i] = float32(r.Float64())
				if trial%2 == 1 && r.Intn(4) == 0 {
					vals[i] = special[r.Intn(len(special))]
				}
			}
			l, h := vals[0], vals[0]
			for _, v := range vals[1:] {
				if v < l {
					l = v
				}
				if v > h {
					h = v
				}
			}
			gl, gh, _ := minMax(vals)
			// Equal, both NaN, or zeros of either sign.
			if !(gl == l || gl != gl && l != l) || !(gh == h || gh != gh && h != h) {
				t.Fatalf("minMax(%v) = %v, %v; want %v, %v", vals, gl, gh, l, h)
			}
		}
	}
}
