package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/synbols-gpu/synbols-gpu/bench"
	"github.com/synbols-gpu/synbols-gpu/spec"
)

func cmdBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c common
	c.register(fs)
	dataset := fs.String("dataset", "default", "preset to measure")
	sizes := fs.String("sizes", "32,64,128", "comma-separated square resolutions")
	samples := fs.Int("n_samples", 20000, "samples for the end-to-end run at each size")
	minTime := fs.Duration("time", 2*time.Second, "minimum painting time per row")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if *samples <= 0 {
		return fmt.Errorf("%w: --n_samples must be > 0", errUsage)
	}
	batch := c.batch
	if batch == 0 {
		batch = 4096
	}
	dir, err := os.MkdirTemp("", "synbols-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "backend\tdevice\tresolution\tbatch\tpainted images/s\tend-to-end images/s\tfile MiB/1k\t")
	for _, s := range strings.Split(*sizes, ",") {
		sp, err := spec.Preset(*dataset)
		if err != nil {
			return fmt.Errorf("%w: --dataset: %v", errUsage, err)
		}
		c.resolution = strings.TrimSpace(s)
		st, err := c.load(sp, stderr)
		if err != nil {
			return err
		}
		row, err := bench.Measure(ctx, st.backend, st.spec, st.fonts, st.atlas, batch, *samples, *minTime, dir)
		st.backend.Close()
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "%s\t%s\t%dx%d\t%d\t%.0f\t%.0f\t%.2f\t\n", row.Backend, row.Device, row.Width, row.Height, row.Batch,
			row.PaintRate, row.EndToEndRate, float64(row.FileBytes)/float64(row.Samples)*1000/(1<<20))
	}
	return tw.Flush()
}
