package output

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/klauspost/compress/flate"
	"github.com/synbols-gpu/synbols-gpu/internal/adler"
	"github.com/synbols-gpu/synbols-gpu/internal/hdf5"
)

// ColumnType is the element type of a Column.
type ColumnType = hdf5.Type

// The column types: Bool is stored as h5py stores numpy.bool_ (the type of
// the split/* datasets), so loaders read dtype bool.
const (
	Bool    = hdf5.Bool
	Uint8   = hdf5.Uint8
	Int32   = hdf5.Int32
	Uint32  = hdf5.Uint32
	Int64   = hdf5.Int64
	Float64 = hdf5.Float64
)

// Column is one typed dataset beside y, of shape (N, Shape...): the
// attributes of the records as arrays, so that loaders need not parse
// JSON. It is chunked along N like y (the same number of samples a chunk)
// and deflate-compressed at Options.Level.
type Column struct {
	// Name is the dataset's path, e.g. "attr/char"; its groups are
	// created with it.
	Name  string
	Type  ColumnType
	Shape []int // one sample's shape; nil for a scalar per sample
}

// rowBytes is the bytes of one sample's row.
func (c Column) rowBytes() int {
	n := c.Type.Size()
	for _, d := range c.Shape {
		n *= d
	}
	return n
}

// column is a Column being written: its rows since the last whole chunk
// handed to libhdf5.
type column struct {
	Column
	row     int
	d       *hdf5.Dataset
	pending []byte
}

// reservedTop are the root names the Writer writes itself; columns and
// value lists may not use them.
var reservedTop = []string{"x", "mask", "symbol_mask", "y", "split", "split_index"}

func checkColumnPath(name string) error {
	if name == "" || strings.HasPrefix(name, "/") || strings.HasSuffix(name, "/") || strings.IndexByte(name, 0) >= 0 {
		return errors.New("empty, NUL, or a leading or trailing /")
	}
	for _, part := range strings.Split(name, "/") {
		if part == "" || part == "." || part == ".." {
			return errors.New("empty, . or .. path element")
		}
	}
	if slices.Contains(reservedTop, strings.SplitN(name, "/", 2)[0]) {
		return errors.New("in a group the writer owns")
	}
	return nil
}

func (o Options) checkColumns() error {
	seen := map[string]bool{}
	for _, c := range o.Columns {
		if err := checkColumnPath(c.Name); err != nil {
			return fmt.Errorf("column %q: %w", c.Name, err)
		}
		if seen[c.Name] {
			return fmt.Errorf("column %q twice", c.Name)
		}
		seen[c.Name] = true
		if c.Type.Size() == 0 {
			return fmt.Errorf("column %q: unknown type %d", c.Name, c.Type)
		}
		if len(c.Shape) > 3 {
			return fmt.Errorf("column %q: rank %d per sample", c.Name, len(c.Shape))
		}
		for _, d := range c.Shape {
			if d < 1 || d > 1<<16 {
				return fmt.Errorf("column %q: dimension %d", c.Name, d)
			}
		}
	}
	// A column may not be a group of another one (attr/a and attr/a/b).
	for name := range seen {
		for other := range seen {
			if strings.HasPrefix(other, name+"/") {
				return fmt.Errorf("column %q is inside column %q", other, name)
			}
		}
	}
	return nil
}

// ensureGroups creates the groups above path that do not exist yet, in
// w.groups. Runs on the libhdf5 goroutine (or in createFile, before it
// starts).
func (w *Writer) ensureGroups(path string) error {
	parts := strings.Split(path, "/")
	for i := 1; i < len(parts); i++ {
		g := strings.Join(parts[:i], "/")
		if w.groups[g] {
			continue
		}
		gr, err := w.f.CreateGroup(g)
		if err != nil {
			return w.ioErr("create "+g, err)
		}
		if err := gr.Close(); err != nil {
			return w.ioErr("create "+g, err)
		}
		w.groups[g] = true
	}
	return nil
}

// createColumns creates the column datasets, in createFile.
func (w *Writer) createColumns() error {
	for i := range w.cols {
		c := &w.cols[i]
		if err := w.ensureGroups(c.Name); err != nil {
			return err
		}
		dims, chunk := []uint64{uint64(w.o.N)}, []uint64{uint64(w.yChunk)}
		for _, d := range c.Shape {
			dims, chunk = append(dims, uint64(d)), append(chunk, uint64(d))
		}
		var err error
		if c.d, err = w.f.CreateNumeric(c.Name, c.Type, dims, chunk, w.o.Level, nil); err != nil {
			return w.ioErr("create "+c.Name, err)
		}
	}
	return nil
}

// checkColumnData checks that a call gives every column n rows.
func (w *Writer) checkColumnData(data [][]byte, n int) error {
	if len(data) != len(w.cols) {
		return fmt.Errorf("%w: %s: %d column arrays for %d columns", ErrInput, w.o.Path, len(data), len(w.cols))
	}
	for i, c := range w.cols {
		if len(data[i]) != n*c.row {
			return fmt.Errorf("%w: %s: %d samples need %d bytes of %s, got %d", ErrInput, w.o.Path, n, n*c.row, c.Name, len(data[i]))
		}
	}
	return nil
}

// flushColumns hands the whole chunks of pending rows (every row when all)
// to the libhdf5 goroutine, compressed there: the columns are a few dozen
// bytes a sample, next to x's kilobytes, so they need no compressor of
// their own. Rows start at w.colStart, which is a chunk boundary.
func (w *Writer) flushColumns(all bool) {
	if len(w.cols) == 0 {
		return
	}
	rows := len(w.cols[0].pending) / w.cols[0].row
	k := rows - rows%w.yChunk
	if all {
		k = rows
	}
	if k == 0 {
		return
	}
	// The chunks are compressed here, on the caller's goroutine, so that
	// the libhdf5 goroutine, which every chunk of the file goes through
	// one at a time, only writes them (their deflate was about 1 µs a
	// sample of its time at 32×32).
	start := w.colStart
	parts := make([][]rowChunk, len(w.cols))
	names := make([]string, len(w.cols))
	var err error
	for i := range w.cols {
		c := &w.cols[i]
		names[i] = c.Name
		if err == nil {
			parts[i], err = w.packRows(&w.cenc, c.Name, start, c.pending[:k*c.row], c.row, c.Type.Size(), w.yChunk, 1+len(c.Shape)) // not c.d: the libhdf5 goroutine's
		}
		c.pending = append(c.pending[:0], c.pending[k*c.row:]...)
	}
	w.colStart += k
	w.order <- task{fn: func() error {
		if err != nil {
			return err
		}
		for i, p := range parts {
			// w.cols[i].d: a checkpoint may have reopened the dataset
			// since the task was queued.
			if err := w.writePacked(w.cols[i].d, names[i], p); err != nil {
				return err
			}
		}
		return nil
	}}
}

// rowChunk is one packed chunk of rows: its origin and its bytes (the
// zlib stream, or the raw rows without compression or stored).
type rowChunk struct {
	origin []uint64
	data   []byte
	// stored: data is raw, written with the deflate filter marked
	// skipped (classify, or a stream no smaller than the rows).
	stored bool
}

// packRows cuts raw (rows of rowBytes, of elements of elem bytes, from
// row start, a chunk origin) into chunks of chunkRows rows, compressed
// with enc unless the writer stores raw; an edge chunk is padded with
// zeros to the full chunk, as direct chunk writes need. The chunks own
// their bytes. Random float columns (rotation, scale, translation) do
// not deflate: at level 1 classify stores them, as it does images.
func (w *Writer) packRows(enc *encoders, name string, start int, raw []byte, rowBytes, elem, chunkRows, rank int) ([]rowChunk, error) {
	var out []rowChunk
	for off := 0; off < len(raw); off += chunkRows * rowBytes {
		end := min(len(raw), off+chunkRows*rowBytes)
		buf := raw[off:end]
		class := classDeflate
		if w.o.Level == 1 {
			class = classify(buf, elem, rowBytes)
		}
		stored := w.o.Level != NoCompression && class == classStore
		// own gives the chunk a copy of its rows, padded: raw is the
		// caller's pending buffer, reused once this returns.
		owned := false
		own := func() {
			if !owned {
				buf = append(make([]byte, 0, chunkRows*rowBytes), buf...)[:chunkRows*rowBytes]
				owned = true
			}
		}
		if len(buf) < chunkRows*rowBytes || w.o.Level == NoCompression || stored {
			own()
		}
		if w.o.Level != NoCompression && !stored {
			z, whole, err := enc.deflate(nil, buf, w.o.Level, class == classHuffman, false)
			if err == nil && whole && class != classHuffman {
				// Our encoder's level 1 leaves some columns whole
				// that Huffman codes shrink (counting integers:
				// bytes x ff ff ff, no 4-byte repeat, to 47%); the
				// columns are small enough to try both.
				z, whole, err = enc.deflate(z[:0], buf, w.o.Level, true, false)
			}
			if err != nil {
				return nil, w.ioErr("compress "+name, err)
			}
			if stored = whole; stored {
				own()
			} else {
				buf = z
			}
		}
		origin := make([]uint64, rank)
		origin[0] = uint64(start + off/rowBytes)
		out = append(out, rowChunk{origin, buf, stored})
	}
	return out, nil
}

// writePacked writes packed chunks into d; on the libhdf5 goroutine.
func (w *Writer) writePacked(d *hdf5.Dataset, name string, chunks []rowChunk) error {
	for _, c := range chunks {
		write := d.WriteChunk
		if c.stored {
			write = d.WriteChunkUnfiltered
		}
		if err := write(c.origin, c.data); err != nil {
			return w.ioErr("write "+name, err)
		}
	}
	return nil
}

// writeRows packs raw (packRows) and writes the chunks; on the libhdf5
// goroutine, with its encoders.
func (w *Writer) writeRows(d *hdf5.Dataset, name string, start int, raw []byte, rowBytes, elem, chunkRows int) error {
	chunks, err := w.packRows(&w.enc, name, start, raw, rowBytes, elem, chunkRows, len(d.Dims()))
	if err != nil {
		return err
	}
	return w.writePacked(d, name, chunks)
}

// encoders holds one goroutine's deflate encoders, one per level it uses:
// the writer's level, and Huffman codes only (classify). It frames their
// streams as zlib itself (the header, and the Adler-32 of the input from
// internal/adler, whose vector loop is three times hash/adler32's speed),
// byte for byte what klauspost's zlib.Writer writes (TestZlibFraming).
// Not safe for concurrent use.
type encoders struct {
	fw [2]*flate.Writer
	sw sliceWriter
}

// writer returns the encoder for level (Huffman codes only if huffman),
// reset to append to dst, and the level it codes at.
func (e *encoders) writer(dst []byte, level int, huffman bool) (*flate.Writer, int, error) {
	e.sw.b = dst
	k := 0
	if huffman {
		k, level = 1, flate.HuffmanOnly
	}
	if e.fw[k] == nil {
		fw, err := flate.NewWriter(&e.sw, level)
		if err != nil {
			return nil, level, err
		}
		e.fw[k] = fw
	} else {
		e.fw[k].Reset(&e.sw)
	}
	return e.fw[k], level, nil
}

// zlibHeader is the two bytes that open a zlib stream of deflate level
// (RFC 1950: method 8, 32 KiB window, FLEVEL from the level as
// klauspost's zlib.Writer sets it, no dictionary, the check bits).
func zlibHeader(level int) [2]byte {
	h := [2]byte{0x78, 0}
	switch {
	case level >= 7:
		h[1] = 3 << 6
	case level == 6 || level == -1:
		h[1] = 2 << 6
	case level >= 2:
		h[1] = 1 << 6
	}
	h[1] += uint8(31 - (uint16(h[0])<<8|uint16(h[1]))%31)
	return h
}

// deflate appends src's zlib stream to dst; stored reports a stream no
// smaller than src, which is then better written raw. With probe, a
// chunk of at least two probes is probed on the way: its first
// probeBytes are flushed (a sync flush, so the stream goes on from there
// rather than being compressed twice) and, if they came out larger than
// storeRatio of themselves, deflating the rest is not worth its time:
// stored, the stream unfinished.
func (e *encoders) deflate(dst, src []byte, level int, huffman, probe bool) (out []byte, stored bool, err error) {
	fw, level, err := e.writer(dst, level, huffman)
	if err != nil {
		return dst, false, err
	}
	h := zlibHeader(level)
	e.sw.b = append(e.sw.b, h[:]...)
	rest := src
	if probe && len(src) >= 2*probeBytes {
		if _, err := fw.Write(src[:probeBytes]); err != nil {
			return e.sw.b, false, err
		}
		if err := fw.Flush(); err != nil {
			return e.sw.b, false, err
		}
		if float64(len(e.sw.b)-len(dst)) > storeRatio*probeBytes {
			return e.sw.b, true, nil
		}
		rest = src[probeBytes:]
	}
	if _, err := fw.Write(rest); err != nil {
		return e.sw.b, false, err
	}
	if err := fw.Close(); err != nil {
		return e.sw.b, false, err
	}
	e.sw.b = binary.BigEndian.AppendUint32(e.sw.b, adler.Checksum(src))
	return e.sw.b, len(e.sw.b)-len(dst) >= len(src), nil
}

// WriteValues stores values as the dataset path, a one-dimensional array
// of variable-length UTF-8 strings: e.g. attr/char_values, the codebook a
// coded column's integers index. It waits for libhdf5, so the error it
// returns is the real outcome. Each path only once, and not one of a
// Column.
func (w *Writer) WriteValues(path string, values []string) error {
	if w.closed {
		return fmt.Errorf("%w: WriteValues to %s", ErrClosed, w.o.Path)
	}
	if err := w.failed(); err != nil {
		return err
	}
	if err := checkColumnPath(path); err != nil {
		return fmt.Errorf("%w: %s: values %q: %w", ErrInput, w.o.Path, path, err)
	}
	if w.valueNames[path] || slices.ContainsFunc(w.cols, func(c column) bool {
		return c.Name == path || strings.HasPrefix(c.Name, path+"/") || strings.HasPrefix(path, c.Name+"/")
	}) {
		return fmt.Errorf("%w: %s: values %q written twice or clash with a column", ErrInput, w.o.Path, path)
	}
	for i, v := range values {
		if !utf8.ValidString(v) || strings.IndexByte(v, 0) >= 0 {
			return fmt.Errorf("%w: %s: values %q: entry %d is not UTF-8 without NUL", ErrInput, w.o.Path, path, i)
		}
	}
	w.valueNames[path] = true
	values = slices.Clone(values)
	reply := make(chan error, 1)
	w.order <- task{fn: func() error {
		if err := w.ensureGroups(path); err != nil {
			return err
		}
		d, err := w.f.CreateUTF8Strings(path, values)
		if err != nil {
			return w.ioErr("create "+path, err)
		}
		if err := d.Close(); err != nil {
			return w.ioErr("write "+path, err)
		}
		return nil
	}, reply: reply}
	return <-reply
}

// splitIndexChunk is the number of indices a chunk of split_index holds
// (a variable for the tests, which need several chunks in small files).
var splitIndexChunk = 1 << 14

// writeSplitIndex stores split_index/<name>/{train,valid,test}: the sorted
// sample indices of each partition, int64, as np.where gives them. Runs on
// the libhdf5 goroutine. The indices are built and written one chunk at a
// time, so that they cost no memory per sample beyond the split's own.
func (w *Writer) writeSplitIndex(name string, part []uint8) error {
	for p, pname := range []string{"train", "valid", "test"} {
		path := "split_index/" + name + "/" + pname
		if err := w.ensureGroups(path); err != nil {
			return err
		}
		count := 0
		for _, v := range part {
			if int(v) == p {
				count++
			}
		}
		if count == 0 {
			// Fixed-shape chunked datasets cannot be empty.
			d, err := w.f.CreateNumeric(path, Int64, []uint64{0}, nil, 0, []byte{})
			if err == nil {
				err = d.Close()
			}
			if err != nil {
				return w.ioErr("create "+path, err)
			}
			continue
		}
		cs := min(count, splitIndexChunk)
		d, err := w.f.CreateNumeric(path, Int64, []uint64{uint64(count)}, []uint64{uint64(cs)}, w.o.Level, nil)
		if err != nil {
			return w.ioErr("create "+path, err)
		}
		raw, done := make([]byte, 0, 8*cs), 0
		for i, v := range part {
			if int(v) != p {
				continue
			}
			raw = binary.LittleEndian.AppendUint64(raw, uint64(i))
			if len(raw) == cap(raw) || done+len(raw)/8 == count {
				if err := w.writeRows(d, path, done, raw, 8, 8, cs); err != nil {
					d.Close()
					return err
				}
				done += len(raw) / 8
				raw = raw[:0]
			}
		}
		if err := d.Close(); err != nil {
			return w.ioErr("write "+path, err)
		}
	}
	return nil
}
