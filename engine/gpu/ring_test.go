package gpu

import (
	"bytes"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/engine/cpu"
)

// ringBackend is a fresh pipelined backend with small sub-batches, so that
// every call wraps the ring.
func ringBackend(t *testing.T, sub int) *Backend {
	t.Helper()
	backend(t) // skip without EGL (CI fails instead)
	g, err := New(Options{SubBatch: sub})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Close() })
	if g.ReadBack() == ReadBackSimple {
		t.Skip("no glBufferStorage here")
	}
	return g
}

// cpuPaint is b painted by the CPU backend.
func cpuPaint(t *testing.T, b *engine.Batch) engine.Output {
	t.Helper()
	want := newOutput(b)
	if err := cpu.New(0).Paint(b, want); err != nil {
		t.Fatal(err)
	}
	return want
}

// TestConcurrentPaints: two goroutines paint eight batches each (of
// several shapes, so that calls in flight together differ in programs,
// scratch and mask channels) through one backend. Every call's bytes are
// the CPU's, and the ring was carried across calls: some call's last
// sub-batch was retired by the next call.
func TestConcurrentPaints(t *testing.T) {
	g := ringBackend(t, 48)
	batches := []*engine.Batch{
		plan(t, "default", 32, 150, 1),
		plan(t, "default", 64, 70, 2),
		plan(t, "tiny", 8, 200, 3),
		planCrowded(t, 20, 4),
	}
	wants := make([]engine.Output, len(batches))
	for i, b := range batches {
		wants[i] = cpuPaint(t, b)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for w := range 2 {
		wg.Go(func() {
			for i := range 8 {
				k := (i + w) % len(batches)
				got := newOutput(batches[k])
				fill(got.X, 0xa5)
				fill(got.Mask, 0xa5)
				if err := g.Paint(batches[k], got); err != nil {
					errs <- err
					return
				}
				if !bytes.Equal(got.X, wants[k].X) || !bytes.Equal(got.Mask, wants[k].Mask) {
					errs <- errors.New("a call's bytes differ from the CPU's")
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	tm := g.Times()
	if tm.Paints != 16 {
		t.Errorf("Times: %d Paints, want 16", tm.Paints)
	}
	var h int
	g.ctx.Do(func() error { h = g.handoffs; return nil })
	if h == 0 {
		t.Errorf("no call's tail was retired by the next call in 16 overlapping calls")
	}
	t.Logf("%d of 16 calls handed their tail on", h)
}

func fill(b []byte, v byte) {
	for i := range b {
		b[i] = v
	}
}

// leaveTail starts painting b on g as if another call waited for the ring,
// so that the call leaves its last sub-batch as the ring's tail, and
// returns once it has. The call's result arrives on the channel when the
// tail is retired.
func leaveTail(t *testing.T, g *Backend, b *engine.Batch, out engine.Output) <-chan error {
	t.Helper()
	g.waiters.Add(1)
	done := make(chan error, 1)
	go func() { done <- g.Paint(b, out) }()
	deadline := time.Now().Add(time.Minute)
	for {
		var left bool
		g.ctx.Do(func() error { left = g.tail != nil; return nil })
		if left {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the call left no tail in a minute")
		}
		time.Sleep(time.Millisecond)
	}
	g.waiters.Add(-1)
	select {
	case err := <-done:
		t.Fatalf("the call returned (%v) with its tail unretired", err)
	case <-time.After(50 * time.Millisecond):
	}
	return done
}

// TestTailAfterFailedCall: a call that fails on the device after another
// call left its tail still gives that call its bytes, and the ring paints
// on afterwards.
func TestTailAfterFailedCall(t *testing.T) {
	g := ringBackend(t, 40)
	a, bad := plan(t, "default", 32, 130, 5), plan(t, "default", 32, 90, 6)
	want := cpuPaint(t, a)
	got := newOutput(a)
	done := leaveTail(t, g, a, got)
	injected := errors.New("injected device error")
	syncHook = func(b *engine.Batch) error {
		if b == bad {
			return injected
		}
		return nil
	}
	defer func() { syncHook = nil }()
	if err := g.Paint(bad, newOutput(bad)); !errors.Is(err, injected) {
		t.Errorf("failing call: %v, want the injected error", err)
	}
	if err := <-done; err != nil {
		t.Fatalf("the call whose tail was pending: %v", err)
	}
	if !bytes.Equal(got.X, want.X) || !bytes.Equal(got.Mask, want.Mask) {
		t.Errorf("the call whose tail was pending: bytes differ from the CPU's")
	}
	again := newOutput(a)
	if err := g.Paint(a, again); err != nil || !bytes.Equal(again.X, want.X) || !bytes.Equal(again.Mask, want.Mask) {
		t.Errorf("after the failed call: %v, or bytes differ", err)
	}
}

// TestCloseRetiresTail: Close with a call's tail still in the ring gives
// the call its bytes before the context goes.
func TestCloseRetiresTail(t *testing.T) {
	g := ringBackend(t, 40)
	a := plan(t, "default", 32, 100, 7)
	want := cpuPaint(t, a)
	got := newOutput(a)
	done := leaveTail(t, g, a, got)
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("the call whose tail was pending at Close: %v", err)
	}
	if !bytes.Equal(got.X, want.X) || !bytes.Equal(got.Mask, want.Mask) {
		t.Errorf("the call whose tail was pending at Close: bytes differ from the CPU's")
	}
	if err := g.Paint(a, newOutput(a)); err == nil {
		t.Errorf("Paint after Close succeeded")
	}
}

// TestRoundingCorrections: with every division and square root of the
// shader starting two ulps off (roundingTest), the exact corrections
// (integer midpoint tests, double residuals outside the normal range)
// still give the CPU's bytes: linear and radial gradients (default), grey
// means (default-bw), sub-sampled coverage (minified symbols), layered,
// camouflage and image patterns, at 32×32 and 64×64 (pixel state in
// registers) and 128×128 (in the scratch buffer). llvmpipe's own
// divisions are correctly rounded, so without roundingTest the
// corrections have nothing to correct there.
func TestRoundingCorrections(t *testing.T) {
	backend(t)
	batches := map[string]*engine.Batch{
		"default 32":     plan(t, "default", 32, 150, 11),
		"default 128":    plan(t, "default", 128, 20, 12),
		"default-bw 64":  plan(t, "default-bw", 64, 40, 13),
		"minified 32":    planMinified(t, 32, 100, 4, 0.002, 0.15, 14),
		"patterns 32":    planPatterns(t, 32, 48, 2, 15),
		"camouflage 24":  plan(t, "camouflage", 24, 30, 16),
		"default 33 odd": plan(t, "default", 33, 30, 17),
	}
	for _, r := range []Rounding{RoundingInteger, RoundingDouble} {
		roundingTest = true
		g, err := New(Options{Rounding: r})
		roundingTest = false
		if err != nil {
			t.Fatal(err)
		}
		defer g.Close()
		for name, b := range batches {
			want, got := paintBoth(t, g, b)
			wx, dx := compare(want.X, got.X)
			wm, dm := compare(want.Mask, got.Mask)
			if dx != 0 || dm != 0 {
				t.Errorf("%s, %v rounding: with candidates two ulps off, GPU differs from CPU: X %d values (worst %d levels), mask %d values (worst %d)", name, r, dx, wx, dm, wm)
			}
		}
	}
}
