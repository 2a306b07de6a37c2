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
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/synbols-gpu/synbols-gpu/atlas"
	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/fonts"
	"github.com/synbols-gpu/synbols-gpu/internal/recipe"
	"github.com/synbols-gpu/synbols-gpu/masks"
	"github.com/synbols-gpu/synbols-gpu/output"
	"github.com/synbols-gpu/synbols-gpu/scene"
	"github.com/synbols-gpu/synbols-gpu/spec"
	"github.com/synbols-gpu/synbols-gpu/splits"
)

// ErrConfig reports an unusable configuration.
var ErrConfig = errors.New("generate: bad configuration")

// Config describes one run.
type Config struct {
	Name string     // dataset name: default file name and records
	Spec *spec.Spec // what to draw
	N    int        // number of samples
	Seed uint64     // dataset seed
	Out  string     // output path (.h5py); "" = no file (benchmarks)
	// DryRun, with Out "", does all a run does but write: sampling,
	// planning, painting and the splits (memory and time as in a real
	// run, nothing on disk).
	DryRun  bool
	Preview bool // write <out stem>_preview.png beside Out

	// Mask, when not masks.Symbols (the zero value), overrides the
	// spec's mask mode (spec.Spec.MaskMode): what the mask dataset holds.
	Mask masks.Mode
	// SymbolMasks also writes the per-symbol masks as symbol_mask
	// (N, H, W, K), in every mode: a label map loses the pixels of
	// symbols that later ones cover.
	SymbolMasks bool

	Fonts   *fonts.Library
	Atlas   *atlas.Atlas
	Backend engine.Backend
	// Images is the natural-image pool (package images) of specs that
	// draw ImagePatterns (natural-patterns); required by them, unused by
	// the others. Its digest is recorded as the image_pool attribute.
	Images *engine.ImagePool

	Workers   int // goroutines for sampling and planning (≤ 0: GOMAXPROCS)
	BatchSize int // samples per painted batch (≤ 0: 4096)

	// Sink, if set, receives every batch in order, as the file would
	// hold it: samples [start, start+n) with X, the mode's Mask, the
	// records Y and the per-symbol SymbolMask. It is called from one
	// goroutine; the slices are valid only during the call. An error
	// stops the run. With Out "" it is how a program takes the samples
	// without a file (a training loop, a contact sheet).
	Sink func(start int, s output.Samples) error

	// Progress, if set, is called from one goroutine after each batch is
	// written with the number of samples done so far.
	Progress func(done int)

	// MemoryBudget bounds, in bytes, what the run plans to hold: the
	// per-sample columns (15 bytes a sample) and the batches in flight.
	// 0 takes half of the memory the system reports available (cgroup
	// limits included); a negative value disables the check. Without
	// BatchSize the batch shrinks to fit; a BatchSize that does not fit,
	// like a run whose columns do not, fails with ErrResources before
	// anything is created.
	MemoryBudget int64
}

// Result summarises a finished run.
type Result struct {
	N        int
	Elapsed  time.Duration
	Bytes    int64 // size of the output file
	Fonts    int   // families eligible
	Chars    int   // distinct symbols the spec draws from the alphabet (spec.Spec.CharsDrawn)
	Backend  string
	Device   string
	Preview  string // preview path, if written
	Universe spec.Universe
	FontPool string // digest of the faces drawn, output.FontPoolDigest
	// Stages says where the time went, stage by stage (see Stage). The
	// pipeline stages overlap, so their busy times add up to more than
	// Elapsed when they run in parallel.
	Stages []Stage
}

// Universe resolves the spec's alphabet and the families that draw it:
// recipe.Universe, which holds the rules (kept here for generate's callers;
// recipe is the HDF5-free home of the spec → universe → sampler → batch
// recipe).
func Universe(s *spec.Spec, lib *fonts.Library) (spec.Universe, error) {
	return recipe.Universe(s, lib)
}

// ErrMissingFont is wrapped by FontsFrom when a font of the manifest is not
// among the loaded ones.
var ErrMissingFont = errors.New("generate: a font of the manifest is not installed")

// FontManifest lists every face (regular, then bold when the family has a
// real one) of the named families, for the dataset's "fonts" attribute.
// Names not in lib are skipped (Universe only returns names from lib).
func FontManifest(lib *fonts.Library, families []string) []output.FontRecord {
	var recs []output.FontRecord
	for _, name := range families {
		fam, ok := lib.Family(name)
		if !ok {
			continue
		}
		for _, f := range []*fonts.Face{fam.Regular, fam.Bold} {
			if f == nil {
				continue
			}
			recs = append(recs, output.FontRecord{
				Family: fam.Name, Style: f.Style, Bold: f == fam.Bold,
				File: faceFile(f.Source), Index: f.Index, Source: f.Source,
				SHA256: hex.EncodeToString(f.SHA256[:]), License: f.License, Wght: f.Wght(),
			})
		}
	}
	return recs
}

// faceFile is the base name of a Face.Source ("embedded:dejavu/x.ttf" or a
// path).
func faceFile(source string) string {
	source = strings.TrimPrefix(source, "embedded:")
	return filepath.Base(filepath.FromSlash(source))
}

// FontsFrom restricts lib to exactly the fonts of an earlier dataset's
// manifest (generate --fonts-from), so a dataset can be made again with
// the same fonts even on a machine with more installed. Each family of
// the manifest must be loaded with the same faces: a regular face with
// the recorded SHA-256 (and collection index), and a bold face with the
// recorded SHA-256 (and, for a variable font's bold instance, the same
// wght coordinate) if the manifest has one. A loaded bold face that the
// manifest lacks is dropped (the earlier dataset synthesised bold for that
// family, so this one must too). Matching is by content hash, not by path:
// the files may live anywhere. The first mismatch is reported as a
// one-line error wrapping ErrMissingFont that names the family and face.
func FontsFrom(lib *fonts.Library, recs []output.FontRecord) (*fonts.Library, error) {
	type want struct{ regular, bold *output.FontRecord }
	wants := map[string]*want{}
	for i := range recs {
		r := &recs[i]
		w := wants[r.Family]
		if w == nil {
			w = &want{}
			wants[r.Family] = w
		}
		if r.Bold {
			w.bold = r
		} else {
			w.regular = r
		}
	}
	describe := func(r *output.FontRecord) string {
		return fmt.Sprintf("family %q face %q (file %s, sha256 %.16s…)", r.Family, r.Style, r.File, r.SHA256)
	}
	match := func(f *fonts.Face, r *output.FontRecord) bool {
		return f != nil && hex.EncodeToString(f.SHA256[:]) == r.SHA256 && f.Index == r.Index && f.Wght() == r.Wght
	}
	out := &fonts.Library{}
	// Walk the manifest in a fixed order so the error names the same
	// font every time; build the result in lib's (sorted) order.
	names := make([]string, 0, len(wants))
	for name := range wants {
		names = append(names, name)
	}
	slices.Sort(names)
	found := map[string]*fonts.Family{}
	for _, name := range names {
		w := wants[name]
		if w.regular == nil {
			return nil, fmt.Errorf("%w: the manifest lists a bold face but no regular face for family %q", ErrMissingFont, name)
		}
		fam, ok := lib.Family(name)
		if !ok || fam.Name != name {
			return nil, fmt.Errorf("%w: %s: no family of that name is loaded (install it, or add its folder with --font-dir)", ErrMissingFont, describe(w.regular))
		}
		if !match(fam.Regular, w.regular) {
			return nil, fmt.Errorf("%w: %s: the loaded regular face differs (%s)", ErrMissingFont, describe(w.regular), fam.Regular)
		}
		keep := &fonts.Family{Name: fam.Name, Regular: fam.Regular}
		if w.bold != nil {
			if !match(fam.Bold, w.bold) {
				got := "none"
				if fam.Bold != nil {
					got = fam.Bold.String()
				}
				return nil, fmt.Errorf("%w: %s: the loaded bold face differs (%s)", ErrMissingFont, describe(w.bold), got)
			}
			keep.Bold = fam.Bold
		}
		found[name] = keep
	}
	for _, fam := range lib.Families {
		if f, ok := found[fam.Name]; ok {
			out.Families = append(out.Families, f)
		}
	}
	return out, nil
}

// batch is one unit travelling down the pipeline.
type batch struct {
	start int
	plan  engine.Batch
	// samples are the batch's resolved samples, kept from planning until
	// finish writes their records: boxes and overlap_score are measured
	// on the painted masks.
	samples []scene.Sample
	records [][]byte
	agg     []byte   // the aggregated masks (masks.Mode.Aggregate); nil for masks.Symbols
	chars   []uint32 // codes of the first symbol's char and font
	fonts   []uint32
	out     engine.Output
	err     error
}

// autoBudget is Config.MemoryBudget's zero: half the available memory.
const autoBudget = 0

// Run generates the dataset. On any error nothing is left at cfg.Out.
func Run(ctx context.Context, cfg Config) (res Result, err error) {
	t0 := time.Now()
	if err := ctx.Err(); err != nil { // cancelled while the caller loaded fonts
		return res, err
	}
	if cfg.N <= 0 {
		return res, fmt.Errorf("%w: n_samples must be > 0, got %d", ErrConfig, cfg.N)
	}
	if cfg.Spec == nil || cfg.Fonts == nil || cfg.Atlas == nil || cfg.Backend == nil {
		return res, fmt.Errorf("%w: spec, fonts, atlas and backend are required", ErrConfig)
	}
	// cfg is Run's own copy: from here on cfg.Mask is the run's mode.
	if cfg.Mask, err = maskMode(cfg); err != nil {
		return res, err
	}
	u, err := Universe(cfg.Spec, cfg.Fonts)
	if err != nil {
		return res, err
	}
	if cfg.Spec.UsesImages() && (cfg.Images == nil || len(cfg.Images.Images) == 0) {
		return res, fmt.Errorf("%w: %s draws natural images (ImagePattern) and Config.Images holds none", ErrConfig, cfg.Spec.Name())
	}
	// The manifest lists every family the dataset can draw: the pool the
	// sampler draws from, and the occluders' family, named by the spec.
	families := u.Fonts
	if occ := cfg.Spec.OccluderFont(); occ != "" && !slices.Contains(families, occ) {
		families = append(slices.Clone(families), occ)
		slices.Sort(families)
	}
	recs := FontManifest(cfg.Fonts, families)
	manifest, err := output.EncodeFontManifest(recs)
	if err != nil {
		return res, err
	}
	pool := output.FontPoolDigest(recs)
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
	ml := maskLayout{mode: cfg.Mask, symbols: cfg.SymbolMasks}
	budget := float64(cfg.MemoryBudget)
	if cfg.MemoryBudget == autoBudget {
		budget = memoryBudget()
	}
	var target output.Target
	if cfg.Out != "" {
		if target, err = output.ResolveTarget(cfg.Out); err != nil {
			return res, err
		}
	}
	bs, err := planResources(cfg.N, cfg.BatchSize, w, h, channels, k, ml, budget, target.Path)
	if err != nil {
		return res, err
	}
	workers := cfg.Workers
	if workers <= 0 {
		workers = defaultWorkers()
	}
	planner := &engine.Planner{Fonts: cfg.Fonts, Atlas: cfg.Atlas, Images: cfg.Images}
	charBook, fontBook := newCodebook(u.Chars), newCodebook(u.Fonts)
	var preview *output.Preview
	if cfg.Out != "" && cfg.Preview {
		if preview, err = output.NewPreview(cfg.N, h, w, channels); err != nil {
			return res, err
		}
	}

	var wr *output.Writer
	if cfg.Out != "" {
		// No := here: the deferred Abort below must see the function's
		// named err, not a shadow of it.
		var specYAML []byte
		specYAML, err = cfg.Spec.YAML()
		if err != nil {
			return res, err
		}
		var maskShape []int // one sample's: the mode's shape without N
		for _, d := range cfg.Mask.Shape(1, h, w, k)[1:] {
			maskShape = append(maskShape, int(d))
		}
		rootAttrs := map[string]string{
			"spec":                  string(specYAML),
			MaskModeAttr:            cfg.Mask.String(),
			"channel_order":         map[int]string{1: "L", 3: "RGB"}[channels],
			"generator":             "synbols-gpu",
			"dataset":               cfg.Name,
			output.FontManifestAttr: manifest,
			output.FontPoolAttr:     pool,
		}
		if d := imagePoolDigest(cfg); d != "" {
			rootAttrs[ImagePoolAttr] = d
		}
		wr, err = output.Create(output.Options{
			Path: cfg.Out, N: cfg.N, H: h, W: w, C: channels, K: k,
			MaskShape: maskShape, SymbolMask: cfg.SymbolMasks,
			Attrs:   rootAttrs,
			Preview: PreviewPath(cfg.Out),
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
	// Each stage's busy time and the time it waited on its neighbours,
	// written by that stage's goroutine and read after the channels close.
	var planT, paintT, finishT, writeT stageTimer
	go func() {
		defer close(planned)
		for start := 0; start < cfg.N; start += bs {
			n := min(bs, cfg.N-start)
			t0 := time.Now()
			b := planBatch(sampler, planner, charBook, fontBook, cfg.Seed, start, n, workers, w, h, channels, k, cfg.Atlas, cfg.Spec.SelectOverlap())
			t1 := time.Now()
			planT.busy += t1.Sub(t0)
			select {
			case planned <- b:
				planT.wait += time.Since(t1)
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
		t := time.Now()
		for b := range planned {
			t0 := time.Now()
			paintT.wait += t0.Sub(t)
			if b.err == nil {
				n := len(b.plan.Images)
				b.out = engine.Output{X: make([]byte, n*w*h*channels), Mask: make([]byte, n*w*h*k)}
				if err := paintSafely(cfg.Backend, &b.plan, b.out); err != nil {
					b.err = fmt.Errorf("paint: %s backend: %w", cfg.Backend.Name(), err)
				}
			}
			tp := time.Now()
			paintT.busy += tp.Sub(t0)
			if b.err == nil {
				b.err = finish(b, cfg.Mask, w, h, k, workers)
			}
			t1 := time.Now()
			finishT.busy += t1.Sub(tp)
			select {
			case painted <- b:
			case <-ctx.Done():
				return
			}
			t = time.Now()
			paintT.wait += t.Sub(t1)
		}
	}()

	chars := make([]uint32, 0, cfg.N)
	fontCol := make([]uint32, 0, cfg.N)
	done := 0
	tw := time.Now()
	for b := range painted {
		t0 := time.Now()
		writeT.wait += t0.Sub(tw)
		if b.err != nil {
			cancel()
			return res, b.err
		}
		if err := ctx.Err(); err != nil {
			return res, err
		}
		if wr != nil {
			s := output.Samples{X: b.out.X, Mask: b.out.Mask, Y: b.records}
			if b.agg != nil {
				s.Mask = b.agg
			}
			if cfg.SymbolMasks {
				s.SymbolMask = b.out.Mask
			}
			if err := wr.WriteSamples(s); err != nil {
				cancel()
				return res, err
			}
		}
		if cfg.Sink != nil {
			s := output.Samples{X: b.out.X, Mask: b.out.Mask, Y: b.records}
			if b.agg != nil {
				s.Mask = b.agg
			}
			s.SymbolMask = b.out.Mask
			if err := cfg.Sink(b.start, s); err != nil {
				cancel()
				return res, fmt.Errorf("generate: sink: %w", err)
			}
		}
		chars = append(chars, b.chars...)
		fontCol = append(fontCol, b.fonts...)
		if preview != nil && !preview.Full() {
			preview.Add(b.out.X)
		}
		done += len(b.plan.Images)
		if cfg.Progress != nil {
			cfg.Progress(done)
		}
		tw = time.Now()
		writeT.busy += tw.Sub(t0)
	}
	if done != cfg.N {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		return res, fmt.Errorf("generate: pipeline stopped after %d of %d samples", done, cfg.N)
	}

	res = Result{N: cfg.N, Fonts: len(u.Fonts), Chars: cfg.Spec.CharsDrawn(u), Backend: cfg.Backend.Name(), Device: cfg.Backend.Device(), Universe: u, FontPool: pool}
	tSplits := time.Now()
	var splitsTime, commitTime time.Duration
	if wr == nil && cfg.DryRun {
		// Everything but the file: the splits are computed and dropped,
		// so a dry run measures what a real one holds.
		charNames, fontNames := charBook.table(), fontBook.table()
		_ = splits.Random(cfg.N, splits.Default, cfg.Seed)
		_ = splits.StratifiedCodes(chars, charNames, splits.Default, cfg.Seed)
		_ = splits.StratifiedCodes(fontCol, fontNames, splits.Default, cfg.Seed)
		_ = splits.CompositionalCodes(chars, charNames, fontCol, fontNames, splits.Default, cfg.Seed)
	}
	if wr != nil {
		stamp := time.Now().Format(output.TimestampFormat)
		ratios := splits.Default
		seed := int64(cfg.Seed)
		charNames, fontNames := charBook.table(), fontBook.table()
		// One split at a time: each one-hot array lives only while it is
		// written (WriteSplits waits for libhdf5).
		for _, sp := range []struct {
			name string
			part func() []uint8
		}{
			{"random", func() []uint8 { return splits.Random(cfg.N, ratios, cfg.Seed) }},
			{"stratified_char", func() []uint8 { return splits.StratifiedCodes(chars, charNames, ratios, cfg.Seed) }},
			{"stratified_font", func() []uint8 { return splits.StratifiedCodes(fontCol, fontNames, ratios, cfg.Seed) }},
			{"compositional_char_font", func() []uint8 {
				return splits.CompositionalCodes(chars, charNames, fontCol, fontNames, ratios, cfg.Seed)
			}},
		} {
			if err := wr.WriteSplits([]output.Split{{Name: sp.name, Part: sp.part(), Seed: seed, Timestamp: stamp}}); err != nil {
				return res, err
			}
		}
		if preview != nil {
			if err := wr.SetPreview(preview); err != nil {
				return res, err
			}
			res.Preview = PreviewPath(cfg.Out)
		}
		splitsTime = time.Since(tSplits)
		tClose := time.Now()
		if err := wr.Close(); err != nil {
			return res, err
		}
		commitTime = time.Since(tClose)
		if fi, err := os.Stat(cfg.Out); err == nil {
			res.Bytes = fi.Size()
		}
	} else {
		splitsTime = time.Since(tSplits)
	}
	res.Elapsed = time.Since(t0)
	var ws output.WriterStats
	if wr != nil {
		ws = wr.Stats()
	}
	res.Stages = []Stage{
		{Name: fmt.Sprintf("sample + plan (%d goroutines)", workers), Busy: planT.busy, Wait: planT.wait, WaitFor: "the painter"},
		{Name: "paint (" + cfg.Backend.Name() + ")", Busy: paintT.busy, Wait: paintT.wait, WaitFor: "plans or the writer"},
		{Name: fmt.Sprintf("masks, boxes, records (%d goroutines)", workers), Busy: finishT.busy,
			Note: "after each Paint, on the painter's goroutine: " + cfg.Mask.String() + " masks"},
		{Name: "copy into chunks, preview", Busy: writeT.busy - ws.Wait, Wait: writeT.wait + ws.Wait, WaitFor: "painted batches or compression",
			Note: fmt.Sprintf("%.2f s of the wait on compression", ws.Wait.Seconds())},
		{Name: fmt.Sprintf("compress (%d goroutines, summed)", ws.Workers), Busy: ws.Compress},
		{Name: "libhdf5 writes", Busy: ws.HDF5},
		{Name: "splits (+ preview encoding)", Busy: splitsTime},
		{Name: "close, fsync, rename", Busy: commitTime},
	}
	return res, nil
}

// ImagePoolAttr is the root attribute holding the image pool's digest
// ("sha256:…", empty when the spec draws no natural image): with the spec,
// seed and font pool it names what regenerates the dataset.
const ImagePoolAttr = "image_pool"

func imagePoolDigest(cfg Config) string {
	if cfg.Images == nil || !cfg.Spec.UsesImages() {
		return ""
	}
	return "sha256:" + cfg.Images.Digest
}

// stageTimer sums one pipeline stage's time; one goroutine writes it.
type stageTimer struct{ busy, wait time.Duration }

// Stage is where one stage of a run spent its time: Busy working, Wait
// blocked on its neighbour (WaitFor), so a run says what bounds it — the
// stage busy for nearly the whole run while the others wait.
type Stage struct {
	Name    string
	Busy    time.Duration
	Wait    time.Duration
	WaitFor string
	Note    string
}

// PreviewPath is where the preview of the dataset at out is written:
// <stem>_preview.png beside it.
func PreviewPath(out string) string {
	return strings.TrimSuffix(out, filepath.Ext(out)) + "_preview.png"
}

// planBatch samples and plans samples [start, start+n) with workers
// goroutines, each taking a contiguous run, then joins the runs in order.
func planBatch(sm *spec.Sampler, pl *engine.Planner, charBook, fontBook *codebook, seed uint64, start, n, workers, w, h, c, k int, at *atlas.Atlas, selectOverlap string) *batch {
	b := &batch{start: start, samples: make([]scene.Sample, n), chars: make([]uint32, n), fonts: make([]uint32, n)}
	b.plan = engine.Batch{Width: w, Height: h, Channels: c, MaskChannels: k, Atlas: at, Pool: pl.Images}
	workers = max(1, min(workers, n))
	type part struct {
		plan engine.Batch
		err  error
	}
	parts := make([]part, workers)
	var wg sync.WaitGroup
	for wk := range workers {
		lo, hi := n*wk/workers, n*(wk+1)/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := &parts[wk]
			defer recoverInto(&p.err, "planning")
			p.plan.Images = make([]engine.Image, 0, hi-lo)
			var s scene.Sample
			sel := newSelector(selectOverlap, b.plan)
			for j := lo; j < hi; j++ {
				for a := 0; ; a++ {
					if a == MaxCandidates {
						p.err = errSelect(start+j, selectOverlap)
						return
					}
					ni, ns, nl := len(p.plan.Images), len(p.plan.Symbols), len(p.plan.Layers)
					s = sm.Candidate(seed, start+j, a)
					if p.err = pl.Plan(&s, &p.plan); p.err != nil {
						p.err = fmt.Errorf("sample %d: %w", start+j, p.err)
						return
					}
					if sel == nil || sel.pass(&p.plan) {
						break
					}
					truncate(&p.plan, ni, ns, nl)
				}
				b.samples[j] = s // its record is written after painting (finish)
				var char, font string
				if len(s.Symbols) > 0 {
					char, font = s.Symbols[0].Char, s.Symbols[0].Font
				}
				b.chars[j], b.fonts[j] = charBook.code(char), fontBook.code(font)
			}
		}()
	}
	wg.Wait()
	for _, p := range parts {
		if p.err != nil {
			b.err = p.err
			return b
		}
		if err := b.plan.Append(&p.plan); err != nil {
			b.err = err
			return b
		}
	}
	return b
}

// recoverInto turns a panic of the goroutine it is deferred in into an
// error in *err: a panic on a pipeline goroutine would otherwise end the
// process past every deferred clean-up, temporary files left behind.
func recoverInto(err *error, stage string) {
	if r := recover(); r != nil {
		*err = &PanicError{Stage: stage, Value: r, Stack: debug.Stack()}
	}
}

// PanicError reports a panic of a pipeline stage (a bug); it wraps
// ErrInternal. Its message is one line; Stack has the goroutine's trace.
type PanicError struct {
	Stage string
	Value any
	Stack []byte
}

func (e *PanicError) Error() string {
	return fmt.Sprintf("%v: %s panicked: %v", ErrInternal, e.Stage, e.Value)
}

func (e *PanicError) Unwrap() error { return ErrInternal }

// ErrInternal is wrapped when a stage of the pipeline panicked (a bug):
// the run fails cleanly instead of crashing.
var ErrInternal = errors.New("generate: internal error")

func paintSafely(be engine.Backend, b *engine.Batch, out engine.Output) (err error) {
	defer recoverInto(&err, "painting")
	return be.Paint(b, out)
}
