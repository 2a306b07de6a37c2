package fonts

import (
	"bytes"
	"encoding/binary"
	"fmt"
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
		font:    f.font,
		upem:    f.upem,
		axes:    f.axes,
		data:    f.data,
		wght:    w,
		base:    f,
	}
}

// varState is the go-text font of a variation face, parsed on first use.
type varState struct {
	once  sync.Once
	font  *gtfont.Font
	err   error
	faces sync.Pool // *gtfont.Face at the face's coordinates (Faces are not concurrency-safe)
}

func (f *Face) gtFace() (*gtfont.Face, error) {
	v := &f.vs
	v.once.Do(func() {
		faces, err := gtfont.ParseTTC(bytes.NewReader(f.data))
		switch {
		case err != nil:
			v.err = err
		case f.Index >= len(faces):
			v.err = fmt.Errorf("%w: collection has %d fonts, want index %d", errMalformed, len(faces), f.Index)
		default:
			v.font = faces[f.Index].Font
		}
	})
	if v.err != nil {
		return nil, fmt.Errorf("fonts: %s: variable font: %w", f, v.err)
	}
	if g, ok := v.faces.Get().(*gtfont.Face); ok {
		return g, nil
	}
	g := gtfont.NewFace(v.font)
	g.SetVariations([]gtfont.Variation{{Tag: ot.MustNewTag("wght"), Value: float32(f.wght)}})
	return g, nil
}

// varOutline is Outline for a face drawn at a variation (f.wght != 0):
// the glyph is chosen by f's own cmap, its outline is go-text's at f's
// coordinates, rounded to whole font units with y pointing down, so the
// result has exactly the form of a static face's Outline.
func (f *Face) varOutline(r rune, gi sfnt.GlyphIndex) ([]sfnt.Segment, error) {
	g, err := f.gtFace()
	if err != nil {
		return nil, err
	}
	out, ok := g.GlyphDataOutline(gtfont.GID(gi))
	f.vs.faces.Put(g)
	if !ok {
		return nil, fmt.Errorf("fonts: %s: no outline for glyph %d (U+%04X)", f, gi, r)
	}
	if len(out.Segments) == 0 {
		return nil, fmt.Errorf("fonts: %s: U+%04X: %w", f, r, ErrEmptyGlyph)
	}
	unit := func(v float32) fixed.Int26_6 { return fixed.Int26_6(math.Round(float64(v))) }
	segs := make([]sfnt.Segment, len(out.Segments))
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
