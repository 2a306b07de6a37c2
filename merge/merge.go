// Package merge joins the shards of one dataset (generate.Config.Shard,
// synbols-gpu generate --shard K/N) into the file a single run of the same
// spec and seed writes: every dataset equal, element for element.
//
// x, mask and symbol_mask are HDF5 virtual datasets over the shards'
// (their source files named relative to the merged file's folder, so the
// merged file and its shards can be moved together), or with Options.Copy
// real datasets compressed as a run compresses them. y and the typed
// columns are copied, the coded columns (char, font, alphabet…) recoded:
// a shard numbers the names outside the universe in its own sample order,
// the merged file in the whole dataset's, as a single run. The splits are
// computed over every sample, as a single run computes them
// (generate.DefaultSplits).
//
// The shards are opened read-only and never changed; the output is
// written like a run's (a private staging folder, then one rename), so a
// failed merge leaves nothing at Options.Out.
package merge

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/synbols-gpu/synbols-gpu/generate"
	"github.com/synbols-gpu/synbols-gpu/internal/hdf5"
	"github.com/synbols-gpu/synbols-gpu/output"
)

var (
	// ErrShards is wrapped when the shards do not make one dataset:
	// another spec, seed, size, font or image pool, shape, or rows that
	// overlap or leave a gap.
	ErrShards = errors.New("merge: the shards do not make one dataset")
	// ErrShard is wrapped when a file is not a readable shard.
	ErrShard = errors.New("merge: unusable shard")
	// ErrOptions is wrapped for unusable Options.
	ErrOptions = errors.New("merge: bad options")
)

// Options are one merge.
type Options struct {
	Out    string   // the merged file (.h5py); its folder must exist
	Shards []string // the shard files, in any order
	// Copy writes x, mask and symbol_mask as real datasets (one
	// self-contained file) instead of virtual ones over the shards.
	Copy bool
	// Overwrite lets Merge replace an existing Out (and its preview).
	Overwrite bool
	// Preview writes generate.PreviewPath(Out), the grid of the first
	// images a single run writes beside its file; without it a preview
	// found there is removed with the file it showed, as a run does.
	Preview bool
	// Workers are the compression goroutines of Copy (0: all cores).
	Workers int
}

// Result says what Merge wrote.
type Result struct {
	N       int   // samples
	Shards  int   // shard files
	Bytes   int64 // size of Out (without the shards it points into)
	Virtual bool  // x, mask, symbol_mask are virtual datasets
}

// shardAttrs are the root attributes a shard adds to a full file's.
var shardAttrs = []string{generate.NTotalAttr, generate.ShardStartAttr, generate.ShardEndAttr}

// rootAttrs are the full file's root attributes merge copies from the
// shards (all must agree); optional ones may be absent from all.
var rootAttrs = []struct {
	name     string
	optional bool
}{
	{"spec", false}, {generate.SeedAttr, false}, {generate.MaskModeAttr, false}, {"channel_order", false},
	{"generator", false}, {"dataset", false}, {output.FontManifestAttr, false}, {output.FontPoolAttr, false},
	{generate.ImagePoolAttr, true}, {generate.SplitRequestsAttr, true},
}

// shard is one opened shard file.
type shard struct {
	path       string
	f          *hdf5.File
	attrs      map[string]string
	start, end int
	total      int
	arrays     map[string][]uint64 // x, mask, symbol_mask: dims
	cols       []output.Column     // attr/* but the value lists
	values     map[string][]string // attr/*_values
}

// codedBook is which value list a coded column's codes index.
var codedBook = map[string]string{
	"attr/char": "attr/char_values", "attr/true_char": "attr/char_values", "attr/symbol_char": "attr/char_values",
	"attr/font": "attr/font_values", "attr/symbol_font": "attr/font_values",
	"attr/alphabet": "attr/alphabet_values",
}

// valueLists are the value lists, in the order generate writes them.
var valueLists = []string{"attr/char_values", "attr/font_values", "attr/alphabet_values"}

// Merge checks the shards, then writes Out. On any error nothing is left
// at Out (an existing file stays as it was) and the shards are untouched.
func Merge(ctx context.Context, o Options) (res Result, err error) {
	if len(o.Shards) == 0 {
		return res, fmt.Errorf("%w: no shard given", ErrOptions)
	}
	if _, err := output.Stamp(); err != nil {
		return res, err
	}
	if _, err := generate.CheckOutFormat(output.FormatH5, o.Out, o.Preview, o.Overwrite); err != nil {
		return res, err
	}
	shards := make([]*shard, 0, len(o.Shards))
	defer func() {
		for _, s := range shards {
			s.f.Close()
		}
	}()
	outInfo, _ := os.Stat(o.Out)
	for _, p := range o.Shards {
		if fi, err := os.Stat(p); err != nil {
			return res, fmt.Errorf("%w: %s: %w", ErrShard, p, errors.Unwrap(err))
		} else if outInfo != nil && os.SameFile(fi, outInfo) {
			return res, fmt.Errorf("%w: %s is both the output and a shard", ErrOptions, p)
		}
		s, err := openShard(p)
		if err != nil {
			return res, err
		}
		shards = append(shards, s)
	}
	if err := check(shards); err != nil {
		return res, err
	}
	return write(ctx, o, shards)
}

func openShard(path string) (s *shard, err error) {
	f, err := hdf5.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrShard, err) // hdf5's errors name the file (and a foreign one's format)
	}
	s = &shard{path: path, f: f, attrs: map[string]string{}, arrays: map[string][]uint64{}, values: map[string][]string{}}
	defer func() {
		if err != nil {
			f.Close()
		}
	}()
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: %s: %s", ErrShard, path, fmt.Sprintf(format, a...))
	}
	for _, a := range rootAttrs {
		v, err := f.AttrString(a.name)
		if errors.Is(err, hdf5.ErrNotFound) && a.optional {
			continue
		}
		if err != nil {
			return nil, bad("no %s attribute: not a synbols-gpu dataset", a.name)
		}
		s.attrs[a.name] = v
	}
	ints := make([]int, len(shardAttrs))
	for i, name := range shardAttrs {
		v, err := f.AttrString(name)
		if err != nil {
			return nil, bad("no %s attribute: a whole dataset, not a shard (make shards with generate --shard K/N)", name)
		}
		if ints[i], err = strconv.Atoi(v); err != nil || ints[i] < 0 {
			return nil, bad("%s attribute %q is not a row count", name, v)
		}
	}
	s.total, s.start, s.end = ints[0], ints[1], ints[2]
	if s.end <= s.start || s.end > s.total {
		return nil, bad("rows [%d, %d) of %d samples", s.start, s.end, s.total)
	}
	for _, name := range []string{"x", "mask", "symbol_mask", "y"} {
		d, err := f.OpenDataset(name)
		if errors.Is(err, hdf5.ErrNotFound) && name == "symbol_mask" {
			continue
		}
		if err != nil {
			return nil, bad("no dataset %s", name)
		}
		dims := d.Dims()
		d.Close()
		if len(dims) == 0 || dims[0] != uint64(s.end-s.start) {
			return nil, bad("%s has shape %v, want %d rows (rows [%d, %d))", name, dims, s.end-s.start, s.start, s.end)
		}
		if name != "y" {
			s.arrays[name] = dims
		}
	}
	names, err := f.Members("attr")
	if err != nil {
		return nil, bad("no attr group (typed columns): %v", err)
	}
	for _, m := range names {
		path := "attr/" + m
		d, err := f.OpenDataset(path)
		if err != nil {
			return nil, bad("%s: %v", path, err)
		}
		if strings.HasSuffix(m, "_values") {
			n := d.Dims()
			var vals []string
			if len(n) == 1 {
				vals, err = d.ReadStrings(0, n[0])
			} else {
				err = errors.New("not a list")
			}
			d.Close()
			if err != nil {
				return nil, bad("%s: %v", path, err)
			}
			s.values[path] = vals
			continue
		}
		dims, t := d.Dims(), d.Type()
		d.Close()
		if t.Size() == 0 || len(dims) == 0 || dims[0] != uint64(s.end-s.start) {
			return nil, bad("column %s: type %d, shape %v", path, t, dims)
		}
		c := output.Column{Name: path, Type: t}
		for _, v := range dims[1:] {
			c.Shape = append(c.Shape, int(v))
		}
		s.cols = append(s.cols, c)
	}
	for c, book := range codedBook {
		if slices.ContainsFunc(s.cols, func(x output.Column) bool { return x.Name == c }) && s.values[book] == nil {
			return nil, bad("column %s without its value list %s", c, book)
		}
	}
	return s, nil
}

// check reports shards that do not make one dataset: the first that
// differs from the first given, by name and what differs, then the rows
// missing or covered twice.
func check(shards []*shard) error {
	a := shards[0]
	for _, b := range shards[1:] {
		differ := func(what, x, y string) error {
			if len(x) > 40 || len(y) > 40 || strings.ContainsAny(x+y, "\n") {
				return fmt.Errorf("%w: %s and %s have different %s", ErrShards, b.path, a.path, what)
			}
			return fmt.Errorf("%w: %s has %s %s, %s has %s %s", ErrShards, b.path, what, y, a.path, what, x)
		}
		for _, at := range rootAttrs {
			if a.attrs[at.name] != b.attrs[at.name] {
				what := at.name
				if at.name == "spec" {
					what = "specs"
				}
				return differ(what, a.attrs[at.name], b.attrs[at.name])
			}
		}
		if a.total != b.total {
			return differ("n_total", strconv.Itoa(a.total), strconv.Itoa(b.total))
		}
		for _, name := range []string{"x", "mask", "symbol_mask"} {
			x, y := a.arrays[name], b.arrays[name]
			if (x == nil) != (y == nil) || (x != nil && !slices.Equal(x[1:], y[1:])) {
				return differ(name+" shape", fmt.Sprint(x), fmt.Sprint(y))
			}
		}
		if !slices.EqualFunc(a.cols, b.cols, func(x, y output.Column) bool {
			return x.Name == y.Name && x.Type == y.Type && slices.Equal(x.Shape, y.Shape)
		}) {
			return differ("typed columns", fmt.Sprint(a.cols), fmt.Sprint(b.cols))
		}
	}
	slices.SortStableFunc(shards, func(x, y *shard) int { return x.start - y.start })
	next, prev := 0, ""
	for _, s := range shards {
		switch {
		case s.start > next && prev == "":
			return fmt.Errorf("%w: rows [%d, %d) are missing: no shard before %s (rows [%d, %d))", ErrShards, next, s.start, s.path, s.start, s.end)
		case s.start > next:
			return fmt.Errorf("%w: rows [%d, %d) are missing between %s and %s", ErrShards, next, s.start, prev, s.path)
		case s.start < next:
			return fmt.Errorf("%w: %s and %s overlap on rows [%d, %d)", ErrShards, prev, s.path, s.start, min(next, s.end))
		}
		next, prev = s.end, s.path
	}
	if next != a.total {
		return fmt.Errorf("%w: rows [%d, %d) of %d are missing: no shard after %s", ErrShards, next, a.total, a.total, prev)
	}
	return nil
}

func write(ctx context.Context, o Options, shards []*shard) (res Result, err error) {
	a := shards[0]
	n := a.total
	x, mask := a.arrays["x"], a.arrays["mask"]
	if len(x) != 4 || len(mask) < 3 {
		return res, fmt.Errorf("%w: %s: x %v, mask %v: not a dataset's shapes", ErrShard, a.path, x, mask)
	}
	k := 1
	if sm := a.arrays["symbol_mask"]; sm != nil {
		k = int(sm[3])
	} else if i := slices.IndexFunc(a.cols, func(c output.Column) bool { return c.Name == "attr/symbol_char" }); i >= 0 && len(a.cols[i].Shape) == 1 {
		k = a.cols[i].Shape[0]
	}
	attrs := map[string]string{}
	for name, v := range a.attrs {
		attrs[name] = v
	}
	wo := output.Options{
		Path: o.Out, N: n, H: int(x[1]), W: int(x[2]), C: int(x[3]), K: k,
		SymbolMask: a.arrays["symbol_mask"] != nil,
		Attrs:      attrs, Columns: a.cols, Workers: o.Workers,
		Preview: generate.PreviewPath(o.Out),
	}
	for _, d := range mask[1:] {
		wo.MaskShape = append(wo.MaskShape, int(d))
	}
	arrays := []string{"x", "mask"}
	if wo.SymbolMask {
		arrays = append(arrays, "symbol_mask")
	}
	if !o.Copy {
		res.Virtual = true
		dir, err := filepath.Abs(filepath.Dir(o.Out))
		if err != nil {
			return res, fmt.Errorf("%w: %s: %w", ErrOptions, o.Out, err)
		}
		wo.Virtual = map[string][]output.VirtualSource{}
		for _, s := range shards {
			abs, err := filepath.Abs(s.path)
			if err != nil {
				return res, fmt.Errorf("%w: %s: %w", ErrShard, s.path, err)
			}
			rel, err := filepath.Rel(dir, abs)
			if err != nil {
				rel = abs
			}
			for _, name := range arrays {
				wo.Virtual[name] = append(wo.Virtual[name], output.VirtualSource{
					File: rel, Dataset: name, Start: uint64(s.start), Count: uint64(s.end - s.start)})
			}
		}
	}
	w, err := output.Create(wo)
	if err != nil {
		return res, err
	}
	defer w.Abort() // a no-op after Close
	books := map[string]*generate.ValueBook{}
	for _, v := range valueLists {
		if a.values[v] != nil {
			// A run's list begins with the universe's names, the same in
			// every shard; the first shard's extras come first in sample
			// order too, so its list is where a single run's stands after
			// the first shard's rows.
			books[v] = generate.NewValueBook(a.values[v])
		}
	}
	for _, s := range shards {
		if err := copyShard(ctx, w, wo, s, books, arrays, o.Copy); err != nil {
			return res, err
		}
	}
	for _, v := range valueLists {
		if b := books[v]; b != nil {
			if err := w.WriteValues(v, b.Names()); err != nil {
				return res, err
			}
		}
	}
	if err := writeSplits(w, n, shards); err != nil {
		return res, err
	}
	if o.Preview {
		if err := preview(w, wo, shards); err != nil {
			return res, err
		}
	}
	if err := w.Close(); err != nil {
		return res, err
	}
	return Result{N: n, Shards: len(shards), Bytes: w.Size(), Virtual: res.Virtual}, nil
}

// writeSplits writes the splits of the whole dataset, those the shards'
// run was asked for (generate.SplitRequestsAttr), computed from the
// shards' typed columns as a single run computes them
// (generate.ShardSplits), one split at a time as a run writes them.
func writeSplits(w *output.Writer, n int, shards []*shard) error {
	a := shards[0]
	reqs, err := generate.DecodeSplitRequests(a.attrs[generate.SplitRequestsAttr])
	if err != nil {
		return fmt.Errorf("%w: %s: %s attribute: %w", ErrShard, a.path, generate.SplitRequestsAttr, err)
	}
	seed, err := strconv.ParseUint(a.attrs[generate.SeedAttr], 10, 64)
	if err != nil {
		return fmt.Errorf("%w: %s: seed attribute %q", ErrShard, a.path, a.attrs[generate.SeedAttr])
	}
	paths := make([]string, len(shards))
	for i, s := range shards {
		paths[i] = s.path
	}
	parts, err := generate.ShardSplits(paths, reqs, seed, n)
	if err != nil {
		return err
	}
	stamp, err := output.Stamp()
	if err != nil {
		return err
	}
	for _, sp := range parts {
		sp.Timestamp = stamp
		if err := w.WriteSplits([]output.Split{sp}); err != nil {
			return err
		}
	}
	return nil
}

// blockBytes bounds what one block of rows holds of x, mask and
// symbol_mask when copying.
const blockBytes = 64 << 20

// copyShard writes s's rows to w, block by block: y, the columns
// (recoded), and with copy the arrays.
func copyShard(ctx context.Context, w *output.Writer, wo output.Options, s *shard, books map[string]*generate.ValueBook, arrays []string,
	copy bool) error {
	rows := s.end - s.start
	block := min(rows, 4096)
	if copy {
		per := 0
		for _, name := range arrays {
			per += rowSize(s.arrays[name])
		}
		block = max(1, min(block, blockBytes/max(per, 1)))
	}
	open := func(name string) (*hdf5.Dataset, error) {
		d, err := s.f.OpenDataset(name)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrShard, s.path, err)
		}
		return d, nil
	}
	var ds []*hdf5.Dataset
	defer func() {
		for _, d := range ds {
			d.Close()
		}
	}()
	dy, err := open("y")
	if err != nil {
		return err
	}
	ds = append(ds, dy)
	cols := make([]*hdf5.Dataset, len(wo.Columns))
	for i, c := range wo.Columns {
		if cols[i], err = open(c.Name); err != nil {
			return err
		}
		ds = append(ds, cols[i])
	}
	arr := make([]*hdf5.Dataset, len(arrays))
	if copy {
		for i, name := range arrays {
			if arr[i], err = open(name); err != nil {
				return err
			}
			ds = append(ds, arr[i])
		}
	}
	for lo := 0; lo < rows; lo += block {
		if err := ctx.Err(); err != nil {
			return err
		}
		m := min(block, rows-lo)
		ys, err := dy.ReadStrings(uint64(lo), uint64(m))
		if err != nil {
			return fmt.Errorf("%w: %s: %w", ErrShard, s.path, err)
		}
		smp := output.Samples{Y: make([][]byte, m), Columns: make([][]byte, len(cols))}
		for i, y := range ys {
			smp.Y[i] = []byte(y)
		}
		for i, d := range cols {
			if smp.Columns[i], err = readRows(d, lo, m); err != nil {
				return fmt.Errorf("%w: %s: %w", ErrShard, s.path, err)
			}
		}
		if err := recode(s, wo.Columns, smp.Columns, m, books); err != nil {
			return err
		}
		if copy {
			data := make([][]byte, 3)
			for i, d := range arr {
				if data[i], err = readRows(d, lo, m); err != nil {
					return fmt.Errorf("%w: %s: %w", ErrShard, s.path, err)
				}
			}
			smp.X, smp.Mask, smp.SymbolMask = data[0], data[1], data[2]
		}
		if err := w.WriteSamples(smp); err != nil {
			return err
		}
	}
	return nil
}

func rowSize(dims []uint64) int {
	n := 1
	for _, d := range dims[1:] {
		n *= int(d)
	}
	return n
}

// readRows reads rows [lo, lo+m) of d as stored.
func readRows(d *hdf5.Dataset, lo, m int) ([]byte, error) {
	dims := d.Dims()
	start, count := make([]uint64, len(dims)), slices.Clone(dims)
	start[0], count[0] = uint64(lo), uint64(m)
	return d.ReadRaw(start, count)
}

// recode rewrites the block's coded columns from s's codes to the merged
// ones, sample by sample in the order a run codes them (generate's
// attrCols.code: alphabet; char, true_char, then each symbol's char and
// font).
func recode(s *shard, cols []output.Column, data [][]byte, m int, books map[string]*generate.ValueBook) error {
	idx := map[string]int{}
	for i, c := range cols {
		idx[c.Name] = i
	}
	type coded struct {
		data  []byte
		width int
		from  []string
		to    *generate.ValueBook
		name  string
	}
	get := func(name string) *coded {
		i, ok := idx[name]
		if !ok {
			return nil
		}
		list := codedBook[name]
		w := 1
		for _, d := range cols[i].Shape {
			w *= d
		}
		return &coded{data[i], w, s.values[list], books[list], name}
	}
	// The run's order of code() calls, each book on its own.
	order := []*coded{get("attr/alphabet"), get("attr/char"), get("attr/font"), get("attr/true_char")}
	symChar, symFont := get("attr/symbol_char"), get("attr/symbol_font")
	var err error
	put := func(c *coded, j int) int32 {
		off := 4 * j
		v := int32(binary.LittleEndian.Uint32(c.data[off:]))
		if v == -1 {
			return -1
		}
		if v < 0 || int(v) >= len(c.from) {
			err = fmt.Errorf("%w: %s: %s code %d outside its list of %d", ErrShard, s.path, c.name, v, len(c.from))
			return -1
		}
		nv := c.to.Code(c.from[v])
		binary.LittleEndian.PutUint32(c.data[off:], uint32(nv))
		return nv
	}
	for j := range m {
		for _, c := range order {
			if c == nil {
				continue
			}
			put(c, j)
		}
		for _, c := range []*coded{symChar, symFont} {
			if c == nil {
				continue
			}
			for i := range c.width {
				put(c, j*c.width+i)
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// preview gives w the grid of the dataset's first images, read from the
// shards in row order.
func preview(w *output.Writer, wo output.Options, shards []*shard) error {
	p, err := output.NewPreview(wo.N, wo.H, wo.W, wo.C)
	if err != nil {
		return err
	}
	for _, s := range shards {
		if p.Full() {
			break
		}
		d, err := s.f.OpenDataset("x")
		if err != nil {
			return fmt.Errorf("%w: %s: %w", ErrShard, s.path, err)
		}
		// Add ignores images past the grid's 100; read no more.
		x, err := readRows(d, 0, min(s.end-s.start, 100))
		d.Close()
		if err != nil {
			return fmt.Errorf("%w: %s: %w", ErrShard, s.path, err)
		}
		p.Add(x)
	}
	return w.SetPreview(p)
}
