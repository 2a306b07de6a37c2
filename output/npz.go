package output

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"time"
)

// NPZWriter writes a dataset as one numpy .npz archive (docs/format.md,
// "npz"): stored members x.npy (N, H, W, C) uint8, mask.npy (N, …mask
// shape) uint8, symbol_mask.npy with Options.SymbolMask, y.npy (N,) of
// fixed-width bytes "|S<w>" (the JSON records, ASCII as in the HDF5 y,
// padded with NULs that numpy strips), and attrs.json (Options.Attrs, a
// JSON object). np.load(path) reads it, allow_pickle or not.
//
// The arrays stream: each member's size is known from N, so its header
// goes first with the final shape and every batch is written at its own
// offset of the one temporary file; the records wait in a temporary file
// beside it until Close knows their width. Nothing holds the dataset in
// memory. The file lives in the private temporary folder until Close
// renames it into place, as the HDF5 Writer's (staging), side files
// (preview, Options.Splits) just before it.
type NPZWriter struct {
	extras
	tmp     string
	f       *os.File
	z       zipStore
	arrays  []npzArray
	yTmp    *os.File
	yBuf    *bufio.Writer
	yWidth  int
	size    int64
	writeNS int64
}

type npzArray struct {
	name   string
	sample int // bytes per sample
	entry  int
	data   uint64 // offset of sample 0
	crc    uint32
}

// npzForceZip64 makes every member zip64 (tests of the > 4 GiB path).
var npzForceZip64 = false

// CreateNPZ checks the options (as Create does; Columns are HDF5-only),
// takes the output's lock and opens the temporary archive.
func CreateNPZ(o Options) (*NPZWriter, error) {
	o, err := o.normalize()
	if err != nil {
		return nil, err
	}
	if len(o.Columns) > 0 {
		return nil, fmt.Errorf("%w: %s: typed columns are written only by the HDF5 format", ErrOptions, o.Path)
	}
	e, err := openExtras(o)
	if err != nil {
		return nil, err
	}
	w := &NPZWriter{extras: e}
	w.z.force64 = npzForceZip64
	fail := func(what string, err error) (*NPZWriter, error) {
		w.release()
		return nil, fmt.Errorf("%w: %s: %s: %w", ErrIO, o.Path, what, err)
	}
	w.tmp = w.st.temp(filepath.Base(w.st.target.Path))
	if w.f, err = os.OpenFile(w.tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666); err != nil {
		return fail("create", err)
	}
	w.z.f = w.f
	shapes := [][]int{{o.H, o.W, o.C}, o.MaskShape}
	names := []string{"x", "mask"}
	if o.SymbolMask {
		shapes, names = append(shapes, []int{o.H, o.W, o.K}), append(names, "symbol_mask")
	}
	for i, sh := range shapes {
		a := npzArray{name: names[i], sample: 1}
		for _, d := range sh {
			a.sample *= d
		}
		hdr := npyHeader("|u1", append([]int{o.N}, sh...))
		var off uint64
		if a.entry, off, err = w.z.reserve(a.name+".npy", uint64(len(hdr))+uint64(o.N)*uint64(a.sample)); err != nil {
			return fail("create "+a.name, err)
		}
		if _, err := w.f.WriteAt(hdr, int64(off)); err != nil {
			return fail("create "+a.name, err)
		}
		a.data, a.crc = off+uint64(len(hdr)), crc32.ChecksumIEEE(hdr)
		w.arrays = append(w.arrays, a)
	}
	if w.yTmp, err = os.OpenFile(w.st.temp(".y-records"), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600); err != nil {
		return fail("create y", err)
	}
	w.yBuf = bufio.NewWriterSize(w.yTmp, 1<<20)
	return w, nil
}

// checkSamples checks a batch for a writer of options o that has written
// samples, and returns its records in ASCII (as the HDF5 y stores them).
func checkSamples(o Options, written int, s Samples) ([][]byte, error) {
	n := len(s.Y)
	sizes := []struct {
		name string
		data []byte
		per  int
	}{{"x", s.X, o.H * o.W * o.C}, {"mask", s.Mask, prod(o.MaskShape)}}
	if o.SymbolMask {
		sizes = append(sizes, struct {
			name string
			data []byte
			per  int
		}{"symbol_mask", s.SymbolMask, o.H * o.W * o.K})
	} else if len(s.SymbolMask) != 0 {
		return nil, fmt.Errorf("%w: %s: per-symbol masks given without Options.SymbolMask", ErrInput, o.Path)
	}
	for _, a := range sizes {
		if len(a.data) != n*a.per {
			return nil, fmt.Errorf("%w: %s: %d records need %d bytes of %s, got %d", ErrInput, o.Path, n, n*a.per, a.name, len(a.data))
		}
	}
	if len(s.Columns) != 0 {
		return nil, fmt.Errorf("%w: %s: typed columns are written only by the HDF5 format", ErrInput, o.Path)
	}
	if n > o.N-written {
		return nil, fmt.Errorf("%w: %s: writing %d samples after %d exceeds N=%d", ErrCount, o.Path, n, written, o.N)
	}
	recs := make([][]byte, n)
	for i, r := range s.Y {
		a, err := appendASCII(nil, r)
		if err == nil && bytes.IndexByte(a, '\n') >= 0 {
			err = fmt.Errorf("newline in record")
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %s: record of sample %d: %w", ErrInput, o.Path, written+i, err)
		}
		recs[i] = a
	}
	return recs, nil
}

func prod(shape []int) int {
	p := 1
	for _, d := range shape {
		p *= d
	}
	return p
}

// WriteSamples appends the next samples (as Writer.WriteSamples; no
// columns). A rejected call writes nothing. It copies what it keeps, so
// Samples.Release is called before it returns.
func (w *NPZWriter) WriteSamples(s Samples) error {
	if s.Release != nil {
		defer s.Release()
	}
	recs, err := w.startWrite(s)
	if err != nil {
		return err
	}
	t0 := time.Now()
	defer func() { w.writeNS += int64(time.Since(t0)) }()
	data := [][]byte{s.X, s.Mask, s.SymbolMask}
	for i := range w.arrays {
		a := &w.arrays[i]
		if _, err := w.f.WriteAt(data[i], int64(a.data)+int64(w.written)*int64(a.sample)); err != nil {
			return w.ioErr("write "+a.name, err)
		}
		a.crc = crc32.Update(a.crc, crc32.IEEETable, data[i])
	}
	for _, r := range recs {
		w.yWidth = max(w.yWidth, len(r))
		w.yBuf.Write(r)
		if err := w.yBuf.WriteByte('\n'); err != nil {
			return w.ioErr("write y", err)
		}
	}
	w.written += len(recs)
	return nil
}

// writeY appends y.npy: the records, each padded to the widest.
func (w *NPZWriter) writeY() error {
	if err := w.yBuf.Flush(); err != nil {
		return err
	}
	if _, err := w.yTmp.Seek(0, io.SeekStart); err != nil {
		return err
	}
	width := max(1, w.yWidth)
	hdr := npyHeader(fmt.Sprintf("|S%d", width), []int{w.o.N})
	i, off, err := w.z.reserve("y.npy", uint64(len(hdr))+uint64(w.o.N)*uint64(width))
	if err != nil {
		return err
	}
	crc := crc32.NewIEEE()
	out := bufio.NewWriterSize(io.MultiWriter(io.NewOffsetWriter(w.f, int64(off)), crc), 1<<20)
	out.Write(hdr)
	in := bufio.NewReaderSize(w.yTmp, 1<<20)
	pad := make([]byte, width)
	for range w.o.N {
		line, err := in.ReadBytes('\n')
		if err != nil {
			return fmt.Errorf("reading back the records: %w", err)
		}
		rec := line[:len(line)-1]
		out.Write(rec)
		out.Write(pad[:width-len(rec)])
	}
	if err := out.Flush(); err != nil {
		return err
	}
	return w.z.setCRC(i, crc.Sum32())
}

// Close completes y.npy, attrs.json and the zip directory, syncs the
// archive and renames it (and its side files) into place. It fails if
// fewer than N samples were written or a write failed; then nothing is
// left behind.
func (w *NPZWriter) Close() error {
	if w.closed {
		return fmt.Errorf("%w: Close of %s", ErrClosed, w.o.Path)
	}
	w.closed = true
	defer w.cleanup()
	if err := w.completed(); err != nil {
		return err
	}
	t0 := time.Now()
	defer func() { w.writeNS += int64(time.Since(t0)) }()
	if err := w.writeY(); err != nil {
		return w.ioErr("write y", err)
	}
	for _, a := range w.arrays {
		if err := w.z.setCRC(a.entry, a.crc); err != nil {
			return w.ioErr("write "+a.name, err)
		}
	}
	attrs, err := json.Marshal(w.o.Attrs)
	if err != nil {
		return w.ioErr("attrs", err)
	}
	if err := w.z.add("attrs.json", attrs, crc32.ChecksumIEEE(attrs)); err != nil {
		return w.ioErr("write attrs.json", err)
	}
	if err := w.z.finish(); err != nil {
		return w.ioErr("write zip directory", err)
	}
	err = w.f.Close()
	w.f = nil
	if err != nil {
		return w.ioErr("close", err)
	}
	if err := w.stage(); err != nil {
		return err
	}
	if err := w.st.commit(w.tmp, nil); err != nil {
		return err
	}
	w.size = int64(w.z.off) // the directory's end is not counted in off
	if fi, err := os.Stat(w.st.target.Path); err == nil {
		w.size = fi.Size()
	}
	return nil
}

func (w *NPZWriter) cleanup() {
	if w.f != nil {
		w.f.Close()
		w.f = nil
	}
	if w.yTmp != nil {
		w.yTmp.Close()
		w.yTmp = nil
	}
	w.release()
}

// Abort drops everything written; safe at any time, and a no-op after a
// successful Close.
func (w *NPZWriter) Abort() {
	w.closed = true
	w.cleanup()
}

// Stats reports the time spent writing (in HDF5, the field shared with
// the HDF5 writer); nothing is compressed.
func (w *NPZWriter) Stats() WriterStats {
	return WriterStats{HDF5: time.Duration(w.writeNS), Workers: 0}
}

// Size is the size of the committed archive.
func (w *NPZWriter) Size() int64 { return w.size }
