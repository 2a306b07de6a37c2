package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/synbols-gpu/synbols-gpu/bench"
	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/engine/gpu"
	"github.com/synbols-gpu/synbols-gpu/generate"
	"github.com/synbols-gpu/synbols-gpu/spec"
)

func cmdBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bench", nil)
	var c common
	c.src.ctx = ctx
	c.register(fs)
	dataset := fs.String("dataset", "default", "preset to measure")
	backends := fs.String("backends", "cpu,gpu", "comma-separated backends to measure side by side: cpu, gpu (any device, llvmpipe included), auto")
	sizes := fs.String("sizes", "32,64,128", "comma-separated square resolutions")
	samples := fs.Int("n_samples", 20000, "samples for the end-to-end run at each size")
	minTime := fs.Duration("time", 2*time.Second, "minimum painting time per row")
	repeat := fs.Int("repeat", 1, "measure each row this many times, painting and end to end alternating, and print the medians (for machines whose speed drifts)")
	if err := parseArgs(fs, args, stdout); err != nil {
		return err
	}
	if *minTime <= 0 {
		return fmt.Errorf("%w: --time must be > 0, got %s", errUsage, *minTime)
	}
	if *samples <= 0 {
		return fmt.Errorf("%w: --n_samples must be > 0", errUsage)
	}
	if *repeat < 1 {
		return fmt.Errorf("%w: --repeat must be >= 1, got %d", errUsage, *repeat)
	}
	var bad string
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "backend" || f.Name == "resolution" {
			bad = f.Name
		}
	})
	if bad != "" {
		return fmt.Errorf("%w: bench takes --backends and --sizes, not --%s", errUsage, bad)
	}
	if _, err := spec.Preset(*dataset); err != nil {
		return fmt.Errorf("%w: --dataset: %v", errUsage, err)
	}
	cfg := bench.TableConfig{Dataset: *dataset, Batch: c.batch, Samples: *samples, MinTime: *minTime, Repeat: *repeat}
	if cfg.Batch == 0 {
		cfg.Batch = generate.DefaultBatchSize
	}
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 || n > spec.MaxResolution {
			return fmt.Errorf("%w: --sizes %q: want comma-separated sizes in 1..%d, e.g. 32,64,128", errUsage, *sizes, spec.MaxResolution)
		}
		cfg.Sizes = append(cfg.Sizes, n)
	}
	for _, name := range strings.Split(*backends, ",") {
		name = strings.TrimSpace(name)
		var open func() (engine.Backend, error)
		switch name {
		case "cpu", "auto":
			open = func() (engine.Backend, error) { return selectBackend(name, c.workers) }
		case "gpu":
			// Whatever device opens, llvmpipe included (marked as
			// software in the table); the error, if any, is one line.
			open = func() (engine.Backend, error) { return gpu.New(gpu.Options{}) }
		default:
			return fmt.Errorf("%w: --backends %q: want a comma-separated list of cpu, gpu, auto", errUsage, *backends)
		}
		cfg.Backends = append(cfg.Backends, bench.Opener{Name: name, Open: open})
	}
	if c.batch < 0 || c.workers < 0 {
		return fmt.Errorf("%w: --batch and --workers must be ≥ 0", errUsage)
	}
	lib, at, err := c.assets(stderr)
	if err != nil {
		return err
	}
	cfg.Fonts, cfg.Atlas = lib, at
	dir, err := os.MkdirTemp("", "synbols-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	cfg.Dir = dir
	_, err = bench.Table(ctx, cfg, stdout)
	return err
}
