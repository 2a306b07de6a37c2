package generate

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/engine/cpu"
	"github.com/synbols-gpu/synbols-gpu/internal/recipe"
	"github.com/synbols-gpu/synbols-gpu/output"
	"github.com/synbols-gpu/synbols-gpu/scene"
	"github.com/synbols-gpu/synbols-gpu/spec"
)

// collect runs a preset into a Sink and returns its records.
func collect(t *testing.T, name string, n, workers, batch int) []map[string]any {
	t.Helper()
	lib, at := env(t)
	sp, err := spec.Preset(name)
	if err != nil {
		t.Fatal(err)
	}
	var recs []map[string]any
	_, err = Run(context.Background(), Config{
		Name: name, Spec: sp, N: n, Seed: 9, Fonts: lib, SkipFontChecks: true, Atlas: at, Backend: cpu.New(workers),
		Workers: workers, BatchSize: batch,
		Sink: func(start int, s output.Samples) error {
			if start != len(recs) {
				t.Errorf("batch at %d after %d samples", start, len(recs))
			}
			for _, y := range s.Y {
				var r map[string]any
				if err := json.Unmarshal(y, &r); err != nil {
					return err
				}
				recs = append(recs, r)
			}
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// TestSelectOverlap: counting-overlap keeps only samples with
// overlap_score > 0, counting-no-overlap only those with 0, whatever the
// workers and batches (the selection is per sample index).
func TestSelectOverlap(t *testing.T) {
	for name, want := range map[string]bool{"counting-overlap": true, "counting-no-overlap": false} {
		a := collect(t, name, 40, 2, 16)
		b := collect(t, name, 40, 1, 40)
		for i := range a {
			o := a[i]["overlap_score"].(float64)
			if (o > 0) != want {
				t.Fatalf("%s: sample %d has overlap_score %g", name, i, o)
			}
			if a[i]["seed"] != b[i]["seed"] {
				t.Fatalf("%s: sample %d differs with other workers and batches", name, i)
			}
		}
	}
	// The selection draws later candidates: sample i of counting-overlap
	// is sample i of counting where that one overlaps.
	base := collect(t, "counting", 40, 2, 40)
	over := collect(t, "counting-overlap", 40, 2, 40)
	same := 0
	for i := range base {
		if base[i]["overlap_score"].(float64) > 0 {
			if base[i]["seed"] != over[i]["seed"] {
				t.Fatalf("sample %d overlaps in counting but counting-overlap drew another", i)
			}
			same++
		}
	}
	if same == 0 || same == len(base) {
		t.Fatalf("%d of %d counting samples overlap: the check above tested nothing", same, len(base))
	}
}

// TestLabelNoiseDrawsTrueChar: a label-noise sample is painted with the
// symbol it drew (true_char), not the recorded one.
func TestLabelNoiseDrawsTrueChar(t *testing.T) {
	lib, at := env(t)
	sp, err := spec.Preset("label-noise")
	if err != nil {
		t.Fatal(err)
	}
	u, err := Universe(sp, lib)
	if err != nil {
		t.Fatal(err)
	}
	sm, err := sp.Sampler(u)
	if err != nil {
		t.Fatal(err)
	}
	pl := &engine.Planner{Fonts: lib, Atlas: at}
	paint := func(s scene.Sample) []byte {
		b := engine.Batch{Width: 32, Height: 32, Channels: 3, MaskChannels: 1, Atlas: at}
		if err := pl.Plan(&s, &b); err != nil {
			t.Fatal(err)
		}
		out := engine.Output{X: make([]byte, 32*32*3), Mask: make([]byte, 32*32)}
		cpu.PaintImage(&b, 0, out)
		return out.Mask
	}
	checked := 0
	for i := 0; checked < 5 && i < 500; i++ {
		s := sm.Sample(1, i)
		y := s.Symbols[0]
		if y.TrueChar == "" {
			continue
		}
		clean := s
		clean.Symbols = []scene.Symbol{y}
		clean.Symbols[0].Char, clean.Symbols[0].TrueChar = y.TrueChar, ""
		wrong := s
		wrong.Symbols = []scene.Symbol{y}
		wrong.Symbols[0].TrueChar = ""
		got, want, other := paint(s), paint(clean), paint(wrong)
		if !bytes.Equal(got, want) || bytes.Equal(got, other) {
			t.Fatalf("sample %d (char %q, true %q): not painted as its true char", i, y.Char, y.TrueChar)
		}
		checked++
	}
	if checked < 5 {
		t.Fatalf("only %d label-noise samples in 500", checked)
	}
}

// TestRecipeSelects: internal/recipe plans a selecting spec as the
// generator does (the GPU tests and benchmarks plan with it), so the
// images of counting-overlap painted from recipe.Batch are the
// generator's, byte for byte.
func TestRecipeSelects(t *testing.T) {
	lib, at := env(t)
	sp, err := spec.Preset("counting-overlap")
	if err != nil {
		t.Fatal(err)
	}
	const n = 12
	var want []byte
	if _, err := Run(context.Background(), Config{Spec: sp, N: n, Seed: 3, Fonts: lib, Atlas: at, Backend: cpu.New(1), SkipFontChecks: true,
		Sink: func(_ int, s output.Samples) error { want = append(want, s.X...); return nil }}); err != nil {
		t.Fatal(err)
	}
	b, err := recipe.Batch(sp, lib, at, 3, 0, n)
	if err != nil {
		t.Fatal(err)
	}
	out := engine.Output{X: make([]byte, len(want)), Mask: make([]byte, n*128*128*b.MaskChannels)}
	if err := cpu.New(1).Paint(b, out); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.X, want) {
		t.Error("recipe.Batch's counting-overlap images differ from the generator's")
	}
}
