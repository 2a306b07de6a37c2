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
	bs, err := planResources(1000, 0, w, h, c, k, maskLayout{mode: masks.Symbols}, 1, budget, "")
	if err != nil || bs != 100 {
		t.Fatalf("symbols: batch %d, %v; want 100", bs, err)
	}
	bs, err = planResources(1000, 0, w, h, c, k, maskLayout{mode: masks.FlattenExceptFirst}, 1, budget, "")
	// Two more bytes a pixel: 100·sym/(sym+2px) samples.
	if want := int(100 * sym / (sym + 2*px)); err != nil || bs != want {
		t.Errorf("flatten_except_first: batch %d, %v; want %d", bs, err, want)
	}
	if _, err := planResources(1000, 100, w, h, c, k, maskLayout{mode: masks.Flatten}, 1, budget, ""); !errors.Is(err, ErrResources) {
		t.Errorf("asked batch of 100 in flatten mode: %v, want ErrResources", err)
	}
}

// TestBatchByBytes: without an asked batch size, a batch holds at most
// DefaultBatchBytes (and at most DefaultBatchSize samples), whatever the
// budget: the default 32×32 batch keeps its 4,096 samples, a 128×128
// scene with 49 mask channels gets a batch of under 100 samples.
func TestBatchByBytes(t *testing.T) {
	const budget = 1 << 40
	for _, tc := range []struct {
		w, h, c, k int
		ml         maskLayout
		lo, hi     int
	}{
		{32, 32, 3, 1, maskLayout{mode: masks.Symbols}, DefaultBatchSize, DefaultBatchSize},
		{128, 128, 3, 1, maskLayout{mode: masks.Symbols}, 900, 1100},
		{128, 128, 3, 49, maskLayout{mode: masks.Flatten}, 60, 100},
	} {
		bs, err := planResources(1_000_000, 0, tc.w, tc.h, tc.c, tc.k, tc.ml, 1, budget, "")
		if err != nil {
			t.Fatal(err)
		}
		held := float64(bs) * sampleBytes(tc.w, tc.h, tc.c, tc.k, tc.ml)
		if bs < tc.lo || bs > tc.hi || (bs < DefaultBatchSize && held > DefaultBatchBytes) {
			t.Errorf("%dx%d k=%d: batch %d (%.0f MiB), want %d..%d and at most %d MiB", tc.w, tc.h, tc.k, bs, held/(1<<20), tc.lo, tc.hi, DefaultBatchBytes>>20)
		}
		// An asked batch is taken as asked.
		if bs, err := planResources(1_000_000, 5000, tc.w, tc.h, tc.c, tc.k, tc.ml, 1, budget, ""); err != nil || bs != 5000 {
			t.Errorf("asked 5000: %d, %v", bs, err)
		}
	}
}
