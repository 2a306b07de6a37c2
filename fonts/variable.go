package fonts

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
)

// This file gives variable fonts a bold instance. golang.org/x/image/font/sfnt
// only draws a variable font's default instance, so a family whose only
// face is a variable font with a 'wght' axis would get a synthetic bold.
// Instead, makeFamily gives such a family a Bold face that is the same
// file drawn at wght = min(700, max) with github.com/go-text/typesetting,
// which applies the glyph variations (gvar, or CFF2 blends); gotext.go
// draws it.

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
		sf:      f.sf,
		upem:    f.upem,
		src:     f.src,
		size:    f.size,
		gt:      f.gt,
		axes:    f.axes,
		wght:    w,
		base:    f,
	}
}
