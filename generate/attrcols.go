package generate

import (
	"encoding/binary"
	"math"

	"github.com/synbols-gpu/synbols-gpu/masks"
	"github.com/synbols-gpu/synbols-gpu/output"
	"github.com/synbols-gpu/synbols-gpu/scene"
	"github.com/synbols-gpu/synbols-gpu/spec"
)

// The typed columns beside y (docs/format.md, "Typed columns"): the
// records' attributes as arrays, so that loaders need not parse JSON. A
// column's values are computed by finish (in parallel, with the records)
// and its coded names by the write stage (in sample order, so that codes
// do not depend on the workers); the writer streams them to the file
// chunk by chunk, so a run holds them for a batch only, not per sample.

// attrCol names a column; attrCols.index maps it to output's order.
type attrCol int

const (
	colChar attrCol = iota
	colFont
	colAlphabet
	colScale
	colRotation
	colTranslation
	colBold
	colSlant
	colSeed
	colNSymbols
	colInverse
	colNoise
	colSymbolChar
	colSymbolFont
	colBBox
	colSymbolScale
	colSymbolRotation
	colSymbolTranslation
	colOverlap
	colTrueChar
	colMixture
	colOccluders
	numAttrCols
)

// attrCols is a run's set of columns: the fixed ones, and those its spec
// records (overlap_score in flatten mode, true_char with label noise,
// mixture_component with a mixture, occluders with occlusions).
type attrCols struct {
	k     int              // symbols per sample, the mask channels
	index [numAttrCols]int // position in cols, -1 when absent
	cols  []output.Column  // as output.Options.Columns
	books [3]*ValueBook    // char, font, alphabet
	named [3]string        // their value lists' paths
}

// nameSlots is the names finish keeps per sample for the write stage to
// code: alphabet, char, font, true_char, then char and font of each of
// the k symbols.
func (a *attrCols) nameSlots() int { return 4 + 2*a.k }

func newAttrCols(sp *spec.Spec, u spec.Universe, mode masks.Mode, k int) *attrCols {
	a := &attrCols{k: k}
	for i := range a.index {
		a.index[i] = -1
	}
	add := func(c attrCol, name string, t output.ColumnType, shape ...int) {
		a.index[c] = len(a.cols)
		a.cols = append(a.cols, output.Column{Name: "attr/" + name, Type: t, Shape: shape})
	}
	add(colChar, "char", output.Int32)
	add(colFont, "font", output.Int32)
	add(colAlphabet, "alphabet", output.Int32)
	add(colScale, "scale", output.Float64)
	add(colRotation, "rotation", output.Float64)
	add(colTranslation, "translation", output.Float64, 2)
	add(colBold, "is_bold", output.Bool)
	add(colSlant, "is_slant", output.Bool)
	add(colSeed, "seed", output.Uint32)
	add(colNSymbols, "n_symbols", output.Int32)
	add(colInverse, "inverse", output.Bool)
	add(colNoise, "pixel_noise_scale", output.Float64)
	add(colSymbolChar, "symbol_char", output.Int32, k)
	add(colSymbolFont, "symbol_font", output.Int32, k)
	add(colBBox, "bbox", output.Int32, k, 4)
	add(colSymbolScale, "symbol_scale", output.Float64, k)
	add(colSymbolRotation, "symbol_rotation", output.Float64, k)
	add(colSymbolTranslation, "symbol_translation", output.Float64, k, 2)
	if mode == masks.Flatten {
		add(colOverlap, "overlap_score", output.Float64)
	}
	if sp.HasLabelNoise() {
		add(colTrueChar, "true_char", output.Int32)
	}
	if sp.HasMixture() {
		add(colMixture, "mixture_component", output.Int32)
	}
	if sp.OccluderFont() != "" {
		add(colOccluders, "occluders", output.Int32)
	}
	// The codebooks start in the universe's order (the alphabet's
	// characters, the usable families, sorted), then the occluders'; a
	// name outside them gets the next code when the write stage first
	// meets it, in sample order.
	chars, fonts, alphabets := append([]string(nil), u.Chars...), append([]string(nil), u.Fonts...), []string{u.Alphabet}
	for _, l := range u.Languages {
		chars, fonts, alphabets = append(chars, l.Chars...), append(fonts, l.Fonts...), append(alphabets, l.Alphabet)
	}
	chars = append(chars, sp.OccluderChars()...)
	if f := sp.OccluderFont(); f != "" {
		fonts = append(fonts, f)
	}
	a.books = [3]*ValueBook{NewValueBook(chars), NewValueBook(fonts), NewValueBook(alphabets)}
	a.named = [3]string{"attr/char_values", "attr/font_values", "attr/alphabet_values"}
	return a
}

// buffers returns room for n rows of every column.
func (a *attrCols) buffers(n int) [][]byte {
	out := make([][]byte, len(a.cols))
	for i, c := range a.cols {
		size := c.Type.Size()
		for _, d := range c.Shape {
			size *= d
		}
		out[i] = make([]byte, n*size)
	}
	return out
}

// fill writes sample j's values (all but the coded names) into b.cols and
// its names into b.names. It runs in finish, after the boxes and overlap
// are measured; goroutines fill disjoint rows.
func (a *attrCols) fill(b *batch, j int, s *scene.Sample) {
	col := func(c attrCol) []byte { return b.cols[a.index[c]] }
	nan := math.NaN()
	putF := func(c attrCol, i int, v float64) {
		binary.LittleEndian.PutUint64(col(c)[8*i:], math.Float64bits(v))
	}
	putI := func(c attrCol, i int, v int32) {
		binary.LittleEndian.PutUint32(col(c)[4*i:], uint32(v))
	}
	putB := func(c attrCol, i int, v bool) {
		col(c)[i] = 0
		if v {
			col(c)[i] = 1
		}
	}
	names := b.names[j*a.nameSlots() : (j+1)*a.nameSlots()]
	clear(names)
	ns := len(s.Symbols)
	if ns > 0 {
		y := &s.Symbols[0]
		names[0], names[1], names[2], names[3] = y.Alphabet, y.Char, y.Font, y.TrueChar
		putF(colScale, j, y.Scale)
		putF(colRotation, j, y.Rotation)
		putF(colTranslation, 2*j, y.Translation[0])
		putF(colTranslation, 2*j+1, y.Translation[1])
	} else {
		// The record has no top-level symbol fields: NaN, false, -1.
		putF(colScale, j, nan)
		putF(colRotation, j, nan)
		putF(colTranslation, 2*j, nan)
		putF(colTranslation, 2*j+1, nan)
	}
	putB(colBold, j, ns > 0 && s.Symbols[0].Bold)
	putB(colSlant, j, ns > 0 && s.Symbols[0].Slant)
	binary.LittleEndian.PutUint32(col(colSeed)[4*j:], s.Seed)
	putI(colNSymbols, j, int32(ns))
	putB(colInverse, j, s.Inverse)
	putF(colNoise, j, s.NoiseScale)
	for i := range a.k {
		r := j*a.k + i
		if i < ns {
			y := &s.Symbols[i]
			names[4+2*i], names[5+2*i] = y.Char, y.Font
			for c, v := range y.Box {
				putI(colBBox, 4*r+c, int32(v))
			}
			putF(colSymbolScale, r, y.Scale)
			putF(colSymbolRotation, r, y.Rotation)
			putF(colSymbolTranslation, 2*r, y.Translation[0])
			putF(colSymbolTranslation, 2*r+1, y.Translation[1])
			continue
		}
		// No symbol: a zero box, as an empty record box is, and NaN.
		for c := range 4 {
			putI(colBBox, 4*r+c, 0)
		}
		putF(colSymbolScale, r, nan)
		putF(colSymbolRotation, r, nan)
		putF(colSymbolTranslation, 2*r, nan)
		putF(colSymbolTranslation, 2*r+1, nan)
	}
	if a.index[colOverlap] >= 0 {
		v := nan // never: flatten mode measures every sample
		if s.HasOverlap {
			v = s.Overlap
		}
		putF(colOverlap, j, v)
	}
	if a.index[colMixture] >= 0 {
		putI(colMixture, j, int32(s.Component-1))
	}
	if a.index[colOccluders] >= 0 {
		putI(colOccluders, j, int32(s.Occluders))
	}
}

// code puts the codes of the batch's names into its coded columns, in
// sample order: the write stage's part, on one goroutine, so that a name
// outside the universe gets the same code whatever the workers.
func (a *attrCols) code(b *batch) {
	n := len(b.names) / a.nameSlots()
	chars, fonts, alphabets := a.books[0], a.books[1], a.books[2]
	put := func(c attrCol, i int, v int32) {
		binary.LittleEndian.PutUint32(b.cols[a.index[c]][4*i:], uint32(v))
	}
	for j := range n {
		names := b.names[j*a.nameSlots() : (j+1)*a.nameSlots()]
		put(colAlphabet, j, alphabets.Code(names[0]))
		put(colChar, j, chars.Code(names[1]))
		put(colFont, j, fonts.Code(names[2]))
		if a.index[colTrueChar] >= 0 {
			put(colTrueChar, j, chars.Code(names[3]))
		}
		for i := range a.k {
			put(colSymbolChar, j*a.k+i, chars.Code(names[4+2*i]))
			put(colSymbolFont, j*a.k+i, fonts.Code(names[5+2*i]))
		}
	}
	b.names = nil
}

// ValueBook codes names as int32 indices into its list, as the coded
// typed columns (attr/char, attr/font, attr/alphabet…) and their value
// lists hold them: a run's book starts with the universe's names, then
// takes new ones in the order met. "" (no such symbol, no true_char) is
// -1 and never listed. merge codes the shards' names with it, so that a
// merged file numbers them as a single run does. Not safe for concurrent
// use: a run's write stage alone codes (unlike codebook, which the
// planners share).
type ValueBook struct {
	codes map[string]int32
	names []string
}

// NewValueBook returns a book holding names, in order (repeats and ""
// skipped).
func NewValueBook(names []string) *ValueBook {
	b := &ValueBook{codes: make(map[string]int32, len(names))}
	for _, n := range names {
		b.Code(n)
	}
	return b
}

// Names returns the names by code; the slice is the book's own.
func (b *ValueBook) Names() []string { return b.names }

// Code returns name's code, adding it to the list if it is new.
func (b *ValueBook) Code(name string) int32 {
	if name == "" {
		return -1
	}
	c, ok := b.codes[name]
	if !ok {
		c = int32(len(b.names))
		b.codes[name] = c
		b.names = append(b.names, name)
	}
	return c
}
