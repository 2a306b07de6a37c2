package fonts

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strconv"
	"sync"

	gtfont "github.com/go-text/typesetting/font"
	ot "github.com/go-text/typesetting/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// This file gives variable fonts a bold instance. golang.org/x/image/font/sfnt
// only draws a variable font's default instance, so a family whose only
// face is a variable font with a 'wght' axis would get a synthetic bold.
// Instead, makeFamily gives such a family a Bold face that is the same
// file drawn at wght = min(700, max) with github.com/go-text/typesetting,
// which applies the glyph variations (gvar).

// varAxis is one axis of a variable font's fvar table, in design units.
type varAxis struct {
	Tag               string
	Min, Default, Max float64
}

// boldWeight is the wght coordinate asked of a variable font's bold
// instance (capped at the axis maximum); minVarBold is the lowest axis
// maximum that still counts as a bold.
const (
	boldWeight = 700
	minVarBold = 600
)

// parseFvar reads the axis records of an fvar table. A table that is too
// short, of an unknown major version or with axis records shorter than 20
// bytes is malformed; a font without fvar simply has no axes.
func parseFvar(b []byte) ([]varAxis, error) {
	if len(b) < 16 {
		return nil, fmt.Errorf("%w: fvar table of %d bytes", errMalformed, len(b))
	}
	if major := binary.BigEndian.Uint16(b); major != 1 {
		return nil, fmt.Errorf("%w: fvar major version %d", errMalformed, major)
	}
	axesOff := int(binary.BigEndian.Uint16(b[4:]))
	count := int(binary.BigEndian.Uint16(b[8:]))
	size := int(binary.BigEndian.Uint16(b[10:]))
	if count == 0 {
		return nil, nil
	}
	if size < 20 {
		return nil, fmt.Errorf("%w: fvar axis record size %d", errMalformed, size)
	}
	if axesOff+count*size > len(b) {
		return nil, fmt.Errorf("%w: %d fvar axes of %d bytes at %d do not fit in %d bytes",
			errMalformed, count, size, axesOff, len(b))
	}
	fix := func(p []byte) float64 { return float64(int32(binary.BigEndian.Uint32(p))) / 65536 }
	axes := make([]varAxis, count)
	for i := range axes {
		r := b[axesOff+i*size:]
		axes[i] = varAxis{Tag: string(r[:4]), Min: fix(r[4:]), Default: fix(r[8:]), Max: fix(r[12:])}
		if a := axes[i]; a.Min > a.Default || a.Default > a.Max {
			return nil, fmt.Errorf("%w: fvar axis %q: min %g, default %g, max %g", errMalformed, a.Tag, a.Min, a.Default, a.Max)
		}
	}
	return axes, nil
}

// axis returns the face's variation axis with this tag.
func (f *Face) axis(tag string) (varAxis, bool) {
	for _, a := range f.axes {
		if a.Tag == tag {
			return a, true
		}
	}
	return varAxis{}, false
}

// Variable reports whether the face comes from a variable font (it has an
// fvar table with at least one axis).
func (f *Face) Variable() bool { return len(f.axes) > 0 }

// Wght is the 'wght' coordinate the face is drawn at, 0 for a face drawn
// as stored (a static font, or a variable font's default instance).
func (f *Face) Wght() float64 { return f.wght }

// boldInstance returns the face's bold instance when it is a variable
// font whose 'wght' axis reaches minVarBold from a default below it, else
// nil. The instance shares the parsed font with f and has its own ID.
func (f *Face) boldInstance() *Face {
	a, ok := f.axis("wght")
	if !ok || f.wght != 0 || a.Max < minVarBold || a.Default >= minVarBold {
		return nil
	}
	w := math.Min(boldWeight, a.Max)
	return &Face{
		Family:  f.Family,
		Style:   "Bold (wght " + strconv.FormatFloat(w, 'f', -1, 64) + ")",
		Bold:    true,
		Weight:  int(math.Round(w)),
		Source:  f.Source,
		Index:   f.Index,
		SHA256:  f.SHA256,
		License: f.License,
		CFF:     f.CFF,
		width:   f.width,
		italic:  f.italic,
		parser:  f.parser,
		font:    f.font,
		upem:    f.upem,
		src:     f.src,
		size:    f.size,
		gt:      f.gt,
		axes:    f.axes,
		wght:    w,
		base:    f,
	}
}

// gtShared is a face's go-text font, parsed from the file on first use
// and shared by the face and its variation instances.
type gtShared struct {
	once sync.Once
	font *gtfont.Font
	err  error
}

// parseGoText parses member index of a font file with go-text. go-text
// is the fallback for files sfnt refuses, which are odd by definition: a
// panic in it is turned into an error so that such a file costs a
// skipped face, never the run.
func parseGoText(src io.ReaderAt, size int64, index int) (fnt *gtfont.Font, err error) {
	defer func() {
		if p := recover(); p != nil {
			fnt, err = nil, fmt.Errorf("go-text panicked: %v", p)
		}
	}()
	lds, err := ot.NewLoaders(io.NewSectionReader(src, 0, size))
	if err != nil {
		return nil, err
	}
	if index >= len(lds) {
		return nil, fmt.Errorf("%w: collection has %d fonts, want index %d", errMalformed, len(lds), index)
	}
	return gtfont.NewFont(lds[index])
}

// gtFace returns a go-text face at f's coordinates (the default instance
// when f.wght is 0); put it back in f.gtFaces when done.
func (f *Face) gtFace() (*gtfont.Face, error) {
	v := f.gt
	if v == nil {
		return nil, fmt.Errorf("fonts: %s: no go-text state", f)
	}
	v.once.Do(func() { v.font, v.err = parseGoText(f.src, f.size, f.Index) })
	if v.err != nil {
		return nil, f.wrap(v.err, "go-text")
	}
	if g, ok := f.gtFaces.Get().(*gtfont.Face); ok {
		return g, nil
	}
	g := gtfont.NewFace(v.font)
	if f.wght != 0 {
		g.SetVariations([]gtfont.Variation{{Tag: ot.MustNewTag("wght"), Value: float32(f.wght)}})
	}
	return g, nil
}

// gtOutline is Outline drawn by go-text: for a face go-text reads (gi 0:
// the glyph is chosen by go-text's cmap) and for a face drawn at a
// variation (gi chosen by f's own sfnt cmap). The outline is go-text's
// at f's coordinates, rounded to whole font units with y pointing down,
// so the result has exactly the form of sfnt's Outline.
func (f *Face) gtOutline(r rune, gi sfnt.GlyphIndex) (segs []sfnt.Segment, err error) {
	g, err := f.gtFace()
	if err != nil {
		return nil, err
	}
	defer func() {
		if p := recover(); p != nil {
			segs, err = nil, fmt.Errorf("fonts: %s: go-text panicked on U+%04X: %v", f, r, p)
		}
	}()
	defer f.gtFaces.Put(g)
	gid := gtfont.GID(gi)
	if gi == 0 {
		var ok bool
		if gid, ok = g.NominalGlyph(r); !ok || gid == 0 {
			return nil, fmt.Errorf("fonts: %s: U+%04X: %w", f, r, ErrNoGlyph)
		}
	}
	out, ok := g.GlyphDataOutline(gid)
	if !ok {
		return nil, fmt.Errorf("fonts: %s: no outline for glyph %d (U+%04X)", f, gid, r)
	}
	if len(out.Segments) == 0 {
		return nil, fmt.Errorf("fonts: %s: U+%04X: %w", f, r, ErrEmptyGlyph)
	}
	unit := func(v float32) fixed.Int26_6 { return fixed.Int26_6(math.Round(float64(v))) }
	segs = make([]sfnt.Segment, len(out.Segments))
	for i, s := range out.Segments {
		segs[i].Op = sfnt.SegmentOp(s.Op) // same order: move, line, quad, cube
		for j, p := range s.ArgsSlice() {
			segs[i].Args[j] = fixed.Point26_6{X: unit(p.X), Y: unit(-p.Y)}
		}
	}
	bb := sfnt.Segments(segs).Bounds()
	if bb.Max.X <= bb.Min.X || bb.Max.Y <= bb.Min.Y {
		return nil, fmt.Errorf("fonts: %s: U+%04X: degenerate bounds: %w", f, r, ErrEmptyGlyph)
	}
	return segs, nil
}
