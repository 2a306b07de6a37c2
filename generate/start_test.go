package generate

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/engine/cpu"
	"github.com/synbols-gpu/synbols-gpu/output"
	"github.com/synbols-gpu/synbols-gpu/spec"
)

// sinkRows is what Sink received, one sample a row, keyed by the dataset
// index it was given.
type sinkRows struct {
	x, mask, sym, y map[int][]byte
}

func collectFrom(t *testing.T, preset string, start, n, batch int) (sinkRows, Layout) {
	t.Helper()
	lib, at := env(t)
	sp, err := spec.Preset(preset)
	if err != nil {
		t.Fatal(err)
	}
	rows := sinkRows{x: map[int][]byte{}, mask: map[int][]byte{}, sym: map[int][]byte{}, y: map[int][]byte{}}
	var lay Layout
	next := start
	_, err = Run(context.Background(), Config{
		Spec: sp, N: n, Start: start, Seed: 7,
		Fonts: lib, SkipFontChecks: true, Atlas: at, Backend: cpu.New(2), Workers: 2, BatchSize: batch,
		Begin: func(l Layout) error { lay = l; return nil },
		Sink: func(first int, s output.Samples) error {
			if first != next {
				t.Errorf("batch at %d, want %d", first, next)
			}
			m := len(s.Y)
			for j := range m {
				cut := func(b []byte) []byte { d := len(b) / m; return bytes.Clone(b[j*d : (j+1)*d]) }
				rows.x[first+j], rows.mask[first+j], rows.sym[first+j] = cut(s.X), cut(s.Mask), cut(s.SymbolMask)
				rows.y[first+j] = bytes.Clone(s.Y[j])
			}
			next = first + m
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if next != start+n {
		t.Fatalf("sink got samples up to %d, want %d", next, start+n)
	}
	return rows, lay
}

// TestStartSlice: a run from Start gives the Sink exactly the rows of a
// run from 0 — the samples, not only their count, at the indices a file
// holds them — whatever the batch boundaries (17 does not divide 30 or
// 50), for a one-symbol preset and a multi-symbol label-map one.
func TestStartSlice(t *testing.T) {
	for _, preset := range []string{"default", "counting"} {
		t.Run(preset, func(t *testing.T) {
			whole, lw := collectFrom(t, preset, 0, 50, 17)
			part, lp := collectFrom(t, preset, 30, 20, 8)
			if lw.FontPool != lp.FontPool || lw.Spec != lp.Spec || lw.Mask != lp.Mask {
				t.Errorf("layouts differ: %+v vs %+v", lw, lp)
			}
			for i := 30; i < 50; i++ {
				for name, m := range map[string][2]map[int][]byte{"x": {whole.x, part.x}, "mask": {whole.mask, part.mask}, "symbol_mask": {whole.sym, part.sym}, "y": {whole.y, part.y}} {
					if !bytes.Equal(m[0][i], m[1][i]) {
						t.Errorf("sample %d: %s differs", i, name)
					}
				}
			}
			// Not vacuous: neighbouring samples differ.
			if bytes.Equal(part.x[30], part.x[31]) {
				t.Error("samples 30 and 31 are the same image")
			}
		})
	}
}

// TestStartWithFile: a slice cannot be a file (its splits would not be the
// dataset's), and a negative start is refused; both before any file.
func TestStartWithFile(t *testing.T) {
	lib, at := env(t)
	sp, _ := spec.Preset("default")
	dir := t.TempDir()
	for name, cfg := range map[string]Config{
		"file":     {Out: filepath.Join(dir, "x.h5py"), Start: 10},
		"negative": {Start: -1},
	} {
		cfg.Spec, cfg.N, cfg.Fonts, cfg.SkipFontChecks, cfg.Atlas, cfg.Backend = sp, 10, lib, true, at, cpu.New(1)
		if _, err := Run(context.Background(), cfg); !errors.Is(err, ErrConfig) {
			t.Errorf("%s: %v, want ErrConfig", name, err)
		}
	}
	if ents, _ := filepath.Glob(filepath.Join(dir, "*")); len(ents) != 0 {
		t.Errorf("files left: %v", ents)
	}
}
