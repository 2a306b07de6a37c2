// Package generate runs the whole pipeline for one dataset: sample → plan →
// paint → write, with the three stages overlapping on separate goroutines,
// then the splits and the preview.
//
// Sample i depends only on (spec, seed, i) and each stage keeps sample
// order, so the file's contents do not depend on the number of workers, the
// batch size or the backend's own parallelism.
package generate

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/synbols-gpu/synbols-gpu/atlas"
	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/fonts"
	"github.com/synbols-gpu/synbols-gpu/output"
	"github.com/synbols-gpu/synbols-gpu/scene"
	"github.com/synbols-gpu/synbols-gpu/spec"
	"github.com/synbols-gpu/synbols-gpu/splits"
)

// ErrConfig reports an unusable configuration.
var ErrConfig = errors.New("generate: bad configuration")

// Config describes one run.
type Config struct {
	Name    string     // dataset name: default file name and records
	Spec    *spec.Spec // what to draw
	N       int        // number of samples
	Seed    uint64     // dataset seed
	Out     string     // output path (.h5py); "" = no file (benchmarks)
	Preview bool       // write <out stem>_preview.png beside Out

	Fonts   *fonts.Library
	Atlas   *atlas.Atlas
	Backend engine.Backend

	Workers   int // goroutines for sampling and planning (≤ 0: GOMAXPROCS)
	BatchSize int // samples per painted batch (≤ 0: 4096)

	// Progress, if set, is called from one goroutine after each batch is
	// written with the number of samples done so far.
	Progress func(done int)
}

// Result summarises a finished run.
type Result struct {
	N        int
	Elapsed  time.Duration
	Bytes    int64 // size of the output file
	Fonts    int   // families eligible
	Chars    int   // alphabet size
	Backend  string
	Device   string
	Preview  string // preview path, if written
	Universe spec.Universe
}

// Universe resolves the spec's alphabet and the families that cover it.
func Universe(s *spec.Spec, lib *fonts.Library) (spec.Universe, error) {
	lang, letterCase := s.Language()
	runes, err := fonts.Alphabet(lang, letterCase)
	if err != nil {
		return spec.Universe{}, err
	}
	fams := lib.Usable(runes, s.RequireBoldFace())
	if len(fams) == 0 {
		return spec.Universe{}, fmt.Errorf("%w: no font covers the %s alphabet (%d symbols)", fonts.ErrNoFonts, lang, len(runes))
	}
	u := spec.Universe{Alphabet: lang}
	for _, r := range runes {
		u.Chars = append(u.Chars, string(r))
	}
	for _, f := range fams {
		u.Fonts = append(u.Fonts, f.Name)
	}
	return u, nil
}

// batch is one unit travelling down the pipeline.
type batch struct {
	start   int
	plan    engine.Batch
	records [][]byte
	chars   []string
	fonts   []string
	out     engine.Output
	err     error
}

// Run generates the dataset. On any error nothing is left at cfg.Out.
func Run(ctx context.Context, cfg Config) (res Result, err error) {
	t0 := time.Now()
	if cfg.N <= 0 {
		return res, fmt.Errorf("%w: n_samples must be > 0, got %d", ErrConfig, cfg.N)
	}
	if cfg.Spec == nil || cfg.Fonts == nil || cfg.Atlas == nil || cfg.Backend == nil {
		return res, fmt.Errorf("%w: spec, fonts, atlas and backend are required", ErrConfig)
	}
	u, err := Universe(cfg.Spec, cfg.Fonts)
	if err != nil {
		return res, err
	}
	sampler, err := cfg.Spec.Sampler(u)
	if err != nil {
		return res, err
	}
	w, h := cfg.Spec.Resolution()
	channels := 3
	if cfg.Spec.Gray() {
		channels = 1
	}
	k := cfg.Spec.MaxSymbols()
	bs := cfg.BatchSize
	if bs <= 0 {
		bs = 4096
	}
	bs = min(bs, cfg.N)
	workers := cfg.Workers
	if workers <= 0 {
		workers = defaultWorkers()
	}
	planner := &engine.Planner{Fonts: cfg.Fonts, Atlas: cfg.Atlas}

	var wr *output.Writer
	if cfg.Out != "" {
		specYAML, err := cfg.Spec.YAML()
		if err != nil {
			return res, err
		}
		wr, err = output.Create(output.Options{
			Path: cfg.Out, N: cfg.N, H: h, W: w, C: channels, K: k,
			Attrs: map[string]string{
				"spec":          string(specYAML),
				"channel_order": map[int]string{1: "L", 3: "RGB"}[channels],
				"generator":     "synbols-gpu",
				"dataset":       cfg.Name,
			},
		})
		if err != nil {
			return res, err
		}
		defer func() {
			if err != nil {
				wr.Abort()
			}
		}()
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// Stage 1: sample and plan, batch by batch, workers in parallel within
	// a batch. Stage 2: paint. Stage 3 (this goroutine): write.
	planned := make(chan *batch, 1)
	painted := make(chan *batch, 1)
	go func() {
		defer close(planned)
		for start := 0; start < cfg.N; start += bs {
			n := min(bs, cfg.N-start)
			b := planBatch(sampler, planner, cfg.Seed, start, n, workers, w, h, channels, k, cfg.Atlas)
			select {
			case planned <- b:
			case <-ctx.Done():
				return
			}
			if b.err != nil {
				return
			}
		}
	}()
	go func() {
		defer close(painted)
		for b := range planned {
			if b.err == nil {
				n := len(b.plan.Images)
				b.out = engine.Output{X: make([]byte, n*w*h*channels), Mask: make([]byte, n*w*h*k)}
				if err := cfg.Backend.Paint(&b.plan, b.out); err != nil {
					b.err = fmt.Errorf("paint: %s backend: %w", cfg.Backend.Name(), err)
				}
			}
			select {
			case painted <- b:
			case <-ctx.Done():
				return
			}
		}
	}()

	chars := make([]string, 0, cfg.N)
	fontCol := make([]string, 0, cfg.N)
	var preview []byte
	done := 0
	for b := range painted {
		if b.err != nil {
			cancel()
			return res, b.err
		}
		if err := ctx.Err(); err != nil {
			return res, err
		}
		if wr != nil {
			if err := wr.Write(b.out.X, b.out.Mask, b.records); err != nil {
				cancel()
				return res, err
			}
		}
		chars = append(chars, b.chars...)
		fontCol = append(fontCol, b.fonts...)
		if need := 100*w*h*channels - len(preview); need > 0 {
			preview = append(preview, b.out.X[:min(need, len(b.out.X))]...)
		}
		done += len(b.plan.Images)
		if cfg.Progress != nil {
			cfg.Progress(done)
		}
	}
	if done != cfg.N {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		return res, fmt.Errorf("generate: pipeline stopped after %d of %d samples", done, cfg.N)
	}

	res = Result{N: cfg.N, Fonts: len(u.Fonts), Chars: len(u.Chars), Backend: cfg.Backend.Name(), Device: cfg.Backend.Device(), Universe: u}
	if wr != nil {
		stamp := time.Now().Format("2006-Jan-02_15:04:05")
		ratios := [3]float64{0.6, 0.2, 0.2}
		seed := int64(cfg.Seed)
		err := wr.WriteSplits([]output.Split{
			{Name: "random", Part: splits.Random(cfg.N, ratios, cfg.Seed), Seed: seed, Timestamp: stamp},
			{Name: "stratified_char", Part: splits.Stratified(chars, ratios, cfg.Seed), Seed: seed, Timestamp: stamp},
			{Name: "stratified_font", Part: splits.Stratified(fontCol, ratios, cfg.Seed), Seed: seed, Timestamp: stamp},
			{Name: "compositional_char_font", Part: splits.Compositional(chars, fontCol, ratios, cfg.Seed), Seed: seed, Timestamp: stamp},
		})
		if err != nil {
			return res, err
		}
		if err := wr.Close(); err != nil {
			return res, err
		}
		if fi, err := os.Stat(cfg.Out); err == nil {
			res.Bytes = fi.Size()
		}
		if cfg.Preview {
			res.Preview = PreviewPath(cfg.Out)
			if err := output.WritePreviewPNG(res.Preview, preview, min(cfg.N, 100), h, w, channels); err != nil {
				return res, err
			}
		}
	}
	res.Elapsed = time.Since(t0)
	return res, nil
}

// PreviewPath is where the preview of the dataset at out is written:
// <stem>_preview.png beside it.
func PreviewPath(out string) string {
	return strings.TrimSuffix(out, filepath.Ext(out)) + "_preview.png"
}

// planBatch samples and plans samples [start, start+n) with workers
// goroutines, each taking a contiguous run, then joins the runs in order.
func planBatch(sm *spec.Sampler, pl *engine.Planner, seed uint64, start, n, workers, w, h, c, k int, at *atlas.Atlas) *batch {
	b := &batch{start: start, records: make([][]byte, n), chars: make([]string, n), fonts: make([]string, n)}
	b.plan = engine.Batch{Width: w, Height: h, Channels: c, MaskChannels: k, Atlas: at}
	workers = max(1, min(workers, n))
	type part struct {
		images  []engine.Image
		symbols []engine.Symbol
		err     error
	}
	parts := make([]part, workers)
	var wg sync.WaitGroup
	for wk := range workers {
		lo, hi := n*wk/workers, n*(wk+1)/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := &parts[wk]
			p.images = make([]engine.Image, 0, hi-lo)
			var s scene.Sample
			for j := lo; j < hi; j++ {
				s = sm.Sample(seed, start+j)
				p.images, p.symbols, p.err = pl.Plan(&s, p.images, p.symbols)
				if p.err != nil {
					p.err = fmt.Errorf("sample %d: %w", start+j, p.err)
					return
				}
				b.records[j] = s.AppendRecord(make([]byte, 0, 640))
				if len(s.Symbols) > 0 {
					b.chars[j], b.fonts[j] = s.Symbols[0].Char, s.Symbols[0].Font
				}
			}
		}()
	}
	wg.Wait()
	for _, p := range parts {
		if p.err != nil {
			b.err = p.err
			return b
		}
		off := uint32(len(b.plan.Symbols))
		for i := range p.images {
			p.images[i].FirstSymbol += off
		}
		b.plan.Images = append(b.plan.Images, p.images...)
		b.plan.Symbols = append(b.plan.Symbols, p.symbols...)
	}
	return b
}
