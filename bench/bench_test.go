package bench

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/synbols-gpu/synbols-gpu/atlas"
	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/engine/cpu"
	"github.com/synbols-gpu/synbols-gpu/engine/gpu"
	"github.com/synbols-gpu/synbols-gpu/fonts"
	"github.com/synbols-gpu/synbols-gpu/internal/gl"
	"github.com/synbols-gpu/synbols-gpu/spec"
)

func load(tb testing.TB, res int) (*spec.Spec, *fonts.Library, *atlas.Atlas) {
	tb.Helper()
	sp, err := spec.Preset("default")
	if err != nil {
		tb.Fatal(err)
	}
	if err := sp.SetResolution(res, res); err != nil {
		tb.Fatal(err)
	}
	lib, err := fonts.Load(fonts.Options{Embedded: true})
	if err != nil {
		tb.Fatal(err)
	}
	at, err := atlas.New(atlas.DefaultParams(), "")
	if err != nil {
		tb.Fatal(err)
	}
	return sp, lib, at
}

// benchPaint paints a planned batch of 4096 default samples on all cores.
func benchPaint(b *testing.B, res int) {
	sp, lib, at := load(b, res)
	batch, err := Plan(sp, lib, at, 1, 4096)
	if err != nil {
		b.Fatal(err)
	}
	out := NewOutput(batch)
	be := cpu.New(0)
	for b.Loop() {
		if err := be.Paint(batch, out); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(batch.Images))/b.Elapsed().Seconds(), "images/s")
}

func BenchmarkPaintCPU32(b *testing.B)  { benchPaint(b, 32) }
func BenchmarkPaintCPU64(b *testing.B)  { benchPaint(b, 64) }
func BenchmarkPaintCPU128(b *testing.B) { benchPaint(b, 128) }

// BenchmarkEndToEnd32 runs sample → plan → paint → compressed HDF5 file for
// 20,000 default 32×32 samples per iteration.
func BenchmarkEndToEnd32(b *testing.B) {
	sp, lib, at := load(b, 32)
	dir := b.TempDir()
	for b.Loop() {
		if _, err := Measure(context.Background(), cpu.New(0), sp, lib, at, 4096, 20000, time.Millisecond, dir); err != nil {
			b.Fatal(err)
		}
	}
}

// TestMeasure checks the harness itself on a small run: both rates are
// positive and the file has about the expected size.
func TestMeasure(t *testing.T) {
	sp, lib, at := load(t, 32)
	dir := t.TempDir()
	row, err := Measure(context.Background(), cpu.New(2), sp, lib, at, 256, 1000, 10*time.Millisecond, dir)
	if err != nil {
		t.Fatal(err)
	}
	if row.PaintRate <= 0 || row.EndToEndRate <= 0 || row.NoFileRate <= 0 || row.WriteRate <= 0 || row.Backend != "cpu" || row.Width != 32 {
		t.Fatalf("row %+v", row)
	}
	// Nothing is left in the folder: the run's file and the write-alone
	// file are removed.
	if left, err := os.ReadDir(dir); err != nil || len(left) != 0 {
		t.Errorf("left in %s: %v (%v)", dir, left, err)
	}
	// 1000 samples of 3 KiB of noisy pixels + a 1 KiB mask: the file is
	// between 1 and 5 MB whatever the compression does.
	if row.FileBytes < 1e6 || row.FileBytes > 5e6 {
		t.Errorf("file of %d bytes for 1000 samples", row.FileBytes)
	}
}

// gpuOpener opens the GPU backend on any device (llvmpipe included).
var gpuOpener = Opener{Name: "gpu", Open: func() (engine.Backend, error) { return gpu.New(gpu.Options{}) }}

// TestTableGPU prints the CPU and GPU rows side by side on tiny sizes: on
// llvmpipe (CI) the GPU row is there and marked software. Without EGL the
// GPU's absence is one line and the CPU rows still come (CI must have EGL).
func TestTableGPU(t *testing.T) {
	_, lib, at := load(t, 16)
	var buf bytes.Buffer
	rows, err := Table(context.Background(), TableConfig{
		Dataset: "default", Sizes: []int{8, 16}, Batch: 64, Samples: 150, MinTime: 5 * time.Millisecond,
		Dir: t.TempDir(), Fonts: lib, Atlas: at,
		Backends: []Opener{{Name: "cpu", Open: func() (engine.Backend, error) { return cpu.New(2), nil }}, gpuOpener},
	}, &buf)
	t.Logf("\n%s", buf.String())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "gpu: not measured:") {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI without a GPU row:\n%s", buf.String())
		}
		if len(rows) != 2 {
			t.Fatalf("%d rows without a GPU, want the 2 CPU rows", len(rows))
		}
		t.Skip("no EGL here: GPU row absent, reported in one line")
	}
	if len(rows) != 4 {
		t.Fatalf("%d rows, want 4 (cpu and gpu at 8 and 16)", len(rows))
	}
	for i, want := range []struct {
		backend string
		size    int
	}{{"cpu", 8}, {"gpu", 8}, {"cpu", 16}, {"gpu", 16}} {
		r := rows[i]
		if r.Backend != want.backend || r.Width != want.size || r.PaintRate <= 0 || r.EndToEndRate <= 0 || r.Batch != 64 {
			t.Errorf("row %d: %+v, want %s at %d with positive rates", i, r, want.backend, want.size)
		}
	}
	if g := rows[1]; gl.IsSoftwareRenderer(g.Device) != strings.HasSuffix(g.Device, " (software)") {
		t.Errorf("device %q: a software renderer must be marked (software), a GPU not", g.Device)
	}
	// Same seed, same bytes: both backends wrote files of the same size
	// (identical pixels compress identically).
	if rows[0].FileBytes != rows[1].FileBytes {
		t.Errorf("8x8 files: cpu %d bytes, gpu %d bytes", rows[0].FileBytes, rows[1].FileBytes)
	}
}

// TestTableMissingBackend: a backend that does not open is one line, not a
// failed bench.
func TestTableMissingBackend(t *testing.T) {
	_, lib, at := load(t, 8)
	var buf bytes.Buffer
	rows, err := Table(context.Background(), TableConfig{
		Dataset: "default", Sizes: []int{8}, Batch: 32, Samples: 50, MinTime: time.Millisecond,
		Dir: t.TempDir(), Fonts: lib, Atlas: at,
		Backends: []Opener{
			{Name: "gpu", Open: func() (engine.Backend, error) {
				return gpu.New(gpu.Options{EGLLibrary: "/nonexistent/libEGL.so.1"})
			}},
			{Name: "cpu", Open: func() (engine.Backend, error) { return cpu.New(1), nil }},
		},
	}, &buf)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(rows) != 1 || len(lines) != 3 || !strings.HasPrefix(lines[0], "gpu: not measured: gl: no usable EGL") {
		t.Errorf("got %d rows and output:\n%s", len(rows), buf.String())
	}
}

// TestMedian: repeated rows combine to the median of each rate and of the
// runs' own ratios (not the ratio of the medians), with the Times of the
// run whose ratio is the median.
func TestMedian(t *testing.T) {
	runs := []Row{
		{PaintRate: 100, EndToEndRate: 50, Ratio: 0.5, Samples: 1},
		{PaintRate: 300, EndToEndRate: 240, Ratio: 0.8, Samples: 2},
		{PaintRate: 200, EndToEndRate: 140, Ratio: 0.7, Samples: 3},
	}
	m := median(runs)
	if m.PaintRate != 200 || m.EndToEndRate != 140 || m.Ratio != 0.7 || m.Samples != 3 {
		t.Errorf("median of three: %+v", m)
	}
	m = median(runs[:2])
	if m.PaintRate != 200 || m.EndToEndRate != 145 || m.Ratio != 0.65 {
		t.Errorf("median of two: %+v", m)
	}
}

// TestTableRepeat: with Repeat the table still has one row per backend
// and size, its ratio column is the row's Ratio, and the ratio is the
// run's own end-to-end rate over its painted rate.
func TestTableRepeat(t *testing.T) {
	_, lib, at := load(t, 16)
	var buf bytes.Buffer
	rows, err := Table(context.Background(), TableConfig{
		Dataset: "default", Sizes: []int{8}, Batch: 64, Samples: 150, MinTime: 5 * time.Millisecond, Repeat: 3,
		Dir: t.TempDir(), Fonts: lib, Atlas: at,
		Backends: []Opener{{Name: "cpu", Open: func() (engine.Backend, error) { return cpu.New(2), nil }}},
	}, &buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Ratio <= 0 {
		t.Fatalf("rows %+v, want one with a ratio", rows)
	}
	if want := fmt.Sprintf("%.0f%%", 100*rows[0].Ratio); !strings.Contains(buf.String(), "end to end / painted") || !strings.Contains(buf.String(), want) {
		t.Errorf("table without the ratio column or %s:\n%s", want, buf.String())
	}
}

// TestWriteAloneFails: a folder that does not exist and a cancelled
// context are errors, not a rate.
func TestWriteAloneFails(t *testing.T) {
	if _, err := writeAlone(context.Background(), filepath.Join(t.TempDir(), "missing"), 1<<20); err == nil {
		t.Error("write alone into a missing folder: no error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dir := t.TempDir()
	if _, err := writeAlone(ctx, dir, 1<<20); err == nil {
		t.Error("write alone with a cancelled context: no error")
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("left in %s: %v", dir, left)
	}
}
