package generate

import (
	"context"
	"math"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/engine/cpu"
	"github.com/synbols-gpu/synbols-gpu/output"
	"github.com/synbols-gpu/synbols-gpu/spec"
)

// maskStats runs n samples of a preset and calls f with each sample's
// mode mask and per-symbol mask.
func maskStats(t *testing.T, name string, n int, f func(mask, sym []byte)) {
	t.Helper()
	lib, at := env(t)
	sp, err := spec.Preset(name)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Run(context.Background(), Config{Name: name, Spec: sp, N: n, Seed: 11, Fonts: lib, SkipFontChecks: true, Atlas: at, Backend: cpu.New(2),
		Sink: func(start int, s output.Samples) error {
			k := len(s.Y)
			for i := range k {
				pm, ps := len(s.Mask)/k, len(s.SymbolMask)/k
				f(s.Mask[i*pm:(i+1)*pm], s.SymbolMask[i*ps:(i+1)*ps])
			}
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
}

func allZero(b []byte) bool {
	for _, v := range b {
		if v != 0 {
			return false
		}
	}
	return true
}

// TestPresetMasks checks the painted masks of the scene presets over
// 2,000 samples each, with 5σ bounds (σ = √(p(1−p)/n)): missing-symbol
// has an empty mask in 10% of the images; some-large-occlusion's
// occluder channel (the second of flatten_except_first) is non-empty in at
// most the 20% that draw an occluder, and in most of them.
func TestPresetMasks(t *testing.T) {
	const n = 2000
	bound := func(p float64) float64 { return 5 * math.Sqrt(p*(1-p)/n) }
	empty := 0
	maskStats(t, "missing-symbol", n, func(mask, _ []byte) {
		if allZero(mask) {
			empty++
		}
	})
	if got := float64(empty) / n; math.Abs(got-0.1) > bound(0.1) {
		t.Errorf("missing-symbol: %.3f of the masks empty, want 0.1 ± %.3f", got, bound(0.1))
	}
	occluded := 0
	maskStats(t, "some-large-occlusion", n, func(mask, _ []byte) {
		// (H, W, 2): channel 1 is the occluders' label map.
		for p := 1; p < len(mask); p += 2 {
			if mask[p] != 0 {
				occluded++
				return
			}
		}
	})
	// An occluder translated up to ±3 can fall outside the image: the
	// share in the image is at most 0.2 and, measured, about two thirds
	// of it.
	if got := float64(occluded) / n; got > 0.2+bound(0.2) || got < 0.05 {
		t.Errorf("some-large-occlusion: %.3f of the images show an occluder, want in [0.05, 0.2 + %.3f]", got, bound(0.2))
	}
}
