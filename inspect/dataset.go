// Package inspect looks at a dataset file: its summary (synbols-gpu
// info), grids of its samples by two attributes (the original's
// make_img_grid; synbols-gpu view) and histograms of an attribute.
//
// It reads both layouts: files of synbols-gpu generate, with the typed
// columns under attr/, and files of the original Synbols, which have only
// x, mask, y (JSON records) and split/, where the attributes come from
// parsing y. Reading goes through internal/hdf5, so this package stays
// pure Go.
package inspect

import (
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"slices"
	"strings"

	"github.com/synbols-gpu/synbols-gpu/internal/hdf5"
)

// ErrUnknownAttribute is wrapped by Column's error for a name the file
// does not have; the message lists the names it has.
var ErrUnknownAttribute = errors.New("unknown attribute")

// File is a dataset file open for reading. Not safe for concurrent use
// (the hdf5 handles are not).
type File struct {
	Path          string
	Samples       int
	Height, Width int
	Channels      int
	h             *hdf5.File
	x             *hdf5.Dataset
	bgr           bool     // x holds BGR (the original's files)
	typed         []string // the usable attr/ columns, sorted
	records       []map[string]any
	recordErr     error
	recordNames   []string
	recordsParsed bool
	columnCache   map[string]*Column
}

// Open opens the dataset at path. It must be an HDF5 file with an image
// dataset x of shape (N, H, W, C).
func Open(path string) (*File, error) {
	h, err := hdf5.Open(path)
	if err != nil {
		return nil, err
	}
	f := &File{Path: path, h: h, columnCache: map[string]*Column{}}
	if err := f.init(); err != nil {
		h.Close()
		return nil, err
	}
	return f, nil
}

func (f *File) init() error {
	x, err := f.h.OpenDataset("x")
	if errors.Is(err, hdf5.ErrNotFound) {
		return fmt.Errorf("%s: no dataset x: not a Synbols dataset", f.Path)
	}
	if err != nil {
		return err
	}
	d := x.Dims()
	if len(d) != 4 || x.Type() != hdf5.Uint8 {
		return fmt.Errorf("%s: x has shape %v and type %s, want (N, H, W, C) uint8", f.Path, d, typeName(x))
	}
	f.x = x
	f.Samples, f.Height, f.Width, f.Channels = int(d[0]), int(d[1]), int(d[2]), int(d[3])
	order, err := f.h.AttrString("channel_order")
	switch {
	case errors.Is(err, hdf5.ErrNotFound):
		// The original wrote BGR (OpenCV's order) and no attribute.
		f.bgr = f.Channels == 3
	case err != nil:
		return err
	default:
		f.bgr = order == "BGR"
	}
	if ok, err := f.h.Exists("attr"); err != nil {
		return err
	} else if ok {
		names, err := f.h.Members("attr")
		if err != nil {
			return err
		}
		for _, n := range names {
			if strings.HasSuffix(n, "_values") {
				continue
			}
			ds, err := f.h.OpenDataset("attr/" + n)
			if err != nil {
				return err
			}
			dims := ds.Dims()
			ds.Close()
			switch {
			case len(dims) == 1 && int(dims[0]) == f.Samples:
				f.typed = append(f.typed, n)
			case n == "translation" && len(dims) == 2 && int(dims[0]) == f.Samples && dims[1] == 2:
				// (N, 2) x, y: two columns, as the records' fallback
				// names them.
				f.typed = append(f.typed, "translation_x", "translation_y")
			}
		}
		slices.Sort(f.typed)
	}
	return nil
}

// Close closes the file.
func (f *File) Close() error { return f.h.Close() }

// HDF5 is the open file, for reading what this package does not model.
func (f *File) HDF5() *hdf5.File { return f.h }

// Typed reports whether the file has typed columns (attr/).
func (f *File) Typed() bool { return len(f.typed) > 0 }

// Column is one attribute's value for every sample.
type Column struct {
	Name string
	// Source is where the values come from: "attr/NAME" or "y".
	Source string
	// Categorical columns have Labels ("" where the sample has none),
	// numeric ones Values (NaN where none).
	Categorical bool
	Labels      []string
	Values      []float64

	// codes and book, for a typed categorical column, are what Labels
	// were made from (Labels[i] = book[codes[i]], "" for a negative
	// code): summaries count codes in a slice instead of hashing a
	// million strings.
	codes []int32
	book  []string
}

// Attributes lists the attribute names the file has: its typed columns,
// and for files without them what the records of y hold.
func (f *File) Attributes() ([]string, error) {
	if f.Typed() {
		return f.typed, nil
	}
	if err := f.parseRecords(); err != nil {
		return nil, err
	}
	return f.recordNames, nil
}

// Column reads the attribute name: from its typed column where the file
// has one, else from the records of y (so that keys without a column,
// background_style say, work on every file).
func (f *File) Column(name string) (*Column, error) {
	if c, ok := f.columnCache[name]; ok {
		return c, nil
	}
	var c *Column
	var err error
	if slices.Contains(f.typed, name) {
		c, err = f.typedColumn(name, true)
	} else {
		c, err = f.recordColumn(name)
	}
	if err != nil {
		return nil, err
	}
	f.columnCache[name] = c
	return c, nil
}

// codebook returns the names a coded column indexes (attr/NAME_values, or
// for symbol_char, true_char… the char list), nil when it is not coded.
func (f *File) codebook(name string) ([]string, error) {
	for _, cand := range []string{name, strings.TrimPrefix(strings.TrimPrefix(name, "symbol_"), "true_")} {
		p := "attr/" + cand + "_values"
		ok, err := f.h.Exists(p)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		d, err := f.h.OpenDataset(p)
		if err != nil {
			return nil, err
		}
		defer d.Close()
		if !d.IsString() || len(d.Dims()) != 1 {
			return nil, fmt.Errorf("%s: %s is not a list of names", f.Path, p)
		}
		return d.ReadStrings(0, d.Dims()[0])
	}
	return nil, nil
}

func (f *File) typedColumn(name string, labels bool) (*Column, error) {
	n := uint64(f.Samples)
	path, start, count := "attr/"+name, []uint64{0}, []uint64{n}
	if strings.HasPrefix(name, "translation_") {
		path = "attr/translation"
		start, count = []uint64{0, 0}, []uint64{n, 2}
	}
	d, err := f.h.OpenDataset(path)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	c := &Column{Name: name, Source: path}
	switch {
	case d.Type() == hdf5.Bool:
		b, err := d.ReadUint8(start, count)
		if err != nil {
			return nil, err
		}
		c.Categorical = true
		c.book = []string{"False", "True"} // the records' spelling
		c.codes = make([]int32, len(b))
		for i, v := range b {
			if v != 0 {
				c.codes[i] = 1
			}
		}
		if labels {
			c.Labels = c.labels()
		}
		return c, nil
	case d.IsInteger():
		book, err := f.codebook(name)
		if err != nil {
			return nil, err
		}
		if book != nil {
			codes, err := d.ReadInt32(start, count)
			if err != nil {
				return nil, err
			}
			c.Categorical = true
			for i, k := range codes {
				if int(k) >= len(book) {
					return nil, fmt.Errorf("%s: %s[%d] = %d is outside its %d names", f.Path, path, i, k, len(book))
				}
			}
			c.codes, c.book = codes, book
			if labels {
				c.Labels = c.labels()
			}
			return c, nil
		}
	}
	if !d.IsInteger() && !d.IsFloat() {
		return nil, fmt.Errorf("%s: %s has type %s, which is neither numeric nor coded", f.Path, path, typeName(d))
	}
	v, err := d.ReadFloat64(start, count)
	if err != nil {
		return nil, err
	}
	if len(count) == 2 {
		k := 0
		if name == "translation_y" {
			k = 1
		}
		col := make([]float64, n)
		for i := range col {
			col[i] = v[2*i+k]
		}
		v = col
	}
	c.Values = v
	return c, nil
}

// labels spells a coded column's codes out: book[code], "" for a negative
// code.
func (c *Column) labels() []string {
	l := make([]string, len(c.codes))
	for i, k := range c.codes {
		if k >= 0 {
			l[i] = c.book[k]
		}
	}
	return l
}

// summaryColumn is Column for Summarise: a typed categorical column's
// labels are not spelt out (its codes are counted) and what it reads is
// not cached, so the summary of a million samples holds one column at a
// time, without a string header per sample for the collector to scan.
func (f *File) summaryColumn(name string) (*Column, error) {
	if c, ok := f.columnCache[name]; ok || !slices.Contains(f.typed, name) {
		if ok {
			return c, nil
		}
		return f.Column(name)
	}
	return f.typedColumn(name, false)
}

// recordChunk is how many records parseRecords reads at a time.
const recordChunk = 4096

// parseRecords reads and parses every record of y once, and the names of
// the attributes they hold (see flatten).
func (f *File) parseRecords() error {
	if f.recordsParsed {
		return f.recordErr
	}
	f.recordsParsed = true
	f.recordErr = f.parseRecords1()
	return f.recordErr
}

func (f *File) parseRecords1() error {
	y, err := f.h.OpenDataset("y")
	if errors.Is(err, hdf5.ErrNotFound) {
		return fmt.Errorf("%s: no dataset y (the attribute records) and no typed columns attr/", f.Path)
	}
	if err != nil {
		return err
	}
	defer y.Close()
	if !y.IsString() || len(y.Dims()) != 1 || int(y.Dims()[0]) != f.Samples {
		return fmt.Errorf("%s: y has shape %v and type %s, want (%d,) strings", f.Path, y.Dims(), typeName(y), f.Samples)
	}
	names := map[string]bool{}
	f.records = make([]map[string]any, 0, f.Samples)
	for start := 0; start < f.Samples; start += recordChunk {
		n := min(recordChunk, f.Samples-start)
		recs, err := y.ReadStrings(uint64(start), uint64(n))
		if err != nil {
			return err
		}
		for i, s := range recs {
			var r map[string]any
			if err := json.Unmarshal([]byte(s), &r); err != nil {
				return fmt.Errorf("%s: y[%d] is not a JSON object: %v", f.Path, start+i, err)
			}
			flat := flatten(r)
			for k := range flat {
				names[k] = true
			}
			f.records = append(f.records, flat)
		}
	}
	for k := range names {
		f.recordNames = append(f.recordNames, k)
	}
	slices.Sort(f.recordNames)
	return nil
}

// flatten turns a record into attribute values: strings and booleans (as
// the records' "True") stay labels, numbers values; a pattern object
// gives NAME_style, translation translation_x and _y, symbols n_symbols.
// Other lists (resolution, bbox) are left out: they are no attribute one
// plots against.
func flatten(r map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range r {
		switch v := v.(type) {
		case string:
			out[k] = v
		case bool:
			out[k] = map[bool]string{true: "True", false: "False"}[v]
		case float64:
			out[k] = v
		case map[string]any:
			if s, ok := v["style"].(string); ok {
				out[k+"_style"] = s
			}
		case []any:
			switch {
			case k == "symbols":
				out["n_symbols"] = float64(len(v))
			case k == "translation" && len(v) == 2:
				if x, ok := v[0].(float64); ok {
					out["translation_x"] = x
				}
				if y, ok := v[1].(float64); ok {
					out["translation_y"] = y
				}
			}
		}
	}
	return out
}

func (f *File) recordColumn(name string) (*Column, error) {
	if err := f.parseRecords(); err != nil {
		if f.Typed() {
			// The name is unknown to the columns; say so rather than
			// that y is unreadable.
			return nil, f.unknown(name)
		}
		return nil, err
	}
	if !slices.Contains(f.recordNames, name) {
		return nil, f.unknown(name)
	}
	c := &Column{Name: name, Source: "y"}
	// A key is categorical when any record holds a string there.
	for _, r := range f.records {
		if _, ok := r[name].(string); ok {
			c.Categorical = true
			break
		}
	}
	if c.Categorical {
		c.Labels = make([]string, len(f.records))
		for i, r := range f.records {
			switch v := r[name].(type) {
			case string:
				c.Labels[i] = v
			case float64:
				c.Labels[i] = formatValue(v)
			}
		}
		return c, nil
	}
	c.Values = make([]float64, len(f.records))
	for i, r := range f.records {
		if v, ok := r[name].(float64); ok {
			c.Values[i] = v
		} else {
			c.Values[i] = math.NaN()
		}
	}
	return c, nil
}

// unknown is the error for an attribute the file does not have, listing
// those it has (one line).
func (f *File) unknown(name string) error {
	known := slices.Clone(f.typed)
	if f.parseRecords() == nil {
		for _, n := range f.recordNames {
			if !slices.Contains(known, n) {
				known = append(known, n)
			}
		}
	}
	slices.Sort(known)
	return fmt.Errorf("%w %q in %s (known: %s)", ErrUnknownAttribute, name, f.Path, strings.Join(known, ", "))
}

// Image reads sample i of x, in RGB order (an original file's BGR is
// swapped): *image.NRGBA for colour, *image.Gray for one channel.
func (f *File) Image(i int) (image.Image, error) {
	if i < 0 || i >= f.Samples {
		return nil, fmt.Errorf("%s: sample %d outside [0, %d)", f.Path, i, f.Samples)
	}
	px, err := f.x.ReadUint8([]uint64{uint64(i), 0, 0, 0}, []uint64{1, uint64(f.Height), uint64(f.Width), uint64(f.Channels)})
	if err != nil {
		return nil, err
	}
	r := image.Rect(0, 0, f.Width, f.Height)
	if f.Channels == 1 {
		return &image.Gray{Pix: px, Stride: f.Width, Rect: r}, nil
	}
	img := image.NewNRGBA(r)
	for p := 0; p < f.Width*f.Height; p++ {
		s := px[p*f.Channels:]
		c := color.NRGBA{s[0], s[0], s[0], 255}
		if f.Channels >= 3 {
			c.G, c.B = s[1], s[2]
			if f.bgr {
				c.R, c.B = s[2], s[0]
			}
		}
		img.Pix[4*p], img.Pix[4*p+1], img.Pix[4*p+2], img.Pix[4*p+3] = c.R, c.G, c.B, 255
	}
	return img, nil
}

// formatValue writes a number as the records do, shortest round trip.
func formatValue(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return fmt.Sprintf("%d", int64(v))
	}
	return fmt.Sprintf("%g", v)
}

// typeName is a dataset's element type for messages and info.
func typeName(d *hdf5.Dataset) string {
	switch {
	case d.IsString():
		return "string"
	case d.Type() == hdf5.Bool:
		return "bool"
	case d.Type() == hdf5.Uint8:
		return "uint8"
	case d.Type() == hdf5.Int32:
		return "int32"
	case d.Type() == hdf5.Uint32:
		return "uint32"
	case d.Type() == hdf5.Int64:
		return "int64"
	case d.Type() == hdf5.Float64:
		return "float64"
	case d.IsInteger():
		return "integer"
	case d.IsFloat():
		return "float"
	}
	return "other"
}
