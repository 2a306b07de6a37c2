package cpu

import (
	"testing"
	"time"

	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/internal/rng"
	"github.com/synbols-gpu/synbols-gpu/scene"
)

// TestTimes: the CPU backend counts its Paint calls, their images and
// their wall time (positive, at most the time measured around the calls),
// and reports none of the GPU's parts; a failed Check is no Paint.
func TestTimes(t *testing.T) {
	_, _, fams := env(t)
	r := rng.New(3, 0)
	var ss []scene.Sample
	for range 50 {
		ss = append(ss, randomSample(&r, fams, 24, 0.9))
	}
	b, out := paintSamples(t, 2, ss...)
	be := New(2)
	var tr engine.Timer = be
	t0 := time.Now()
	for range 3 {
		if err := be.Paint(b, out); err != nil {
			t.Fatal(err)
		}
	}
	wall := time.Since(t0)
	tm := tr.Times()
	if tm.Paints != 3 || tm.Images != 3*len(ss) || tm.Paint <= 0 || tm.Paint > wall {
		t.Errorf("times %+v after 3 Paints of %d images in %v", tm, len(ss), wall)
	}
	if rest := tm.Upload + tm.Compute + tm.Transfer + tm.ReadBack + tm.HostCopy + tm.CopyWait; rest != 0 || tm.ComputeMeasured {
		t.Errorf("CPU backend reports GPU parts: %+v", tm)
	}
	if err := be.Paint(b, engine.Output{}); err == nil {
		t.Fatal("Paint into an empty Output succeeded")
	}
	if d := be.Times().Sub(tm); d != (engine.Times{}) {
		t.Errorf("a refused Paint added %+v", d)
	}
}
