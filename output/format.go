package output

import (
	"encoding/json"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
)

// Format is the on-disk form of a dataset: FormatH5 (the original's
// HDF5 layout, the default), FormatNPZ (one numpy .npz archive) or
// FormatWDS (WebDataset tar shards). docs/format.md describes each.
type Format string

const (
	FormatH5  Format = "h5"
	FormatNPZ Format = "npz"
	FormatWDS Format = "wds"
)

// Formats lists the formats, the default first.
var Formats = []Format{FormatH5, FormatNPZ, FormatWDS}

// ParseFormat checks a format name; "" is FormatH5.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(s)); f {
	case "", "h5", "hdf5", "h5py":
		return FormatH5, nil
	case FormatNPZ, FormatWDS:
		return f, nil
	}
	return "", fmt.Errorf("%w: format %q, want h5, npz or wds", ErrOptions, s)
}

// Ext is the file name a dataset of the format takes after its name by
// default: ".h5py", ".npz", or ".json" (the WebDataset manifest, beside
// the shards <name>-000000.tar, …).
func (f Format) Ext() string {
	switch f {
	case FormatNPZ:
		return ".npz"
	case FormatWDS:
		return ".json"
	}
	return ".h5py"
}

// DefaultShardSize is the number of samples per WebDataset shard when
// Options.ShardSize is 0.
const DefaultShardSize = 10000

// DatasetWriter is what every format's writer does: samples in order,
// the splits, the preview, then Close (commit) or Abort (nothing left).
// *Writer (HDF5), *NPZWriter and *WDSWriter implement it; Open picks one.
type DatasetWriter interface {
	WriteSamples(Samples) error
	WriteSplits([]Split) error
	SetPreview(*Preview) error
	Close() error
	Abort()
	Stats() WriterStats
	// Size is the number of bytes committed by Close: the file, or the
	// shards and the manifest; 0 before.
	Size() int64
}

// Open creates the writer of format f (Create for FormatH5).
func Open(f Format, o Options) (DatasetWriter, error) {
	switch f {
	case FormatH5, "":
		w, err := Create(o)
		if err != nil {
			return nil, err
		}
		return w, nil
	case FormatNPZ:
		w, err := CreateNPZ(o)
		if err != nil {
			return nil, err
		}
		return w, nil
	case FormatWDS:
		w, err := CreateWDS(o)
		if err != nil {
			return nil, err
		}
		return w, nil
	}
	return nil, fmt.Errorf("%w: format %q", ErrOptions, f)
}

// Size is the size of the committed file.
func (w *Writer) Size() int64 {
	if !w.renamed {
		return 0
	}
	fi, err := os.Stat(w.st.target.Path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// extras are the npz and WebDataset writers' side files: the preview and
// the splits file (Options.Splits), an npz of one (N, 3) bool one-hot
// array per split, <name>.npy, as the HDF5 file's split/<name>, and
// splits.json, the splits' seeds and timestamps.
type extras struct {
	o          Options
	st         *staging
	previewIdx int // index in st.sides, -1 none
	splitsIdx  int
	previewPNG []byte

	splitsF    *os.File
	splitsZ    zipStore
	splitMeta  []splitMeta
	splitNames map[string]bool

	written int   // samples written
	closed  bool  // Close or Abort was called
	err     error // sticky failure
}

// ioErr records the first I/O failure (sticky: every later call returns
// it) and returns it.
func (e *extras) ioErr(what string, err error) error {
	if e.err == nil {
		e.err = fmt.Errorf("%w: %s: %s: %w", ErrIO, e.o.Path, what, err)
	}
	return e.err
}

// startWrite is the npz and wds writers' check of a batch: not closed,
// no earlier failure, a well-formed batch; it returns the batch's records
// in ASCII.
func (e *extras) startWrite(s Samples) ([][]byte, error) {
	if e.closed {
		return nil, fmt.Errorf("%w: Write to %s", ErrClosed, e.o.Path)
	}
	if e.err != nil {
		return nil, e.err
	}
	return checkSamples(e.o, e.written, s)
}

// completed is what Close checks once it has marked the writer closed:
// no earlier failure, and all N samples written.
func (e *extras) completed() error {
	if e.err != nil {
		return e.err
	}
	if e.written < e.o.N {
		return fmt.Errorf("%w: %s: %d of N=%d samples written", ErrCount, e.o.Path, e.written, e.o.N)
	}
	return nil
}

type splitMeta struct {
	Name      string `json:"name"`
	Seed      int64  `json:"seed"`
	Timestamp string `json:"timestamp"`
}

// openExtras opens the staging of o.Path with o's side files.
func openExtras(o Options) (extras, error) {
	e := extras{o: o, previewIdx: -1, splitsIdx: -1, splitNames: map[string]bool{}}
	var sides []string
	if o.Preview != "" {
		e.previewIdx = len(sides)
		sides = append(sides, o.Preview)
	}
	if o.Splits != "" {
		e.splitsIdx = len(sides)
		sides = append(sides, o.Splits)
	}
	var err error
	e.st, err = openStaging(o.Path, nil, sides...)
	return e, err
}

// SetPreview gives the writer the preview of the dataset, committed with
// it by Close. It requires Options.Preview.
func (e *extras) SetPreview(p *Preview) error {
	if e.previewIdx < 0 {
		return fmt.Errorf("%w: %s: SetPreview without Options.Preview", ErrInput, e.o.Path)
	}
	png, err := p.PNG()
	if err != nil {
		return fmt.Errorf("preview %s: %w", e.o.Preview, err)
	}
	e.previewPNG = png
	return nil
}

// WriteSplits adds each split to the splits file (Options.Splits), as
// the HDF5 writer's WriteSplits checks them.
func (e *extras) WriteSplits(s []Split) error {
	if e.splitsIdx < 0 {
		return fmt.Errorf("%w: %s: WriteSplits without Options.Splits (the %s format has no split datasets)", ErrInput, e.o.Path, filepath.Ext(e.o.Path))
	}
	N := e.o.N
	for _, sp := range s {
		if sp.Name == "" || strings.ContainsAny(sp.Name, "/\x00\"\\") || sp.Name == "splits.json" {
			return fmt.Errorf("%w: %s: invalid split name %q", ErrInput, e.o.Path, sp.Name)
		}
		if e.splitNames[sp.Name] {
			return fmt.Errorf("%w: %s: split %q written twice", ErrInput, e.o.Path, sp.Name)
		}
		if len(sp.Part) != N {
			return fmt.Errorf("%w: %s: split %q has %d entries, want N=%d", ErrInput, e.o.Path, sp.Name, len(sp.Part), N)
		}
		for i, p := range sp.Part {
			if p > 2 {
				return fmt.Errorf("%w: %s: split %q: sample %d in partition %d, want 0..2", ErrInput, e.o.Path, sp.Name, i, p)
			}
		}
	}
	if e.splitsF == nil {
		f, err := e.st.createSide(e.splitsIdx)
		if err != nil {
			return fmt.Errorf("%w: %s: %w", ErrIO, e.o.Splits, err)
		}
		e.splitsF, e.splitsZ.f = f, f
		e.st.sides[e.splitsIdx].staged = "" // set when complete
	}
	for _, sp := range s {
		data := npyHeader("|b1", []int{N, 3})
		h := len(data)
		data = append(data, make([]byte, 3*N)...)
		for i, p := range sp.Part {
			data[h+3*i+int(p)] = 1
		}
		if err := e.splitsZ.add(sp.Name+".npy", data, crc32.ChecksumIEEE(data)); err != nil {
			return fmt.Errorf("%w: %s: %w", ErrIO, e.o.Splits, err)
		}
		stamp, err := sp.stamp()
		if err != nil {
			return err
		}
		e.splitNames[sp.Name] = true
		e.splitMeta = append(e.splitMeta, splitMeta{sp.Name, sp.Seed, stamp})
	}
	return nil
}

// stage completes the side files in the private folder, for commit.
func (e *extras) stage() error {
	if e.previewIdx >= 0 && e.previewPNG != nil {
		if err := e.st.stageSide(e.previewIdx, e.previewPNG); err != nil {
			return fmt.Errorf("%w: preview %s: %w", ErrIO, e.o.Preview, err)
		}
	}
	if e.splitsF != nil {
		meta, _ := json.Marshal(e.splitMeta)
		f := e.splitsF
		e.splitsF = nil
		err := e.splitsZ.add("splits.json", meta, crc32.ChecksumIEEE(meta))
		if err == nil {
			err = e.splitsZ.finish()
		}
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(f.Name())
			return fmt.Errorf("%w: %s: %w", ErrIO, e.o.Splits, err)
		}
		e.st.sides[e.splitsIdx].staged = f.Name()
	}
	return nil
}

// release closes what is open and removes every temporary.
func (e *extras) release() {
	if e.splitsF != nil {
		e.splitsF.Close()
		os.Remove(e.splitsF.Name())
		e.splitsF = nil
	}
	e.st.cleanup()
}
