package generate

import (
	"errors"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/masks"
)

// TestBudgetCountsMasks: the in-flight estimate counts the per-symbol
// masks always and the aggregated mask of a mode besides, so that a budget
// that fits a batch of per-symbol masks fits fewer samples in flatten
// mode, and an asked batch that no longer fits is refused.
func TestBudgetCountsMasks(t *testing.T) {
	const w, h, c, k = 64, 64, 3, 5
	px := float64(w * h)
	sym := sampleBytes(w, h, c, k, maskLayout{mode: masks.Symbols})
	if sym < px*(c+k) {
		t.Fatalf("sample %v bytes, less than its image and per-symbol masks %v", sym, px*(c+k))
	}
	for _, tc := range []struct {
		mode masks.Mode
		more float64
	}{{masks.Flatten, px}, {masks.FlattenExceptFirst, 2 * px}} {
		if got := sampleBytes(w, h, c, k, maskLayout{mode: tc.mode}); got-sym != tc.more {
			t.Errorf("%v: %v bytes more than per-symbol masks alone, want %v", tc.mode, got-sym, tc.more)
		}
	}
	// symbol_mask is the painter's buffer: no more memory, more file.
	if sampleBytes(w, h, c, k, maskLayout{mode: masks.Flatten, symbols: true}) != sampleBytes(w, h, c, k, maskLayout{mode: masks.Flatten}) {
		t.Error("symbol_mask counted twice in flight")
	}
	if a, b := minFileBytes(1000, w, h, c, k, maskLayout{mode: masks.Flatten}), minFileBytes(1000, w, h, c, k, maskLayout{mode: masks.Flatten, symbols: true}); b <= a {
		t.Errorf("file bound %v with symbol_mask, %v without", b, a)
	}

	// A budget of exactly 100 per-symbol samples in flight.
	budget := pipelineBatches*100*sym + 1000*perSampleColumnBytes
	bs, err := planResources(1000, 0, w, h, c, k, maskLayout{mode: masks.Symbols}, budget, "")
	if err != nil || bs != 100 {
		t.Fatalf("symbols: batch %d, %v; want 100", bs, err)
	}
	bs, err = planResources(1000, 0, w, h, c, k, maskLayout{mode: masks.FlattenExceptFirst}, budget, "")
	// Two more bytes a pixel: 100·sym/(sym+2px) samples.
	if want := int(100 * sym / (sym + 2*px)); err != nil || bs != want {
		t.Errorf("flatten_except_first: batch %d, %v; want %d", bs, err, want)
	}
	if _, err := planResources(1000, 100, w, h, c, k, maskLayout{mode: masks.Flatten}, budget, ""); !errors.Is(err, ErrResources) {
		t.Errorf("asked batch of 100 in flatten mode: %v, want ErrResources", err)
	}
}
