package generate

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/engine/cpu"
	"github.com/synbols-gpu/synbols-gpu/spec"
)

// TestPaintParts: the paint stage's sub-rows follow its row. On the CPU
// backend there is one, the time inside Paint, at most the stage's busy
// time; on the GPU backend (llvmpipe in CI) the parts follow, each at
// most the time inside Paint, GPU compute measured and positive. The
// backend is used for a second run so the rows are the run's own (the
// difference of its Times), not the backend's life.
func TestPaintParts(t *testing.T) {
	lib, at := env(t)
	run := func(be engine.Backend) Result {
		sp, err := spec.Preset("default")
		if err != nil {
			t.Fatal(err)
		}
		res, err := Run(context.Background(), Config{Name: "default", Spec: sp, N: 600, Seed: 3,
			Fonts: lib, SkipFontChecks: true, Atlas: at, Backend: be, BatchSize: 256, Workers: 2})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	rows := func(res Result) (paint Stage, parts map[string]Stage) {
		parts = map[string]Stage{}
		for i, st := range res.Stages {
			if strings.HasPrefix(st.Name, "paint (") {
				paint = st
				for _, p := range res.Stages[i+1:] {
					if !strings.HasPrefix(p.Name, "  ") {
						break
					}
					parts[strings.TrimLeft(p.Name, " ·")] = p
				}
			}
		}
		return paint, parts
	}
	check := func(name string, res Result, want []string) map[string]Stage {
		paint, parts := rows(res)
		in := parts["in Paint (the backend's own time)"]
		if in.Busy <= 0 || in.Busy > paint.Busy {
			t.Errorf("%s: in Paint %v, paint stage %v: %+v", name, in.Busy, paint.Busy, res.Stages)
		}
		if !strings.Contains(in.Note, "3 calls") { // 600 samples in batches of 256
			t.Errorf("%s: in Paint note %q, want 3 calls", name, in.Note)
		}
		if len(parts) != len(want) {
			t.Errorf("%s: sub-rows %v, want %v", name, stageNames(parts), want)
		}
		for _, w := range want {
			p, ok := parts[w]
			if !ok {
				t.Errorf("%s: no sub-row %q in %v", name, w, stageNames(parts))
			}
			if p.Busy < 0 || p.Busy > in.Busy+time.Millisecond {
				t.Errorf("%s: %s %v outside [0, in Paint %v]", name, w, p.Busy, in.Busy)
			}
		}
		return parts
	}
	c := cpu.New(2)
	run(c)
	check("cpu", run(c), []string{"in Paint (the backend's own time)"})

	g := openGPU(t)
	run(g)
	want := []string{"in Paint (the backend's own time)", "upload (records, atlas, pool)", "GPU compute (timer queries)",
		"read-back wait (fences, downloads)", "host copy out of mapped memory", "Paint waiting for host copies"}
	if g.ReadBack().String() == "copy" {
		want = append(want, "device copy to mapped memory")
	}
	parts := check("gpu", run(g), want)
	if !g.TimerQueries() {
		t.Logf("%s: no timer queries", g.Device())
	} else if parts["GPU compute (timer queries)"].Busy <= 0 {
		t.Errorf("gpu: GPU compute %+v, want > 0", parts["GPU compute (timer queries)"])
	}
}

func stageNames(m map[string]Stage) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}
