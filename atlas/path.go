package atlas

import (
	"errors"
	"fmt"
	"github.com/synbols-gpu/synbols-gpu/internal/detmath"
	"github.com/synbols-gpu/synbols-gpu/internal/exact"
	"math"

	"golang.org/x/image/vector"

	"github.com/synbols-gpu/synbols-gpu/fonts"
)

// Op is the kind of a path segment.
type Op uint8

// The segment kinds, as in golang.org/x/image/font/sfnt.
const (
	MoveTo Op = iota // start a contour at Pts[0]
	LineTo           // line to Pts[0]
	QuadTo           // quadratic Bézier: control Pts[0], end Pts[1]
	CubeTo           // cubic Bézier: controls Pts[0], Pts[1], end Pts[2]
)

// Segment is one path command. Unused points are zero.
type Segment struct {
	Op  Op
	Pts [3][2]float32
}

// Path is a glyph outline in em units (font units / unitsPerEm) with y
// pointing down and the glyph origin (pen position on the baseline) at
// (0, 0): the same representation as sfnt.Segments, scaled to size 1.
// Each MoveTo starts a new contour; contours are implicitly closed.
// Filling uses the nonzero winding rule (TrueType and CFF agree on it).
// A Path is plain data: safe to read from several goroutines.
type Path []Segment

// Outline returns r's glyph outline in f (see Path). It fails with an
// error wrapping ErrNoGlyph when f does not map r and ErrEmptyGlyph when
// the glyph has no visible outline (a space).
func Outline(f *fonts.Face, r rune) (Path, error) {
	segs, err := f.Outline(r)
	switch {
	case errors.Is(err, fonts.ErrNoGlyph):
		return nil, fmt.Errorf("%w: U+%04X in %s", ErrNoGlyph, r, f)
	case errors.Is(err, fonts.ErrEmptyGlyph):
		return nil, fmt.Errorf("%w: U+%04X in %s", ErrEmptyGlyph, r, f)
	case err != nil:
		return nil, fmt.Errorf("atlas: outline of U+%04X: %w", r, err)
	}
	// fonts.Face.Outline gives whole font units (ppem = unitsPerEm).
	inv := 1 / float64(f.UnitsPerEm())
	p := make(Path, len(segs))
	for i, s := range segs {
		p[i].Op = Op(s.Op)
		for j, a := range s.Args {
			p[i].Pts[j] = [2]float32{float32(float64(a.X) * inv), float32(float64(a.Y) * inv)}
		}
	}
	return p, nil
}

// npts is how many points of Pts a segment uses.
func (s Segment) npts() int {
	switch s.Op {
	case QuadTo:
		return 2
	case CubeTo:
		return 3
	}
	return 1
}

// Bounds is the control box of the path (x0, y0, x1, y1): the box of all
// its points, control points included. This is the box FreeType reports
// as glyph metrics (FT_Outline_Get_CBox), hence the one Cairo's
// text_extents used for the original's scale and placement (see
// docs/geometry.md), and what sfnt's GlyphBounds computes. It can exceed the
// tight ink box slightly where a curve's control points overshoot.
func (p Path) Bounds() [4]float32 {
	b := [4]float32{float32(math.Inf(1)), float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.Inf(-1))}
	for _, s := range p {
		for _, q := range s.Pts[:s.npts()] {
			b[0] = min(b[0], q[0])
			b[1] = min(b[1], q[1])
			b[2] = max(b[2], q[0])
			b[3] = max(b[3], q[1])
		}
	}
	return b
}

// Rasterize draws p into z, mapping every point through m, closing each
// contour. Curves stay curves (z flattens them), so m must be affine for
// the result to be the exact image of the outline. It is the reference
// that tests compare SDF tiles and painters against: z accumulates exact
// area coverage (nonzero winding, saturated at 1).
func (p Path) Rasterize(z *vector.Rasterizer, m func(x, y float32) (float32, float32)) {
	open := false
	for _, s := range p {
		switch s.Op {
		case MoveTo:
			if open {
				z.ClosePath()
			}
			z.MoveTo(m(s.Pts[0][0], s.Pts[0][1]))
			open = true
		case LineTo:
			z.LineTo(m(s.Pts[0][0], s.Pts[0][1]))
		case QuadTo:
			bx, by := m(s.Pts[0][0], s.Pts[0][1])
			cx, cy := m(s.Pts[1][0], s.Pts[1][1])
			z.QuadTo(bx, by, cx, cy)
		case CubeTo:
			bx, by := m(s.Pts[0][0], s.Pts[0][1])
			cx, cy := m(s.Pts[1][0], s.Pts[1][1])
			dx, dy := m(s.Pts[2][0], s.Pts[2][1])
			z.CubeTo(bx, by, cx, cy, dx, dy)
		}
	}
	if open {
		z.ClosePath()
	}
}

// line is a flattened edge in texel space.
type line struct{ ax, ay, bx, by float64 }

// flatten converts p to closed polylines after mapping em coordinates to
// texel space (x·s + tx, y·s + ty). Curves are split uniformly into n
// pieces with n chosen from the second differences so that the chord
// error stays below tol texels: for a quadratic the error of n chords is
// at most |P0 − 2P1 + P2|/(4n²); for a cubic at most 3·M/(4n²) with M the
// larger of its two second differences.
func (p Path) flatten(s, tx, ty, tol float64, out []line) []line {
	out, _ = p.flattenContours(s, tx, ty, tol, out, nil)
	return out
}

// flattenContours is flatten that also appends to starts the index in out
// of each contour's first line, then len(out): contour k is
// out[starts[k]:starts[k+1]], a closed chain (each line starts exactly
// where the previous one ends, the last ends where the first starts).
// Contours that flatten to nothing are left out.
func (p Path) flattenContours(s, tx, ty, tol float64, out []line, starts []int32) ([]line, []int32) {
	return p.flattenMapped(func(q [2]float32) (float64, float64) {
		return float64(float64(q[0])*s) + tx, float64(float64(q[1])*s) + ty
	}, tol, out, starts)
}

// Lines flattens p to closed polylines in pixel space after the affine
// map m from em coordinates: x' = m[0]·x + m[1]·y + m[2], y' = m[3]·x +
// m[4]·y + m[5], with chords within tol pixels of the curves (an affine
// map of a Bézier curve is the curve of the mapped control points, so the
// bound of flatten holds in pixel space). It is the outline an exact
// reference (package internal/exact) is rasterised from.
func (p Path) Lines(m [6]float64, tol float64) []exact.Line {
	ls, _ := p.flattenMapped(func(q [2]float32) (float64, float64) {
		x, y := float64(q[0]), float64(q[1])
		return float64(m[0]*x) + float64(m[1]*y) + m[2], float64(m[3]*x) + float64(m[4]*y) + m[5]
	}, tol, nil, nil)
	out := make([]exact.Line, len(ls))
	for i, l := range ls {
		out[i] = exact.Line{AX: l.ax, AY: l.ay, BX: l.bx, BY: l.by}
	}
	return out
}

// flattenMapped is flattenContours with any map pt of the control points.
func (p Path) flattenMapped(pt func([2]float32) (float64, float64), tol float64, out []line, starts []int32) ([]line, []int32) {
	var cx, cy, fx, fy float64 // current point, contour start
	open := false
	mark := func() {
		if len(starts) == 0 || int(starts[len(starts)-1]) != len(out) {
			starts = append(starts, int32(len(out)))
		}
	}
	add := func(x, y float64) {
		if x != cx || y != cy {
			out = append(out, line{cx, cy, x, y})
		}
		cx, cy = x, y
	}
	closeContour := func() {
		if open {
			add(fx, fy)
		}
	}
	for _, sg := range p {
		switch sg.Op {
		case MoveTo:
			closeContour()
			mark()
			cx, cy = pt(sg.Pts[0])
			fx, fy = cx, cy
			open = true
		case LineTo:
			add(pt(sg.Pts[0]))
		case QuadTo:
			x0, y0 := cx, cy
			x1, y1 := pt(sg.Pts[0])
			x2, y2 := pt(sg.Pts[1])
			dd := detmath.Hypot(x0-2*x1+x2, y0-2*y1+y2)
			n := max(1, int(math.Ceil(math.Sqrt(dd/(4*tol)))))
			for i := 1; i <= n; i++ {
				t := float64(i) / float64(n)
				u := 1 - t
				if i == n {
					add(x2, y2)
				} else {
					add(float64(u*u*x0)+float64(2*u*t*x1)+float64(t*t*x2), float64(u*u*y0)+float64(2*u*t*y1)+float64(t*t*y2))
				}
			}
		case CubeTo:
			x0, y0 := cx, cy
			x1, y1 := pt(sg.Pts[0])
			x2, y2 := pt(sg.Pts[1])
			x3, y3 := pt(sg.Pts[2])
			m := max(detmath.Hypot(x0-2*x1+x2, y0-2*y1+y2), detmath.Hypot(x1-2*x2+x3, y1-2*y2+y3))
			n := max(1, int(math.Ceil(math.Sqrt(3*m/(4*tol)))))
			for i := 1; i <= n; i++ {
				t := float64(i) / float64(n)
				u := 1 - t
				if i == n {
					add(x3, y3)
				} else {
					a, b, c, d := u*u*u, 3*u*u*t, 3*u*t*t, t*t*t
					add(float64(a*x0)+float64(b*x1)+float64(c*x2)+float64(d*x3), float64(a*y0)+float64(b*y1)+float64(c*y2)+float64(d*y3))
				}
			}
		}
	}
	closeContour()
	mark()
	return out, starts
}
