package gpu

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/internal/gl"
)

// TestTimes: one Paint's Times on each read-back path, against the wall
// time measured around the call. Every part is positive where that path
// has it and at most Paint; the parts timed one after another on the
// context goroutine (upload, read-back wait, copy wait, and on the simple
// path the host copy too) sum to at most Paint; the device's compute time
// from the timer queries is positive and at most Paint (the device runs
// the dispatches one after another, within the call). A second Paint adds
// one Paint's worth (Sub). In CI (llvmpipe) the timer queries must work.
func TestTimes(t *testing.T) {
	g0 := backend(t)
	modes := []ReadBack{ReadBackSimple}
	if g0.ctx.BufferStorage() {
		modes = append(modes, ReadBackCopy, ReadBackMapped)
	}
	// 33×33 pads each image (p4 ≠ W·H), so the simple path copies on
	// the host too; 32×32 is read straight into the output.
	for _, res := range []int{32, 33} {
		b := plan(t, "default", res, 600, 5)
		for _, mode := range modes {
			g, err := New(Options{ReadBack: mode, SubBatch: 100})
			if err != nil {
				t.Fatal(err)
			}
			defer g.Close()
			if os.Getenv("CI") != "" && !g.TimerQueries() {
				t.Fatalf("%s: timer queries count no bits", g.Device())
			}
			out := newOutput(b)
			before := g.Times()
			t0 := time.Now()
			if err := g.Paint(b, out); err != nil {
				t.Fatal(err)
			}
			wall := time.Since(t0)
			tm := g.Times().Sub(before)
			t.Logf("%dx%d %v: wall %v, %+v", res, res, mode, wall, tm)
			if tm.Paints != 1 || tm.Images != len(b.Images) {
				t.Errorf("%v: %d paints of %d images, want 1 of %d", mode, tm.Paints, tm.Images, len(b.Images))
			}
			if tm.Paint <= 0 || tm.Paint > wall {
				t.Errorf("%v: Paint %v, outside (0, %v]", mode, tm.Paint, wall)
			}
			parts := map[string]time.Duration{"upload": tm.Upload, "read-back": tm.ReadBack}
			if mode != ReadBackSimple || res == 33 {
				parts["host copy"] = tm.HostCopy
			}
			if g.TimerQueries() {
				parts["compute"] = tm.Compute
				if !tm.ComputeMeasured {
					t.Errorf("%v: timer queries in use, ComputeMeasured false", mode)
				}
				if mode == ReadBackCopy {
					parts["transfer"] = tm.Transfer
				}
			}
			for name, d := range parts {
				if d <= 0 || d > tm.Paint {
					t.Errorf("%dx%d %v: %s %v, outside (0, Paint %v]", res, res, mode, name, d, tm.Paint)
				}
			}
			if mode != ReadBackCopy && tm.Transfer != 0 {
				t.Errorf("%v: transfer %v without a device-side copy", mode, tm.Transfer)
			}
			serial := tm.Upload + tm.ReadBack + tm.CopyWait
			if mode == ReadBackSimple {
				serial += tm.HostCopy
			}
			if serial > tm.Paint {
				t.Errorf("%v: upload + read-back + copy waits = %v > Paint %v", mode, serial, tm.Paint)
			}
			mid := g.Times()
			if err := g.Paint(b, out); err != nil {
				t.Fatal(err)
			}
			if d := g.Times().Sub(mid); d.Paints != 1 || d.Images != len(b.Images) || d.Paint <= 0 {
				t.Errorf("%v: second Paint adds %+v", mode, d)
			}
		}
	}
}

// TestTimesEmptyAndClosed: an empty batch is no Paint; a closed backend's
// failed Paint adds nothing either.
func TestTimesEmptyAndClosed(t *testing.T) {
	backend(t)
	g, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	b := plan(t, "default", 16, 4, 1)
	empty := *b
	empty.Images, empty.Symbols = nil, nil
	if err := g.Paint(&empty, engine.Output{}); err != nil {
		t.Fatal(err)
	}
	if tm := g.Times(); tm.Paints != 0 {
		t.Errorf("empty batch counted: %+v", tm)
	}
	g.Close()
	if err := g.Paint(b, newOutput(b)); !errors.Is(err, gl.ErrClosed) {
		t.Fatalf("Paint after Close: %v", err)
	}
	if tm := g.Times(); tm.Paints != 0 {
		t.Errorf("closed backend counted a Paint: %+v", tm)
	}
}

// TestQueryError: reading a timer query that never ran is a GL error
// carrying its name.
func TestQueryError(t *testing.T) {
	g := backend(t)
	err := g.ctx.Do(func() error {
		q := gl.NewQuery()
		defer q.Delete()
		_, err := q.Result()
		return err
	})
	if !errors.Is(err, gl.ErrGL) || !strings.Contains(err.Error(), "GL_INVALID_OPERATION") {
		t.Errorf("reading an unused query: %v, want gl.ErrGL with GL_INVALID_OPERATION", err)
	}
}

// TestTimesWhilePainting: Times may be read while Paint runs (run with
// -race to check the contract); readings never go backwards, and never
// show part of a Paint (images always a whole number of batches).
func TestTimesWhilePainting(t *testing.T) {
	backend(t)
	g, err := New(Options{SubBatch: 50})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	b := plan(t, "default", 16, 200, 2)
	done := make(chan struct{})
	bad := make(chan string, 1)
	go func() {
		defer close(bad)
		var last engine.Times
		for {
			select {
			case <-done:
				return
			default:
			}
			tm := g.Times()
			if tm.Paints < last.Paints || tm.Paint < last.Paint || tm.Images != tm.Paints*len(b.Images) {
				bad <- fmt.Sprintf("%+v after %+v", tm, last)
				return
			}
			last = tm
		}
	}()
	out := newOutput(b)
	for range 5 {
		if err := g.Paint(b, out); err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	if msg, ok := <-bad; ok {
		t.Error(msg)
	}
	if tm := g.Times(); tm.Paints != 5 {
		t.Errorf("%d Paints, want 5", tm.Paints)
	}
}
