package fonts

import (
	"fmt"
	"io"
	"math"
	"sync"

	gtfont "github.com/go-text/typesetting/font"
	ot "github.com/go-text/typesetting/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// This file draws outlines with github.com/go-text/typesetting, for two
// kinds of face:
//
//   - faces golang.org/x/image/font/sfnt cannot parse (Parser() ==
//     ParserGoText): CFF2 fonts, which sfnt does not read at all, and
//     files whose table layout it refuses (wqy-microhei.ttc: "invalid
//     table offset"); 44 of the 7,241 files of a full Debian pool;
//   - variation instances of variable fonts (variable.go), which sfnt
//     can only draw at their default.
//
// Either way the outline comes out in sfnt's form (sfnt.Segment, font
// units, y down), so the atlas and the catalogue use such faces like any
// other. go-text parses a whole face into memory (wqy-microhei: about
// 13 MB a face), so it is parsed on the first outline asked of the face,
// not at Load, which parses it once only to check that it can.

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
