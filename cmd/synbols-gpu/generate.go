package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"github.com/synbols-gpu/synbols-gpu/backends"
	"io"
	"os"
	"runtime/pprof"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/synbols-gpu/synbols-gpu/atlas"
	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/fonts"
	"github.com/synbols-gpu/synbols-gpu/generate"
	"github.com/synbols-gpu/synbols-gpu/output"
	"github.com/synbols-gpu/synbols-gpu/spec"
)

func listPresets(w io.Writer) {
	fmt.Fprintln(w, "Presets (--dataset):")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, p := range spec.Presets() {
		fmt.Fprintf(tw, "  %s\t%s\n", p.Name, p.Description)
	}
	tw.Flush()
}

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// common are the flags shared by generate and bench.
type common struct {
	resolution string
	workers    int
	src        sourceFlags
	cacheDir   string
	backend    string
	batch      int
}

func (c *common) register(fs *flag.FlagSet) {
	fs.StringVar(&c.resolution, "resolution", "", "image size WxH, e.g. 64x64 (default: the preset's)")
	fs.IntVar(&c.workers, "workers", 0, "CPU goroutines for sampling and painting (default: all cores)")
	c.src.register(fs)
	fs.StringVar(&c.cacheDir, "cache-dir", atlas.DefaultCacheDir(), "glyph atlas cache folder (\"\" = none)")
	fs.StringVar(&c.backend, "backend", envOr(backends.EnvVar, "auto"), "painting backend: auto, cpu or gpu (env "+backends.EnvVar+")")
	fs.IntVar(&c.batch, "batch", 0, fmt.Sprintf("samples per painted batch (default %d, fewer where a batch would hold more than %d MiB or half the available memory cannot hold the batches in flight)", generate.DefaultBatchSize, generate.DefaultBatchBytes>>20))
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// parseResolution reads WxH (or a single N for N×N).
func parseResolution(s string) (w, h int, err error) {
	a, b, found := strings.Cut(strings.ToLower(s), "x")
	if !found {
		b = a
	}
	// Digits only: Atoi alone would take "+16" and " 16".
	digits := func(s string) bool {
		return s != "" && len(s) <= 5 && strings.Trim(s, "0123456789") == ""
	}
	w, err1 := strconv.Atoi(a)
	h, err2 := strconv.Atoi(b)
	if !digits(a) || !digits(b) || err1 != nil || err2 != nil || w <= 0 || h <= 0 || w > spec.MaxResolution || h > spec.MaxResolution {
		return 0, 0, fmt.Errorf("%w: --resolution %q: want WxH with 1 ≤ W, H ≤ %d, e.g. 32x32", errUsage, s, spec.MaxResolution)
	}
	return w, h, nil
}

// setup is what both generate and bench need before painting.
type setup struct {
	spec    *spec.Spec
	fonts   *fonts.Library
	atlas   *atlas.Atlas
	backend engine.Backend
}

func (c *common) load(sp *spec.Spec, stderr io.Writer) (*setup, error) {
	if c.resolution != "" {
		w, h, err := parseResolution(c.resolution)
		if err != nil {
			return nil, err
		}
		if err := sp.SetResolution(w, h); err != nil {
			return nil, err
		}
	}
	if c.workers < 0 {
		return nil, fmt.Errorf("%w: --workers must be ≥ 0, got %d", errUsage, c.workers)
	}
	if c.batch < 0 {
		return nil, fmt.Errorf("%w: --batch must be ≥ 0, got %d", errUsage, c.batch)
	}
	// The backend opens while the fonts and the atlas load: "auto" loads
	// EGL and a driver to look for a hardware GPU, 40–70 ms on a machine
	// without one (where Mesa's software driver, LLVM and all, is what
	// it finds), which the fonts need not wait for. A backend error is
	// still the one reported when both fail.
	type opened struct {
		be  engine.Backend
		err error
	}
	bc := make(chan opened, 1)
	go func() {
		be, err := selectBackend(c.backend, c.workers)
		bc <- opened{be, err}
	}()
	lib, at, err := c.assets(stderr)
	o := <-bc
	if o.err != nil {
		return nil, o.err
	}
	if err != nil {
		o.be.Close()
		return nil, err
	}
	return &setup{spec: sp, fonts: lib, atlas: at, backend: o.be}, nil
}

// assets loads the fonts and opens the atlas: what every backend and
// resolution shares, so bench loads them once.
func (c *common) assets(stderr io.Writer) (*fonts.Library, *atlas.Atlas, error) {
	o, err := c.src.options(stderr)
	if err != nil {
		return nil, nil, err
	}
	lib, err := fonts.Load(o.Sources)
	if err != nil {
		return nil, nil, err
	}
	at, err := atlas.Open(atlas.DefaultParams(), c.cacheDir, func(msg string) {
		fmt.Fprintln(stderr, "synbols-gpu: warning:", msg)
	})
	if err != nil {
		return nil, nil, err
	}
	return lib, at, nil
}

// selectBackend maps --backend to a painter (backends.Open). An unknown
// name is a usage error.
func selectBackend(name string, workers int) (engine.Backend, error) {
	be, err := backends.Open(name, workers)
	if errors.Is(err, backends.ErrUnknown) {
		return nil, fmt.Errorf("%w: --backend: %w", errUsage, err)
	}
	if err != nil {
		return nil, fmt.Errorf("--backend: %w", err)
	}
	return be, nil
}

func cmdGenerate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	start := time.Now()
	fs := newFlags("generate", func(w io.Writer, fs *flag.FlagSet) {
		fmt.Fprintln(w, "Usage: synbols-gpu generate [--dataset NAME | --spec FILE] --n_samples N [flags]")
		fmt.Fprintln(w)
		printFlags(w, fs)
		fmt.Fprintln(w)
		listPresets(w)
	})
	ds := registerDataset(fs)
	var (
		c        common
		n        = fs.Int("n_samples", 10000, "number of samples (also --n-samples)")
		seed     = fs.Uint64("seed", 42, "dataset seed: sample i depends only on (spec, seed, i)")
		out      = fs.String("out", "", "output file (default <dataset>.h5py, .npz or, for wds, the manifest <dataset>.json beside the shards <dataset>-000000.tar, … in the current folder)")
		format   = fs.String("format", "h5", "output format: h5 (HDF5, the original's layout), npz (one numpy archive) or wds (WebDataset tar shards); see docs/format.md")
		shards   = fs.Int("shard-size", output.DefaultShardSize, "samples per WebDataset shard (--format wds)")
		preview  = fs.Bool("preview", true, "write <out>_preview.png, the first 100 images")
		quiet    = fs.Bool("quiet", false, "no progress bar or progress lines")
		every    = fs.Duration("progress-every", defaultProgressEvery, "where stderr is no terminal (a batch log), print a progress line this often (0 = never)")
		dryRun   = fs.Bool("dry-run", false, "sample, paint and split without writing any file (time and memory of a real run)")
		stats    = fs.Bool("stats", false, "print where the time went, stage by stage (busy and waiting), to stderr")
		cpuProf  = fs.String("cpuprofile", "", "write a Go CPU profile of the run to this file")
		symMasks = fs.Bool("symbol-masks", false, "also write every symbol's own mask as symbol_mask (N, H, W, K), whatever the spec's mask mode")
		force    = fs.Bool("force", false, "replace an existing output file (and its preview), and discard an interrupted run's state")
		compress = fs.String("compression", "gzip:1", "HDF5 datasets: gzip[:LEVEL] (deflate, LEVEL 1 fastest … 9 smallest; gzip = gzip:1) or none")
		chunk    = fs.Int("chunk-samples", 0, "samples per HDF5 chunk of x and mask (default: about 32 KiB of x; see docs/format.md, Chunks)")
		shard    = fs.String("shard", "", "write shard K/N of the dataset: rows [K·n/N, (K+1)·n/N) of --n_samples n, no splits, no preview (join with 'synbols-gpu merge'); --out defaults to <dataset>-START-END.h5py")
		rng      = fs.String("range", "", "write rows START:END of the dataset as a shard (as --shard)")
		resume   = fs.Bool("resume", false, "continue the interrupted run of the same command (same flags) on this output, from its last checkpoint; without one, start from the beginning (--format h5)")
		ckEvery  = fs.Int("checkpoint", 0, "samples between the checkpoints a resume continues from (default: about 64 MiB of images)")
	)
	var splitSpecs stringList
	fs.Var(&splitSpecs, "split", "a split the file holds, repeatable, replacing the default four (\"default\" stands for them):\nrandom, stratified:ATTR, compositional:A,B, [NAME=]…[@T,V,S] (see 'synbols-gpu split --help')")
	fs.IntVar(n, "n-samples", 10000, "")
	c.src.ctx = ctx
	c.register(fs)
	if err := parseArgs(fs, args, stdout); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	if *n <= 0 {
		return fmt.Errorf("%w: --n_samples must be > 0, got %d", errUsage, *n)
	}
	var splitReqs []generate.SplitRequest
	if len(splitSpecs) > 0 {
		r, err := generate.ParseSplitRequests(splitSpecs)
		if err != nil {
			return fmt.Errorf("%w: --split: %w", errUsage, err)
		}
		splitReqs = r
	}
	part, err := shardFlags(*shard, *rng, *n)
	if err != nil {
		return err
	}
	isShard := part != (generate.Range{})
	if isShard && *dryRun {
		return fmt.Errorf("%w: --shard and --range write a file: drop --dry-run", errUsage)
	}
	if isShard && flagSet(fs, "preview") && *preview {
		return fmt.Errorf("%w: a shard has no preview: drop --preview", errUsage)
	}
	if isShard {
		*preview = false
	}
	// A spec file's dataset is named by its name: field (the file's name
	// when it has none), which also names the output file.
	in, err := ds.resolve(ctx, fs, stderr)
	if err != nil {
		return err
	}
	sp, name, pool, manifest := in.spec, in.name, in.pool, in.manifest
	f, err := output.ParseFormat(*format)
	if err != nil {
		return fmt.Errorf("%w: --format %q: want h5, npz or wds", errUsage, *format)
	}
	if isShard && f != output.FormatH5 {
		return fmt.Errorf("%w: --shard and --range write HDF5 shards for 'synbols-gpu merge': --format h5, not %s", errUsage, f)
	}
	if *shards < 1 {
		return fmt.Errorf("%w: --shard-size must be >= 1, got %d", errUsage, *shards)
	}
	if *every < 0 {
		return fmt.Errorf("%w: --progress-every must be >= 0, got %v", errUsage, *every)
	}
	level, err := parseCompression(*compress)
	if err != nil {
		return err
	}
	if *chunk < 0 {
		return fmt.Errorf("%w: --chunk-samples must be >= 0, got %d", errUsage, *chunk)
	}
	for _, name := range []string{"compression", "chunk-samples"} {
		if flagSet(fs, name) && f != output.FormatH5 {
			return fmt.Errorf("%w: --%s is for --format h5 (npz members are stored, wds images are PNG)", errUsage, name)
		}
	}
	if *resume && (f != output.FormatH5 || *dryRun) {
		return fmt.Errorf("%w: --resume is for --format h5 files (npz and wds runs start again; a dry run has nothing to resume)", errUsage)
	}
	if *ckEvery < 0 {
		return fmt.Errorf("%w: --checkpoint must be >= 0, got %d", errUsage, *ckEvery)
	}
	if flagSet(fs, "shard-size") && f != output.FormatWDS {
		return fmt.Errorf("%w: --shard-size is for --format wds", errUsage)
	}
	if f == output.FormatWDS && *out != "" && !strings.HasSuffix(*out, ".json") {
		return fmt.Errorf("%w: --format wds: --out names the manifest, NAME.json (the shards are NAME-000000.tar, … beside it), got %q", errUsage, *out)
	}
	if flagSet(fs, "out") && strings.TrimSpace(*out) == "" {
		// Likely an unset variable (--out "$OUT"): writing the default
		// file into the current folder instead would surprise.
		return fmt.Errorf("%w: --out is empty: give a file name, or leave --out out for %s", errUsage, name+f.Ext())
	}
	path := *out
	switch {
	case *dryRun && *out != "":
		return fmt.Errorf("%w: --dry-run writes no file: drop --out", errUsage)
	case *dryRun:
		path = ""
	case path == "" && isShard:
		path = fmt.Sprintf("%s-%d-%d%s", name, part.Start, part.End, f.Ext())
	case path == "":
		path = name + f.Ext()
	}
	if path != "" {
		// Before any work: refuse device nodes, "-", missing folders, an
		// existing dataset without --force… (Run checks again.)
		if _, err := generate.CheckOutFormat(f, path, *preview, *force); err != nil {
			return existsUsage(err)
		}
	}
	// The profile covers the set-up too (fonts, catalogue): where a slow
	// start's time goes.
	if *cpuProf != "" {
		if _, err := output.ResolveTarget(*cpuProf); err != nil {
			return fmt.Errorf("%w: --cpuprofile: %w", errUsage, err)
		}
		f, err := os.Create(*cpuProf)
		if err != nil {
			return fmt.Errorf("--cpuprofile: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("--cpuprofile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	su := startup{begin: start}
	st, err := c.load(sp, stderr)
	if err != nil {
		return err
	}
	su.loaded = time.Now()
	defer st.backend.Close()
	if manifest != nil { // exactly the earlier dataset's fonts, no new judgement
		if st.fonts, err = generate.FontsFrom(st.fonts, manifest); err != nil {
			return fmt.Errorf("--fonts-from %s: %w", *ds.from, err)
		}
	}
	// The catalogue of the font checks (generate.Run applies them) is
	// that of the sources the fonts were loaded from; its warnings
	// repeat the load's, printed already.
	catalog, err := c.src.options(io.Discard)
	if err != nil {
		return err
	}

	bar := newProgress(stderr, *n, !*quiet, *every)
	if isShard {
		bar.total = part.End - part.Start
	}
	res, err := generate.Run(ctx, generate.Config{
		Name: name, Spec: st.spec, N: *n, Seed: *seed, Out: path, Preview: *preview && path != "", DryRun: *dryRun, Overwrite: *force,
		Fonts: st.fonts, SkipFontChecks: manifest != nil || !*ds.checks, FontCatalog: &catalog,
		Atlas: st.atlas, Backend: st.backend, Images: pool, SymbolMasks: *symMasks,
		Format: f, ShardSize: *shards, Level: level, ChunkSamples: *chunk, Splits: splitReqs, Shard: part,
		Workers: c.workers, BatchSize: c.batch, Progress: bar.update,
		Begin:  su.atReady,
		Resume: *resume, Checkpoint: *ckEvery,
		Notify: func(msg string) { fmt.Fprintln(stderr, "synbols-gpu: note:", msg) },
	})
	bar.finish()
	if err != nil {
		return existsUsage(err)
	}
	secs := res.Elapsed.Seconds()
	where := path + " " + humanBytes(res.Bytes)
	if path == "" {
		where = "dry run, no file"
	}
	// The rate is the run's own; set-up (fonts, catalogue, backend) is
	// reported beside it, so a slow first run says where its time went.
	total := time.Since(start)
	made, resumed := res.N, ""
	if res.Resumed > 0 {
		// The rate is of the samples this run made.
		made, resumed = res.N-res.Resumed, fmt.Sprintf(" (resumed after %s)", thousands(res.Resumed))
	}
	fmt.Fprintf(stdout, "%s: %d samples%s (%d fonts, %d symbols) in %.2f s, %.0f images/s (set-up %.2f s, total %.2f s), %s, backend %s (%s), font pool %.19s\n",
		name, res.N, resumed, res.Fonts, res.Chars, secs, float64(made)/secs, (total - res.Elapsed).Seconds(), total.Seconds(), where, res.Backend, res.Device, res.FontPool)
	if *stats {
		su.print(stderr)
		printStages(stderr, res.Stages, res.Elapsed)
	}
	return nil
}

// parseCompression reads --compression: gzip, gzip:LEVEL (1–9) or none,
// as generate.Config.Level.
func parseCompression(s string) (int, error) {
	if s == "none" {
		return output.NoCompression, nil
	}
	name, lv, hasLevel := strings.Cut(s, ":")
	if name == "gzip" && !hasLevel {
		return 1, nil
	}
	if name == "gzip" && len(lv) == 1 && lv[0] >= '1' && lv[0] <= '9' {
		return int(lv[0] - '0'), nil
	}
	return 0, fmt.Errorf("%w: --compression %q: want gzip, gzip:LEVEL with LEVEL 1 (fastest) to 9 (smallest), or none", errUsage, s)
}

// existsUsage words generate.ErrExists for the command line: a usage
// error (exit 2) naming the file and the flag that replaces it.
func existsUsage(err error) error {
	var ee *generate.ExistsError
	if errors.As(err, &ee) {
		return fmt.Errorf("%w: %s exists: give --force to replace it", errUsage, ee.Path)
	}
	return err
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	default:
		return fmt.Sprintf("%d B", n)
	}
}

// progress reports a run's progress on stderr: on a terminal a one-line
// bar redrawn in place, with rate and ETA; elsewhere (a batch job's log, a
// pipe) a plain line every `every`, so that a scheduler's log shows the
// run advancing (a bar's carriage returns would pile up into one line
// printed at the end).
type progress struct {
	w     io.Writer
	total int
	on    bool          // a terminal: the bar
	every time.Duration // not a terminal: a line this often (0: none)
	start time.Time
	last  time.Time
	drawn bool
}

// defaultProgressEvery is --progress-every's default.
const defaultProgressEvery = 5 * time.Second

func newProgress(w io.Writer, total int, want bool, every time.Duration) *progress {
	p := &progress{w: w, total: total, start: time.Now()}
	p.last = p.start
	if !want {
		return p
	}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.on = true
			return p
		}
	}
	p.every = every
	return p
}

func (p *progress) update(done int) {
	if !p.on && p.every <= 0 {
		return
	}
	now := time.Now()
	el := now.Sub(p.start).Seconds()
	rate := float64(done) / max(el, 1e-9)
	if !p.on {
		// A log line only after a full interval: a run shorter than
		// that prints none, and the last batch's line is the summary's.
		if now.Sub(p.last) < p.every || done >= p.total && p.total > 0 {
			return
		}
		p.last = now
		if p.total <= 0 {
			fmt.Fprintf(p.w, "synbols-gpu: %d samples, %.0f images/s, %s elapsed\n", done, rate, now.Sub(p.start).Round(time.Second))
			return
		}
		eta := time.Duration(float64(p.total-done) / max(rate, 1e-9) * float64(time.Second))
		fmt.Fprintf(p.w, "synbols-gpu: %d/%d samples (%d%%), %.0f images/s, %s elapsed, ETA %s\n",
			done, p.total, 100*done/p.total, rate, now.Sub(p.start).Round(time.Second), eta.Round(time.Second))
		return
	}
	if done < p.total && now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	if p.total <= 0 { // no end known (an unbounded stream): count and rate
		fmt.Fprintf(p.w, "\r%d samples  %.0f images/s ", done, rate)
		p.drawn = true
		return
	}
	eta := time.Duration(float64(p.total-done) / max(rate, 1e-9) * float64(time.Second))
	const width = 30
	fill := width * done / p.total
	fmt.Fprintf(p.w, "\r[%s%s] %3d%% %d/%d  %.0f images/s  ETA %s ",
		strings.Repeat("#", fill), strings.Repeat("-", width-fill), 100*done/p.total, done, p.total, rate, eta.Round(time.Second))
	p.drawn = true
}

func (p *progress) finish() {
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}

// flagSet reports whether the flag name was given on the command line
// (so that an explicitly empty value is an error, not the default).
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// printStages writes the per-stage table of generate --stats: busy and
// waiting time per stage and busy as a share of the run, so the stage
// that bounds a run (busy nearly all the time) stands out.
func printStages(w io.Writer, stages []generate.Stage, wall time.Duration) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "stage\tbusy s\tshare\twaiting s\twaiting for\t\n")
	for _, st := range stages {
		wait, note := "", st.WaitFor
		if st.Wait > 0 || st.WaitFor != "" {
			wait = fmt.Sprintf("%.3f", st.Wait.Seconds())
		}
		if st.Note != "" {
			note += " (" + st.Note + ")"
		}
		fmt.Fprintf(tw, "%s\t%.3f\t%.0f%%\t%s\t%s\t\n", st.Name, st.Busy.Seconds(), 100*st.Busy.Seconds()/max(wall.Seconds(), 1e-9), wait, note)
	}
	fmt.Fprintf(tw, "run (after set-up)\t%.3f\t\t\t\t\n", wall.Seconds())
	tw.Flush()
}
