package engine_test

import (
	"math"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/internal/recipe"
	"github.com/synbols-gpu/synbols-gpu/internal/testenv"
	"github.com/synbols-gpu/synbols-gpu/spec"
)

// TestSubSamples: the grid side is 1 up to SubFrom texels per pixel, then
// ⌈tpp/SubTexels⌉ (at least 2), capped at MaxSub; NaN and non-positive
// inputs take one sample.
func TestSubSamples(t *testing.T) {
	for _, c := range []struct {
		tpp  float64
		want int
	}{
		{0, 1}, {-3, 1}, {math.NaN(), 1}, {1, 1}, {4, 1}, {engine.SubFrom, 1},
		{engine.SubFrom + 1e-9, 2}, {8, 2}, {8.01, 3}, {16, 4}, {16.5, 5}, {48, 12},
		{64, 16}, {1e9, engine.MaxSub}, {math.Inf(1), engine.MaxSub},
	} {
		if got := engine.SubSamples(c.tpp); got != c.want {
			t.Errorf("SubSamples(%g) = %d, want %d", c.tpp, got, c.want)
		}
	}
	// SubDistScale: 1/tpp for one sample and wherever the ramp is already
	// steep enough; raised where n samples of tpp/n texels each would
	// leave a saturated texel (−spread) with coverage > 0.
	if got := engine.SubDistScale(3, 1, 10, 8); got != 1.0/3 {
		t.Errorf("one sample: DistScale %g, want 1/3", got)
	}
	if got := engine.SubDistScale(12, 3, 1.5, 8); got != 1.0/12 {
		t.Errorf("3×3 at 12 texels: DistScale %g, want 1/12", got)
	}
	if got, want := engine.SubDistScale(480, 16, 1, 8), 1/(2*16*6.0); got != want {
		t.Errorf("16×16 at 480 texels: DistScale %g, want %g", got, want)
	}
}

// TestDefaultPresetKeepsOneSample: the default preset's symbols keep one
// sample per pixel, so its bytes are what they were before sub-sampling:
// none of 30,000 planned symbols at 64×64 and 128×128, and at 32×32 (where
// its scale's lognormal tail reaches past SubFrom) at most 1 in 10⁴ of
// 100,000 (measured: 4).
func TestDefaultPresetKeepsOneSample(t *testing.T) {
	lib, at := testenv.Embedded(t)
	for _, c := range []struct{ res, n, most int }{{32, 100000, 10}, {64, 30000, 0}, {128, 30000, 0}} {
		sp, err := spec.Preset("default")
		if err != nil {
			t.Fatal(err)
		}
		if err := sp.SetResolution(c.res, c.res); err != nil {
			t.Fatal(err)
		}
		sm, err := recipe.Sampler(sp, lib)
		if err != nil {
			t.Fatal(err)
		}
		pl := &engine.Planner{Fonts: lib, Atlas: at}
		var b engine.Batch
		sub, maxTPP := 0, 0.0
		for i := range c.n {
			s := sm.Sample(1, i)
			b.Images, b.Symbols, b.Layers = b.Images[:0], b.Symbols[:0], b.Layers[:0]
			if err = pl.Plan(&s, &b); err != nil {
				t.Fatal(err)
			}
			for _, y := range b.Symbols {
				if y.Sub > 1 {
					sub++
				} else {
					maxTPP = max(maxTPP, 1/float64(y.DistScale))
				}
			}
		}
		t.Logf("default %d×%d: %d of %d symbols sub-sampled; the others at most %.3f texels per pixel", c.res, c.res, sub, c.n, maxTPP)
		if sub > c.most {
			t.Errorf("default %d×%d: %d of %d symbols sub-sampled, more than %d", c.res, c.res, sub, c.n, c.most)
		}
	}
}
