package fonts

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

var (
	// ErrNoGlyph reports a rune the face's cmap does not map.
	ErrNoGlyph = errors.New("fonts: rune not mapped by the face")
	// ErrEmptyGlyph reports a mapped rune whose glyph has no visible
	// outline (a space, or a blank placeholder that some fonts map to
	// characters they do not really have).
	ErrEmptyGlyph = errors.New("fonts: glyph has an empty outline")
)

// Face is one parsed font face (one file, or one member of a collection).
//
// The exported fields are plain data, fixed once Load returns; the
// methods are safe for concurrent use (each call borrows its own
// sfnt.Buffer from a pool).
type Face struct {
	Family string // typographic family (name ID 16), else name ID 1
	Style  string // typographic subfamily (name ID 17), else name ID 2
	Bold   bool   // OS/2 usWeightClass >= 600 or Style mentions "Bold"
	Weight int    // OS/2 usWeightClass (400 regular, 700 bold); guessed from Style when absent
	// Source is the file path, or "embedded:<path below fonts/embedded>".
	Source string
	Index  int      // index within a collection (0 for a plain file)
	SHA256 [32]byte // of the whole file, so caches key on content, not on path
	// License is a short SPDX-like identifier: authoritative for the
	// embedded set, guessed from the name table for other sources, ""
	// when unknown.
	License string
	// CFF reports PostScript (CFF) outlines; false means TrueType (glyf).
	CFF bool

	width  int // OS/2 usWidthClass, 5 = normal
	italic bool
	font   *sfnt.Font
	upem   int
	bufs   sync.Pool // *sfnt.Buffer

	mu    sync.Mutex
	cover map[rune]bool

	// Variable fonts (variable.go): the fvar axes, the file's bytes, and
	// for a face drawn at a variation its wght coordinate (0 = as stored),
	// the face it is an instance of and its go-text state.
	axes []varAxis
	data []byte
	wght float64
	base *Face
	vs   varState
}

// ID is a stable key for the face: the first 16 hex digits of the file's
// SHA-256 and the collection index. It does not depend on where the file
// was found, so caches survive moving or reinstalling fonts.
//
// A face drawn at a variation of a variable font (Wght != 0) adds
// "-wght" and the coordinate, so it never shares a key with the file's
// default instance.
func (f *Face) ID() string {
	id := hex.EncodeToString(f.SHA256[:])[:16] + "-" + strconv.Itoa(f.Index)
	if f.wght != 0 {
		id += "-wght" + strconv.FormatFloat(f.wght, 'f', -1, 64)
	}
	return id
}

// String names the face for messages: family, style and source.
func (f *Face) String() string {
	return fmt.Sprintf("%s %s (%s#%d)", f.Family, f.Style, f.Source, f.Index)
}

// Font returns the parsed font. An *sfnt.Font may be shared between
// goroutines only if each goroutine passes its own *sfnt.Buffer (or nil)
// to its methods; a Buffer must never be used by two goroutines at once.
func (f *Face) Font() *sfnt.Font { return f.font }

// UnitsPerEm is the size of the em square in font units.
func (f *Face) UnitsPerEm() int { return f.upem }

func (f *Face) getBuf() *sfnt.Buffer {
	if b, ok := f.bufs.Get().(*sfnt.Buffer); ok {
		return b
	}
	return new(sfnt.Buffer)
}

// Outline returns the outline of r's glyph in font units with y pointing
// down, exactly as stored in the font (the segments are loaded with ppem
// = unitsPerEm, so each fixed.Int26_6 value is one font unit, not 1/64).
// The slice is the caller's own. It fails with ErrNoGlyph when the cmap
// does not map r, with ErrEmptyGlyph when the glyph has no segment or a
// control box of zero width or height.
//
// A face drawn at a variation of a variable font (Wght != 0) gives the
// outline at that variation, rounded to whole font units.
func (f *Face) Outline(r rune) ([]sfnt.Segment, error) {
	b := f.getBuf()
	defer f.bufs.Put(b)
	gi, err := f.font.GlyphIndex(b, r)
	if err != nil {
		return nil, fmt.Errorf("fonts: %s: cmap lookup of U+%04X: %w", f, r, err)
	}
	if gi == 0 {
		return nil, fmt.Errorf("fonts: %s: U+%04X: %w", f, r, ErrNoGlyph)
	}
	if f.wght != 0 {
		return f.varOutline(r, gi)
	}
	segs, err := f.font.LoadGlyph(b, gi, fixed.Int26_6(f.upem), nil)
	if err != nil {
		return nil, fmt.Errorf("fonts: %s: loading glyph %d for U+%04X: %w", f, gi, r, err)
	}
	if len(segs) == 0 {
		return nil, fmt.Errorf("fonts: %s: U+%04X: %w", f, r, ErrEmptyGlyph)
	}
	bb := segs.Bounds()
	if bb.Max.X <= bb.Min.X || bb.Max.Y <= bb.Min.Y {
		return nil, fmt.Errorf("fonts: %s: U+%04X: degenerate bounds: %w", f, r, ErrEmptyGlyph)
	}
	// segs aliases b, which goes back to the pool: copy.
	return append([]sfnt.Segment(nil), segs...), nil
}

// Covers reports whether the face can draw r: the cmap maps it and its
// glyph has a non-empty outline. Results are cached per rune; safe for
// concurrent use. A face drawn at a variation covers what the font's
// default instance covers.
func (f *Face) Covers(r rune) bool {
	if f.base != nil {
		return f.base.Covers(r)
	}
	f.mu.Lock()
	v, ok := f.cover[r]
	f.mu.Unlock()
	if ok {
		return v
	}
	_, err := f.Outline(r)
	v = err == nil
	f.mu.Lock()
	if f.cover == nil {
		f.cover = map[rune]bool{}
	}
	f.cover[r] = v
	f.mu.Unlock()
	return v
}

// CoversAll reports whether Covers holds for every rune of rs.
func (f *Face) CoversAll(rs []rune) bool {
	for _, r := range rs {
		if !f.Covers(r) {
			return false
		}
	}
	return true
}

// parseFile parses every face of one font file (a collection gives
// several). A non-nil error means the file, or some member of it, is
// broken; faces parsed before the error are still returned so that one
// bad member of a collection does not hide the others. license is the
// licence identifier to use ("" = guess from the name table).
func parseFile(data []byte, source, license string) ([]*Face, error) {
	sum := sha256.Sum256(data)
	offs, collection, err := fontOffsets(data)
	if err != nil {
		return nil, err
	}
	var coll *sfnt.Collection
	if collection {
		if coll, err = sfnt.ParseCollection(data); err != nil {
			return nil, err
		}
		if coll.NumFonts() != len(offs) {
			return nil, fmt.Errorf("%w: collection has %d fonts, header says %d", errMalformed, coll.NumFonts(), len(offs))
		}
	}
	var faces []*Face
	for i, off := range offs {
		face, err := parseFace(data, off, i, coll, source, license)
		if err != nil {
			if collection {
				err = fmt.Errorf("font %d of the collection: %w", i, err)
			}
			return faces, err
		}
		face.SHA256 = sum
		faces = append(faces, face)
	}
	return faces, nil
}

func parseFace(data []byte, off uint32, index int, coll *sfnt.Collection, source, license string) (*Face, error) {
	tables, err := readTableDir(data, off)
	if err != nil {
		return nil, err
	}
	var fnt *sfnt.Font
	if coll != nil {
		fnt, err = coll.Font(index)
	} else {
		fnt, err = sfnt.Parse(data)
	}
	if err != nil {
		return nil, err
	}
	upem := int(fnt.UnitsPerEm())
	if upem <= 0 {
		return nil, fmt.Errorf("%w: unitsPerEm %d", errMalformed, upem)
	}
	names := readNames(data, tables)
	st := readStyleTables(data, tables)
	f := &Face{
		Source: source,
		Index:  index,
		font:   fnt,
		upem:   upem,
		width:  st.width,
		italic: st.italic,
	}
	_, f.CFF = tables["CFF "]
	if t, ok := tables["fvar"]; ok {
		// A broken fvar only costs the variable bold: the default
		// instance still draws.
		if axes, err := parseFvar(t.bytes(data)); err == nil {
			f.axes, f.data = axes, data
		}
	}
	f.Family = firstNonEmpty(names[16], names[1])
	if f.Family == "" {
		// No readable name: the file name is the best we have.
		base := path.Base(filepath.ToSlash(source))
		f.Family = strings.TrimSuffix(base, path.Ext(base))
	}
	f.Style = firstNonEmpty(names[17], names[2], "Regular")
	low := strings.ToLower(f.Style)
	if strings.Contains(low, "italic") || strings.Contains(low, "oblique") {
		f.italic = true
	}
	f.Weight = st.weight
	if f.Weight <= 0 || f.Weight > 1000 {
		f.Weight = 400
		if strings.Contains(low, "bold") {
			f.Weight = 700
		}
	}
	f.Bold = f.Weight >= 600 || strings.Contains(low, "bold")
	f.License = license
	if f.License == "" {
		f.License = guessLicense(names[13] + "\n" + names[14] + "\n" + names[0])
	}
	return f, nil
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// widthPenalty is how far a face's width is from normal (usWidthClass 5);
// unknown widths count as normal.
func (f *Face) widthPenalty() int {
	if f.width <= 0 || f.width > 9 {
		return 0
	}
	return int(math.Abs(float64(f.width - 5)))
}
