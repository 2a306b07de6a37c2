// Package bench measures the painting backends and the whole pipeline:
// images/s painted (sampling and planning excluded), images/s end to end
// into a compressed HDF5 file, without the file, and of the file's bytes
// written alone. The `synbols-gpu bench` command prints its
// table; bench_test.go exposes the same work to `go test -bench`.
package bench

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/synbols-gpu/synbols-gpu/atlas"
	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/fonts"
	"github.com/synbols-gpu/synbols-gpu/generate"
	"github.com/synbols-gpu/synbols-gpu/internal/recipe"
	"github.com/synbols-gpu/synbols-gpu/spec"
)

// Row is one measured configuration.
type Row struct {
	Backend, Device string
	Width, Height   int
	Batch           int
	Samples         int
	PaintRate       float64 // images/s, painting only (planned batch in memory)
	EndToEndRate    float64 // images/s, sample → plan → paint → compressed HDF5 file
	// Ratio is EndToEndRate / PaintRate; over TableConfig.Repeat runs,
	// the median of each run's own ratio (its two rates measured one
	// after the other), which a machine whose speed drifts between rows
	// disturbs least.
	Ratio     float64
	FileBytes int64
	// NoFileRate is the same run with no file (generate.Config.DryRun:
	// sampling, planning, painting, masks, boxes and records, no
	// compression, libhdf5 or kernel). Between it and EndToEndRate lies
	// what writing costs; between PaintRate and it, what the samples cost
	// before and after painting.
	NoFileRate float64
	// WriteRate is images/s of writing the file's bytes alone, FileBytes
	// in chunk-sized writes into a fresh file in the same folder with one
	// goroutine, no fsync: what the storage path (the kernel's page cache
	// on most machines) costs for that file, whatever wrote it. A machine
	// where it is near PaintRate cannot reach an end-to-end rate near
	// PaintRate on the same cores.
	WriteRate float64
	// Times is the backend's engine.Times over the painting measurement
	// (zero for a backend that is not an engine.Timer): where the
	// painted rate's time went.
	Times engine.Times
}

// Plan samples and plans n samples of sp into one batch, the input that
// Paint measurements reuse.
func Plan(sp *spec.Spec, lib *fonts.Library, at *atlas.Atlas, seed uint64, n int) (*engine.Batch, error) {
	// The generator's own recipe: the same samples it paints.
	return recipe.Batch(sp, lib, at, seed, 0, n)
}

// NewOutput allocates the output buffers of b.
func NewOutput(b *engine.Batch) engine.Output {
	n := len(b.Images)
	return engine.Output{X: make([]byte, n*b.Width*b.Height*b.Channels), Mask: make([]byte, n*b.Width*b.Height*b.MaskChannels)}
}

// Measure paints a planned batch repeatedly, for at least minTime and at
// least twice (a rate from one call is one sample of a noisy machine),
// with engine.InFlight(be) calls in flight, then runs the whole
// pipeline for samples samples into a file under dir, then the same run
// with no file, then writes the file's bytes alone: the three rates that
// say whether the samples' own work or the storage holds the end-to-end
// rate below the painted one.
func Measure(ctx context.Context, be engine.Backend, sp *spec.Spec, lib *fonts.Library, at *atlas.Atlas, batch, samples int, minTime time.Duration, dir string) (Row, error) {
	w, h := sp.Resolution()
	row := Row{Backend: be.Name(), Device: DeviceLabel(be), Width: w, Height: h, Batch: batch, Samples: samples}
	b, err := Plan(sp, lib, at, 1, batch)
	if err != nil {
		return row, err
	}
	out := NewOutput(b)
	if err := be.Paint(b, out); err != nil { // warm-up: atlas, caches, shaders
		return row, err
	}
	// As many calls in flight as the pipeline keeps (engine.InFlight: two
	// on the GPU, whose ring then stays busy across calls), each into
	// outputs of its own.
	k := engine.InFlight(be)
	outs := []engine.Output{out}
	for len(outs) < k {
		outs = append(outs, NewOutput(b))
	}
	var mu sync.Mutex
	painted := 0
	var perr error
	before, _ := engine.BackendTimes(be)
	t0 := time.Now()
	var wg sync.WaitGroup
	for _, o := range outs {
		wg.Go(func() {
			for {
				mu.Lock()
				stop := perr != nil || painted >= 2*batch && time.Since(t0) >= minTime
				if !stop {
					painted += batch
				}
				mu.Unlock()
				if stop {
					return
				}
				if err := be.Paint(b, o); err != nil {
					mu.Lock()
					perr = cmp.Or(perr, err)
					mu.Unlock()
					return
				}
			}
		})
	}
	wg.Wait()
	if perr != nil {
		return row, perr
	}
	row.PaintRate = float64(painted) / time.Since(t0).Seconds()
	if after, ok := engine.BackendTimes(be); ok {
		row.Times = after.Sub(before)
	}

	// The same run twice: into a file, then with none (out "").
	runRate := func(out string) (generate.Result, float64, error) {
		res, err := generate.Run(ctx, generate.Config{
			Name: "bench", Spec: sp, N: samples, Seed: 1, Out: out, DryRun: out == "",
			Fonts: lib, SkipFontChecks: true, Atlas: at, Backend: be, BatchSize: batch,
		})
		return res, float64(res.N) / res.Elapsed.Seconds(), err
	}
	path := filepath.Join(dir, fmt.Sprintf("bench-%s-%dx%d.h5py", be.Name(), w, h))
	defer os.Remove(path)
	res, rate, err := runRate(path)
	if err != nil {
		return row, err
	}
	row.EndToEndRate, row.Ratio, row.FileBytes = rate, rate/row.PaintRate, res.Bytes
	if _, row.NoFileRate, err = runRate(""); err != nil {
		return row, err
	}

	d, err := writeAlone(ctx, dir, res.Bytes)
	if err != nil {
		return row, err
	}
	row.WriteRate = float64(samples) / d.Seconds()
	return row, nil
}

// writeAloneChunk is the size of each write of writeAlone: about a chunk
// of x at 32×32 and 128×128 (30 KiB and 48 KiB), what libhdf5 hands the
// kernel.
const writeAloneChunk = 32 << 10

// writeAlone writes n bytes into a fresh file in dir and removes it: the
// time the storage path takes for a file of that size. The bytes vary (a
// page of zeros costs what any page does, but a filesystem that
// compresses or deduplicates would not measure the same).
func writeAlone(ctx context.Context, dir string, n int64) (time.Duration, error) {
	f, err := os.CreateTemp(dir, "bench-write-*")
	if err != nil {
		return 0, err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	buf := make([]byte, writeAloneChunk)
	x := uint64(0x9e3779b97f4a7c15)
	for i := 0; i+8 <= len(buf); i += 8 {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		binary.LittleEndian.PutUint64(buf[i:], x)
	}
	t0 := time.Now()
	for left := n; left > 0; left -= int64(len(buf)) {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		if _, err := f.Write(buf[:min(left, int64(len(buf)))]); err != nil {
			return 0, fmt.Errorf("bench: write alone: %w", err)
		}
	}
	return time.Since(t0), nil
}

// median combines repeated measurements of one row: the median of each
// rate and of the runs' ratios (the middle run's for an odd count), the
// Times of the run whose ratio is the median.
func median(rs []Row) Row {
	mid := func(v []float64) float64 {
		slices.Sort(v)
		n := len(v)
		if n%2 == 1 {
			return v[n/2]
		}
		return (v[n/2-1] + v[n/2]) / 2
	}
	var paint, e2e, ratio, noFile, write []float64
	for _, r := range rs {
		paint, e2e, ratio = append(paint, r.PaintRate), append(e2e, r.EndToEndRate), append(ratio, r.Ratio)
		noFile, write = append(noFile, r.NoFileRate), append(write, r.WriteRate)
	}
	byRatio := slices.Clone(rs)
	slices.SortFunc(byRatio, func(a, b Row) int { return cmp.Compare(a.Ratio, b.Ratio) })
	out := byRatio[len(byRatio)/2]
	out.PaintRate, out.EndToEndRate, out.Ratio = mid(paint), mid(e2e), mid(ratio)
	out.NoFileRate, out.WriteRate = mid(noFile), mid(write)
	return out
}

// DeviceLabel is be.Device(), marked "(software)" when the backend reports
// a CPU rasteriser (llvmpipe), so that a table never passes software
// rendering off as a GPU's figures.
func DeviceLabel(be engine.Backend) string {
	d := be.Device()
	if s, ok := be.(interface{ Software() bool }); ok && s.Software() {
		d += " (software)"
	}
	return d
}

// Opener names a backend for Table and opens it.
type Opener struct {
	Name string
	Open func() (engine.Backend, error)
}

// TableConfig is what Table measures: every backend at every size.
type TableConfig struct {
	Dataset  string // preset name
	Sizes    []int  // square resolutions
	Backends []Opener
	Batch    int           // samples per painted batch
	Samples  int           // samples of each end-to-end run
	MinTime  time.Duration // painting time per row
	Dir      string        // where end-to-end files go (removed after)
	// Repeat measures each row this many times (0 and 1: once), paint
	// and end to end alternating, and reports the medians (median).
	Repeat int
	Fonts  *fonts.Library
	Atlas  *atlas.Atlas
}

// Table opens each backend once, measures it at each size (backends side
// by side per size) and prints the table to w. A backend that does not
// open is left out with one line saying why, since a machine without a
// usable GPU should still get its CPU figures; a measurement that fails
// is reported the same way and returned, joined, after the table.
func Table(ctx context.Context, cfg TableConfig, w io.Writer) ([]Row, error) {
	var open []engine.Backend
	for _, o := range cfg.Backends {
		be, err := o.Open()
		if err != nil {
			fmt.Fprintf(w, "%s: not measured: %v\n", o.Name, oneLine(err))
			continue
		}
		defer be.Close()
		open = append(open, be)
	}
	var (
		rows  []Row
		errs  []error
		notes []string
	)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "backend\tdevice\tresolution\tbatch\tpainted images/s\tend-to-end images/s\tend to end / painted\tno-file images/s\tno file / painted\twrite alone images/s\tfile MiB/1k\t"+breakdownHeader)
	for _, size := range cfg.Sizes {
		for _, be := range open {
			sp, err := spec.Preset(cfg.Dataset)
			if err != nil {
				return rows, err
			}
			if err := sp.SetResolution(size, size); err != nil {
				return rows, err
			}
			var runs []Row
			for range max(cfg.Repeat, 1) {
				var r Row
				if r, err = Measure(ctx, be, sp, cfg.Fonts, cfg.Atlas, cfg.Batch, cfg.Samples, cfg.MinTime, cfg.Dir); err != nil {
					break
				}
				runs = append(runs, r)
			}
			if err != nil {
				err = fmt.Errorf("%s %dx%d: %w", be.Name(), size, size, err)
				errs = append(errs, err)
				notes = append(notes, "failed: "+oneLine(err))
				if ctx.Err() != nil {
					break
				}
				continue
			}
			row := median(runs)
			rows = append(rows, row)
			fmt.Fprintf(tw, "%s\t%s\t%dx%d\t%d\t%.0f\t%.0f\t%.0f%%\t%.0f\t%.0f%%\t%.0f\t%.2f\t%s\n", row.Backend, row.Device, row.Width, row.Height, row.Batch,
				row.PaintRate, row.EndToEndRate, 100*row.Ratio, row.NoFileRate, 100*row.NoFileRate/row.PaintRate, row.WriteRate,
				float64(row.FileBytes)/float64(row.Samples)*1000/(1<<20), breakdown(row.Times))
		}
	}
	if err := tw.Flush(); err != nil {
		return rows, err
	}
	for _, n := range notes {
		fmt.Fprintln(w, n)
	}
	return rows, errors.Join(errs...)
}

func oneLine(err error) string { return strings.ReplaceAll(err.Error(), "\n", " ") }
