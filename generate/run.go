package generate

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/synbols-gpu/synbols-gpu/atlas"
	"github.com/synbols-gpu/synbols-gpu/backends"
	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/fonts"
	"github.com/synbols-gpu/synbols-gpu/internal/par"
	"github.com/synbols-gpu/synbols-gpu/internal/recipe"
	"github.com/synbols-gpu/synbols-gpu/output"
	"github.com/synbols-gpu/synbols-gpu/scene"
	"github.com/synbols-gpu/synbols-gpu/spec"
)

// autoBudget is Config.MemoryBudget's zero: half the available memory.
const autoBudget = 0

// run is one Run resolved: the configuration with its defaults applied
// and everything the stages share, read-only once the stages start
// except for each stage's own timer and the write stage's columns.
type run struct {
	cfg Config // cfg.Mask is the run's mode, Fonts/Atlas/Backend set

	u                  spec.Universe
	sampler            *spec.Sampler
	planner            *engine.Planner
	charBook, fontBook *codebook
	cols               *attrCols // the typed columns; nil without a file
	pool               string    // output.FontPoolDigest of the manifest
	manifest           string    // the encoded font manifest
	specYAML           []byte    // the resolved spec

	w, h, channels, k int    // one sample's geometry
	bs, workers       int    // batch size, goroutines per stage
	selectOverlap     string // the spec's select: {overlap: …}, "" none

	preview *output.Preview      // nil: none
	wr      output.DatasetWriter // nil: no file

	// Written by one stage's goroutine each, read after the channels
	// close.
	planT, paintT, finishT, writeT stageTimer
	// The write stage's columns of every sample, for the splits.
	chars, fontCol []uint32
	kept           map[string]*keptCol // typed columns the splits read (splitrun.go)
	total          int                 // a shard's dataset size (shard.go); 0: not a shard
	// times0 is the backend's engine.Times before the pipeline, for the
	// paint stage's sub-rows (painttimes.go).
	times0 engine.Times
	// from is the samples a resumed run's file already holds.
	from int
	// outs holds painted batches' buffers for reuse (output, recycle).
	outs chan engine.Output
}

// Run generates the dataset. On any error nothing is left at cfg.Out; an
// h5 run its context stops after a checkpoint keeps its samples beside
// it for Config.Resume and returns a *SuspendedError (resume.go).
func Run(ctx context.Context, cfg Config) (res Result, err error) {
	// The splits' timestamp is taken at the end; a malformed
	// SOURCE_DATE_EPOCH is an error before any work.
	if _, err := output.Stamp(); err != nil {
		return res, err
	}
	r, closeBackend, err := setUp(ctx, cfg)
	if closeBackend != nil {
		defer closeBackend()
	}
	if err != nil {
		return res, err
	}
	// The rate is the run's own: the set-up above (fonts, catalogue,
	// backend) is the caller's to report.
	t0 := time.Now()
	if err := r.prepare(); err != nil {
		return res, err
	}
	if r.cfg.Begin != nil {
		if err := r.cfg.Begin(r.layout()); err != nil {
			return res, fmt.Errorf("generate: begin: %w", err)
		}
	}
	if r.cfg.Out != "" {
		if err := r.create(); err != nil {
			return res, err
		}
		defer func() {
			if err != nil {
				err = r.stop(ctx, err)
			}
		}()
		if err := r.restore(); err != nil {
			return res, err
		}
	}
	r.times0, _ = engine.BackendTimes(r.cfg.Backend)
	if err := r.pipeline(ctx); err != nil {
		return res, err
	}
	res = Result{N: r.cfg.N, Fonts: len(r.u.Fonts), Chars: r.cfg.Spec.CharsDrawn(r.u), Backend: r.cfg.Backend.Name(),
		Device: r.cfg.Backend.Device(), Universe: r.u, FontPool: r.pool, Resumed: r.from}
	splitsTime, commitTime, err := r.finishFile(&res)
	if err != nil {
		return res, err
	}
	res.Elapsed = time.Since(t0)
	res.Stages = r.stages(splitsTime, commitTime)
	return res, nil
}

// setUp checks cfg and applies the defaults of its zero fields: the
// output checks first (a refused path costs nothing), then the fonts,
// their checks, the atlas and the backend. closeBackend, if not nil,
// closes a backend setUp opened.
func setUp(ctx context.Context, cfg Config) (r *run, closeBackend func(), err error) {
	if err := ctx.Err(); err != nil { // cancelled while the caller loaded fonts
		return nil, nil, err
	}
	if cfg.N <= 0 {
		return nil, nil, fmt.Errorf("%w: n_samples must be > 0, got %d", ErrConfig, cfg.N)
	}
	if cfg.Spec == nil {
		return nil, nil, fmt.Errorf("%w: a spec is required", ErrConfig)
	}
	if cfg.Start < 0 || cfg.Start > math.MaxInt-cfg.N {
		return nil, nil, fmt.Errorf("%w: start must be in [0, %d], got %d", ErrConfig, math.MaxInt-cfg.N, cfg.Start)
	}
	total, err := shardSetUp(&cfg) // a shard's rows as Start and N
	if err != nil {
		return nil, nil, err
	}
	// The splits partition the whole dataset (a stratified split shuffles
	// the distinct values of every sample): a file of a slice would hold
	// splits that differ from the full file's, so it is refused (a shard
	// holds none: merge computes them).
	if cfg.Start != 0 && cfg.Out != "" && total == 0 {
		return nil, nil, fmt.Errorf("%w: start %d with a file output: a file holds the whole dataset (its splits need every sample); take a slice through Sink", ErrConfig, cfg.Start)
	}
	if cfg.Format, err = output.ParseFormat(string(cfg.Format)); err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	if cfg.Resume && (cfg.Out == "" || cfg.Format != output.FormatH5) {
		return nil, nil, fmt.Errorf("%w: resume needs a file in the h5 format (npz and wds runs start again)", ErrConfig)
	}
	if cfg.ShardSize < 0 {
		return nil, nil, fmt.Errorf("%w: shard size must be >= 0, got %d", ErrConfig, cfg.ShardSize)
	}
	if (cfg.Level < 0 || cfg.Level > 9) && cfg.Level != output.NoCompression {
		return nil, nil, fmt.Errorf("%w: deflate level %d, want 1..9, 0 (the default, 1) or output.NoCompression", ErrConfig, cfg.Level)
	}
	if cfg.ChunkSamples < 0 {
		return nil, nil, fmt.Errorf("%w: chunk samples must be >= 0, got %d", ErrConfig, cfg.ChunkSamples)
	}
	if cfg.Out != "" {
		if _, err := CheckOutFormat(cfg.Format, cfg.Out, cfg.Preview, cfg.Overwrite); err != nil {
			return nil, nil, err
		}
	}
	if err := checkRunSplits(&cfg); err != nil {
		return nil, nil, err
	}
	if cfg.Name == "" {
		cfg.Name = cfg.Spec.Name()
	}
	// cfg is Run's own copy: from here on cfg.Mask is the run's mode.
	if cfg.Mask, err = maskMode(cfg); err != nil {
		return nil, nil, err
	}
	if cfg.Fonts == nil || !cfg.SkipFontChecks {
		o, err := catalogOptions(&cfg)
		if err != nil {
			return nil, nil, err
		}
		if cfg.Fonts == nil {
			if cfg.Fonts, err = fonts.Load(o.Sources); err != nil {
				return nil, nil, err
			}
		}
		if !cfg.SkipFontChecks {
			o.Sources.Warn = nil
			if cfg.Fonts, err = CheckedFonts(cfg.Fonts, cfg.Spec, o); err != nil {
				return nil, nil, err
			}
		}
	}
	if cfg.Atlas == nil {
		if cfg.Atlas, err = atlas.Default(nil); err != nil {
			return nil, nil, err
		}
	}
	if cfg.Backend == nil {
		if cfg.Backend, err = backends.Open("", cfg.Workers); err != nil {
			return nil, nil, err
		}
		closeBackend = func() { cfg.Backend.Close() }
	}
	return &run{cfg: cfg, total: total, outs: make(chan engine.Output, 1)}, closeBackend, nil
}

// prepare resolves the universe, the manifest, the sampler, the geometry,
// the batch size within the memory budget, and the preview.
func (r *run) prepare() (err error) {
	cfg := &r.cfg
	if r.u, err = Universe(cfg.Spec, cfg.Fonts); err != nil {
		return err
	}
	// The coverage the universe asked of the faces is kept in the face
	// index (fonts.Options.IndexDir), so the next start opens only the
	// files of the faces it draws.
	cfg.Fonts.SaveIndex()
	if cfg.Spec.UsesImages() && (cfg.Images == nil || len(cfg.Images.Images) == 0) {
		return fmt.Errorf("%w: %s draws natural images (ImagePattern) and Config.Images holds none", ErrConfig, cfg.Spec.Name())
	}
	// The manifest lists every family the dataset can draw: the pool the
	// sampler draws from, and the occluders' family, named by the spec.
	families := r.u.Fonts
	if occ := cfg.Spec.OccluderFont(); occ != "" && !slices.Contains(families, occ) {
		families = append(slices.Clone(families), occ)
		slices.Sort(families)
	}
	recs := FontManifest(cfg.Fonts, families)
	if r.manifest, err = output.EncodeFontManifest(recs); err != nil {
		return err
	}
	r.pool = output.FontPoolDigest(recs)
	if r.specYAML, err = cfg.Spec.YAML(); err != nil {
		return err
	}
	if r.sampler, err = cfg.Spec.Sampler(r.u); err != nil {
		return err
	}
	r.w, r.h = cfg.Spec.Resolution()
	r.channels = 3
	if cfg.Spec.Gray() {
		r.channels = 1
	}
	r.k = cfg.Spec.MaxSymbols()
	r.selectOverlap = cfg.Spec.SelectOverlap()
	ml := maskLayout{mode: cfg.Mask, symbols: cfg.SymbolMasks}
	budget := float64(cfg.MemoryBudget)
	if cfg.MemoryBudget == autoBudget {
		budget = memoryBudget()
	}
	var target output.Target
	if cfg.Out != "" {
		if target, err = output.ResolveTarget(cfg.Out); err != nil {
			return err
		}
	}
	if r.bs, err = planResources(cfg.N, cfg.BatchSize, r.w, r.h, r.channels, r.k, ml, engine.InFlight(cfg.Backend), budget, target.Path); err != nil {
		return err
	}
	r.workers = cfg.Workers
	if r.workers <= 0 {
		r.workers = defaultWorkers()
	}
	r.planner = &engine.Planner{Fonts: cfg.Fonts, Atlas: cfg.Atlas, Images: cfg.Images}
	r.charBook, r.fontBook = newCodebook(r.u.Chars), newCodebook(r.u.Fonts)
	if cfg.Out != "" && cfg.Format == output.FormatH5 {
		r.cols = newAttrCols(cfg.Spec, r.u, cfg.Mask, r.k)
	}
	if cfg.Out != "" && cfg.Preview {
		if r.preview, err = output.NewPreview(cfg.N, r.h, r.w, r.channels); err != nil {
			return err
		}
	}
	return r.prepareSplits()
}

// create opens the writer with the root attributes: the spec, the mask
// mode, the font manifest and pool, the image pool.
func (r *run) create() error {
	cfg := &r.cfg
	l := r.layout()
	rootAttrs := map[string]string{
		"spec":                  l.Spec,
		MaskModeAttr:            cfg.Mask.String(),
		"channel_order":         l.ChannelOrder,
		"generator":             "synbols-gpu",
		"dataset":               cfg.Name,
		output.FontManifestAttr: r.manifest,
		output.FontPoolAttr:     r.pool,
	}
	if d := imagePoolDigest(*cfg); d != "" {
		rootAttrs[ImagePoolAttr] = d
	}
	r.addRunAttrs(rootAttrs)
	o := output.Options{
		Path: cfg.Out, N: cfg.N, H: r.h, W: r.w, C: r.channels, K: r.k,
		MaskShape: l.MaskShape, SymbolMask: cfg.SymbolMasks,
		Attrs:     rootAttrs,
		Preview:   PreviewPath(cfg.Out),
		ShardSize: cfg.ShardSize,
		Level:     cfg.Level, ChunkSamples: cfg.ChunkSamples,
	}
	if r.cols != nil {
		o.Columns = r.cols.cols
	}
	if cfg.Format != output.FormatH5 {
		o.Splits = SplitsPath(cfg.Out)
	} else {
		o.Checkpoint = r.checkpointing()
	}
	var err error
	r.wr, err = output.Open(cfg.Format, o)
	return err
}

// pipeline runs the three stages, overlapping: stage 1 samples and plans,
// batch by batch, workers in parallel within a batch; stage 2 paints and
// finishes (masks, boxes, records); stage 3, on this goroutine, writes.
func (r *run) pipeline(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	planned := make(chan *batch, 1)
	// Unbuffered: a painted batch waits in the paint stage, not in a
	// queue, until the finish stage takes it (pipelineBatches).
	painted := make(chan *batch)
	finished := make(chan *batch, 1)
	go r.planStage(ctx, planned)
	go r.paintStage(ctx, planned, painted)
	go r.finishStage(ctx, painted, finished)
	err := r.writeStage(ctx, finished)
	if err != nil {
		// Stops the other stages; they drop what they hold.
		cancel()
	}
	return err
}

// planStage is stage 1: it plans every batch in order into planned, and
// stops at the first failed batch (sent on, for the writer to report).
func (r *run) planStage(ctx context.Context, planned chan<- *batch) {
	defer close(planned)
	// start is the dataset's index of the batch's first sample: a run from
	// Config.Start plans the indices a file's rows have.
	first, end := r.cfg.Start+r.from, r.cfg.Start+r.cfg.N
	for start := first; start < end; start += r.bs {
		n := min(r.bs, end-start)
		t0 := time.Now()
		b := planBatch(r, start, n)
		t1 := time.Now()
		r.planT.busy += t1.Sub(t0)
		// Read before the send: from then on b is the painter's, which
		// sets b.err when painting fails.
		failed := b.err != nil
		select {
		case planned <- b:
			r.planT.wait += time.Since(t1)
		case <-ctx.Done():
			return
		}
		if failed {
			return
		}
	}
}

// paintStage is stage 2: paint each planned batch, in order, with as many
// Paint calls in flight as the backend gains from (engine.InFlight: the
// GPU backend queues one call's sub-batches while it copies another's out).
func (r *run) paintStage(ctx context.Context, planned <-chan *batch, painted chan<- *batch) {
	be := r.cfg.Backend
	work := func(b *batch) {
		b.out = r.output(len(b.plan.Images))
		if err := paintSafely(be, &b.plan, b.out); err != nil {
			b.err = fmt.Errorf("paint: %s backend: %w", be.Name(), err)
		}
	}
	if k := engine.InFlight(be); k > 1 {
		relayConcurrent(ctx, planned, painted, &r.paintT, k, work)
		return
	}
	relay(ctx, planned, painted, &r.paintT, work)
}

// relayConcurrent is relay with up to k batches of in worked on at once,
// each on a goroutine of its own, and sent on in order: a batch counts
// against k until out has taken it. st.busy is the wall time during which
// at least one batch is worked on, st.wait the rest of the stage's. It
// returns, closing out, once every goroutine it started has finished.
func relayConcurrent(ctx context.Context, in <-chan *batch, out chan<- *batch, st *stageTimer, k int, work func(*batch)) {
	defer close(out)
	t0 := time.Now()
	var busy par.Clock
	type job struct {
		b    *batch
		done chan struct{}
	}
	sem := make(chan struct{}, k)
	queue := make(chan job, k) // in order; sem keeps it from filling
	var workers sync.WaitGroup
	go func() {
		defer close(queue)
		for b := range in {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			j := job{b, make(chan struct{})}
			workers.Go(func() {
				defer close(j.done)
				if b.err != nil {
					return
				}
				busy.Start()
				work(b)
				busy.Stop()
			})
			queue <- j
		}
	}()
	defer func() {
		for range queue { // the feeder stops at ctx.Done or the end of in
		}
		workers.Wait()
		b := busy.Take()
		st.busy += b
		st.wait += time.Since(t0) - b
	}()
	for j := range queue {
		<-j.done
		select {
		case out <- j.b:
		case <-ctx.Done():
			return
		}
		<-sem
	}
}

// finishStage is stage 3: each painted batch's masks, boxes and records
// (measured on the painted masks), in order. It is a stage of its own so
// that the backend paints the next batch meanwhile: on the painter's
// goroutine it left a GPU idle for as long as the CPU took over them.
func (r *run) finishStage(ctx context.Context, painted <-chan *batch, finished chan<- *batch) {
	relay(ctx, painted, finished, &r.finishT, func(b *batch) {
		b.err = finish(b, r.cols, r.cfg.Mask, r.w, r.h, r.k, r.workers)
	})
}

// relay is a middle stage: work on each batch of in that has not failed,
// then on to out, in order, until in closes or ctx is done (then it drops
// what it holds); st gets the time working and the time waiting on
// either side. It closes out.
func relay(ctx context.Context, in <-chan *batch, out chan<- *batch, st *stageTimer, work func(*batch)) {
	defer close(out)
	t := time.Now()
	for b := range in {
		t0 := time.Now()
		st.wait += t0.Sub(t)
		if b.err == nil {
			work(b)
		}
		t1 := time.Now()
		st.busy += t1.Sub(t0)
		select {
		case out <- b:
		case <-ctx.Done():
			return
		}
		t = time.Now()
		st.wait += t.Sub(t1)
	}
}

// writeStage is stage 4: each finished batch to the writer, the sink and
// the preview, its columns kept for the splits.
func (r *run) writeStage(ctx context.Context, painted <-chan *batch) error {
	cfg := &r.cfg
	// A resumed run's first samples' columns are read back (restore).
	r.chars = append(make([]uint32, 0, cfg.N), r.chars...)
	r.fontCol = append(make([]uint32, 0, cfg.N), r.fontCol...)
	done := r.from
	tw := time.Now()
	for b := range painted {
		t0 := time.Now()
		r.writeT.wait += t0.Sub(tw)
		if b.err != nil {
			return b.err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		s := output.Samples{X: b.out.X, Mask: b.out.Mask, Y: b.records}
		if b.agg != nil {
			s.Mask = b.agg
		}
		// The batch's buffers go back to the painter when both this
		// stage and the writer (which compresses whole chunks from them
		// rather than copying: Samples.Release) are done with them.
		holds := new(atomic.Int32)
		holds.Store(1)
		out := b.out
		release := func() {
			if holds.Add(-1) == 0 {
				r.recycle(out)
			}
		}
		if r.wr != nil {
			f := s
			holds.Add(1)
			f.Release = release
			if r.cols != nil {
				r.cols.code(b)
				r.keepSplitCols(b)
				f.Columns = b.cols
			}
			if cfg.SymbolMasks {
				f.SymbolMask = b.out.Mask
			}
			if err := r.wr.WriteSamples(f); err != nil {
				return err
			}
		}
		if cfg.Sink != nil {
			s.SymbolMask = b.out.Mask // the sink always gets them
			if err := cfg.Sink(b.start, s); err != nil {
				return fmt.Errorf("generate: sink: %w", err)
			}
		}
		r.chars = append(r.chars, b.chars...)
		r.fontCol = append(r.fontCol, b.fonts...)
		if r.preview != nil && !r.preview.Full() {
			r.preview.Add(b.out.X)
		}
		done += len(b.plan.Images)
		if cfg.Progress != nil {
			cfg.Progress(done)
		}
		release()
		tw = time.Now()
		r.writeT.busy += tw.Sub(t0)
	}
	if done != cfg.N {
		if err := ctx.Err(); err != nil {
			return err
		}
		return fmt.Errorf("generate: pipeline stopped after %d of %d samples", done, cfg.N)
	}
	return nil
}

// finishFile writes the splits and the preview and commits the file; a
// dry run computes the splits and drops them. It returns the time of the
// splits (preview encoding included) and of the commit.
func (r *run) finishFile(res *Result) (splitsTime, commitTime time.Duration, err error) {
	cfg := &r.cfg
	if r.total > 0 && r.wr != nil {
		commitTime, err = r.finishShard(res)
		return 0, commitTime, err
	}
	tSplits := time.Now()
	parts := r.splitParts()
	if r.wr == nil {
		if cfg.DryRun {
			// Everything but the file: the splits are computed and
			// dropped, so a dry run measures what a real one holds.
			for _, sp := range parts {
				if _, err := sp.part(); err != nil {
					return 0, 0, err
				}
			}
		}
		return time.Since(tSplits), 0, nil
	}
	stamp, err := output.Stamp()
	if err != nil {
		return 0, 0, err
	}
	seed := int64(cfg.Seed)
	// One split at a time: each one-hot array lives only while it is
	// written (WriteSplits waits for libhdf5).
	for _, sp := range parts {
		p, err := sp.part()
		if err != nil {
			return 0, 0, err
		}
		if err := r.wr.WriteSplits([]output.Split{{Name: sp.name, Part: p, Seed: seed, Timestamp: stamp}}); err != nil {
			return 0, 0, err
		}
	}
	if r.cols != nil {
		hw := r.wr.(*output.Writer) // the typed columns are HDF5's
		for i, book := range r.cols.books {
			if err := hw.WriteValues(r.cols.named[i], book.names); err != nil {
				return 0, 0, err
			}
		}
	}
	if r.preview != nil {
		if err := r.wr.SetPreview(r.preview); err != nil {
			return 0, 0, err
		}
		res.Preview = PreviewPath(cfg.Out)
	}
	splitsTime = time.Since(tSplits)
	tClose := time.Now()
	if err := r.wr.Close(); err != nil {
		return 0, 0, err
	}
	commitTime = time.Since(tClose)
	res.Bytes = r.wr.Size()
	return splitsTime, commitTime, nil
}

// stages is Result.Stages: each stage's busy and waiting time, the
// writer's compression and libhdf5 time split out of the write stage's.
func (r *run) stages(splitsTime, commitTime time.Duration) []Stage {
	var ws output.WriterStats
	if r.wr != nil {
		ws = r.wr.Stats()
	}
	be := r.cfg.Backend.Name()
	compressName, writesName := fmt.Sprintf("compress (%d goroutines, summed)", ws.Workers), "libhdf5 writes"
	switch r.cfg.Format {
	case output.FormatNPZ:
		compressName, writesName = "compress (none: stored)", "npz writes"
	case output.FormatWDS:
		compressName, writesName = fmt.Sprintf("encode PNG (%d goroutines, wall)", ws.Workers), "tar writes"
	}
	st := []Stage{
		{Name: fmt.Sprintf("sample + plan (%d goroutines)", r.workers), Busy: r.planT.busy, Wait: r.planT.wait, WaitFor: "the painter"},
		{Name: "paint (" + be + ")", Busy: r.paintT.busy, Wait: r.paintT.wait, WaitFor: "plans, or the next stage"},
		{Name: fmt.Sprintf("masks, boxes, records (%d goroutines)", r.workers), Busy: r.finishT.busy, Wait: r.finishT.wait,
			WaitFor: "painted batches or the writer", Note: r.cfg.Mask.String() + " masks"},
		{Name: "copy into chunks, preview", Busy: r.writeT.busy - ws.Wait, Wait: r.writeT.wait + ws.Wait, WaitFor: "painted batches or compression",
			Note: fmt.Sprintf("%.2f s of the wait on compression", ws.Wait.Seconds())},
		{Name: compressName, Busy: ws.Compress},
		{Name: writesName, Busy: ws.HDF5},
		{Name: "splits (+ preview encoding)", Busy: splitsTime},
		{Name: "close, fsync, rename", Busy: commitTime},
	}
	// The paint stage's parts (the backend's Times) follow its row.
	return slices.Insert(st, 2, r.paintParts()...)
}

// output returns the painter's buffers for n images: a batch's that the
// write stage is done with, or new ones. Reusing them saves the page
// faults and zeroing of a fresh batch (16 MiB at 32×32, every batch): the
// backends overwrite every byte of X and Mask (engine.Backend.Paint; the
// tests poison recycled buffers to hold them to it).
func (r *run) output(n int) engine.Output {
	nx, nm := n*r.w*r.h*r.channels, n*r.w*r.h*r.k
	select {
	case o := <-r.outs:
		if cap(o.X) >= nx && cap(o.Mask) >= nm {
			o = engine.Output{X: o.X[:nx], Mask: o.Mask[:nm]}
			if poisonRecycled {
				fill(o.X, 0xa5)
				fill(o.Mask, 0xa5)
			}
			return o
		}
	default:
	}
	return engine.Output{X: make([]byte, nx), Mask: make([]byte, nm)}
}

// recycle hands a written batch's buffers back to output: the writer,
// the sink and the preview copy what they keep.
func (r *run) recycle(o engine.Output) {
	select {
	case r.outs <- o:
	default:
	}
}

// poisonRecycled, set by the tests, fills recycled buffers with 0xA5, so
// that a painter leaving bytes unwritten changes what a run writes.
var poisonRecycled = false

func fill(b []byte, v byte) {
	for i := range b {
		b[i] = v
	}
}

// planBatch samples and plans samples [start, start+n) with r.workers
// goroutines, each taking a contiguous run (par.ForErr), then joins the
// runs' plans in order: the batch does not depend on the number of
// workers.
func planBatch(r *run, start, n int) *batch {
	b := &batch{start: start, samples: make([]scene.Sample, n), chars: make([]uint32, n), fonts: make([]uint32, n)}
	b.plan = engine.Batch{Width: r.w, Height: r.h, Channels: r.channels, MaskChannels: r.k, Atlas: r.cfg.Atlas, Pool: r.planner.Images}
	k := par.Workers(n, r.workers)
	// Each run plans into its own part, found by the run's first index
	// (read-only during the loop).
	parts := make([]engine.Batch, k)
	byLo := make(map[int]*engine.Batch, k)
	for w := range parts {
		lo, _ := par.Run(n, k, w)
		byLo[lo] = &parts[w]
	}
	if b.err = par.ForErr(n, k, func(lo, hi int) (err error) {
		defer recoverInto(&err, "planning")
		return r.planRange(b, byLo[lo], lo, hi)
	}); b.err != nil {
		return b
	}
	for i := range parts {
		if err := b.plan.Append(&parts[i]); err != nil {
			b.err = err
			return b
		}
	}
	return b
}

// planRange plans b's samples [lo, hi) into plan: for each index the
// first candidate the spec's select: passes (every spec without one takes
// candidate 0), its sample kept in b for finish and its first symbol's
// char and font coded for the splits.
func (r *run) planRange(b *batch, plan *engine.Batch, lo, hi int) error {
	plan.Images = make([]engine.Image, 0, hi-lo)
	sel := recipe.NewSelector(r.selectOverlap, b.plan)
	for j := lo; j < hi; j++ {
		s, err := recipe.PlanIndex(r.sampler, r.planner, sel, r.cfg.Seed, b.start+j, plan)
		if err != nil {
			return err
		}
		b.samples[j] = s // its record is written after painting (finish)
		var char, font string
		if len(s.Symbols) > 0 {
			char, font = s.Symbols[0].Char, s.Symbols[0].Font
		}
		b.chars[j], b.fonts[j] = r.charBook.code(char), r.fontBook.code(font)
	}
	return nil
}
