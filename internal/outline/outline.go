// Package outline feeds glyph outlines, as golang.org/x/image/font/sfnt
// returns them, to a golang.org/x/image/vector rasteriser: the one copy of
// the segment walk that the font check's bitmaps and the `fonts show`
// contact sheet both rasterise with.
package outline

import (
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// Path adds the contours of segs to z, each point mapped to z's pixel
// space by m. Every contour is closed: the one a MoveTo ends and the last.
// Drawing (and its operator) is left to the caller.
func Path(z *vector.Rasterizer, segs []sfnt.Segment, m func(p fixed.Point26_6) (x, y float32)) {
	open := false
	for _, s := range segs {
		a := &s.Args
		switch s.Op {
		case sfnt.SegmentOpMoveTo:
			if open {
				z.ClosePath()
			}
			z.MoveTo(m(a[0]))
			open = true
		case sfnt.SegmentOpLineTo:
			z.LineTo(m(a[0]))
		case sfnt.SegmentOpQuadTo:
			bx, by := m(a[0])
			cx, cy := m(a[1])
			z.QuadTo(bx, by, cx, cy)
		case sfnt.SegmentOpCubeTo:
			bx, by := m(a[0])
			cx, cy := m(a[1])
			dx, dy := m(a[2])
			z.CubeTo(bx, by, cx, cy, dx, dy)
		}
	}
	if open {
		z.ClosePath()
	}
}
