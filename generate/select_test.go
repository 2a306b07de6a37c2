package generate

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/engine/cpu"
	"github.com/synbols-gpu/synbols-gpu/output"
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
		Name: name, Spec: sp, N: n, Seed: 9, Fonts: lib, Atlas: at, Backend: cpu.New(workers),
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
