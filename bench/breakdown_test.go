package bench

import (
	"bytes"
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/engine/cpu"
)

// TestBreakdown: each row carries its backend's Times over the painting
// measurement, and the table's breakdown columns line up with the header
// the way python/bench_stream.py splits them (runs of two or more
// spaces). A CPU row has only Paint, its cells "-"; a GPU row (llvmpipe in
// CI; absent without EGL elsewhere, as TestTableGPU checks) has measured
// compute, every share between 0% and 100%, and its Paint time is about
// the measurement's (at least the minimum time, at most twice it plus one
// batch's paint).
func TestBreakdown(t *testing.T) {
	_, lib, at := load(t, 16)
	var buf bytes.Buffer
	const minTime = 20 * time.Millisecond
	rows, err := Table(context.Background(), TableConfig{
		Dataset: "default", Sizes: []int{16}, Batch: 64, Samples: 100, MinTime: minTime,
		Dir: t.TempDir(), Fonts: lib, Atlas: at,
		Backends: []Opener{{Name: "cpu", Open: func() (engine.Backend, error) { return cpu.New(2), nil }}, gpuOpener},
	}, &buf)
	t.Logf("\n%s", buf.String())
	if err != nil {
		t.Fatal(err)
	}
	cols := regexp.MustCompile(`\s{2,}`)
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	head := -1
	for i, ln := range lines {
		if strings.Contains(ln, "painted images/s") {
			head = i
		}
	}
	if head < 0 || len(lines) != head+1+len(rows) {
		t.Fatalf("header at %d, %d lines for %d rows", head, len(lines), len(rows))
	}
	names := cols.Split(strings.TrimSpace(lines[head]), -1)
	if names[len(names)-1] != "copy wait" {
		t.Errorf("header %q does not end with the breakdown", names)
	}
	for i, r := range rows {
		cells := cols.Split(strings.TrimSpace(lines[head+1+i]), -1)
		if len(cells) != len(names) {
			t.Errorf("row %d: %d cells, header %d:\n%s", i, len(cells), len(names), buf.String())
			continue
		}
		if r.Times.Paints < 2 || r.Times.Images != r.Times.Paints*64 {
			t.Errorf("%s: %d Paints of %d images, want ≥ 2 (warm-up excluded) of 64 each", r.Backend, r.Times.Paints, r.Times.Images)
		}
		if r.Times.Paint < minTime*9/10 {
			t.Errorf("%s: Paint %v over a measurement of at least %v", r.Backend, r.Times.Paint, minTime)
		}
		tail := cells[len(cells)-6:]
		switch r.Backend {
		case "cpu":
			if r.Times.HasParts() || strings.Join(tail, " ") != "- - - - - -" {
				t.Errorf("cpu row: times %+v, cells %q", r.Times, tail)
			}
		case "gpu":
			if !r.Times.ComputeMeasured || r.Times.Compute <= 0 || r.Times.Compute > r.Times.Paint {
				t.Errorf("gpu row: compute %v of Paint %v (measured %v)", r.Times.Compute, r.Times.Paint, r.Times.ComputeMeasured)
			}
			for j, c := range tail {
				v, ok := strings.CutSuffix(c, "%")
				if n, err := strconv.Atoi(v); !ok || err != nil || n < 0 || n > 100 {
					t.Errorf("gpu row: %s cell %q, want a share 0%%..100%%", names[len(names)-6+j], c)
				}
			}
		}
	}
}
