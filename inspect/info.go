package inspect

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"

	"github.com/synbols-gpu/synbols-gpu/internal/hdf5"
)

// Summary is what synbols-gpu info prints (and writes with --json).
type Summary struct {
	Path       string   `json:"path"`
	FileBytes  int64    `json:"file_bytes"`
	Samples    int      `json:"samples"`
	Height     int      `json:"height"`
	Width      int      `json:"width"`
	Channels   int      `json:"channels"`
	Mask       []uint64 `json:"mask_shape,omitempty"`
	MaskType   string   `json:"mask_type,omitempty"`
	MaskMode   string   `json:"mask_mode,omitempty"`
	SymbolMask []uint64 `json:"symbol_mask_shape,omitempty"`
	Dataset    string   `json:"dataset,omitempty"`
	Generator  string   `json:"generator,omitempty"`
	Spec       string   `json:"spec,omitempty"`
	// FontFaces and FontFamilies count the manifest's entries and their
	// distinct families; -1 without a manifest (the original's files).
	FontFaces    int           `json:"font_faces"`
	FontFamilies int           `json:"font_families"`
	FontPool     string        `json:"font_pool,omitempty"`
	Splits       []Split       `json:"splits"`
	Typed        bool          `json:"typed_columns"`
	Attributes   []AttrSummary `json:"attributes"`
}

// Split is one split/<name>'s partition sizes.
type Split struct {
	Name  string `json:"name"`
	Train int    `json:"train"`
	Valid int    `json:"valid"`
	Test  int    `json:"test"`
}

// AttrSummary summarises one attribute. Categorical ones have Distinct
// and Top, numeric ones the statistics (nil when every value is missing).
type AttrSummary struct {
	Name        string  `json:"name"`
	Source      string  `json:"source"`
	Categorical bool    `json:"categorical"`
	Missing     int     `json:"missing"`
	Distinct    int     `json:"distinct,omitempty"`
	Top         []Count `json:"top,omitempty"`
	Stats       *Stats  `json:"stats,omitempty"`
}

// Count is a value and how many samples have it.
type Count struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// Stats are a numeric attribute's statistics over its present values;
// quartiles interpolate linearly, as numpy.percentile does by default.
type Stats struct {
	Min    float64 `json:"min"`
	Q1     float64 `json:"q1"`
	Median float64 `json:"median"`
	Q3     float64 `json:"q3"`
	Max    float64 `json:"max"`
	Mean   float64 `json:"mean"`
}

// TopN is how many of a categorical attribute's values Summarise lists.
const TopN = 5

// Summarise reads the file's summary: every root attribute it knows and
// every attribute's statistics.
func (f *File) Summarise() (*Summary, error) {
	s := &Summary{Path: f.Path, Samples: f.Samples, Height: f.Height, Width: f.Width, Channels: f.Channels, FontFaces: -1, FontFamilies: -1, Typed: f.Typed()}
	if fi, err := os.Stat(f.Path); err == nil {
		s.FileBytes = fi.Size()
	}
	var err error
	for _, a := range []struct {
		name string
		dst  *string
	}{{"dataset", &s.Dataset}, {"generator", &s.Generator}, {"spec", &s.Spec}, {"mask_mode", &s.MaskMode}, {"font_pool", &s.FontPool}} {
		if *a.dst, err = f.optAttr(a.name); err != nil {
			return nil, err
		}
	}
	for _, m := range []struct {
		name  string
		shape *[]uint64
		typ   *string
	}{{"mask", &s.Mask, &s.MaskType}, {"symbol_mask", &s.SymbolMask, nil}} {
		d, err := f.h.OpenDataset(m.name)
		if errors.Is(err, hdf5.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		*m.shape = d.Dims()
		if m.typ != nil {
			*m.typ = typeName(d)
		}
		d.Close()
	}
	manifest, err := f.optAttr("fonts")
	if err != nil {
		return nil, err
	}
	if manifest != "" {
		var faces []struct {
			Family string `json:"family"`
		}
		if err := json.Unmarshal([]byte(manifest), &faces); err != nil {
			return nil, fmt.Errorf("%s: the fonts attribute is not a JSON list of faces: %v", f.Path, err)
		}
		fams := map[string]bool{}
		for _, fc := range faces {
			fams[fc.Family] = true
		}
		s.FontFaces, s.FontFamilies = len(faces), len(fams)
	}
	if s.Splits, err = f.splits(); err != nil {
		return nil, err
	}
	names, err := f.Attributes()
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		c, err := f.summaryColumn(n)
		if err != nil {
			return nil, err
		}
		s.Attributes = append(s.Attributes, summariseColumn(c))
	}
	return s, nil
}

// optAttr is a root string attribute, "" when absent.
func (f *File) optAttr(name string) (string, error) {
	v, err := f.h.AttrString(name)
	if errors.Is(err, hdf5.ErrNotFound) {
		return "", nil
	}
	return v, err
}

// splits counts each split/<name>'s partitions: from split_index, whose
// lengths are the counts, where the file has it, else from the one-hot
// columns.
func (f *File) splits() ([]Split, error) {
	ok, err := f.h.Exists("split")
	if err != nil || !ok {
		return nil, err
	}
	names, err := f.h.Members("split")
	if err != nil {
		return nil, err
	}
	var out []Split
	for _, n := range names {
		sp := Split{Name: n}
		counts := []*int{&sp.Train, &sp.Valid, &sp.Test}
		indexed := true
		for i, part := range []string{"train", "valid", "test"} {
			d, err := f.h.OpenDataset("split_index/" + n + "/" + part)
			if errors.Is(err, hdf5.ErrNotFound) {
				indexed = false
				break
			}
			if err != nil {
				return nil, err
			}
			*counts[i] = int(d.Dims()[0])
			d.Close()
		}
		if !indexed {
			d, err := f.h.OpenDataset("split/" + n)
			if err != nil {
				return nil, err
			}
			dims := d.Dims()
			if len(dims) != 2 || dims[1] != 3 || d.IsString() || d.IsFloat() {
				d.Close()
				return nil, fmt.Errorf("%s: split/%s has shape %v and type %s, want (N, 3) bool", f.Path, n, dims, typeName(d))
			}
			b, err := d.ReadUint8([]uint64{0, 0}, dims)
			d.Close()
			if err != nil {
				return nil, err
			}
			for i, v := range b {
				if v != 0 {
					*counts[i%3]++
				}
			}
		}
		out = append(out, sp)
	}
	return out, nil
}

func summariseColumn(c *Column) AttrSummary {
	a := AttrSummary{Name: c.Name, Source: c.Source, Categorical: c.Categorical}
	if c.Categorical && c.codes != nil {
		a.Top, a.Missing = codeFrequencies(c.codes, c.book)
		a.Distinct = len(a.Top)
		if len(a.Top) > TopN {
			a.Top = a.Top[:TopN]
		}
		return a
	}
	if c.Categorical {
		a.Top, a.Missing = Frequencies(c.Labels)
		a.Distinct = len(a.Top)
		if len(a.Top) > TopN {
			a.Top = a.Top[:TopN]
		}
		return a
	}
	var v []float64
	for _, x := range c.Values {
		if math.IsNaN(x) {
			a.Missing++
		} else {
			v = append(v, x)
		}
	}
	if len(v) == 0 {
		return a
	}
	sum, lo, hi := 0.0, v[0], v[0]
	for _, x := range v {
		sum += x
		lo, hi = min(lo, x), max(hi, x)
	}
	a.Stats = &Stats{Min: lo, Q1: selectQuantile(v, 0.25), Median: selectQuantile(v, 0.5), Q3: selectQuantile(v, 0.75), Max: hi, Mean: sum / float64(len(v))}
	return a
}

// codeFrequencies is Frequencies of the labels book[codes[i]] (a negative
// code is missing), counted in a slice: the same counts, in the same
// order, without hashing a string per sample.
func codeFrequencies(codes []int32, book []string) (counts []Count, missing int) {
	n := make([]int, len(book))
	for _, k := range codes {
		if k < 0 {
			missing++
		} else {
			n[k]++ // typedColumn checked k < len(book)
		}
	}
	// Merge the codes by label: a book may spell a value twice, and ""
	// is missing, as in Frequencies.
	m := map[string]int{}
	for k, c := range n {
		if c == 0 {
			continue
		}
		if book[k] == "" {
			missing += c
		} else {
			m[book[k]] += c
		}
	}
	for v, c := range m {
		counts = append(counts, Count{v, c})
	}
	sortCounts(counts)
	return counts, missing
}

// selectQuantile is the q-quantile of v with numpy's default ("linear")
// interpolation between the sorted v[i] and v[i+1], i = ⌊q·(len(v)−1)⌋,
// without sorting v: v[i] and
// v[i+1] found by selection (selectNth, then the least of the rest),
// O(len(v)) where a sort of a million values took most of info's time.
// It reorders v.
func selectQuantile(v []float64, q float64) float64 {
	pos := q * float64(len(v)-1)
	i := int(math.Floor(pos))
	selectNth(v, i)
	if i+1 >= len(v) {
		return v[len(v)-1]
	}
	next := v[i+1]
	for _, x := range v[i+2:] {
		next = min(next, x)
	}
	return v[i] + float64((pos-float64(i))*(next-v[i]))
}

// selectNth reorders v (no NaNs) so that v[k] is the value a sort would
// put there, with nothing greater before it and nothing less after it. A
// three-way partition round a pivot from a fixed pseudo-random sequence:
// a run of equal values (a constant column) ends it in one pass, and no
// input order makes it quadratic in practice.
func selectNth(v []float64, k int) {
	lo, hi := 0, len(v)
	r := uint64(0x9e3779b97f4a7c15)
	for hi-lo > 16 {
		r ^= r << 13
		r ^= r >> 7
		r ^= r << 17
		p := v[lo+int(r%uint64(hi-lo))]
		lt, i, gt := lo, lo, hi
		for i < gt {
			switch x := v[i]; {
			case x < p:
				v[lt], v[i] = x, v[lt]
				lt++
				i++
			case x > p:
				gt--
				v[i], v[gt] = v[gt], x
			default:
				i++
			}
		}
		switch {
		case k < lt:
			hi = lt
		case k >= gt:
			lo = gt
		default:
			return // v[lt:gt] all equal the pivot
		}
	}
	slices.Sort(v[lo:hi])
}

// Frequencies counts the labels ("" is missing, counted apart), most
// common first, ties by label.
func Frequencies(labels []string) (counts []Count, missing int) {
	m := map[string]int{}
	for _, l := range labels {
		if l == "" {
			missing++
		} else {
			m[l]++
		}
	}
	for v, n := range m {
		counts = append(counts, Count{v, n})
	}
	sortCounts(counts)
	return counts, missing
}

// sortCounts orders counts most common first, ties by label.
func sortCounts(counts []Count) {
	slices.SortFunc(counts, func(a, b Count) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), strings.Compare(a.Value, b.Value))
	})
}

// SpecLines is how many lines of the spec WriteText prints without
// fullSpec.
const SpecLines = 8

// WriteText prints s for people; fullSpec prints the whole spec.
func (s *Summary) WriteText(w io.Writer, fullSpec bool) error {
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	p("file        %s (%s)\n", s.Path, humanBytes(s.FileBytes))
	if s.Dataset != "" || s.Generator != "" {
		p("dataset     %s (generator %s)\n", orNone(s.Dataset), orNone(s.Generator))
	} else {
		p("dataset     (no name: not written by synbols-gpu)\n")
	}
	p("samples     %d\n", s.Samples)
	p("images      %d×%d, %d channel%s\n", s.Width, s.Height, s.Channels, plural(s.Channels))
	switch {
	case s.Mask == nil:
		p("mask        none\n")
	case s.MaskMode != "":
		p("mask        %s %s, mode %s\n", shape(s.Mask), s.MaskType, s.MaskMode)
	default:
		p("mask        %s %s (no mask_mode: per-symbol masks, the original's layout)\n", shape(s.Mask), s.MaskType)
	}
	if s.SymbolMask != nil {
		p("symbol_mask %s\n", shape(s.SymbolMask))
	}
	if s.FontFaces >= 0 {
		p("fonts       %d famil%s, %d face%s\n", s.FontFamilies, map[bool]string{true: "y", false: "ies"}[s.FontFamilies == 1], s.FontFaces, plural(s.FontFaces))
	} else {
		p("fonts       no manifest\n")
	}
	if s.FontPool != "" {
		p("font pool   %s\n", s.FontPool)
	}
	if len(s.Splits) == 0 {
		p("splits      none\n")
	}
	for i, sp := range s.Splits {
		label := "splits"
		if i > 0 {
			label = ""
		}
		p("%-11s %s: train %d, valid %d, test %d\n", label, sp.Name, sp.Train, sp.Valid, sp.Test)
	}
	if s.Spec != "" {
		lines := strings.Split(strings.TrimRight(s.Spec, "\n"), "\n")
		if fullSpec || len(lines) <= SpecLines {
			p("spec:\n")
		} else {
			p("spec (first %d of %d lines; --spec for all):\n", SpecLines, len(lines))
			lines = lines[:SpecLines]
		}
		for _, l := range lines {
			p("  %s\n", l)
		}
	}
	if s.Typed {
		p("attributes (typed columns attr/):\n")
	} else {
		p("attributes (parsed from the records y):\n")
	}
	width := 0
	for _, a := range s.Attributes {
		width = max(width, len(a.Name))
	}
	for _, a := range s.Attributes {
		p("  %-*s  ", width, a.Name)
		switch {
		case a.Categorical:
			var top []string
			for _, c := range a.Top {
				top = append(top, fmt.Sprintf("%s %d", quoteLabel(c.Value), c.Count))
			}
			p("%d distinct: %s", a.Distinct, strings.Join(top, ", "))
			if a.Distinct > len(a.Top) {
				p(", …")
			}
		case a.Stats != nil:
			st := a.Stats
			p("min %.4g  q1 %.4g  median %.4g  q3 %.4g  max %.4g  mean %.4g", st.Min, st.Q1, st.Median, st.Q3, st.Max, st.Mean)
		default:
			p("no values")
		}
		if a.Missing > 0 {
			p("  (%d missing)", a.Missing)
		}
		p("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// quoteLabel quotes labels that would read badly bare (spaces, empty).
func quoteLabel(s string) string {
	if s == "" || strings.ContainsAny(s, " ,") {
		return fmt.Sprintf("%q", s)
	}
	return s
}

func orNone(s string) string {
	if s == "" {
		return "?"
	}
	return s
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func shape(d []uint64) string {
	parts := make([]string, len(d))
	for i, v := range d {
		parts[i] = fmt.Sprint(v)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
