// Package bench measures the painting backends and the whole pipeline:
// images/s painted (sampling and planning excluded) and images/s end to end
// into a compressed HDF5 file. The `synbols-gpu bench` command prints its
// table; bench_test.go exposes the same work to `go test -bench`.
package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/synbols-gpu/synbols-gpu/atlas"
	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/fonts"
	"github.com/synbols-gpu/synbols-gpu/generate"
	"github.com/synbols-gpu/synbols-gpu/scene"
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
	FileBytes       int64
}

// Plan samples and plans n samples of sp into one batch, the input that
// Paint measurements reuse.
func Plan(sp *spec.Spec, lib *fonts.Library, at *atlas.Atlas, seed uint64, n int) (*engine.Batch, error) {
	u, err := generate.Universe(sp, lib)
	if err != nil {
		return nil, err
	}
	sm, err := sp.Sampler(u)
	if err != nil {
		return nil, err
	}
	w, h := sp.Resolution()
	c := 3
	if sp.Gray() {
		c = 1
	}
	b := &engine.Batch{Width: w, Height: h, Channels: c, MaskChannels: sp.MaxSymbols(), Atlas: at}
	pl := &engine.Planner{Fonts: lib, Atlas: at}
	var s scene.Sample
	for i := range n {
		s = sm.Sample(seed, i)
		b.Images, b.Symbols, err = pl.Plan(&s, b.Images, b.Symbols)
		if err != nil {
			return nil, err
		}
	}
	return b, nil
}

// NewOutput allocates the output buffers of b.
func NewOutput(b *engine.Batch) engine.Output {
	n := len(b.Images)
	return engine.Output{X: make([]byte, n*b.Width*b.Height*b.Channels), Mask: make([]byte, n*b.Width*b.Height*b.MaskChannels)}
}

// Measure paints a planned batch repeatedly for at least minTime and then
// runs the whole pipeline for samples samples into a file under dir.
func Measure(ctx context.Context, be engine.Backend, sp *spec.Spec, lib *fonts.Library, at *atlas.Atlas, batch, samples int, minTime time.Duration, dir string) (Row, error) {
	w, h := sp.Resolution()
	row := Row{Backend: be.Name(), Device: be.Device(), Width: w, Height: h, Batch: batch, Samples: samples}
	b, err := Plan(sp, lib, at, 1, batch)
	if err != nil {
		return row, err
	}
	out := NewOutput(b)
	if err := be.Paint(b, out); err != nil { // warm-up: atlas, caches, shaders
		return row, err
	}
	painted := 0
	t0 := time.Now()
	for time.Since(t0) < minTime {
		if err := be.Paint(b, out); err != nil {
			return row, err
		}
		painted += batch
	}
	row.PaintRate = float64(painted) / time.Since(t0).Seconds()

	path := filepath.Join(dir, fmt.Sprintf("bench-%s-%dx%d.h5py", be.Name(), w, h))
	defer os.Remove(path)
	res, err := generate.Run(ctx, generate.Config{
		Name: "bench", Spec: sp, N: samples, Seed: 1, Out: path,
		Fonts: lib, Atlas: at, Backend: be, BatchSize: batch,
	})
	if err != nil {
		return row, err
	}
	row.EndToEndRate = float64(res.N) / res.Elapsed.Seconds()
	row.FileBytes = res.Bytes
	return row, nil
}
