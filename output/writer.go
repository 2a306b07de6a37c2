// Package output writes generated datasets in the layout the original
// Synbols wrote (docs/format.md), so that existing loaders built on h5py read
// them unchanged:
//
//	x             (N, H, W, C) uint8, chunked along N only, deflate
//	mask          (N, H, W, K) uint8, or another shape (Options.MaskShape), chunked along N only, deflate
//	symbol_mask   (N, H, W, K) uint8, the per-symbol masks, only with Options.SymbolMask
//	y             (N,) variable-length ASCII strings (JSON records), chunked, deflate
//	split/<name>  (N, 3) bool, one-hot (train, valid, test), attrs seed (int) and timestamp (str)
//	split_index/<name>/{train,valid,test}  int64, the sorted sample indices of each partition
//	Options.Columns  (N, …) typed columns beside y (attr/…), with WriteValues' string lists
//
// plus root string attributes (the resolved spec, the channel order, the
// font manifest "fonts": JSON, see FontManifestAttr…), and a PNG preview
// grid of the first images.
//
// libhdf5's own deflate filter runs at about 30 MB/s on one thread, so the
// Writer compresses chunks itself on several goroutines (klauspost zlib,
// the stream format of HDF5's deflate filter) and hands libhdf5 finished
// chunks (direct chunk write). All cgo lives in internal/hdf5.
package output

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/synbols-gpu/synbols-gpu/internal/hdf5"
	"github.com/synbols-gpu/synbols-gpu/internal/zrle"
)

var (
	// ErrOptions is wrapped by Create's errors for unusable Options.
	ErrOptions = errors.New("output: invalid options")
	// ErrDir is wrapped when the output directory is missing or not
	// writable; Create checks this before doing any work.
	ErrDir = errors.New("output: cannot write to the output directory")
	// ErrIO is wrapped by failures to write the file (libhdf5 or the
	// operating system: disk full, short write, rename…). Such errors also
	// wrap the underlying error (hdf5.ErrHDF5, *os.PathError…).
	ErrIO = errors.New("output: writing failed")
	// ErrInput is wrapped when Write, WriteSplits or WritePreviewPNG get
	// data of the wrong size or content.
	ErrInput = errors.New("output: invalid input")
	// ErrCount is wrapped when more samples than Options.N are written, or
	// fewer by the time of Close.
	ErrCount = errors.New("output: wrong number of samples")
	// ErrClosed is wrapped by calls on a Writer after Close or Abort.
	ErrClosed = errors.New("output: writer is closed")
)

// Options describe the dataset file to write.
type Options struct {
	Path          string // final path, e.g. out/default.h5py; its directory must exist
	N, H, W, C, K int    // samples, height, width, image channels, per-symbol mask channels
	// MaskShape is the shape of one sample's mask: nil means (H, W, K),
	// the per-symbol masks; otherwise (H, W) for a label map or (H, W, c)
	// (masks.Mode.Shape without N).
	MaskShape []int
	// SymbolMask adds the dataset symbol_mask, (N, H, W, K): the
	// per-symbol masks beside an aggregated mask, which loses the pixels
	// of symbols that others cover.
	SymbolMask bool
	// ChunkSamples is the number of samples per chunk of x and mask; 0
	// chooses about 32 KiB of x per chunk (at least 1 sample, at most N;
	// see targetChunkBytes).
	ChunkSamples int
	// Level is the deflate level, 1 (fastest, the default when 0) to 9,
	// or NoCompression: chunks stored as they are (a fast disk, or data
	// that does not deflate; the file is then about 1.5–3× larger).
	Level int
	// Workers is the number of compression goroutines; 0 means
	// runtime.NumCPU().
	Workers int
	// Attrs are string attributes of the root group, e.g. "spec" (the
	// resolved YAML), "channel_order" ("RGB" or "L"), "generator".
	Attrs map[string]string
	// Columns are typed datasets beside y, filled by Samples.Columns as
	// the samples arrive (docs/format.md, "Typed columns").
	Columns []Column
	// Preview, if not empty, is the preview PNG that belongs to the
	// dataset: the image given to SetPreview is committed there together
	// with the file (just before it), and without SetPreview a regular
	// file found there is removed at commit, since it showed the dataset
	// being replaced.
	Preview string
	// Splits, for FormatNPZ and FormatWDS (which have no split
	// datasets), is the side file WriteSplits writes and Close commits
	// with the dataset: an npz of one (N, 3) bool array per split. The
	// HDF5 Writer ignores it.
	Splits string
	// ShardSize is the number of samples per WebDataset shard; 0 means
	// DefaultShardSize. The other formats ignore it.
	ShardSize int
	// Virtual makes the named arrays (x, mask, symbol_mask) virtual
	// datasets over rows of other files (output/virtual.go): WriteSamples
	// then takes no bytes for them.
	Virtual map[string][]VirtualSource
	// Checkpoint, if not nil, makes the HDF5 Writer resumable: it
	// checkpoints its file as it goes, keeps it on Suspend, and can
	// continue an interrupted run's (resume.go). The other formats
	// ignore it.
	Checkpoint *Checkpointing
}

// NoCompression as Options.Level stores every dataset without the deflate
// filter.
const NoCompression = hdf5.NoFilter

// targetChunkBytes is the size of x aimed at per chunk. Loaders that
// shuffle read single samples or random minibatches, and each sample read
// decompresses its whole chunk: with 256 KiB chunks (85 samples at 32×32)
// a random row costs 85 rows' work. bench/chunks.py measured h5py random
// reads 5–12× faster at 32 KiB (10 samples at 32×32, 1 at 128×128) while
// sequential and whole-dataset reads stay within noise of the large
// chunks; below a few KiB per chunk, whole reads slow down (per-chunk
// overhead) and masks deflate worse. docs/format.md, "Chunks", has the
// figures.
const targetChunkBytes = 32 << 10

// probeBytes and storeRatio decide when a chunk is stored raw (unfiltered)
// rather than deflated: when its first probeBytes deflate (at levels 2–9),
// or look like they would (at level 1, probe.go), to more than storeRatio
// of their size.
const (
	probeBytes = 4 << 10
	storeRatio = 0.97
)

// inFlightBytes is the raw chunk bytes the Writer aims to keep in flight
// when chunks are small, bounded by maxInFlightChunks chunks.
const (
	inFlightBytes     = 8 << 20
	maxInFlightChunks = 1024
)

// minYChunk is the least number of records per chunk of y. Each element of
// y is a 16-byte reference into the global heap; tiny chunks would make
// the chunk index of a million-sample file needlessly large.
const minYChunk = 1024

func (o Options) normalize() (Options, error) {
	bad := func(format string, a ...any) (Options, error) {
		return o, fmt.Errorf("%w: %s", ErrOptions, fmt.Sprintf(format, a...))
	}
	if o.Path == "" {
		return bad("empty Path")
	}
	if o.N < 1 || o.H < 1 || o.W < 1 || o.C < 1 || o.K < 1 {
		return bad("%s: N, H, W, C, K must be >= 1, got N=%d H=%d W=%d C=%d K=%d", o.Path, o.N, o.H, o.W, o.C, o.K)
	}
	const maxDim = 1 << 20
	if o.H > maxDim || o.W > maxDim || o.C > 4096 || o.K > 4096 {
		return bad("%s: implausible sample shape %dx%dx%d (mask %d)", o.Path, o.H, o.W, o.C, o.K)
	}
	if o.ChunkSamples < 0 || o.Workers < 0 {
		return bad("%s: negative ChunkSamples (%d) or Workers (%d)", o.Path, o.ChunkSamples, o.Workers)
	}
	if o.Level == 0 {
		o.Level = 1
	}
	if (o.Level < 1 || o.Level > 9) && o.Level != NoCompression {
		return bad("%s: deflate Level %d, want 1..9 (0 = 1) or NoCompression", o.Path, o.Level)
	}
	if o.Workers == 0 {
		o.Workers = runtime.NumCPU()
	}
	if o.ChunkSamples == 0 {
		o.ChunkSamples = max(1, targetChunkBytes/(o.H*o.W*o.C))
	}
	o.ChunkSamples = min(o.ChunkSamples, o.N)
	// libhdf5 refuses chunks of 4 GiB or more.
	if o.MaskShape == nil {
		o.MaskShape = []int{o.H, o.W, o.K}
	} else {
		o.MaskShape = slices.Clone(o.MaskShape)
	}
	ms := o.MaskShape
	if len(ms) < 2 || len(ms) > 3 || ms[0] != o.H || ms[1] != o.W || (len(ms) == 3 && (ms[2] < 1 || ms[2] > 4096)) {
		return bad("%s: mask shape %v, want (H, W) or (H, W, c) with H=%d W=%d", o.Path, ms, o.H, o.W)
	}
	maskC := 1
	if len(ms) == 3 {
		maskC = ms[2]
	}
	if uint64(o.ChunkSamples)*uint64(o.H)*uint64(o.W)*uint64(max(o.C, o.K, maskC)) >= 1<<32 {
		return bad("%s: chunks of %d samples exceed libhdf5's 4 GiB chunk limit", o.Path, o.ChunkSamples)
	}
	if err := o.checkColumns(); err != nil {
		return bad("%s: %v", o.Path, err)
	}
	o.Columns = slices.Clone(o.Columns)
	for k, v := range o.Attrs {
		if k == "" || strings.IndexByte(k, 0) >= 0 || strings.IndexByte(v, 0) >= 0 {
			return bad("%s: attribute %q: empty name or NUL byte", o.Path, k)
		}
	}
	return o, nil
}

// A Writer writes one dataset file. It is created by Create, fed samples in
// order by Write, given its partitions by WriteSplits, and finished by
// Close — or dropped by Abort. Until Close succeeds the data lives in a
// temporary file beside Path (".<name>.tmp-<random>"), so an interrupted
// run never leaves a file that looks complete.
//
// Concurrency: a Writer is not safe for concurrent use; one goroutine calls
// its methods. Internally, Write copies the samples into chunk buffers and
// returns; Workers goroutines compress full chunks in parallel, and a single
// goroutine started by Create owns libhdf5 from then on and writes the
// compressed chunks in order, so compression of chunk k+1 overlaps the
// write of chunk k, and both overlap the caller producing the next batch.
// At most 2·Workers+2 chunks are in flight; beyond that Write blocks, which
// bounds memory. Errors of the background goroutines are reported by the
// next Write, WriteSplits or Close.
//
// Always end with Close or Abort: both stop the goroutines. The usual
// pattern is
//
//	w, err := output.Create(opts)
//	if err != nil { … }
//	defer w.Abort() // no-op after a successful Close
//	… w.Write(…) …
//	return w.Close()
type Writer struct {
	o          Options
	st         *staging // target, lock, private folder, the preview
	tmp        string   // the HDF5 file being written, inside the private folder
	previewPNG []byte   // encoded preview, committed with the file
	arrays     []array  // x, mask[, symbol_mask]: chunked along N
	yChunk     int

	ck *checkpointer // resume.go: caller side, nil when not resumable

	// Owned by the libhdf5 goroutine once Create has returned.
	f  *hdf5.File
	dy *hdf5.Dataset

	// Caller side.
	closed     bool
	renamed    bool
	cur        *job // chunk being filled, nil if none
	curN       int  // samples in cur
	nChunks    int  // chunks submitted
	borrowed   int  // of them, written from the caller's buffers (Samples.Release)
	written    int  // samples accepted
	yArena     []byte
	yEnds      []int // offsets in yArena of the pending records' NUL terminators
	yStart     int   // sample index of the first pending record
	splitNames map[string]bool
	valueNames map[string]bool // WriteValues' paths
	cols       []column        // Options.Columns with their pending rows
	colStart   int             // sample index of the first pending row
	cenc       encoders        // the columns' compressors (flushColumns)

	// Owned by the libhdf5 goroutine: the groups made so far, and the
	// compressor of split_index's chunks.
	groups map[string]bool
	enc    encoders

	jobs      chan *job // to the compressors
	order     chan task // to the libhdf5 goroutine, in file order
	free      chan *job // recycled chunk buffers
	workersWG sync.WaitGroup
	ownerDone chan struct{}
	// wb and unflushed, on the libhdf5 goroutine: the file opened for
	// writeback hints and the chunk bytes written since the last
	// (startWriteback).
	wb        *os.File
	unflushed int
	wbBusy    atomic.Bool    // a writeback hint under way
	wbWG      sync.WaitGroup // its goroutine
	// ckSync, on the libhdf5 goroutine, is the last checkpoint's sync and
	// journal while they run (resume.go), else nil.
	ckSync   chan error
	aborting atomic.Bool

	// Time spent, in nanoseconds, for Stats: compressing (summed over
	// the workers), in libhdf5 (the owner goroutine), and by the caller
	// waiting in Write for a free chunk buffer (back-pressure).
	compressNS, hdf5NS, waitNS atomic.Int64

	mu       sync.Mutex
	err      error // first failure in the background, sticky
	closeErr error // from closing the HDF5 file; read after ownerDone
}

// array is one of the uint8 datasets chunked along N only, whose chunks
// the Writer compresses itself.
type array struct {
	name   string
	sample int      // bytes per sample
	dims   []uint64 // one sample's shape
	d      *hdf5.Dataset
	// virtual: a virtual dataset (Options.Virtual), no data of its own.
	virtual bool
	// pixel and row are the bytes of the last dimension and of the last
	// two (an image's pixel and row), where probe.go looks for repeats.
	pixel, row int
	// runs: a mask, mostly runs of one byte (deflated with
	// internal/zrle at level 1).
	runs bool
}

// job is one chunk of every array on its way to the file.
type job struct {
	idx int      // chunk index along N
	raw [][]byte // per array: raw samples, padded with zeros to the full chunk
	// own holds the job's own buffers while raw points into a caller's
	// (lease not nil: the chunk was borrowed, Samples.Release).
	own   [][]byte
	lease *lease
	comp  [][]byte // per array: zlib stream of raw
	// stored, per array: raw is written unfiltered (incompressible: see
	// compressor), comp unused.
	stored []bool
	err    error
	done   chan struct{} // one value when comp and err are set
}

// task is one step of the libhdf5 goroutine: write a chunk once it is
// compressed, or run fn. If reply is not nil it receives the Writer's
// error state after the step.
type task struct {
	job   *job
	fn    func() error
	reply chan error
}

// Create checks the options and the output path (ResolveTarget), takes the
// output's lock, removes what killed runs on the same output left behind
// (but for resumable states: Options.Checkpoint),
// creates the file with the datasets x, mask (symbol_mask), y and the group split in a
// private temporary folder beside the target, sets the root attributes,
// and starts the compression and libhdf5 goroutines. An existing file at
// o.Path is replaced only by a successful Close.
func Create(o Options) (*Writer, error) {
	o, err := o.normalize()
	if err != nil {
		return nil, err
	}
	var sides []string
	if o.Preview != "" {
		sides = append(sides, o.Preview)
	}
	// A private folder (mode 0700, random name) for the file libhdf5
	// creates by name: nobody else can create, swap or open a file in it,
	// which a temporary name in the shared folder could not promise.
	var ck *checkpointer
	var adopt func(dir, base string) (string, error)
	if o.Checkpoint != nil {
		ck = newCheckpointer(o)
		adopt = ck.adopt
	}
	st, err := openStaging(o.Path, adopt, sides...)
	if err != nil {
		return nil, err
	}
	arrays := []array{
		{name: "x", dims: []uint64{uint64(o.H), uint64(o.W), uint64(o.C)}},
		{name: "mask", runs: true},
	}
	for _, d := range o.MaskShape {
		arrays[1].dims = append(arrays[1].dims, uint64(d))
	}
	if o.SymbolMask {
		arrays = append(arrays, array{name: "symbol_mask", dims: []uint64{uint64(o.H), uint64(o.W), uint64(o.K)}, runs: true})
	}
	for i := range arrays {
		a := &arrays[i]
		a.pixel, a.row = 1, 1
		if r := len(a.dims); r >= 1 {
			a.pixel = int(a.dims[r-1])
			a.row = a.pixel
			if r >= 2 {
				a.row *= int(a.dims[r-2])
			}
		}
		arrays[i].sample = 1
		for _, d := range arrays[i].dims {
			arrays[i].sample *= int(d)
		}
		arrays[i].virtual = o.Virtual[arrays[i].name] != nil
		if arrays[i].virtual {
			arrays[i].sample = 0 // no bytes: the sources hold them
		}
	}
	w := &Writer{
		o:          o,
		arrays:     arrays,
		st:         st,
		tmp:        st.temp(filepath.Base(st.target.Path)),
		yChunk:     yChunkOf(o),
		ck:         ck,
		splitNames: map[string]bool{},
		valueNames: map[string]bool{},
		groups:     map[string]bool{},
	}
	for _, c := range o.Columns {
		w.cols = append(w.cols, column{Column: c, row: c.rowBytes()})
	}
	if err := w.createOrResume(); err != nil {
		if w.f != nil {
			w.f.Close()
		}
		w.cleanup()
		return nil, err
	}

	// Chunks in flight: enough for every compressor to have one while
	// the caller fills the next, and, for small chunks, about
	// inFlightBytes, so that the hand-offs are not a ping-pong between
	// Write and the compressors, chunk by chunk.
	chunkBytes := 0
	for _, a := range arrays {
		chunkBytes += o.ChunkSamples * a.sample
	}
	inFlight := max(2*o.Workers+2, min(maxInFlightChunks, inFlightBytes/max(1, chunkBytes)))
	w.jobs = make(chan *job, inFlight)
	w.order = make(chan task, inFlight+16)
	w.free = make(chan *job, inFlight)
	for range inFlight {
		w.free <- &job{raw: make([][]byte, len(arrays)), own: make([][]byte, len(arrays)), comp: make([][]byte, len(arrays)), stored: make([]bool, len(arrays)), done: make(chan struct{}, 1)}
	}
	w.ownerDone = make(chan struct{})
	w.workersWG.Add(o.Workers)
	for range o.Workers {
		go w.compressor()
	}
	go w.owner()
	return w, nil
}

func (w *Writer) ioErr(what string, err error) error {
	return fmt.Errorf("%w: %s: %s: %w", ErrIO, w.o.Path, what, err)
}

// createFile makes the file's skeleton. Root attribute names are sorted so
// that equal inputs give equal files.
func (w *Writer) createFile() error {
	o := w.o
	f, err := hdf5.Create(w.tmp)
	if err != nil {
		return w.ioErr("create", err)
	}
	w.f = f
	n, cs := uint64(o.N), uint64(o.ChunkSamples)
	for i := range w.arrays {
		a := &w.arrays[i]
		dims := append([]uint64{n}, a.dims...)
		chunk := append([]uint64{cs}, a.dims...)
		if a.virtual {
			if a.d, err = f.CreateVirtualUint8(a.name, dims, o.Virtual[a.name]); err != nil {
				return w.ioErr("create "+a.name, err)
			}
			continue
		}
		if a.d, err = f.CreateChunkedUint8(a.name, dims, chunk, o.Level); err != nil {
			return w.ioErr("create "+a.name, err)
		}
	}
	if w.dy, err = f.CreateStrings("y", n, uint64(w.yChunk), o.Level); err != nil {
		return w.ioErr("create y", err)
	}
	// The group exists even without splits, so that loaders iterating
	// fd['split'] work.
	g, err := f.CreateGroup("split")
	if err != nil {
		return w.ioErr("create split", err)
	}
	if err := g.Close(); err != nil {
		return w.ioErr("create split", err)
	}
	w.groups["split"] = true
	if err := w.createColumns(); err != nil {
		return err
	}
	keys := make([]string, 0, len(o.Attrs))
	for k := range o.Attrs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if err := f.SetAttrString(k, o.Attrs[k]); err != nil {
			return w.ioErr("set attribute "+k, err)
		}
	}
	return nil
}

func (w *Writer) fail(err error) {
	w.mu.Lock()
	if w.err == nil {
		w.err = err
	}
	w.mu.Unlock()
}

func (w *Writer) failed() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// compressor turns raw chunks into zlib streams; Workers of them run.
func (w *Writer) compressor() {
	defer w.workersWG.Done()
	var enc encoders
	for j := range w.jobs {
		j.err = nil
		if !w.aborting.Load() {
			t0 := time.Now()
			for i := range j.raw {
				// Stored: with no compression, or where deflate
				// cannot shrink the chunk (a probe says so, or the
				// stream is no smaller). Storing noisy images raw
				// saves the compressor's attempt here and every
				// reader's inflate and checksum. At level 1 the probe
				// is probe.go's estimate (classify), at the higher
				// levels (size over speed) a deflated probe.
				a := &w.arrays[i]
				fast := w.o.Level == 1
				// Masks at level 1 go to zrle, which stores what
				// it cannot shrink: they need no estimate.
				class := classDeflate
				if fast && !a.runs {
					class = classify(j.raw[i], a.pixel, a.row)
				}
				j.stored[i] = w.o.Level == NoCompression || class == classStore
				if j.stored[i] {
					continue
				}
				if a.runs && fast {
					// Masks at the fastest level: runs only
					// (internal/zrle), twice as fast as a general
					// level 1 on them for streams about a fifth
					// larger.
					j.comp[i] = zrle.Append(j.comp[i][:0], j.raw[i])
					j.stored[i] = len(j.comp[i]) >= len(j.raw[i])
				} else if j.comp[i], j.stored[i], j.err = enc.deflate(j.comp[i][:0], j.raw[i], w.o.Level, class == classHuffman, !fast); j.err != nil {
					break
				}
			}
			w.compressNS.Add(int64(time.Since(t0)))
		}
		j.done <- struct{}{}
	}
}

// sliceWriter appends what is written to b, so that compressed chunks
// reuse their buffers.
type sliceWriter struct{ b []byte }

func (s *sliceWriter) Write(p []byte) (int, error) {
	s.b = append(s.b, p...)
	return len(p), nil
}

// owner is the goroutine that makes every libhdf5 call after Create. It
// runs the tasks in order and, when the order channel is closed, closes the
// file.
func (w *Writer) owner() {
	defer close(w.ownerDone)
	// skip: nothing is worth writing any more. A chunk asks after its
	// compressor is done: Close may have set aborting while it waited,
	// and then the compressor may have skipped the chunk, leaving
	// nothing to write.
	skip := func() bool { return w.failed() != nil || w.aborting.Load() }
	for t := range w.order {
		if t.job != nil {
			j := t.job
			<-j.done
			if !skip() {
				t0 := time.Now()
				if j.err != nil {
					w.fail(w.ioErr(fmt.Sprintf("compress chunk %d", j.idx), j.err))
				} else if err := w.writeChunk(j); err != nil {
					w.fail(err)
				} else {
					w.startWriteback(j)
				}
				w.hdf5NS.Add(int64(time.Since(t0)))
			}
			if j.lease != nil {
				// The chunk's bytes were the caller's: hand them back.
				copy(j.raw, j.own)
				j.lease.done()
				j.lease = nil
			}
			w.free <- j // never blocks: free holds every job
		} else if !skip() {
			t0 := time.Now()
			if err := t.fn(); err != nil {
				w.fail(err)
			}
			w.hdf5NS.Add(int64(time.Since(t0)))
		}
		if t.reply != nil {
			t.reply <- w.failed()
		}
	}
	if err := w.ckSynced(); err != nil {
		w.fail(err)
	}
	if w.wb != nil {
		w.wbWG.Wait()
		w.wb.Close()
	}
	var errs []error
	for _, a := range w.arrays {
		errs = append(errs, a.d.Close())
	}
	errs = append(errs, w.dy.Close())
	for _, c := range w.cols {
		errs = append(errs, c.d.Close())
	}
	errs = append(errs, w.f.Close())
	if err := errors.Join(errs...); err != nil {
		w.closeErr = w.ioErr("close", err)
	}
}

func (w *Writer) writeChunk(j *job) error {
	for i, a := range w.arrays {
		if a.virtual {
			continue
		}
		off := make([]uint64, 1+len(a.dims))
		off[0] = uint64(j.idx * w.o.ChunkSamples)
		write := a.d.WriteChunk
		data := j.comp[i]
		switch {
		case w.o.Level == NoCompression: // no filter to skip
			data = j.raw[i]
		case j.stored[i]:
			write, data = a.d.WriteChunkUnfiltered, j.raw[i]
		}
		if err := write(off, data); err != nil {
			return w.ioErr("write "+a.name, err)
		}
	}
	return nil
}

// plainASCII reports whether r holds only ASCII bytes and no NUL, eight
// bytes at a time: every record passes through here, and a byte-wise
// loop was a few percent of a whole run's CPU time.
func plainASCII(r []byte) bool {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	for len(r) >= 8 {
		w := binary.LittleEndian.Uint64(r)
		// w&hi: a byte ≥ 0x80; (w-lo)&^w&hi: a zero byte (exact once
		// no byte has its top bit set).
		if w&hi != 0 || (w-lo)&^w&hi != 0 {
			return false
		}
		r = r[8:]
	}
	for _, c := range r {
		if c == 0 || c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// writebackBytes is the chunk bytes written between writeback hints.
const writebackBytes = 32 << 20

// startWriteback counts job j's bytes and, every writebackBytes, has the
// kernel start writing the file out (writeback), on a descriptor of its
// own: the file's inode stays the same across checkpoints' reopening.
func (w *Writer) startWriteback(j *job) {
	for i := range w.arrays {
		if j.stored[i] || w.o.Level == NoCompression {
			w.unflushed += len(j.raw[i])
		} else {
			w.unflushed += len(j.comp[i])
		}
	}
	if w.unflushed < writebackBytes {
		return
	}
	w.unflushed = 0
	if w.wb == nil {
		f, err := os.Open(w.tmp)
		if err != nil {
			return // a hint only
		}
		w.wb = f
	}
	// On a goroutine of its own, one at a time: the call can wait for
	// the disk's queue, and the libhdf5 goroutine is the writer's one
	// serial stage.
	if w.wbBusy.CompareAndSwap(false, true) {
		w.wbWG.Go(func() {
			writeback(w.wb)
			w.wbBusy.Store(false)
		})
	}
}

// Samples is a run of consecutive samples for WriteSamples.
type Samples struct {
	X          []byte   // n·H·W·C bytes: sample, row, column, channel
	Mask       []byte   // n times Options.MaskShape's product
	SymbolMask []byte   // n·H·W·K bytes with Options.SymbolMask, else empty
	Y          [][]byte // one JSON record per sample
	// Columns holds n rows of each of Options.Columns, in their order:
	// little-endian elements, row-major (Bool: the bytes 0 and 1).
	Columns [][]byte
	// Release, if not nil, lends X, Mask and SymbolMask to the Writer:
	// whole chunks of them are compressed and written from where they
	// are, not copied, and Release is called once (on some goroutine,
	// possibly before WriteSamples returns) when the Writer reads them no
	// more. Until then the caller must not change them. Y and Columns are
	// copied as without it.
	Release func()
}

// lease counts the Writer's holds on one WriteSamples call's buffers.
type lease struct {
	n       atomic.Int32
	release func()
}

// done drops a hold; the last one calls release. A nil lease is none.
func (l *lease) done() {
	if l != nil && l.n.Add(-1) == 0 {
		l.release()
	}
}

// Write appends the next n = len(y) samples: x holds n·H·W·C bytes (sample,
// row, column, channel), mask n masks of Options.MaskShape (n·H·W·K by
// default), and y one JSON record per sample; it is WriteSamples without
// symbol_mask. Any n is accepted, not only multiples of the chunk size.
// Write copies what it keeps: x, mask and y may be reused as soon as it
// returns.
//
// Records are stored as ASCII, as Python's json.dumps writes them: a
// non-ASCII character (valid JSON has them only inside strings) is written
// as a \uXXXX escape, so the record decodes to the same value. Records with
// invalid UTF-8 or NUL bytes are rejected. A rejected call writes nothing.
//
// An error from the background (a failed write, a full disk) is returned
// by the next call; after one, the Writer only accepts Abort or Close,
// which returns the error again.
func (w *Writer) Write(x, mask []byte, y [][]byte) error {
	return w.WriteSamples(Samples{X: x, Mask: mask, Y: y})
}

// WriteSamples is Write with the per-symbol masks of Options.SymbolMask.
func (w *Writer) WriteSamples(s Samples) error {
	var ls *lease
	if s.Release != nil {
		ls = &lease{release: s.Release}
		ls.n.Store(1) // this call's own hold
		defer ls.done()
	}
	if w.closed {
		return fmt.Errorf("%w: Write to %s", ErrClosed, w.o.Path)
	}
	if err := w.failed(); err != nil {
		return err
	}
	y := s.Y
	n := len(y)
	data := [][]byte{s.X, s.Mask, s.SymbolMask}[:len(w.arrays)]
	if !w.o.SymbolMask && len(s.SymbolMask) != 0 {
		return fmt.Errorf("%w: %s: per-symbol masks given without Options.SymbolMask", ErrInput, w.o.Path)
	}
	for i, a := range w.arrays {
		if len(data[i]) != n*a.sample {
			return fmt.Errorf("%w: %s: %d records need %d bytes of %s, got %d",
				ErrInput, w.o.Path, n, n*a.sample, a.name, len(data[i]))
		}
	}
	if err := w.checkColumnData(s.Columns, n); err != nil {
		return err
	}
	if n > w.o.N-w.written {
		return fmt.Errorf("%w: %s: writing %d samples after %d exceeds N=%d", ErrCount, w.o.Path, n, w.written, w.o.N)
	}
	mark := len(w.yArena)
	for i, r := range y {
		var err error
		if w.yArena, err = appendASCII(w.yArena, r); err != nil {
			w.yArena = w.yArena[:mark]
			w.yEnds = w.yEnds[:len(w.yEnds)-i]
			return fmt.Errorf("%w: %s: record of sample %d: %w", ErrInput, w.o.Path, w.written+i, err)
		}
		// Each record NUL-terminated in the arena, so that libhdf5 reads
		// it there (hdf5.Dataset.WriteCStrings).
		w.yArena = append(w.yArena, 0)
		w.yEnds = append(w.yEnds, len(w.yArena)-1)
	}

	cs := w.o.ChunkSamples
	for i := 0; i < n; {
		k := min(n-i, cs-w.curN)
		if w.cur == nil {
			t0 := time.Now()
			w.cur = <-w.free
			w.waitNS.Add(int64(time.Since(t0)))
			if ls != nil && k == cs {
				// A whole chunk of the caller's: borrowed, not copied.
				for a, arr := range w.arrays {
					w.cur.raw[a] = data[a][i*arr.sample : (i+cs)*arr.sample : (i+cs)*arr.sample]
				}
				w.cur.lease = ls
				ls.n.Add(1)
				w.borrowed++
				w.curN = cs
				i += cs
				w.submit()
				continue
			}
			for a, arr := range w.arrays {
				if cap(w.cur.own[a]) < cs*arr.sample {
					w.cur.own[a] = make([]byte, cs*arr.sample)
				}
				w.cur.own[a] = w.cur.own[a][:cs*arr.sample]
				w.cur.raw[a] = w.cur.own[a]
			}
		}
		for a, arr := range w.arrays {
			copy(w.cur.raw[a][w.curN*arr.sample:], data[a][i*arr.sample:(i+k)*arr.sample])
		}
		w.curN += k
		i += k
		if w.curN == cs {
			w.submit()
		}
	}
	w.written += n
	if len(w.yEnds) >= w.yChunk {
		w.flushY(false)
	}
	for i := range w.cols {
		w.cols[i].pending = append(w.cols[i].pending, s.Columns[i]...)
	}
	if len(w.cols) > 0 && w.written-w.colStart >= w.yChunk {
		w.flushColumns(false)
	}
	if w.ck != nil {
		w.ck.maybe(w)
	}
	return w.failed()
}

// submit sends the current chunk to the compressors and reserves its place
// in the file order. A partial (last) chunk is padded with zeros: direct
// chunk writes store whole chunks, edge chunks included.
func (w *Writer) submit() {
	j := w.cur
	w.cur = nil
	j.idx = w.nChunks
	w.nChunks++
	if w.curN < w.o.ChunkSamples {
		for a, arr := range w.arrays {
			clear(j.raw[a][w.curN*arr.sample:])
		}
	}
	w.curN = 0
	if w.ck != nil {
		w.ck.sum(w, j)
	}
	w.jobs <- j
	w.order <- task{job: j}
}

// flushY hands the pending records to the libhdf5 goroutine: whole chunks
// of y only, unless all is set, so that libhdf5 never has to re-read and
// re-compress a partly written chunk.
func (w *Writer) flushY(all bool) {
	k := len(w.yEnds)
	if !all {
		k -= k % w.yChunk
	}
	if k == 0 {
		return
	}
	arena, ends := w.yArena, w.yEnds
	recs := make([][]byte, k)
	starts := make([]int, k)
	prev := 0
	for i := range k {
		recs[i] = arena[prev:ends[i]:ends[i]]
		starts[i] = prev
		prev = ends[i] + 1 // past the NUL
	}
	// The remainder moves to a fresh arena, as large as the old (so that
	// the next chunk's records do not grow it by doubling); the old one
	// now belongs to the task.
	w.yArena = append(make([]byte, 0, cap(arena)), arena[prev:]...)
	w.yEnds = make([]int, 0, cap(ends))
	for _, e := range ends[k:] {
		w.yEnds = append(w.yEnds, e-prev)
	}
	start := w.yStart
	if w.ck != nil {
		w.ck.sumY(w, start, recs)
	}
	w.yStart += k
	chunk := arena[:prev]
	w.order <- task{fn: func() error {
		if err := w.dy.WriteCStrings(uint64(start), chunk, starts); err != nil {
			return w.ioErr("write y", err)
		}
		return nil
	}}
}

// appendASCII appends the JSON record r to dst, escaping non-ASCII
// characters as json.dumps does (\uXXXX, UTF-16 surrogate pairs beyond the
// BMP, lower-case hex).
func appendASCII(dst, r []byte) ([]byte, error) {
	if plainASCII(r) {
		return append(dst, r...), nil
	}
	if i := bytes.IndexByte(r, 0); i >= 0 {
		return dst, errors.New("NUL byte")
	}
	const hex = "0123456789abcdef"
	esc := func(dst []byte, u rune) []byte {
		return append(dst, '\\', 'u', hex[u>>12&15], hex[u>>8&15], hex[u>>4&15], hex[u&15])
	}
	for i := 0; i < len(r); {
		c := r[i]
		if c < utf8.RuneSelf {
			dst = append(dst, c)
			i++
			continue
		}
		u, size := utf8.DecodeRune(r[i:])
		if u == utf8.RuneError && size <= 1 {
			return dst, fmt.Errorf("invalid UTF-8 at byte %d", i)
		}
		if u > 0xFFFF {
			hi, lo := utf16.EncodeRune(u)
			dst = esc(esc(dst, hi), lo)
		} else {
			dst = esc(dst, u)
		}
		i += size
	}
	return dst, nil
}

// Split is one partition of the samples, stored as split/<Name>.
type Split struct {
	Name string
	// Part is the partition of each sample: 0 train, 1 valid, 2 test;
	// len(Part) must be Options.N.
	Part []uint8
	// Seed and Timestamp are stored as the attributes seed (int64) and
	// timestamp (str). An empty Timestamp is replaced by the current local
	// time in the original's format, e.g. "2026-Nov-27_04:59:19".
	Seed      int64
	Timestamp string
}

// TimestampFormat is the time layout of the original's split timestamps.
const TimestampFormat = "2006-Jan-02_15:04:05"

// WriteSplits stores each split as split/<name>, an (N, 3) boolean one-hot
// array (column j true where Part is j), with its seed and timestamp
// attributes. It may be called before or after the samples are written,
// more than once, but each name only once. It is checked entirely before
// anything is stored, and waits for libhdf5 to finish, so the error it
// returns is the real outcome.
func (w *Writer) WriteSplits(s []Split) error {
	if w.closed {
		return fmt.Errorf("%w: WriteSplits to %s", ErrClosed, w.o.Path)
	}
	if err := w.failed(); err != nil {
		return err
	}
	type ready struct {
		name, stamp string
		seed        int64
		data        []bool
		part        []uint8
	}
	batch := make([]ready, 0, len(s))
	seen := map[string]bool{}
	for _, sp := range s {
		if sp.Name == "" || sp.Name == "." || sp.Name == ".." || strings.ContainsAny(sp.Name, "/\x00") {
			return fmt.Errorf("%w: %s: invalid split name %q", ErrInput, w.o.Path, sp.Name)
		}
		if w.splitNames[sp.Name] || seen[sp.Name] {
			return fmt.Errorf("%w: %s: split %q written twice", ErrInput, w.o.Path, sp.Name)
		}
		seen[sp.Name] = true
		if len(sp.Part) != w.o.N {
			return fmt.Errorf("%w: %s: split %q has %d entries, want N=%d", ErrInput, w.o.Path, sp.Name, len(sp.Part), w.o.N)
		}
		data := make([]bool, 3*w.o.N)
		for i, p := range sp.Part {
			if p > 2 {
				return fmt.Errorf("%w: %s: split %q: sample %d in partition %d, want 0..2", ErrInput, w.o.Path, sp.Name, i, p)
			}
			data[3*i+int(p)] = true
		}
		stamp, err := sp.stamp()
		if err != nil {
			return err
		}
		if strings.IndexByte(stamp, 0) >= 0 {
			return fmt.Errorf("%w: %s: split %q: NUL byte in timestamp", ErrInput, w.o.Path, sp.Name)
		}
		batch = append(batch, ready{sp.Name, stamp, sp.Seed, data, sp.Part})
	}
	for name := range seen {
		w.splitNames[name] = true
	}
	reply := make(chan error, 1)
	w.order <- task{fn: func() error {
		for _, r := range batch {
			path := "split/" + r.name
			d, err := w.f.CreateBool(path, []uint64{uint64(w.o.N), 3}, r.data)
			if err != nil {
				return w.ioErr("create "+path, err)
			}
			err = errors.Join(d.SetAttrInt64("seed", r.seed), d.SetAttrString("timestamp", r.stamp), d.Close())
			if err != nil {
				return w.ioErr("write "+path, err)
			}
			if err := w.writeSplitIndex(r.name, r.part); err != nil {
				return err
			}
		}
		return nil
	}, reply: reply}
	return <-reply
}

// shutdown stops the goroutines and waits for the file to be closed.
func (w *Writer) shutdown() {
	close(w.jobs)
	close(w.order)
	<-w.ownerDone
	w.workersWG.Wait()
}

// Close writes what is still buffered, closes the file, flushes it to disk
// (fsync), and renames it to Options.Path. It fails if fewer than N samples
// were written, or if any write failed; then the temporary file is removed
// and nothing is left behind. Calling Close again returns ErrClosed.
func (w *Writer) Close() error {
	if w.closed {
		return fmt.Errorf("%w: Close of %s", ErrClosed, w.o.Path)
	}
	w.closed = true
	short := w.written < w.o.N
	if short {
		w.aborting.Store(true) // nothing worth writing any more
	} else if w.failed() == nil {
		if w.curN > 0 {
			w.submit()
		}
		w.flushY(true)
		w.flushColumns(true)
	}
	w.shutdown()
	err := w.failed()
	if err == nil && short {
		err = fmt.Errorf("%w: %s: %d of N=%d samples written", ErrCount, w.o.Path, w.written, w.o.N)
	}
	if err == nil {
		err = w.closeErr
	}
	if err == nil {
		err = w.commit()
	}
	w.cleanup()
	return err
}

// cleanup removes the private temporary folder (whatever is still in it)
// and releases the output's lock.
func (w *Writer) cleanup() { w.st.cleanup() }

// commit makes the closed temporary file durable, then moves the preview
// and the file into place, in that order (staging.commit).
func (w *Writer) commit() error {
	if w.o.Preview != "" && w.previewPNG != nil {
		if err := w.st.stageSide(0, w.previewPNG); err != nil {
			return fmt.Errorf("%w: preview %s: %w", ErrIO, w.o.Preview, err)
		}
	}
	if err := w.st.commit(w.tmp, nil); err != nil {
		return err
	}
	w.renamed = true
	return nil
}

// SetPreview gives the Writer the preview of the dataset (see
// NewPreview), encoded now and committed by Close with the file. It
// requires Options.Preview.
func (w *Writer) SetPreview(p *Preview) error {
	if w.closed {
		return fmt.Errorf("%w: SetPreview of %s", ErrClosed, w.o.Path)
	}
	if w.o.Preview == "" {
		return fmt.Errorf("%w: %s: SetPreview without Options.Preview", ErrInput, w.o.Path)
	}
	png, err := p.PNG()
	if err != nil {
		return fmt.Errorf("preview %s: %w", w.o.Preview, err)
	}
	w.previewPNG = png
	return nil
}

func syncFile(name string) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// Abort stops the Writer and removes its temporary file. It is safe to call
// at any time from the goroutine that uses the Writer: after errors, after
// a failed Close, twice, and after a successful Close (then it does
// nothing: the finished file stays).
func (w *Writer) Abort() {
	if w == nil {
		return
	}
	if !w.closed {
		w.closed = true
		w.aborting.Store(true)
		w.shutdown()
	}
	w.cleanup()
}

// TempPath returns the temporary file the Writer writes until Close
// renames it to Options.Path.
func (w *Writer) TempPath() string { return w.tmp }

// Options returns the options in effect, defaults resolved (ChunkSamples,
// Level, Workers).
func (w *Writer) Options() Options { return w.o }

// WriterStats is where a Writer's time went.
type WriterStats struct {
	Compress time.Duration // compressing chunks, summed over the workers
	HDF5     time.Duration // in libhdf5: chunk, record and split writes
	Wait     time.Duration // Write waiting for a chunk buffer: the writer was behind
	Workers  int           // compression goroutines
	// Chunks and Borrowed count the chunks of x submitted, and those of
	// them written from the caller's buffers (Samples.Release) rather
	// than copied.
	Chunks, Borrowed int
}

// Stats returns the time spent so far. Safe to call from the goroutine
// that uses the Writer, also after Close.
func (w *Writer) Stats() WriterStats {
	return WriterStats{
		Compress: time.Duration(w.compressNS.Load()),
		HDF5:     time.Duration(w.hdf5NS.Load()),
		Wait:     time.Duration(w.waitNS.Load()),
		Workers:  w.o.Workers,
		Chunks:   w.nChunks,
		Borrowed: w.borrowed,
	}
}
