package paint

import (
	"math"

	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/internal/rng"
)

// This file holds the maths of the composite patterns (engine's
// PatternLayers, PatternCamouflage, PatternImage), shared by the CPU backend and
// mirrored operation for operation in float32 by shaders/paint.comp, as
// paint.go's is. See docs/painting.md.
//
// Solid, linear, radial and image patterns give a colour that is not
// premultiplied, (r, g, b, a); layers and camouflage give a premultiplied
// one, (R, G, B, A). Painters composite them differently, each formula
// fixed here so that every backend rounds the same way:
//
//	background, plain:          dst = (r·a, g·a, b·a)
//	background, premultiplied:  dst = (R, G, B)
//	foreground, plain:          f = a·c,  dst = r·f + dst·(1 − f)
//	foreground, premultiplied:  f = A·c,  dst = R·c + dst·(1 − f)
//
// with c the symbol's coverage. The plain formulas are the ones the first
// patterns had, whose bytes must not change.

// Premultiplied reports whether patterns of the kind give premultiplied
// colours.
func Premultiplied(kind uint32) bool {
	return kind == engine.PatternLayers || kind == engine.PatternCamouflage
}

// geomBits returns Geom[i] of p read as the uint32 it stores.
func geomBits(p *engine.Pattern, i int) uint32 { return math.Float32bits(p.Geom[i]) }

// LayerRange returns the first layer and the number of layers of a
// PatternLayers record.
func LayerRange(p *engine.Pattern) (first, count uint32) { return geomBits(p, 0), geomBits(p, 1) }

// Over composites colour (r, g, b) at alpha a OVER the premultiplied
// (R, G, B, A): R·(1 − a) + r·a per channel and A·(1 − a) + a, the one
// operation order layers and camouflage strokes use.
func Over(acc *[4]float32, r, g, b, a float32) {
	h := 1 - a
	acc[0] = float32(r*a) + float32(acc[0]*h)
	acc[1] = float32(g*a) + float32(acc[1]*h)
	acc[2] = float32(b*a) + float32(acc[2]*h)
	acc[3] = a + float32(acc[3]*h)
}

// LayersColor is a PatternLayers pattern at unit point (x, y), given its
// layers prepared (NewFill): each layer's colour composited Over the
// previous ones on transparent black, premultiplied.
func LayersColor(fills []Fill, x, y float32) [4]float32 {
	var acc [4]float32
	for i := range fills {
		r, g, b, a := fills[i].Color(x, y)
		Over(&acc, r, g, b, a)
	}
	return acc
}

// Camouflage stroke constants: a stroke starts at (u·CamoSpan − CamoLead)·
// (1 − v) in each axis for u uniform in [0, 1), the original's
// (rand·1.6 − 0.3)·(1 − stroke_vector). The shader gets their bits from
// the host.
const (
	CamoSpan float32 = 1.6
	CamoLead float32 = 0.3
)

// Stroke is one camouflage stroke in pixel coordinates: from (Sx, Sy),
// unit direction (Tx, Ty), length L; colour (R, G, B); and the pixel box
// [X0, X1)×[Y0, Y1) outside which it covers nothing (empty for a stroke
// of length 0, which covers nothing).
type Stroke struct {
	Sx, Sy, Tx, Ty, L float32
	R, G, B           float32
	X0, Y0, X1, Y1    int32
}

// CamoWidth is the half-width in pixels of a camouflage pattern's strokes
// in an image whose shorter side is m pixels: Geom[4]·m·½.
func CamoWidth(p *engine.Pattern, m float32) float32 { return float32(p.Geom[4] * m * 0.5) }

// CamoStroke generates stroke k of camouflage pattern p for a w×h image
// (m = min(w, h) as float32): hash values h_j = rng.Hash(seed, 8k + j),
// u_j = (h_j >> 8)·2⁻²⁴; start = ((u0·1.6 − 0.3)(1 − vx), (u1·1.6 −
// 0.3)(1 − vy)), end = start + v + noise·(N(h2), N(h3)) with N the
// NoiseTable deviate of the hash's top bits, colour (u4, u5, u6), all in
// unit coordinates, then scaled by m to pixels.
func CamoStroke(p *engine.Pattern, k uint32, m float32, w, h int) Stroke {
	key := rng.Key(geomBits(p, 0))
	var hs [7]uint32
	var u [7]float32
	for j := range hs {
		hs[j] = rng.HashKeyed(key, 8*k+uint32(j))
		u[j] = float32(float32(hs[j]>>8) * 0x1p-24)
	}
	vx, vy, noise := p.Geom[2], p.Geom[3], p.Geom[5]
	sx := float32((float32(u[0]*CamoSpan) - CamoLead) * (1 - vx))
	sy := float32((float32(u[1]*CamoSpan) - CamoLead) * (1 - vy))
	ex := sx + vx + float32(noise*NoiseTable[hs[2]>>(32-NoiseBits)])
	ey := sy + vy + float32(noise*NoiseTable[hs[3]>>(32-NoiseBits)])
	s := Stroke{Sx: float32(sx * m), Sy: float32(sy * m), R: u[4], G: u[5], B: u[6]}
	exm, eym := float32(ex*m), float32(ey*m)
	dx, dy := exm-s.Sx, eym-s.Sy
	s.L = float32(math.Sqrt(float64(float32(dx*dx) + float32(dy*dy))))
	if !(s.L > 0) {
		return s
	}
	s.Tx, s.Ty = dx/s.L, dy/s.L
	// Coverage is 0 beyond half a pixel past the ends and past hw + ½
	// across, so within hw + 1 of the segment; hw + 2 leaves a pixel for
	// rounding. Centres x + ½ in [lo, hi] are pixels floor(lo) to
	// ceil(hi) − 1 at most.
	ext := CamoWidth(p, m) + 2
	s.X0 = pixelClamp(float32(math.Floor(float64(min(s.Sx, exm)-ext))), w)
	s.X1 = pixelClamp(float32(math.Ceil(float64(max(s.Sx, exm)+ext))), w)
	s.Y0 = pixelClamp(float32(math.Floor(float64(min(s.Sy, eym)-ext))), h)
	s.Y1 = pixelClamp(float32(math.Ceil(float64(max(s.Sy, eym)+ext))), h)
	return s
}

// pixelClamp clamps an integral v to [0, n] (NaN to 0).
func pixelClamp(v float32, n int) int32 {
	if !(v > 0) {
		return 0
	}
	if v >= float32(n) {
		return int32(n)
	}
	return int32(v)
}

// Coverage is the stroke's box-filtered coverage of the pixel whose centre
// is (px, py): a butt-capped rectangle of half-width hw round the
// segment, clamp(min(a, L − a) + ½, 0, 1)·clamp(hw − |d| + ½, 0, 1) with a
// the distance along the stroke from its start and d across it.
func (s *Stroke) Coverage(px, py, hw float32) float32 {
	qx, qy := px-s.Sx, py-s.Sy
	a := float32(qx*s.Tx) + float32(qy*s.Ty)
	d := float32(qx*s.Ty) - float32(qy*s.Tx)
	along := min(max(min(a, s.L-a)+0.5, 0), 1)
	across := min(max(hw-float32(math.Abs(float64(d)))+0.5, 0), 1)
	return along * across
}

// ByteTable maps a byte to its value in [0, 1], v/255, correctly rounded:
// image patterns read their pixels through it (the GPU backend uploads it).
var ByteTable = func() *[256]float32 {
	var t [256]float32
	for v := range t {
		t[v] = float32(v) / 255
	}
	return &t
}()

// ImageColor is image pattern p of pool at output pixel (x, y) (its
// top-left corner) of an image whose shorter side is 1/inv pixels: the
// mean of n×n taps, n = len(offs) (SubOffsets(Geom[7])), at unit points
// ((x + offs[i])·inv, (y + offs[j])·inv) mapped by Geom[1:7] to source
// pixel coordinates. A tap within the source is bilinear over its pixel
// centres, clamped to the edge; one outside it is black. The sum runs in
// row order and is divided by n² once.
func ImageColor(pool *engine.ImagePool, p *engine.Pattern, x, y int, inv float32, offs []float32) (r, g, b float32) {
	im := pool.Images[geomBits(p, 0)]
	w, h := int(im.Width), int(im.Height)
	pix := pool.Pixels[im.Offset : int(im.Offset)+w*h]
	fw, fh := float32(w), float32(h)
	a := &p.Geom
	t := ByteTable
	for _, oy := range offs {
		uy := float32((float32(y) + oy) * inv)
		for _, ox := range offs {
			ux := float32((float32(x) + ox) * inv)
			sx := float32(a[1]*ux) + float32(a[2]*uy) + a[3]
			sy := float32(a[4]*ux) + float32(a[5]*uy) + a[6]
			if !(sx >= 0 && sy >= 0 && sx <= fw && sy <= fh) {
				continue
			}
			x0, fx := TexelCell(sx)
			y0, fy := TexelCell(sy)
			x1, y1 := clampIndex(x0+1, w), clampIndex(y0+1, h)
			x0, y0 = clampIndex(x0, w), clampIndex(y0, h)
			p00, p10, p01, p11 := pix[y0*w+x0], pix[y0*w+x1], pix[y1*w+x0], pix[y1*w+x1]
			r += Bilerp(t[p00&255], t[p10&255], t[p01&255], t[p11&255], fx, fy)
			g += Bilerp(t[p00>>8&255], t[p10>>8&255], t[p01>>8&255], t[p11>>8&255], fx, fy)
			b += Bilerp(t[p00>>16&255], t[p10>>16&255], t[p01>>16&255], t[p11>>16&255], fx, fy)
		}
	}
	n := float32(len(offs) * len(offs))
	return r / n, g / n, b / n
}

// ImageTaps returns the tap-grid side of image pattern p.
func ImageTaps(p *engine.Pattern) int { return int(geomBits(p, 7)) }

// Span returns pixel columns [x0, x1) of row y (pixel centre y + ½) outside
// which the stroke's Coverage is 0: the row's intersection with the
// rectangle |d| < hw + ½, −½ < a < L + ½ that holds every pixel centre of
// non-zero coverage, solved in float64 and widened by a pixel on each side
// so that float32 rounding in Coverage cannot reach beyond it, then clipped
// to the stroke's box. A painter visiting only the span skips pixels whose
// coverage is exactly 0, which blending would leave unchanged anyway, so
// the bytes are those of visiting the whole box.
func (s *Stroke) Span(y int, hw float32) (x0, x1 int) {
	lo, hi := float64(s.X0), float64(s.X1)
	qy := float64(y) + 0.5 - float64(s.Sy)
	tx, ty := float64(s.Tx), float64(s.Ty)
	// In terms of qx = x + ½ − Sx: a = qx·tx + qy·ty, d = qx·ty − qy·tx.
	bound := func(c, k, a, b float64) bool { // a < qx·k + c < b
		if math.Abs(k) < 1e-6 {
			return c > a-1 && c < b+1 // (almost) constant along the row
		}
		l, h := (a-c)/k, (b-c)/k
		if k < 0 {
			l, h = h, l
		}
		lo = max(lo, l+float64(s.Sx)-0.5)
		hi = min(hi, h+float64(s.Sx)-0.5)
		return true
	}
	r := float64(hw) + 0.5
	if !bound(float64(qy*ty), tx, -0.5, float64(s.L)+0.5) || !bound(float64(-qy*tx), ty, -r, r) {
		return 0, 0
	}
	x0 = max(int(math.Floor(lo))-1, int(s.X0))
	x1 = min(int(math.Ceil(hi))+2, int(s.X1))
	return x0, max(x0, x1)
}
