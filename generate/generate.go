// Package generate runs the whole pipeline for one dataset: sample → plan →
// paint → write, with the three stages overlapping on separate goroutines,
// then the splits and the preview.
//
// Sample i depends only on (spec, seed, i) and each stage keeps sample
// order, so the file's contents do not depend on the number of workers, the
// batch size or the backend's own parallelism.
package generate

import (
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/synbols-gpu/synbols-gpu/atlas"
	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/fonts"
	"github.com/synbols-gpu/synbols-gpu/internal/recipe"
	"github.com/synbols-gpu/synbols-gpu/masks"
	"github.com/synbols-gpu/synbols-gpu/output"
	"github.com/synbols-gpu/synbols-gpu/scene"
	"github.com/synbols-gpu/synbols-gpu/spec"
)

// ErrConfig reports an unusable configuration.
var ErrConfig = errors.New("generate: bad configuration")

// Config describes one run.
type Config struct {
	Name string     // dataset name, recorded in the file; "" = the spec's name
	Spec *spec.Spec // what to draw
	N    int        // number of samples
	Seed uint64     // dataset seed
	Out  string     // output path (.h5py); "" = no file (benchmarks)
	// Start is the index of the run's first sample: the run makes
	// samples Start … Start+N−1, each the same as that row of a file of
	// the whole dataset (sample i depends only on spec, seed and i), so
	// that a reader can take any slice of a dataset through Sink without
	// making the rows before it. With Out set it must be 0: the file's
	// splits partition the whole dataset.
	Start int
	// Shard, when not the zero Range, makes the run one shard of the
	// dataset of N samples: its rows [Shard.Start, Shard.End), written
	// (format h5 only, no preview) with the root attributes n_total,
	// shard_start and shard_end and without splits, for synbols-gpu merge
	// (generate/shard.go). Start must then be 0.
	Shard Range
	// DryRun, with Out "", does all a run does but write: sampling,
	// planning, painting and the splits (memory and time as in a real
	// run, nothing on disk).
	DryRun  bool
	Preview bool // write <out stem>_preview.png beside Out
	// Splits are the splits the file holds (ParseSplitRequests); nil
	// means DefaultSplitRequests, the original's four. A dry run computes
	// only those over char and font (the others need typed columns).
	Splits []SplitRequest

	// Format is how Out is written (output.Format): "" or output.FormatH5
	// the HDF5 file, output.FormatNPZ one .npz archive, output.FormatWDS
	// WebDataset tar shards with Out their manifest (NAME.json). The npz
	// and wds datasets keep the splits in SplitsPath(Out) and have no
	// typed columns (docs/format.md).
	Format output.Format
	// ShardSize is the samples per WebDataset shard (0:
	// output.DefaultShardSize).
	ShardSize int
	// Level is the deflate level of the HDF5 datasets (output.Options):
	// 0 the default (1, fastest), 1–9, or output.NoCompression. The npz
	// and wds formats ignore it (stored members; PNG images).
	Level int
	// ChunkSamples is the samples per HDF5 chunk of x and the masks: 0
	// chooses about 32 KiB of x (docs/format.md, "Chunks").
	ChunkSamples int

	// Mask, when not masks.Symbols (the zero value), overrides the
	// spec's mask mode (spec.Spec.MaskMode): what the mask dataset holds.
	Mask masks.Mode
	// SymbolMasks also writes the per-symbol masks as symbol_mask
	// (N, H, W, K), in every mode: a label map loses the pixels of
	// symbols that later ones cover.
	SymbolMasks bool

	// Overwrite lets Run replace an existing Out (and preview): without
	// it Run fails with ErrExists before doing anything.
	Overwrite bool

	// Fonts are the families to draw from; nil loads FontCatalog's
	// Sources (by default DefaultFontSources, as the command line does).
	Fonts *fonts.Library
	// SkipFontChecks uses Fonts as given. By default Run keeps only the
	// families the font catalogue accepts for the spec's languages, and
	// the occluders' family (CheckedFonts), as the command line does
	// unless --font-checks=false or --fonts-from.
	SkipFontChecks bool
	// FontCatalog is how the catalogue of the font checks is opened
	// (fonts.OpenCatalog), and where nil Fonts are loaded from; its
	// Sources should be those Fonts was loaded with. nil means
	// DefaultCatalog(DefaultFontSources()). The catalogue is opened with
	// Sources.Warn unset: its warnings repeat the load's.
	FontCatalog *fonts.CatalogOptions
	// Atlas builds and caches the glyph tiles; nil means atlas.Default
	// (tiles cached in atlas.DefaultCacheDir).
	Atlas *atlas.Atlas
	// Backend paints; nil opens backends.Open("", Workers) for the run
	// (the SYNBOLS_BACKEND variable, else auto) and closes it after.
	Backend engine.Backend
	// Images is the natural-image pool (package images) of specs that
	// draw ImagePatterns (natural-patterns); required by them, unused by
	// the others. Its digest is recorded as the image_pool attribute.
	Images *engine.ImagePool

	Workers   int // goroutines for sampling and planning (≤ 0: GOMAXPROCS)
	BatchSize int // samples per painted batch (≤ 0: DefaultBatchSize)

	// Sink, if set, receives every batch in order, as the file would
	// hold it: samples [start, start+n) (dataset indices, from
	// Config.Start) with X, the mode's Mask, the records Y and the
	// per-symbol SymbolMask. It is called from one
	// goroutine; the slices are valid only during the call. An error
	// stops the run. With Out "" it is how a program takes the samples
	// without a file (a training loop, a contact sheet).
	Sink func(start int, s output.Samples) error

	// Begin, if set, is called once, after the set-up and before the
	// first batch, with what every sample of the run looks like: a
	// stream writes its header from it. An error stops the run.
	Begin func(Layout) error

	// Progress, if set, is called from one goroutine after each batch is
	// written with the number of samples done so far (of N, counted from
	// Start: the first batch of a run from Start reports its own size).
	Progress func(done int)

	// MemoryBudget bounds, in bytes, what the run plans to hold: the
	// per-sample columns (15 bytes a sample) and the batches in flight.
	// 0 takes half of the memory the system reports available (cgroup
	// limits included); a negative value disables the check. Without
	// BatchSize the batch shrinks to fit; a BatchSize that does not fit,
	// like a run whose columns do not, fails with ErrResources before
	// anything is created.
	MemoryBudget int64

	// Resume continues the state an interrupted run of the same
	// configuration left beside Out (a file in the h5 format only; see
	// resume.go). Checkpoint is the samples between its checkpoints (0:
	// output's default); Notify, if set, gets one-line notes about it.
	Resume     bool
	Checkpoint int
	Notify     func(string)
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
	// Elapsed when they run in parallel. Rows whose Name starts with two
	// spaces are parts of the row above (the paint stage's, from the
	// backend's engine.Times when it is an engine.Timer).
	Stages []Stage
	// Resumed is the samples a resumed run took from the interrupted
	// one (Config.Resume); it made the other N − Resumed in Elapsed.
	Resumed int
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
	// cols are the typed columns' rows (attrCols.fill, then code), names
	// the names the write stage codes (attrCols.nameSlots a sample).
	cols  [][]byte
	names []string
	out   engine.Output
	err   error
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
