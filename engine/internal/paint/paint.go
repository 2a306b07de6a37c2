package paint

import (
	"math"

	"github.com/synbols-gpu/synbols-gpu/engine"
)

// This file holds the painting math shared by the CPU backend and mirrored,
// operation for operation in float32, by the GLSL shaders: pattern
// evaluation, SDF sampling and coverage. Keep the two in step.

// PatternColor returns the pattern's colour (r, g, b) and alpha at unit
// image point (x, y), not premultiplied. A point where a radial gradient
// has no valid root is transparent (alpha 0), as in Cairo.
func PatternColor(p *engine.Pattern, x, y float32) (r, g, b, a float32) {
	f := NewFill(p)
	return f.Color(x, y)
}

// Fill is an engine.Pattern with its per-pattern constants worked out once, so that
// painters evaluating it at many pixels do not redo them per pixel. Every
// constant is computed with the very float32 operations the per-pixel
// formula would use, so Fill.Color(x, y) equals what evaluating the whole
// formula at (x, y) gives, bit for bit (up to the sign of a zero, see
// rampPiece); the shaders may compute them per pixel. TestFillMatchesFormula
// checks it.
type Fill struct {
	Kind uint32
	// Linear: start point p1, direction d = p2 − p1 and den = |d|².
	// Radial: centre c0, radius r0, cd = c1 − c0, dr = r1 − r0, and the
	// quadratic's constant parts qa = |cd|² − dr², r0dr = r0·dr, r0r0 = r0².
	x0, y0, r0 float32
	dx, dy, dr float32
	den, qa    float32
	r0dr, r0r0 float32
	hiFails    float32 // see radialHiFails
	stops      [3][4]float32
	ramp       [4]RampSegment // see rampPiece
}

// NewFill prepares p for evaluation.
func NewFill(p *engine.Pattern) Fill {
	f := Fill{Kind: p.Kind, stops: p.Stops}
	for c := range 4 {
		f.ramp[0][c], f.ramp[3][c] = p.Stops[0][c], p.Stops[2][c]
		for k := range 2 {
			f.ramp[k+1][c] = p.Stops[k][c]
			f.ramp[k+1][4+c] = p.Stops[k+1][c] - p.Stops[k][c]
		}
	}
	g := &p.Geom
	switch p.Kind {
	case engine.PatternLinear:
		f.x0, f.y0 = g[0], g[1]
		f.dx, f.dy = g[2]-g[0], g[3]-g[1]
		f.den = float32(f.dx*f.dx) + float32(f.dy*f.dy)
	case engine.PatternRadial:
		f.x0, f.y0, f.r0 = g[0], g[1], g[2]
		f.dx, f.dy, f.dr = g[3]-g[0], g[4]-g[1], g[5]-g[2]
		f.qa = float32(f.dx*f.dx) + float32(f.dy*f.dy) - float32(f.dr*f.dr)
		f.r0dr = float32(f.r0 * f.dr)
		f.r0r0 = float32(f.r0 * f.r0)
		f.hiFails = radialHiFails(f.qa, f.r0, f.dr)
	}
	return f
}

// radialHiFails returns a bound h such that, at any point, the larger
// root hi/a of RadialT fails the test r0 + t·dr ≥ 0 when hi ≤ h; NaN
// (never) where no such bound is worked out. It is worked out for finite
// a < 0 and shrinking circles (dr < 0, r0 > 0), the planner's radial
// gradients, where the larger root fails at every pixel: t fails when
// t > r0/−dr, and h = T·a for T = (r0/−dr)(1 + 2⁻¹⁸). Then hi ≤ h gives
// hi/a ≥ T(1 − 2⁻²⁴), and after the float32 division, product and sum,
// r0 + t·dr ≤ r0(−2⁻¹⁸ + 2⁻²¹) < 0: the margin covers every rounding with
// room to spare, and r0 ≥ 2⁻¹⁰⁰ keeps the sum from underflowing to −0
// (which would pass).
func radialHiFails(a, r0, dr float32) float32 {
	finite := func(v float32) bool { return !math.IsInf(float64(v), 0) }
	if !(a < 0 && dr < 0 && r0 >= 0x1p-100 && finite(a) && finite(dr) && finite(r0)) {
		return float32(math.NaN())
	}
	t := float64(r0) / -float64(dr) * (1 + 0x1p-18)
	return float32(t * float64(a))
}

// Color is PatternColor of the prepared pattern.
func (f *Fill) Color(x, y float32) (r, g, b, a float32) {
	switch f.Kind {
	case engine.PatternSolid:
		s := &f.stops[0]
		return s[0], s[1], s[2], s[3]
	case engine.PatternLinear:
		return f.Ramp(f.LinearT(x, y))
	case engine.PatternRadial:
		t, ok := f.RadialT(x, y)
		if !ok {
			return 0, 0, 0, 0
		}
		return f.Ramp(t)
	default:
		return 0, 0, 0, 0
	}
}

// LinearT is the offset of point (x, y) along a linear gradient: its
// projection on p1→p2, 0 at p1 and 1 at p2 (0 when p1 = p2).
func (f *Fill) LinearT(x, y float32) float32 {
	if f.den == 0 {
		return 0
	}
	return (float32((x-f.x0)*f.dx) + float32((y-f.y0)*f.dy)) / f.den
}

// radialT is Fill.RadialT of p, for tests.
func radialT(p *engine.Pattern, x, y float32) (float32, bool) {
	f := NewFill(p)
	return f.RadialT(x, y)
}

// RadialT solves Cairo's two-circle radial gradient for point (x, y): with
// cd = c1 − c0, pd = p − c0, dr = r1 − r0, a = cd·cd − dr², b = pd·cd + r0·dr
// and c = pd·pd − r0², t is the larger root of a·t² − 2b·t + c = 0 with
// r0 + t·dr ≥ 0, else the smaller one if it passes (see docs/painting.md).
func (f *Fill) RadialT(x, y float32) (float32, bool) {
	pdx, pdy := x-f.x0, y-f.y0
	a := f.qa
	b := float32(pdx*f.dx) + float32(pdy*f.dy) + f.r0dr
	c := float32(pdx*pdx) + float32(pdy*pdy) - f.r0r0
	if a == 0 {
		if b == 0 {
			return 0, false
		}
		t := c / (2 * b)
		return t, f.r0+float32(t*f.dr) >= 0
	}
	disc := float32(b*b) - float32(a*c)
	if disc < 0 {
		return 0, false
	}
	sq := float32(math.Sqrt(float64(disc)))
	// The roots are (b ± sq)/a. Rounding is monotone, so for a > 0 the
	// larger is (b + sq)/a and for a < 0 it is (b − sq)/a; the smaller is
	// only divided out when the larger one fails. (A NaN root fails the
	// test whichever is tried first, so the order cannot change the
	// answer.)
	hi, lo := b+sq, b-sq
	if a < 0 {
		hi, lo = lo, hi
	}
	// hi ≤ hiFails proves that the larger root fails the test (see
	// radialHiFails), as it does at every pixel of the planner's
	// gradients: skip its division.
	if !(hi <= f.hiFails) {
		if t := hi / a; f.r0+float32(t*f.dr) >= 0 {
			return t, true
		}
	}
	if t := lo / a; f.r0+float32(t*f.dr) >= 0 {
		return t, true
	}
	return 0, false
}

// Ramp interpolates the three stops at offsets 0, ½, 1 with padding.
// Painters' pixel loops call RampPiece and At themselves: each is small
// enough for Go to inline, Ramp is not.
func (f *Fill) Ramp(t float32) (r, g, b, a float32) {
	p, u := f.RampPiece(t)
	return p.At(u)
}

// RampPiece returns the piece of the ramp that offset t falls in and the
// parameter u along it (see rampPiece).
func (f *Fill) RampPiece(t float32) (*RampSegment, float32) {
	k, u := rampPiece(t)
	return &f.ramp[k&3], u
}

// RampSegment is a piece of a Fill's colour ramp: the colour at u in
// [0, 1] is s + d·u, where s is [0:4] and d [4:8].
type RampSegment [8]float32

// At returns the colour and alpha at u along p.
func (p *RampSegment) At(u float32) (r, g, b, a float32) {
	return p[0] + float32(p[4]*u), p[1] + float32(p[5]*u), p[2] + float32(p[6]*u), p[3] + float32(p[7]*u)
}

// rampPiece returns which piece of the ramp offset t falls in, and the
// parameter u along it: 0 is the pad before offset 0, 1 and 2 the halves
// from stop 0 to 1 and 1 to 2, 3 the pad after offset 1. The pads are
// pieces of slope 0 with u = 0, whose s + 0·0 is s (a −0 in s becomes
// +0, which nothing downstream can tell apart). Split from Ramp so that
// Ramp is small enough to inline.
func rampPiece(t float32) (int, float32) {
	switch {
	case !(t > 0): // also NaN
		return 0, 0
	case t >= 1:
		return 3, 0
	case t <= 0.5:
		return 1, t * 2
	}
	return 2, (t - 0.5) * 2
}

// SDFDecode converts an atlas byte to a signed distance in texels
// (positive inside), for an atlas built with the given spread.
func SDFDecode(v uint8, spread float32) float32 {
	return (float32(v) - 127.5) * (spread / 127.5)
}

// SDFTable maps each atlas byte to its decoded distance: t[v] is
// SDFDecode(v, spread), so a look-up replaces the decode arithmetic.
type SDFTable [256]float32

// NewSDFTable returns the decode table for an atlas built with spread.
func NewSDFTable(spread float32) *SDFTable {
	var t SDFTable
	for v := range t {
		t[v] = SDFDecode(uint8(v), spread)
	}
	return &t
}

// SampleSDF bilinearly interpolates the decoded signed distance of a
// size×size tile at texel coordinates (u, v); texel (i, j) has its centre at
// (i + ½, j + ½). Outside the tile it reports ok = false. It builds the
// decode table per call: painters keep an SDFTable and call its Sample.
func SampleSDF(tile []uint8, size int, spread, u, v float32) (sd float32, ok bool) {
	return NewSDFTable(spread).Sample(tile, size, u, v)
}

// Sample is SampleSDF with the decode table of the atlas's spread.
func (t *SDFTable) Sample(tile []uint8, size int, u, v float32) (sd float32, ok bool) {
	if Interior(size, u, v) {
		return t.SampleInterior(tile, size, u, v), true
	}
	return t.SampleEdge(tile, size, u, v)
}

// Interior reports whether texel point (u, v) is at least a texel inside
// a size×size tile, where bilinear sampling needs no clamping.
func Interior(size int, u, v float32) bool {
	fs := float32(size)
	return u >= 1 && v >= 1 && u < fs-1 && v < fs-1
}

// SampleInterior is Sample at an Interior point: no clamping can happen,
// so it is skipped (same result). It is too large for Go to inline, so
// painters' pixel loops spell it out with TexelCell and Bilerp.
func (t *SDFTable) SampleInterior(tile []uint8, size int, u, v float32) float32 {
	x0, fx := TexelCell(u)
	y0, fy := TexelCell(v)
	q := tile[y0*size+x0:][:size+2] // one bounds check for the four taps
	return Bilerp(t[q[0]], t[q[1]], t[q[size]], t[q[size+1]], fx, fy)
}

// SampleEdge is Sample at a point that is not Interior: within a texel of
// the tile's border, where taps are clamped to the tile, or outside it.
func (t *SDFTable) SampleEdge(tile []uint8, size int, u, v float32) (sd float32, ok bool) {
	fs := float32(size)
	if !(u >= 0 && v >= 0 && u <= fs && v <= fs) {
		return 0, false
	}
	x0, fx := TexelCell(u)
	y0, fy := TexelCell(v)
	x1, y1 := x0+1, y0+1
	x0, x1 = clampIndex(x0, size), clampIndex(x1, size)
	y0, y1 = clampIndex(y0, size), clampIndex(y1, size)
	return Bilerp(t[tile[y0*size+x0]], t[tile[y0*size+x1]], t[tile[y1*size+x0]], t[tile[y1*size+x1]], fx, fy), true
}

// TexelCell returns the texel whose centre is at or before coordinate u,
// floor(u − ½), and u's fraction of the way to the next centre. The floor
// is int(u + ½) − 1: u + ½ > 0, so the conversion's truncation is a floor,
// without a math.Floor call per sample. The shaders use the same
// expression.
func TexelCell(u float32) (int, float32) {
	i := int(u+0.5) - 1
	return i, (u - 0.5) - float32(i)
}

// Bilerp interpolates taps d00, d10 (top row) and d01, d11 at (fx, fy).
func Bilerp(d00, d10, d01, d11, fx, fy float32) float32 {
	top := d00 + float32((d10-d00)*fx)
	bot := d01 + float32((d11-d01)*fx)
	return top + float32((bot-top)*fy)
}

func clampIndex(i, n int) int {
	if i < 0 {
		return 0
	}
	if i >= n {
		return n - 1
	}
	return i
}

// Coverage is the anti-aliased coverage of a pixel whose centre lies at
// signed distance sd texels (positive inside) from the outline: the area of
// a unit pixel on the inner side of a straight edge at that distance, which
// is linear over ±½ pixel.
func Coverage(sd, bias, distScale float32) float32 {
	// The builtins clamp without branches (GLSL's clamp): along a glyph's
	// outline, coverage changes between 0, partial and 1 from one pixel
	// to the next, which mispredicts branches. Same results: −0 gives +0,
	// and NaN stays NaN.
	return min(max(CoverageRamp(sd, bias, distScale), 0), 1)
}

// CoverageRamp is Coverage before the clamp to [0, 1].
func CoverageRamp(sd, bias, distScale float32) float32 {
	return 0.5 + float32((sd+bias)*distScale)
}

// SubOffsets returns the sub-sample offsets (i + ½)/n, i < n, of an n×n
// grid within a pixel, each the correctly rounded float32 quotient (the
// shader computes the same with divRN).
func SubOffsets(n int) []float32 {
	offs := make([]float32, n)
	for i := range offs {
		offs[i] = (float32(i) + 0.5) / float32(n)
	}
	return offs
}

// SubCoverage is the coverage of pixel (x, y) (its top-left corner, in
// pixels) of a minified symbol: the mean of n×n samples, n = len(offs),
// at (x + offs[i], y + offs[j]), each the bilinear SDF fetch of Sample
// mapped through the symbol's pixel → texel affine a and turned into
// coverage by the ramp of Coverage with slope subScale (the symbol's
// DistScale·n: each sample stands for a 1/n × 1/n cell of the pixel, so
// its ramp spans ±½ cell). Samples outside the tile count as 0. The sum
// runs in row order (j, then i) and is divided by n² once, so that the
// shader, which does the same float32 operations with `precise` and
// divRN, gets the same bits.
//
// Why: one sample per pixel is right while a pixel spans a few texels (a
// straight edge within ±½ pixel of the centre), but a minified glyph (3–8
// px tall, 6–16 texels per pixel) puts several strokes, corners and
// counters in one pixel, and one bilinear tap at its centre answers for
// all of them. Against exact area coverage (engine/cpu's
// TestMinifiedCoverage) its L1 error is 0.43–0.56 of the ink at 3 px, the
// ink mass a third to a half too much; and where a pixel spans more than
// twice the SDF's spread every saturated texel still gives
// 0.5 − spread/tpp > 0, painting the tile as a faint box. n×n samples cut
// the footprint each answers for to tpp/n texels, back in the ramp's
// range: 0.02 of the ink at 1–8 px, ink mass within 0.3% on average. A
// box-filtered (mip) coverage chain would conserve ink at one tap but
// blurs minified glyphs (error 0.35 at 3 px, a colleague's measurement),
// and an analytic area needs the outline, which the atlas does not keep.
//
// Cost: n² taps instead of one per pixel, but only for symbols whose
// pixels span more than engine.SubFrom texels, with n =
// ⌈tpp/engine.SubTexels⌉, over ink bounds grown only by a sample's reach
// (engine.InkBounds): a symbol's taps, (pixels in its bounds)·n², stay
// about (48/SubTexels)² = 144 times its ink box's aspect plus the bounds'
// margins whatever its size, some 500–1,500. In
// 128×128 scenes of 20 symbols 3–15 px tall (engine/cpu's
// BenchmarkPaintMinified128) painting is about 12% slower than with one
// sample per pixel; symbols at one sample per pixel (the default preset)
// do not pass through here and cost what they did.
func (t *SDFTable) SubCoverage(tile []uint8, size int, a *[6]float32, x, y int, offs []float32, bias, subScale float32) float32 {
	var sum float32
	for _, oy := range offs {
		py := float32(y) + oy
		for _, ox := range offs {
			px := float32(x) + ox
			u := float32(a[0]*px) + float32(a[1]*py) + a[2]
			v := float32(a[3]*px) + float32(a[4]*py) + a[5]
			var sd float32
			if Interior(size, u, v) {
				// t.SampleInterior, spelled out (too large to inline).
				tx, fx := TexelCell(u)
				ty, fy := TexelCell(v)
				q := tile[ty*size+tx:][:size+2]
				sd = Bilerp(t[q[0]], t[q[1]], t[q[size]], t[q[size+1]], fx, fy)
			} else {
				var in bool
				if sd, in = t.SampleEdge(tile, size, u, v); !in {
					continue
				}
			}
			sum += Coverage(sd, bias, subScale)
		}
	}
	n := len(offs)
	return sum / float32(n*n)
}
