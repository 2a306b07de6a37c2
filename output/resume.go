package output

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/synbols-gpu/synbols-gpu/internal/atomicfile"
	"github.com/synbols-gpu/synbols-gpu/internal/hdf5"
)

// Resumable writing (Options.Checkpoint). The HDF5 file is written in the
// private folder beside the target as usual; at checkpoints — every
// Checkpointing.Every samples, at a boundary of every dataset's chunks —
// the libhdf5 goroutine closes the file (which writes all its metadata),
// syncs it, reopens it, and then atomically replaces the folder's
// journal, which records how many samples are complete and everything
// the bytes depend on. Between checkpoints libhdf5 keeps the metadata in
// memory (hdf5.File.HoldMetadata), so a SIGKILL leaves the file as of
// the last checkpoint plus unreferenced chunk bytes at its end. Suspend
// (SIGINT, SIGTERM) checkpoints and renames the folder to
// ".<name>.partial"; a killed run leaves ".<name>.tmp-<random>". A later
// Create with Checkpointing.Resume adopts either and continues after the
// last checkpoint.

var (
	// ErrResume is wrapped when an interrupted run's state cannot be
	// continued: it was made for another dataset (the message names what
	// differs), or there are several.
	ErrResume = errors.New("output: cannot resume")
	// ErrPartial is wrapped by Create, without Checkpointing.Resume or
	// Discard, when an interrupted run left resumable state beside the
	// target: it is kept rather than silently thrown away.
	ErrPartial = errors.New("output: an interrupted run left resumable state")
)

// Checkpointing configures a resumable Writer.
type Checkpointing struct {
	// Key is what else the samples depend on beside Options (the seed,
	// say); a resume with a different key is refused. Options' shapes,
	// chunking, level, columns and root attributes are part of the key
	// already.
	Key map[string]string
	// Every is the number of samples between checkpoints, rounded up to
	// a multiple of the chunks of every dataset; 0 chooses about 64 MiB of
	// x between checkpoints. A checkpoint costs a close and a reopen (its
	// fsync runs beside the next writes), and between two libhdf5 holds
	// every piece of metadata written (HoldMetadata), y's strings in its
	// global heap included, about 1.7 KB a 32×32 sample: longer gaps
	// cost memory. Gaps doubling up to 1 GiB were tried: a 32×32 run of
	// 10⁶ samples peaked at 964 MiB (392 MiB with 64 MiB gaps), for no
	// time measurably saved once the fsync was off the writer's path.
	Every int
	// State, if set, is called on the caller's goroutine with each
	// checkpoint (at some point after the checkpoint's samples were
	// written, before later ones are); its bytes are kept in the journal
	// and returned by Resumed.
	State func() []byte
	// Resume continues the state an interrupted run left beside Path, if
	// there is one; without one, or with one that is damaged, the Writer
	// starts from the beginning (Notify says which).
	Resume bool
	// Discard removes such state without Resume; otherwise Create fails
	// with ErrPartial.
	Discard bool
	// Notify, if set, receives one-line notes: nothing to resume, damaged
	// state discarded.
	Notify func(string)
}

const (
	journalName    = "journal.json"
	journalVersion = 1
)

// autoCheckpointBytes is the x written between automatic checkpoints
// (Checkpointing.Every); a variable for the tests only.
var autoCheckpointBytes = 64 << 20

// partialName is the folder a suspended run's state is renamed to.
func partialName(base string) string { return "." + base + ".partial" }

// hasJournal reports whether dir is a resumable run's folder.
func hasJournal(dir string) bool {
	fi, err := os.Lstat(filepath.Join(dir, journalName))
	return err == nil && fi.Mode().IsRegular()
}

// yChunkOf is y's (and the columns') chunk: at least minYChunk records,
// and for a resumable Writer a multiple of x's chunk, so that every
// multiple of it is a chunk boundary of every dataset.
func yChunkOf(o Options) int {
	if o.Checkpoint == nil {
		return min(o.N, max(o.ChunkSamples, minYChunk))
	}
	cs := o.ChunkSamples
	return min(o.N, cs*((minYChunk+cs-1)/cs))
}

// journal is the checkpoint file.
type journal struct {
	Version int               `json:"version"`
	Key     map[string]string `json:"key"`
	Done    int               `json:"done"` // samples complete in every dataset
	// CRC-32s (little-endian uint32s) of every raw chunk before Done:
	// of x's chunks (x, mask, symbol_mask together), and of y's (the
	// records, each followed by a NUL).
	XCRC  []byte `json:"x_crc"`
	YCRC  []byte `json:"y_crc"`
	State []byte `json:"state,omitempty"`
	// Seq numbers the checkpoints of a run (and its resumes) from 1;
	// Size is the file's size after its close. Every open for writing
	// after checkpoint k logs what it overwrites of those bytes to
	// undoName(k), so that a resume can roll the file back to the
	// journal's checkpoint wherever the run died (hdf5.OpenGuarded). A
	// journal without them (Size 0, an older writer's) is resumed as it
	// is.
	Seq  int    `json:"seq,omitempty"`
	Size uint64 `json:"size,omitempty"`
}

// undoName is the undo log of the opens for writing after checkpoint seq.
func undoName(seq int) string { return fmt.Sprintf("undo-%d", seq) }

// checkpointer is a resumable Writer's bookkeeping. Its fields are the
// caller's (Write's goroutine), except that adopt runs in Create.
type checkpointer struct {
	cfg    Checkpointing
	key    map[string]string
	every  int          // samples between checkpoints (a multiple of y's chunk)
	last   int          // samples of the last checkpoint requested
	seq    int          // the last checkpoint's number (journal.Seq), 0 before the first
	xcrc   []uint32     // CRC of each of x's chunks submitted (sum)
	ycrc   []uint32     // CRC of each of y's chunks flushed (sumY)
	folder string       // the adopted folder, "" for a fresh one
	j      journal      // the adopted journal
	resume bool         // continuing j
	note   func(string) // cfg.Notify or nothing
}

func newCheckpointer(o Options) *checkpointer {
	ck := &checkpointer{cfg: *o.Checkpoint, note: func(string) {}}
	if ck.cfg.Notify != nil {
		ck.note = ck.cfg.Notify
	}
	yc := yChunkOf(o)
	ck.every = ck.cfg.Every
	if ck.every <= 0 {
		ck.every = max(1, autoCheckpointBytes/(yc*o.H*o.W*o.C))
		ck.every *= yc
	}
	ck.every = (ck.every + yc - 1) / yc * yc
	ck.key = runKey(o, yc)
	return ck
}

// runKey is everything the file's bytes depend on, as strings: the root
// attributes by digest (the spec's YAML, the font manifest… are long).
func runKey(o Options, yChunk int) map[string]string {
	k := map[string]string{
		"format":      strconv.Itoa(journalVersion),
		"n_samples":   strconv.Itoa(o.N),
		"shape":       fmt.Sprintf("%dx%dx%d", o.H, o.W, o.C),
		"symbols":     strconv.Itoa(o.K),
		"mask shape":  fmt.Sprint(o.MaskShape),
		"symbol_mask": strconv.FormatBool(o.SymbolMask),
		"chunks":      fmt.Sprintf("%d/%d", o.ChunkSamples, yChunk),
		"level":       strconv.Itoa(o.Level),
	}
	var cols []string
	for _, c := range o.Columns {
		cols = append(cols, fmt.Sprintf("%s:%d:%v", c.Name, c.Type, c.Shape))
	}
	k["columns"] = strings.Join(cols, ",")
	for a, v := range o.Attrs {
		d := sha256.Sum256([]byte(v))
		k["attribute "+a] = hex.EncodeToString(d[:8])
	}
	for a, v := range o.Checkpoint.Key {
		k[a] = v
	}
	return k
}

// diffOrder is the order describeDiff looks for a difference in: what a
// user changes on the command line first, the consequences (chunks,
// the dataset's name) last.
var diffOrder = []string{"n_samples", "seed", "shape", "attribute spec", "symbols", "attribute mask_mode", "mask shape", "symbol_mask",
	"attribute fonts", "attribute font_pool", "attribute image_pool", "columns", "level", "chunks", "format"}

// describeDiff names the first entry (diffOrder, then sorted) where two
// keys differ.
func describeDiff(was, now map[string]string) string {
	names := make([]string, 0, len(was)+len(now))
	for k := range was {
		names = append(names, k)
	}
	for k := range now {
		names = append(names, k)
	}
	slices.Sort(names)
	names = slices.Compact(names)
	rank := func(k string) int {
		if i := slices.Index(diffOrder, k); i >= 0 {
			return i
		}
		return len(diffOrder)
	}
	slices.SortStableFunc(names, func(a, b string) int { return rank(a) - rank(b) })
	for _, k := range names {
		a, b := was[k], now[k]
		if a == b {
			continue
		}
		if strings.HasPrefix(k, "attribute ") {
			what := strings.TrimPrefix(k, "attribute ")
			if what == "spec" {
				return "another spec (its resolved YAML differs)"
			}
			return "another " + what + " (the root attribute differs)"
		}
		if a == "" {
			a = "none"
		}
		if b == "" {
			b = "none"
		}
		return fmt.Sprintf("another %s (%s then, %s now)", k, a, b)
	}
	return "the same dataset"
}

// findStates lists the resumable folders beside the target base in dir.
func findStates(dir, base string) []string {
	var found []string
	if p := filepath.Join(dir, partialName(base)); hasJournal(p) {
		found = append(found, p)
	}
	matches, _ := filepath.Glob(filepath.Join(dir, globEscape(tempPrefix(base))+"*"))
	for _, m := range matches {
		if hasJournal(m) {
			found = append(found, m)
		}
	}
	return found
}

func readJournal(dir string) (journal, error) {
	var j journal
	b, err := os.ReadFile(filepath.Join(dir, journalName))
	if err != nil {
		return j, err
	}
	if err := json.Unmarshal(b, &j); err != nil {
		return j, fmt.Errorf("journal: %w", err)
	}
	if j.Version != journalVersion || j.Done < 0 {
		return j, fmt.Errorf("journal: version %d, done %d", j.Version, j.Done)
	}
	return j, nil
}

// adopt runs under the output's lock (openStaging): it picks the folder
// to continue, or none.
func (ck *checkpointer) adopt(dir, base string) (string, error) {
	target := filepath.Join(dir, base)
	found := findStates(dir, base)
	if len(found) == 0 {
		if ck.cfg.Resume {
			ck.note(fmt.Sprintf("%s: no interrupted run to resume; starting from the beginning", target))
		}
		return "", nil
	}
	if !ck.cfg.Resume {
		if ck.cfg.Discard {
			for _, f := range found {
				os.RemoveAll(f)
			}
			return "", nil
		}
		return "", fmt.Errorf("%w: %s (in %s): continue it with --resume or discard it with --force", ErrPartial, target, filepath.Base(found[0]))
	}
	if len(found) > 1 {
		return "", fmt.Errorf("%w: %s: %d interrupted runs' states beside it (%s, %s); remove all but one", ErrResume, target, len(found), filepath.Base(found[0]), filepath.Base(found[1]))
	}
	j, err := readJournal(found[0])
	if err != nil {
		ck.note(fmt.Sprintf("%s: the interrupted run's state in %s is unreadable (%v); starting from the beginning", target, filepath.Base(found[0]), err))
		os.RemoveAll(found[0])
		return "", nil
	}
	if !mapsEqual(j.Key, ck.key) {
		return "", fmt.Errorf("%w: %s: the interrupted run in %s made %s; run the command it was started with, or discard it with --force (without --resume)",
			ErrResume, target, filepath.Base(found[0]), describeDiff(j.Key, ck.key))
	}
	ck.folder, ck.j, ck.resume = found[0], j, j.Done > 0
	ck.last = j.Done
	return found[0], nil
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// createOrResume makes the file (createFile) or reopens the adopted one
// and checks it; a damaged one is noted and replaced by a fresh file.
func (w *Writer) createOrResume() error {
	if w.ck == nil {
		return w.createFile()
	}
	if w.ck.resume {
		err := w.resumeFile()
		if err == nil {
			return nil
		}
		w.closeHandles()
		w.ck.note(fmt.Sprintf("%s: the interrupted run's file does not check out (%v); starting from the beginning", w.o.Path, err))
		w.ck.resume, w.ck.last, w.ck.seq = false, 0, 0
		os.Remove(filepath.Join(w.st.tmpDir, journalName))
		os.Remove(w.tmp)
		removeUndoLogs(w.st.tmpDir, undoLogs(w.st.tmpDir))
	} else if w.ck.folder != "" {
		// A journal of no samples: nothing worth keeping.
		os.Remove(w.tmp)
	}
	if err := w.createFile(); err != nil {
		return err
	}
	return w.hold()
}

func (w *Writer) hold() error {
	if err := w.f.HoldMetadata(); err != nil {
		return w.ioErr("hold metadata", err)
	}
	return nil
}

// closeHandles closes the file and its datasets, as far as they are open.
func (w *Writer) closeHandles() error {
	var errs []error
	for i := range w.arrays {
		if w.arrays[i].d != nil {
			errs = append(errs, w.arrays[i].d.Close())
		}
	}
	if w.dy != nil {
		errs = append(errs, w.dy.Close())
	}
	for i := range w.cols {
		if w.cols[i].d != nil {
			errs = append(errs, w.cols[i].d.Close())
		}
	}
	if w.f != nil {
		errs = append(errs, w.f.Close())
	}
	w.f = nil
	return errors.Join(errs...)
}

// reopen opens the file and its datasets again after checkpoint seq's
// close (or to resume after it), checking their shapes, its writes
// guarded by undoName(seq).
func (w *Writer) reopen(seq int) error {
	return w.openFile(filepath.Join(w.st.tmpDir, undoName(seq)))
}

// openFile is reopen, with the undo log undo; without one, the file is
// opened read-only and its metadata is not held (the resume's checks read
// every chunk, and a held cache would keep all of their index and y's
// heap in memory).
func (w *Writer) openFile(undo string) error {
	write := undo != ""
	var f *hdf5.File
	var err error
	if write {
		f, err = hdf5.OpenGuarded(w.tmp, undo)
	} else {
		f, err = hdf5.Open(w.tmp)
	}
	if err != nil {
		return err
	}
	w.f = f
	if write {
		if err := w.hold(); err != nil {
			return err
		}
	}
	openSet := func(name string, dims, chunk []uint64) (*hdf5.Dataset, error) {
		d, err := f.OpenDataset(name)
		if err != nil {
			return nil, err
		}
		if !slices.Equal(d.Dims(), dims) || !slices.Equal(d.Chunk(), chunk) {
			d.Close()
			return nil, fmt.Errorf("%s has shape %v, chunks %v; want %v, %v", name, d.Dims(), d.Chunk(), dims, chunk)
		}
		return d, nil
	}
	n, cs, yc := uint64(w.o.N), uint64(w.o.ChunkSamples), uint64(w.yChunk)
	for i := range w.arrays {
		a := &w.arrays[i]
		d, err := openSet(a.name, append([]uint64{n}, a.dims...), append([]uint64{cs}, a.dims...))
		if err != nil {
			return err
		}
		replaceHandle(&a.d, d)
	}
	if w.dy, err = openSet("y", []uint64{n}, []uint64{yc}); err != nil {
		return err
	}
	for i := range w.cols {
		c := &w.cols[i]
		dims, chunk := []uint64{n}, []uint64{yc}
		for _, d := range c.Shape {
			dims, chunk = append(dims, uint64(d)), append(chunk, uint64(d))
		}
		d, err := openSet(c.Name, dims, chunk)
		if err != nil {
			return err
		}
		replaceHandle(&c.d, d)
	}
	return nil
}

// replaceHandle puts the reopened dataset d in *dst: in the Dataset *dst
// points to, when there is one, since the caller's goroutine copies the
// array and column structs holding the pointer (Write) while the libhdf5
// goroutine reopens; the pointee is the libhdf5 goroutine's alone.
func replaceHandle(dst **hdf5.Dataset, d *hdf5.Dataset) {
	if *dst == nil {
		*dst = d
		return
	}
	**dst = *d
}

// resumeFile checks the adopted file against the journal (checkFile),
// opens it for writing, and sets the Writer to continue after the
// checkpoint.
func (w *Writer) resumeFile() error {
	if err := w.rollBack(); err != nil {
		return err
	}
	if err := w.openFile(""); err != nil {
		return err
	}
	if err := w.checkFile(); err != nil {
		return err
	}
	if err := w.closeHandles(); err != nil {
		return err
	}
	w.ck.seq = w.ck.j.Seq
	if err := w.reopen(w.ck.seq); err != nil {
		return err
	}
	s := w.ck.j.Done
	w.written, w.yStart, w.colStart, w.nChunks = s, s, s, s/w.o.ChunkSamples
	w.groups["split"] = true
	for _, c := range w.cols {
		parts := strings.Split(c.Name, "/")
		for i := 1; i < len(parts); i++ {
			w.groups[strings.Join(parts[:i], "/")] = true
		}
	}
	return nil
}

// rollBack returns the adopted file to the journal's checkpoint: it
// undoes what every open for writing since wrote over the checkpoint's
// bytes (a close cut short by a kill included), oldest log last, and
// cuts off what was added after them; then it removes the logs.
func (w *Writer) rollBack() error {
	j := w.ck.j
	seqs := undoLogs(w.st.tmpDir)
	var logs []string
	for _, k := range seqs {
		if k >= j.Seq {
			logs = append(logs, filepath.Join(w.st.tmpDir, undoName(k)))
		}
	}
	if j.Size > 0 {
		if err := hdf5.RollBack(w.tmp, j.Size, logs...); err != nil {
			return fmt.Errorf("roll back to the checkpoint: %w", err)
		}
	}
	return removeUndoLogs(w.st.tmpDir, seqs)
}

// undoLogs returns the checkpoint numbers of the undo logs in dir, in
// increasing order.
func undoLogs(dir string) []int {
	ents, _ := os.ReadDir(dir)
	var seqs []int
	for _, e := range ents {
		if n, ok := strings.CutPrefix(e.Name(), "undo-"); ok {
			if k, err := strconv.Atoi(n); err == nil && undoName(k) == e.Name() {
				seqs = append(seqs, k)
			}
		}
	}
	slices.Sort(seqs)
	return seqs
}

// removeUndoLogs removes dir's undo logs seqs (increasing), newest first:
// a kill between two removals leaves the older logs, which a later resume
// applies again to the same bytes with the same result; the newer alone
// would hold bytes of a later state.
func removeUndoLogs(dir string, seqs []int) error {
	for _, k := range slices.Backward(seqs) {
		if err := os.Remove(filepath.Join(dir, undoName(k))); err != nil {
			return err
		}
	}
	return nil
}

// checkFile checks the file opened read-only against the journal: the
// datasets' shapes (openFile), every chunk before the checkpoint indexed
// and inside the file, and the CRC of each of them.
func (w *Writer) checkFile() error {
	s, cs := w.ck.j.Done, w.o.ChunkSamples
	if s%w.yChunk != 0 || s > w.o.N || s < cs {
		return fmt.Errorf("checkpoint at %d samples is not a chunk boundary", s)
	}
	xcrc, ycrc := unpackCRCs(w.ck.j.XCRC), unpackCRCs(w.ck.j.YCRC)
	if len(xcrc) != s/cs || len(ycrc) != s/w.yChunk {
		return fmt.Errorf("journal has %d and %d chunk CRCs for %d samples", len(xcrc), len(ycrc), s)
	}
	// Every chunk before the checkpoint is read back and compared: a kill
	// during a checkpoint's close can leave a chunk index half rewritten,
	// pointing anywhere.
	for k := range xcrc {
		var c uint32
		for _, a := range w.arrays {
			raw, err := a.d.ReadUint8(append([]uint64{uint64(k * cs)}, make([]uint64, len(a.dims))...), append([]uint64{uint64(cs)}, a.dims...))
			if err != nil {
				return err
			}
			c = crc32.Update(c, crc32.IEEETable, raw)
		}
		if c != xcrc[k] {
			return fmt.Errorf("chunk %d of x, mask differs from the journal's CRC", k)
		}
	}
	for k := range ycrc {
		recs, err := w.dy.ReadStrings(uint64(k*w.yChunk), uint64(w.yChunk))
		if err != nil {
			return err
		}
		var c uint32
		for _, r := range recs {
			c = crc32.Update(c, crc32.IEEETable, append([]byte(r), 0))
		}
		if c != ycrc[k] {
			return fmt.Errorf("chunk %d of y differs from the journal's CRC", k)
		}
	}
	w.ck.xcrc, w.ck.ycrc = xcrc, ycrc
	// Every chunk before the checkpoint must be in the chunk indexes and
	// inside the file: a kill during a checkpoint's close can leave an
	// index half rewritten.
	fi, err := os.Stat(w.tmp)
	if err != nil {
		return err
	}
	eof := uint64(fi.Size())
	for _, a := range w.arrays {
		if err := a.d.CheckChunks(uint64(s), eof); err != nil {
			return err
		}
	}
	if err := w.dy.CheckChunks(uint64(s), eof); err != nil {
		return err
	}
	for _, c := range w.cols {
		if err := c.d.CheckChunks(uint64(s), eof); err != nil {
			return err
		}
	}
	return nil
}

// sum keeps the CRC of chunk j of x (and mask, symbol_mask), raw
// (submit, on the caller's goroutine; chunks come in order).
func (ck *checkpointer) sum(w *Writer, j *job) {
	var c uint32
	for _, raw := range j.raw {
		c = crc32.Update(c, crc32.IEEETable, raw)
	}
	ck.xcrc = append(ck.xcrc[:j.idx], c)
}

// sumY keeps the CRCs of whole chunks of y's records, from a chunk
// boundary (flushY, on the caller's goroutine).
func (ck *checkpointer) sumY(w *Writer, start int, recs [][]byte) {
	ck.ycrc = ck.ycrc[:start/w.yChunk]
	for i := 0; i+w.yChunk <= len(recs); i += w.yChunk {
		var c uint32
		for _, r := range recs[i : i+w.yChunk] {
			c = crc32.Update(c, crc32.IEEETable, r)
			c = crc32.Update(c, crc32.IEEETable, []byte{0})
		}
		ck.ycrc = append(ck.ycrc, c)
	}
}

func packCRCs(v []uint32) []byte {
	b := make([]byte, 0, 4*len(v))
	for _, c := range v {
		b = binary.LittleEndian.AppendUint32(b, c)
	}
	return b
}

func unpackCRCs(b []byte) []uint32 {
	v := make([]uint32, len(b)/4)
	for i := range v {
		v[i] = binary.LittleEndian.Uint32(b[4*i:])
	}
	return v
}

// maybe requests a checkpoint when Every more samples are complete in
// every dataset's whole chunks (after Write's flushes: y and the columns
// up to yStart, x further).
func (ck *checkpointer) maybe(w *Writer) {
	if s := w.yStart; s-ck.last >= ck.every && s < w.o.N {
		w.checkpoint(s, nil)
	}
}

// checkpoint hands the libhdf5 goroutine a checkpoint at s samples
// (a boundary whose chunks are all submitted before it).
func (w *Writer) checkpoint(s int, reply chan error) {
	ck := w.ck
	j := journal{Version: journalVersion, Key: ck.key, Done: s,
		XCRC: packCRCs(ck.xcrc[:s/w.o.ChunkSamples]), YCRC: packCRCs(ck.ycrc[:s/w.yChunk])}
	if ck.cfg.State != nil {
		j.State = ck.cfg.State()
	}
	ck.last = s
	ck.seq++
	j.Seq = ck.seq
	w.order <- task{fn: func() error {
		// The journals are written in order: the previous one first.
		if err := w.ckSynced(); err != nil {
			return err
		}
		// Closing writes every piece of metadata; the sync makes the
		// file durable before the journal says it holds s samples.
		// Whatever this close overwrites of the last checkpoint's bytes
		// is in that checkpoint's undo log (reopen), so a kill in the
		// middle of it leaves a file the resume can roll back.
		if err := w.closeHandles(); err != nil {
			return w.ioErr("checkpoint", err)
		}
		fi, err := os.Stat(w.tmp)
		if err != nil {
			return w.ioErr("checkpoint", err)
		}
		j.Size = uint64(fi.Size())
		if err := w.reopen(j.Seq); err != nil {
			return w.ioErr("checkpoint reopen", err)
		}
		// The sync and the journal run beside the next chunks' writes:
		// those only add chunk bytes the checkpoint's metadata does not
		// reference (HoldMetadata), and the sync makes durable at least
		// what the close wrote. Waiting for the disk here held up the
		// pipeline, about a tenth of a second a checkpoint.
		done := make(chan error, 1)
		w.ckSync = done
		go func() {
			// The last open's undo log first: once the file's sync
			// makes this close's overwrites durable, a crash of the
			// machine before the journal below must still find their
			// before-images (the first open has none).
			if err := syncFile(filepath.Join(w.st.tmpDir, undoName(j.Seq-1))); err != nil && !errors.Is(err, os.ErrNotExist) {
				done <- w.ioErr("checkpoint sync", err)
				return
			}
			if err := syncFile(w.tmp); err != nil {
				done <- w.ioErr("checkpoint sync", err)
				return
			}
			b, err := json.Marshal(j)
			if err == nil {
				err = atomicfile.Write(filepath.Join(w.st.tmpDir, journalName), b, atomicfile.Options{Perm: 0o600})
			}
			if err != nil {
				err = w.ioErr("checkpoint journal", err)
			} else if j.Seq > 1 {
				// The journal no longer names the checkpoint
				// before: its undo log has served.
				os.Remove(filepath.Join(w.st.tmpDir, undoName(j.Seq-1)))
			}
			done <- err
		}()
		return nil
	}, reply: reply}
}

// ckSynced waits for the last checkpoint's sync and journal, if one is
// under way, and returns its error. It runs on the libhdf5 goroutine:
// before a checkpoint, and before that goroutine ends (so that Close,
// Suspend and Abort find the journal written and nothing writing it).
func (w *Writer) ckSynced() error {
	if w.ckSync == nil {
		return nil
	}
	err := <-w.ckSync
	w.ckSync = nil
	return err
}

// Resumed returns the number of samples the Writer continues after (0
// for a fresh file) and the state of Checkpointing.State at that
// checkpoint. The caller writes samples from there on.
func (w *Writer) Resumed() (done int, state []byte) {
	if w.ck == nil || !w.ck.resume {
		return 0, nil
	}
	return w.ck.j.Done, w.ck.j.State
}

// ReadX returns x's first n samples from the file (a resumed run's
// preview); ReadInt32 the first n rows of an Int32 column.
func (w *Writer) ReadX(n int) ([]byte, error) {
	var out []byte
	err := w.readTask(func() (err error) {
		x := &w.arrays[0]
		out, err = x.d.ReadUint8(make([]uint64, 1+len(x.dims)), append([]uint64{uint64(n)}, x.dims...))
		return err
	})
	return out, err
}

// ReadInt32 returns the first n rows of the Int32 column name.
func (w *Writer) ReadInt32(name string, n int) ([]int32, error) {
	var out []int32
	err := w.readTask(func() error {
		for _, c := range w.cols {
			if c.Name == name {
				start, count := []uint64{0}, []uint64{uint64(n)}
				for _, d := range c.Shape {
					start, count = append(start, 0), append(count, uint64(d))
				}
				var err error
				out, err = c.d.ReadInt32(start, count)
				return err
			}
		}
		return fmt.Errorf("%w: no column %q", ErrInput, name)
	})
	return out, err
}

func (w *Writer) readTask(fn func() error) error {
	if w.closed {
		return fmt.Errorf("%w: read from %s", ErrClosed, w.o.Path)
	}
	var ferr error
	reply := make(chan error, 1)
	w.order <- task{fn: func() error { ferr = fn(); return nil }, reply: reply}
	if err := <-reply; err != nil {
		return err
	}
	if ferr != nil {
		return w.ioErr("read back", ferr)
	}
	return nil
}

// Suspend stops a resumable Writer and keeps its state for a later
// resume: it checkpoints at the last boundary written (samples after it
// are dropped: a resume makes them again), closes the file, renames its
// folder to ".<name>.partial" and releases the lock. It returns the
// samples kept; with none (no boundary reached yet) it removes
// everything, as Abort. A Writer that has failed is aborted and its
// error returned. Without Options.Checkpoint, Suspend is Abort.
func (w *Writer) Suspend() (done int, err error) {
	if w.ck == nil || w.closed {
		w.Abort()
		return 0, nil
	}
	w.closed = true
	if err := w.failed(); err != nil {
		w.aborting.Store(true)
		w.shutdown()
		w.cleanup()
		return 0, err
	}
	if s := w.yStart; s > w.ck.last && s < w.o.N {
		w.checkpoint(s, nil)
	}
	w.shutdown()
	done = w.ck.last
	if err := w.failed(); err != nil || done == 0 {
		w.cleanup()
		return 0, err
	}
	// The last close's overwrites are in the page cache, as are their
	// before-images: the log is made durable now, so that a crash of
	// the machine while the kernel writes the file back can still be
	// rolled back to the journal's checkpoint. Best effort: the state
	// serves a resume on this machine as it is, whatever the sync says.
	syncFile(filepath.Join(w.st.tmpDir, undoName(w.ck.seq)))
	dir := filepath.Dir(w.st.tmpDir)
	keep := filepath.Join(dir, partialName(filepath.Base(w.st.target.Path)))
	if w.st.tmpDir != keep {
		if err := os.Rename(w.st.tmpDir, keep); err != nil {
			// The state stays where it is, under its random name, which
			// a resume finds too.
			keep = w.st.tmpDir
		}
		atomicfile.SyncDir(dir)
	}
	w.st.tmpDir = "" // kept: cleanup only releases the lock
	w.cleanup()
	return done, nil
}

// Partial is the folder Suspend keeps an interrupted run's state in.
func Partial(path string) string {
	return filepath.Join(filepath.Dir(path), partialName(filepath.Base(path)))
}
