package bench

import (
	"context"
	"testing"
	"time"

	"github.com/synbols-gpu/synbols-gpu/atlas"
	"github.com/synbols-gpu/synbols-gpu/engine/cpu"
	"github.com/synbols-gpu/synbols-gpu/fonts"
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
	row, err := Measure(context.Background(), cpu.New(2), sp, lib, at, 256, 1000, 10*time.Millisecond, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if row.PaintRate <= 0 || row.EndToEndRate <= 0 || row.Backend != "cpu" || row.Width != 32 {
		t.Fatalf("row %+v", row)
	}
	// 1000 samples of 3 KiB of noisy pixels + a 1 KiB mask: the file is
	// between 1 and 5 MB whatever the compression does.
	if row.FileBytes < 1e6 || row.FileBytes > 5e6 {
		t.Errorf("file of %d bytes for 1000 samples", row.FileBytes)
	}
}
