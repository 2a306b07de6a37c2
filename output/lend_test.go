package output

import (
	"bytes"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/internal/hdf5"
)

// TestLentBuffers: with Samples.Release the Writer writes whole chunks
// from the caller's buffers (Stats.Borrowed), calls Release exactly once
// per call, and reads them no more after it: each call's buffers are
// overwritten as soon as Release comes, and the file still holds the
// samples as written. Batches of 37 samples against chunks of 10 leave
// partial chunks at both ends of most calls, which are copied.
func TestLentBuffers(t *testing.T) {
	const n, h, w, c, k, cs, batch = 1000, 8, 8, 3, 1, 10, 37
	x, m, y := sample(n, h, w, c, k, 7)
	path := filepath.Join(t.TempDir(), "l.h5py")
	wr, err := Create(Options{Path: path, N: n, H: h, W: w, C: c, K: k, ChunkSamples: cs, Workers: 2})
	must(t, err)
	var calls, released atomic.Int32
	for s := 0; s < n; s += batch {
		e := min(s+batch, n)
		// Copies the test owns, wiped on Release.
		bx := bytes.Clone(x[s*h*w*c : e*h*w*c])
		bm := bytes.Clone(m[s*h*w*k : e*h*w*k])
		var once atomic.Int32
		calls.Add(1)
		must(t, wr.WriteSamples(Samples{X: bx, Mask: bm, Y: y[s:e], Release: func() {
			if once.Add(1) != 1 {
				t.Errorf("Release of samples %d–%d called twice", s, e)
			}
			for i := range bx {
				bx[i] = 0xa5
			}
			for i := range bm {
				bm[i] = 0xa5
			}
			released.Add(1)
		}}))
	}
	st := wr.Stats()
	must(t, wr.Close())
	if released.Load() != calls.Load() {
		t.Errorf("Release called %d times for %d calls", released.Load(), calls.Load())
	}
	if st.Borrowed == 0 || st.Borrowed >= st.Chunks {
		t.Errorf("%d of %d chunks borrowed; want most but not all (the batches straddle chunks)", st.Borrowed, st.Chunks)
	}
	f, err := hdf5.Open(path)
	must(t, err)
	defer f.Close()
	for _, d := range []struct {
		name string
		want []byte
		ch   int
	}{{"x", x, c}, {"mask", m, k}} {
		ds, err := f.OpenDataset(d.name)
		must(t, err)
		got, err := ds.ReadUint8([]uint64{0, 0, 0, 0}, []uint64{n, h, w, uint64(d.ch)})
		must(t, err)
		if !bytes.Equal(got, d.want) {
			t.Errorf("%s differs from what was written: a chunk was read after its Release", d.name)
		}
	}
}

// TestLentBuffersFailed: a call refused for bad input still calls Release.
func TestLentBuffersFailed(t *testing.T) {
	wr, err := Create(Options{Path: filepath.Join(t.TempDir(), "f.h5py"), N: 10, H: 2, W: 2, C: 1, K: 1})
	must(t, err)
	defer wr.Abort()
	released := 0
	if err := wr.WriteSamples(Samples{X: make([]byte, 3), Mask: make([]byte, 4), Y: [][]byte{[]byte("{}")}, Release: func() { released++ }}); err == nil {
		t.Fatal("3 bytes of x for a 2×2×1 sample accepted")
	}
	if released != 1 {
		t.Errorf("Release called %d times after a refused call, want 1", released)
	}
}

// TestReleaseEveryFormat: every format's writer calls Samples.Release
// exactly once per call, by Close at the latest (the npz and wds writers,
// which copy, before WriteSamples returns), so a caller recycling its
// buffers on Release gets them all back whatever the format.
func TestReleaseEveryFormat(t *testing.T) {
	const n, h, w, c, k, batch = 200, 4, 4, 3, 1, 30
	x, m, y := sample(n, h, w, c, k, 3)
	for _, f := range Formats {
		dir := t.TempDir()
		wr, err := Open(f, Options{Path: filepath.Join(dir, "r."+string(f)), N: n, H: h, W: w, C: c, K: k, ChunkSamples: 10})
		must(t, err)
		var released atomic.Int32
		calls := 0
		for s := 0; s < n; s += batch {
			e := min(s+batch, n)
			calls++
			must(t, wr.WriteSamples(Samples{X: x[s*h*w*c : e*h*w*c], Mask: m[s*h*w*k : e*h*w*k], Y: y[s:e],
				Release: func() { released.Add(1) }}))
			if f != FormatH5 && int(released.Load()) != calls {
				t.Errorf("%s: %d releases after %d calls; a copying writer releases before returning", f, released.Load(), calls)
			}
		}
		must(t, wr.Close())
		if int(released.Load()) != calls {
			t.Errorf("%s: %d releases for %d calls after Close", f, released.Load(), calls)
		}
	}
}
