package generate

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/synbols-gpu/synbols-gpu/splits"
)

// ErrSplitRequest is wrapped by ParseSplitRequest's errors: a split
// request that does not parse or names an unknown attribute.
var ErrSplitRequest = errors.New("generate: bad split request")

// SplitKind is the kind of a SplitRequest.
type SplitKind int

const (
	SplitRandom        SplitKind = iota + 1 // a random permutation cut by the ratios
	SplitStratified                         // one attribute's values (or percentiles) in one partition each
	SplitCompositional                      // combinations of two attributes' strata held out
)

// SplitRequest is one split a file should hold, in the language
//
//	[NAME=]random[@T,V,S]
//	[NAME=]stratified:ATTR[@T,V,S]
//	[NAME=]compositional:ATTR,ATTR[@T,V,S]
//
// (docs/format.md, "Splits"): ATTR is a typed column (SplitAttrs), T,V,S
// the train, valid and test ratios (normalised by their sum; default 0.6,
// 0.2, 0.2) and NAME the dataset's name under split/ (default: random,
// stratified_ATTR, compositional_A_B, with "." in ATTR as "-", as the
// original named them: stratified_translation-x).
type SplitRequest struct {
	Kind   SplitKind
	Attrs  []string   // one for SplitStratified, two for SplitCompositional
	Ratios [3]float64 // as given; the zero value means splits.Default
	Name   string     // "" means DefaultName
}

// splitAttr describes an attribute the splits can use.
type splitAttr struct {
	col        attrCol
	path       string // the typed column, attr/…
	component  int    // the column of a (N, 2) column; -1 for (N,)
	values     string // the coded names' dataset; "" for numbers
	continuous bool
	boolean    bool
}

// splitAttrs are the attributes of SplitRequest, by name. Floats are cut by
// percentiles; codes, integers and booleans by their distinct values.
var splitAttrs = map[string]splitAttr{
	"char":              {colChar, "attr/char", -1, "attr/char_values", false, false},
	"font":              {colFont, "attr/font", -1, "attr/font_values", false, false},
	"alphabet":          {colAlphabet, "attr/alphabet", -1, "attr/alphabet_values", false, false},
	"scale":             {colScale, "attr/scale", -1, "", true, false},
	"rotation":          {colRotation, "attr/rotation", -1, "", true, false},
	"translation.x":     {colTranslation, "attr/translation", 0, "", true, false},
	"translation.y":     {colTranslation, "attr/translation", 1, "", true, false},
	"pixel_noise_scale": {colNoise, "attr/pixel_noise_scale", -1, "", true, false},
	"overlap_score":     {colOverlap, "attr/overlap_score", -1, "", true, false},
	"is_bold":           {colBold, "attr/is_bold", -1, "", false, true},
	"is_slant":          {colSlant, "attr/is_slant", -1, "", false, true},
	"inverse":           {colInverse, "attr/inverse", -1, "", false, true},
	"n_symbols":         {colNSymbols, "attr/n_symbols", -1, "", false, false},
	"mixture_component": {colMixture, "attr/mixture_component", -1, "", false, false},
	"occluders":         {colOccluders, "attr/occluders", -1, "", false, false},
}

// SplitAttrs returns the attribute names a SplitRequest accepts, sorted.
func SplitAttrs() []string {
	names := make([]string, 0, len(splitAttrs))
	for n := range splitAttrs {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// DefaultSplitRequests are the four splits every file holds unless the
// run asks for others: random, stratified_char, stratified_font,
// compositional_char_font, at the default ratios.
func DefaultSplitRequests() []SplitRequest {
	return []SplitRequest{
		{Kind: SplitRandom},
		{Kind: SplitStratified, Attrs: []string{"char"}},
		{Kind: SplitStratified, Attrs: []string{"font"}},
		{Kind: SplitCompositional, Attrs: []string{"char", "font"}},
	}
}

// DefaultName is the split's name when the request gives none.
func (r SplitRequest) DefaultName() string {
	dash := func(a string) string { return strings.ReplaceAll(a, ".", "-") }
	switch r.Kind {
	case SplitStratified:
		return "stratified_" + dash(r.Attrs[0])
	case SplitCompositional:
		return "compositional_" + dash(r.Attrs[0]) + "_" + dash(r.Attrs[1])
	}
	return "random"
}

// SplitName is the name under split/: Name, else DefaultName.
func (r SplitRequest) SplitName() string {
	if r.Name != "" {
		return r.Name
	}
	return r.DefaultName()
}

// ratios is Ratios with the zero value as splits.Default.
func (r SplitRequest) ratios() [3]float64 {
	if r.Ratios == ([3]float64{}) {
		return splits.Default
	}
	return r.Ratios
}

// String is the request in the language ParseSplitRequest reads.
func (r SplitRequest) String() string {
	var b strings.Builder
	if r.Name != "" {
		b.WriteString(r.Name + "=")
	}
	switch r.Kind {
	case SplitStratified:
		b.WriteString("stratified:" + r.Attrs[0])
	case SplitCompositional:
		b.WriteString("compositional:" + r.Attrs[0] + "," + r.Attrs[1])
	default:
		b.WriteString("random")
	}
	if r.Ratios != ([3]float64{}) {
		fmt.Fprintf(&b, "@%g,%g,%g", r.Ratios[0], r.Ratios[1], r.Ratios[2])
	}
	return b.String()
}

// ParseSplitRequest reads one request (see SplitRequest). Errors wrap
// ErrSplitRequest and name what is wrong.
func ParseSplitRequest(s string) (SplitRequest, error) {
	var r SplitRequest
	bad := func(format string, a ...any) (SplitRequest, error) {
		return SplitRequest{}, fmt.Errorf("%w %q: %s", ErrSplitRequest, s, fmt.Sprintf(format, a...))
	}
	body := strings.TrimSpace(s)
	if name, rest, ok := strings.Cut(body, "="); ok {
		if !validSplitName(name) {
			return bad("split name %q: use letters, digits, '_', '-' and '.'", name)
		}
		r.Name, body = name, rest
	}
	if spec, ratios, ok := strings.Cut(body, "@"); ok {
		body = spec
		parts := strings.Split(ratios, ",")
		if len(parts) != 3 {
			return bad("ratios %q: want three numbers train,valid,test", ratios)
		}
		for i, p := range parts {
			v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				return bad("ratio %q: want a finite number >= 0", p)
			}
			r.Ratios[i] = v
		}
		if err := splits.CheckRatios(r.Ratios); err != nil {
			return bad("ratios %q: their sum must be > 0", ratios)
		}
	}
	kind, attrs, hasAttrs := strings.Cut(body, ":")
	switch kind {
	case "random":
		if hasAttrs {
			return bad("random takes no attribute")
		}
		r.Kind = SplitRandom
	case "stratified", "compositional":
		if !hasAttrs || attrs == "" {
			return bad("%s needs an attribute: %s:ATTR%s", kind, kind, map[bool]string{true: ",ATTR"}[kind == "compositional"])
		}
		r.Attrs = strings.Split(attrs, ",")
		want := 1
		r.Kind = SplitStratified
		if kind == "compositional" {
			want, r.Kind = 2, SplitCompositional
		}
		if len(r.Attrs) != want {
			return bad("%s takes %d attribute(s), got %d", kind, want, len(r.Attrs))
		}
		for _, a := range r.Attrs {
			if _, ok := splitAttrs[a]; !ok {
				return bad("unknown attribute %q (known: %s)", a, strings.Join(SplitAttrs(), ", "))
			}
		}
		if want == 2 && r.Attrs[0] == r.Attrs[1] {
			return bad("compositional needs two different attributes")
		}
	default:
		return bad("unknown kind %q: want random, stratified:ATTR or compositional:ATTR,ATTR", kind)
	}
	return r, nil
}

// ParseSplitRequests reads a list of requests, "default" standing for
// DefaultSplitRequests, and refuses two with the same split name.
func ParseSplitRequests(specs []string) ([]SplitRequest, error) {
	var out []SplitRequest
	for _, s := range specs {
		if strings.TrimSpace(s) == "default" {
			out = append(out, DefaultSplitRequests()...)
			continue
		}
		r, err := ParseSplitRequest(s)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, CheckSplitRequests(out)
}

// CheckSplitRequests refuses requests that are malformed (as built in Go
// rather than parsed) or share a split name.
func CheckSplitRequests(reqs []SplitRequest) error {
	seen := map[string]bool{}
	for _, r := range reqs {
		want := map[SplitKind]int{SplitRandom: 0, SplitStratified: 1, SplitCompositional: 2}
		n, ok := want[r.Kind]
		if !ok || len(r.Attrs) != n {
			return fmt.Errorf("%w: kind %d with attributes %v", ErrSplitRequest, r.Kind, r.Attrs)
		}
		for _, a := range r.Attrs {
			if _, ok := splitAttrs[a]; !ok {
				return fmt.Errorf("%w %q: unknown attribute %q (known: %s)", ErrSplitRequest, r, a, strings.Join(SplitAttrs(), ", "))
			}
		}
		if r.Ratios != ([3]float64{}) {
			if err := splits.CheckRatios(r.Ratios); err != nil {
				return fmt.Errorf("%w %q: %w", ErrSplitRequest, r, err)
			}
		}
		if r.Name != "" && !validSplitName(r.Name) {
			return fmt.Errorf("%w: split name %q: use letters, digits, '_', '-' and '.'", ErrSplitRequest, r.Name)
		}
		name := r.SplitName()
		if seen[name] {
			return fmt.Errorf("%w: split %q requested twice", ErrSplitRequest, name)
		}
		seen[name] = true
	}
	return nil
}

func validSplitName(s string) bool {
	if s == "" || s == "." || s == ".." {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// splitSource gives the attribute columns a split reads: from a file's
// typed columns (fileSource) or from a run's (runSource).
type splitSource interface {
	attr(name string) (splits.Attr, error)
}

// partition computes request r's partition of n samples.
func partition(r SplitRequest, n int, src splitSource, seed uint64) ([]uint8, error) {
	ratios := r.ratios()
	switch r.Kind {
	case SplitRandom:
		return splits.Random(n, ratios, seed), nil
	case SplitStratified:
		a, err := src.attr(r.Attrs[0])
		if err != nil {
			return nil, err
		}
		if a.Len() != n {
			return nil, fmt.Errorf("%w: %s has %d rows, want %d", ErrSplitFile, r.Attrs[0], a.Len(), n)
		}
		if p := splits.StratifiedAttr(a, ratios, seed); p != nil {
			return p, nil
		}
	case SplitCompositional:
		a, err := src.attr(r.Attrs[0])
		if err != nil {
			return nil, err
		}
		b, err := src.attr(r.Attrs[1])
		if err != nil {
			return nil, err
		}
		if a.Len() != n || b.Len() != n {
			return nil, fmt.Errorf("%w: %s and %s have %d and %d rows, want %d", ErrSplitFile, r.Attrs[0], r.Attrs[1], a.Len(), b.Len(), n)
		}
		if p := splits.CompositionalAttrs(a, b, ratios, seed); p != nil {
			return p, nil
		}
	}
	return nil, fmt.Errorf("%w: %s: codes out of range of their names", ErrSplitFile, r)
}

// codedAttr is a coded column (int32, −1 for none) as splits.Attr: −1
// becomes the name "", as the run's own codebooks name a sample without
// symbols, so that both give the same partition.
func codedAttr(codes []int32, names []string) (splits.Attr, error) {
	a := splits.Attr{Codes: make([]uint32, len(codes)), Names: append(slices.Clone(names), "")}
	for i, c := range codes {
		switch {
		case c == -1:
			a.Codes[i] = uint32(len(names))
		case c < 0 || int(c) >= len(names):
			return splits.Attr{}, fmt.Errorf("%w: code %d at row %d outside its %d names", ErrSplitFile, c, i, len(names))
		default:
			a.Codes[i] = uint32(c)
		}
	}
	return a, nil
}

// numberAttr is an integer or boolean column as a categorical
// splits.Attr: its distinct values, named in decimal ("false", "true" for
// booleans).
func numberAttr(v []int64, boolean bool) splits.Attr {
	distinct := slices.Compact(slices.Sorted(slices.Values(v)))
	a := splits.Attr{Codes: make([]uint32, len(v)), Names: make([]string, len(distinct))}
	for i, d := range distinct {
		a.Names[i] = strconv.FormatInt(d, 10)
		if boolean {
			a.Names[i] = strconv.FormatBool(d != 0)
		}
	}
	for i, x := range v {
		j, _ := slices.BinarySearch(distinct, x)
		a.Codes[i] = uint32(j)
	}
	return a
}
