package generate

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/engine/cpu"
	"github.com/synbols-gpu/synbols-gpu/internal/hdf5"
	"github.com/synbols-gpu/synbols-gpu/output"
	"github.com/synbols-gpu/synbols-gpu/spec"
)

// TestResumeRun: a run cancelled (through Progress, at a fixed point)
// after its checkpoints returns a *SuspendedError keeping a whole number
// of y's chunks, leaves nothing at Out, and a run with Resume makes the
// rest: x, y, the coded columns and the splits equal an uninterrupted
// run's.
func TestResumeRun(t *testing.T) {
	lib, at := env(t)
	sp, err := spec.Preset("default")
	if err != nil {
		t.Fatal(err)
	}
	const n = 6000
	cfg := func(out string) Config {
		return Config{Spec: sp, N: n, Seed: 2, Out: out, Preview: true, Checkpoint: 1,
			Fonts: lib, SkipFontChecks: true, Atlas: at, Backend: cpu.New(1), BatchSize: 256}
	}
	dir := t.TempDir()
	ref, out := filepath.Join(dir, "ref.h5py"), filepath.Join(dir, "out.h5py")
	if _, err := Run(context.Background(), cfg(ref)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	c := cfg(out)
	c.Progress = func(done int) {
		if done >= 4000 {
			cancel()
		}
	}
	_, err = Run(ctx, c)
	var se *SuspendedError
	if !errors.As(err, &se) || !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled run: %v, want a SuspendedError", err)
	}
	// y's chunk is 1,030 (103 of x's 10-sample chunks at 32×32×3).
	if se.Done < 1030 || se.Done%1030 != 0 || se.Done > 4096 || se.N != n {
		t.Fatalf("kept %d of %d", se.Done, se.N)
	}
	if _, err := os.Lstat(out); err == nil {
		t.Fatal("the cancelled run left its output")
	}
	c = cfg(out)
	c.Resume = true
	res, err := Run(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	if res.Resumed != se.Done {
		t.Errorf("Resumed %d, want %d", res.Resumed, se.Done)
	}
	a, err := hdf5.Open(ref)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := hdf5.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	for _, name := range []string{"x", "mask", "attr/char", "attr/font", "attr/symbol_char", "split/random", "split/stratified_char", "split/compositional_char_font", "y", "attr/char_values", "attr/font_values"} {
		da, err := a.OpenDataset(name)
		if err != nil {
			t.Fatal(err)
		}
		db, err := b.OpenDataset(name)
		if err != nil {
			t.Fatal(err)
		}
		dims := da.Dims()
		start := make([]uint64, len(dims))
		if da.IsString() {
			sa, err1 := da.ReadStrings(0, dims[0])
			sb, err2 := db.ReadStrings(0, dims[0])
			if err1 != nil || err2 != nil || len(sa) != len(sb) {
				t.Fatalf("%s: %v %v", name, err1, err2)
			}
			for i := range sa {
				if sa[i] != sb[i] {
					t.Fatalf("%s[%d] differs: %q vs %q", name, i, sa[i], sb[i])
				}
			}
			continue
		}
		var ga, gb any
		if da.Type() == output.Int32 {
			ga, err = da.ReadInt32(start, dims)
			if err == nil {
				gb, err = db.ReadInt32(start, dims)
			}
		} else {
			ga, err = da.ReadUint8(start, dims)
			if err == nil {
				gb, err = db.ReadUint8(start, dims)
			}
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !equalAny(ga, gb) {
			t.Errorf("%s differs between the resumed and the uninterrupted run", name)
		}
	}
	pa, _ := os.ReadFile(PreviewPath(ref))
	pb, _ := os.ReadFile(PreviewPath(out))
	if len(pa) == 0 || string(pa) != string(pb) {
		t.Error("previews differ")
	}
}

func equalAny(a, b any) bool {
	switch a := a.(type) {
	case []int32:
		b := b.([]int32)
		if len(a) != len(b) {
			return false
		}
		for i := range a {
			if a[i] != b[i] {
				return false
			}
		}
		return true
	case []byte:
		return string(a) == string(b.([]byte))
	}
	return false
}
