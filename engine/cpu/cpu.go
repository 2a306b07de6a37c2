// Package cpu is the pure-Go painting backend: the reference for what every
// backend paints, and the fallback where no GPU is found.
package cpu

import (
	"fmt"
	"math"
	"runtime"
	"time"
	"unsafe"

	"github.com/synbols-gpu/synbols-gpu/atlas"
	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/engine/internal/paint"
	"github.com/synbols-gpu/synbols-gpu/internal/par"
	"github.com/synbols-gpu/synbols-gpu/internal/rng"
)

// Backend paints on the host's cores. Each image is painted by exactly one
// goroutine with float32 arithmetic in a fixed order, so the bytes do not
// depend on the number of workers.
//
// Paint may be called from one goroutine at a time; it spreads each batch
// over Workers goroutines itself. Times may be called from any goroutine.
type Backend struct {
	workers int
	timer   timer
}

// New returns a CPU backend using workers goroutines (≤ 0: GOMAXPROCS).
func New(workers int) *Backend {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	return &Backend{workers: workers}
}

// Name implements engine.Backend.
func (*Backend) Name() string { return "cpu" }

// Device implements engine.Backend. It names the loops too, so that a
// run's summary and bench's table say which build painted.
func (c *Backend) Device() string {
	loops := "scalar loops"
	if vectorized {
		loops = "AVX2 loops"
	}
	return fmt.Sprintf("Go %s/%s, %d workers, %s", runtime.GOOS, runtime.GOARCH, c.workers, loops)
}

// Close implements engine.Backend.
func (*Backend) Close() error { return nil }

// Paint implements engine.Backend.
func (c *Backend) Paint(b *engine.Batch, out engine.Output) error {
	if err := b.Check(out); err != nil {
		return err
	}
	n := len(b.Images)
	t0 := time.Now()
	defer func() { c.timer.add(n, time.Since(t0)) }()
	if n == 0 {
		return nil
	}
	// Contiguous image ranges per worker: cache friendly, no shared writes.
	par.For(n, c.workers, func(lo, hi int) {
		p := newPainter(b)
		for i := lo; i < hi; i++ {
			p.image(i, out)
		}
	})
	return nil
}

// painter holds one goroutine's scratch state.
type painter struct {
	b      *engine.Batch
	glyphs []*atlas.Glyph
	tile   int
	sdf    *paint.SDFTable // the atlas's decode table
	spread float32
	buf    []float32 // premultiplied RGB of the image being painted
	ux     []float32 // unit x of each column's pixel centre
	uy     []float32 // unit y of each row's pixel centre
	// covered lists the pixels a symbol covers, in scan order.
	covered []coveredPixel
	// offs[n] is paint.SubOffsets(n), made when first needed.
	offs [engine.MaxSub + 1][]float32
	// tex is a camouflage texture, premultiplied RGBA per pixel: the
	// whole image for a background, a symbol's box for a foreground.
	tex []float32
	// fills holds a PatternLayers pattern's layers, prepared.
	fills []paint.Fill
	// scratch holds the noise of the image's values (postVector).
	scratch []uint32
	// cover holds oneCoveredVector's passes.
	cover coverScratch
}

func newPainter(b *engine.Batch) *painter {
	params := b.Atlas.Params()
	p := &painter{
		b:       b,
		glyphs:  b.Atlas.Glyphs(),
		tile:    params.TileSize,
		sdf:     paint.NewSDFTable(params.Spread),
		spread:  params.Spread,
		buf:     make([]float32, b.Width*b.Height*3),
		ux:      make([]float32, b.Width),
		uy:      make([]float32, b.Height),
		covered: make([]coveredPixel, b.Width*b.Height),
	}
	inv := 1 / float32(min(b.Width, b.Height))
	for x := range p.ux {
		p.ux[x] = float32((float32(x) + 0.5) * inv)
	}
	for y := range p.uy {
		p.uy[y] = float32((float32(y) + 0.5) * inv)
	}
	return p
}

// PaintImage paints image i of b into out on the calling goroutine, the
// reference path used by other backends' parity tests.
func PaintImage(b *engine.Batch, i int, out engine.Output) {
	newPainter(b).image(i, out)
}

func (p *painter) image(i int, out engine.Output) {
	b := p.b
	im := &b.Images[i]
	w, h, nc, k := b.Width, b.Height, b.Channels, b.MaskChannels
	inv := 1 / float32(min(w, h))
	p.background(&im.Bg, inv)
	mask := out.Mask[i*w*h*k : (i+1)*w*h*k]
	clear(mask)
	for s := range int(im.NumSymbols) {
		p.symbol(&b.Symbols[int(im.FirstSymbol)+s], s, mask, inv)
	}
	p.post(im, out.X[i*w*h*nc:(i+1)*w*h*nc])
}

// layers prepares the layers of PatternLayers pattern pat in p.fills.
func (p *painter) layers(pat *engine.Pattern) []paint.Fill {
	first, count := paint.LayerRange(pat)
	p.fills = p.fills[:0]
	for i := range count {
		p.fills = append(p.fills, paint.NewFill(&p.b.Layers[first+i]))
	}
	return p.fills
}

// offsets returns paint.SubOffsets(n), made once per painter.
func (p *painter) offsets(n int) []float32 {
	if p.offs[n] == nil {
		p.offs[n] = paint.SubOffsets(n)
	}
	return p.offs[n]
}

// camouflage rasterises camouflage pattern pat over the pixels
// [x0, x1)×[y0, y1) into p.tex (premultiplied RGBA, row-major over that
// rectangle), stroke by stroke, each over its own box: per pixel the
// strokes are composited in order, skipping those whose box or coverage
// misses it (f = 0 changes nothing), which is the GPU's per-pixel loop.
func (p *painter) camouflage(pat *engine.Pattern, x0, y0, x1, y1 int) []float32 {
	w, h := p.b.Width, p.b.Height
	bw := x1 - x0
	n := bw * (y1 - y0) * 4
	if cap(p.tex) < n {
		p.tex = make([]float32, n)
	}
	tex := p.tex[:n]
	clear(tex)
	m := float32(min(w, h))
	hw := paint.CamoWidth(pat, m)
	alpha := pat.Geom[6]
	count := math.Float32bits(pat.Geom[1])
	for k := range count {
		s := paint.CamoStroke(pat, k, m, w, h)
		sx0, sy0 := max(int(s.X0), x0), max(int(s.Y0), y0)
		sx1, sy1 := min(int(s.X1), x1), min(int(s.Y1), y1)
		for y := sy0; y < sy1; y++ {
			py := float32(y) + 0.5
			row := tex[(y-y0)*bw*4:]
			// Only the row's span can have coverage (Stroke.Span): a
			// thin stroke's box is mostly empty.
			rx0, rx1 := s.Span(y, hw)
			qy := py - s.Sy
			for x := max(sx0, rx0); x < min(sx1, rx1); x++ {
				// alpha·s.Coverage(x + ½, py, hw), spelled out (the call
				// does not inline), the same float32 operations.
				qx := (float32(x) + 0.5) - s.Sx
				a := float32(qx*s.Tx) + float32(qy*s.Ty)
				d := float32(qx*s.Ty) - float32(qy*s.Tx)
				along := min(max(min(a, s.L-a)+0.5, 0), 1)
				across := min(max(hw-math.Float32frombits(math.Float32bits(d)&^(1<<31))+0.5, 0), 1)
				f := float32(alpha * (along * across))
				if f == 0 {
					continue
				}
				paint.Over((*[4]float32)(row[(x-x0)*4:]), s.R, s.G, s.B, f)
			}
		}
	}
	return tex
}

// background paints pattern bg, premultiplied, over transparent black: a
// loop per pattern kind, so that the per-pixel work is the gradient alone.
func (p *painter) background(bg *engine.Pattern, inv float32) {
	w, h := p.b.Width, p.b.Height
	buf := p.buf[:w*h*3]
	f := paint.NewFill(bg)
	switch f.Kind {
	case engine.PatternLayers:
		fills := p.layers(bg)
		for y := range h {
			uy := float32((float32(y) + 0.5) * inv)
			for x, ux := range p.ux {
				c := paint.LayersColor(fills, ux, uy)
				copy(buf[3*(y*w+x):][:3], c[:3])
			}
		}
	case engine.PatternCamouflage:
		tex := p.camouflage(bg, 0, 0, w, h)
		for i := range w * h {
			copy(buf[3*i:][:3], tex[4*i:][:3])
		}
	case engine.PatternImage:
		offs := p.offsets(paint.ImageTaps(bg))
		for y := range h {
			for x := range w {
				r, g, bl := paint.ImageColor(p.b.Pool, bg, x, y, inv, offs)
				// Alpha 1: r·1 is r.
				d := (*[3]float32)(buf[3*(y*w+x):])
				d[0], d[1], d[2] = r, g, bl
			}
		}
	case engine.PatternLinear:
		// Eight pixels at a time where the build has vectors
		// (paint.Vectorized), the rest of each row here.
		done := f.GradientRows(p.ux, p.uy, buf)
		for y, uy := range p.uy {
			row := buf[y*w*3 : (y+1)*w*3]
			for x := done; x < w; x++ {
				ux := p.ux[x]
				// f.Ramp, in two calls that inline.
				seg, t := f.RampPiece(f.LinearT(ux, uy))
				r, g, bl, a := seg.At(t)
				d := (*[3]float32)(row[3*x:])
				d[0], d[1], d[2] = r*a, g*a, bl*a
			}
		}
	case engine.PatternRadial:
		done := f.GradientRows(p.ux, p.uy, buf)
		for y, uy := range p.uy {
			row := buf[y*w*3 : (y+1)*w*3]
			for x := done; x < w; x++ {
				ux := p.ux[x]
				var r, g, bl, a float32
				if t, ok := f.RadialT(ux, uy); ok {
					seg, t := f.RampPiece(t)
					r, g, bl, a = seg.At(t)
				}
				d := (*[3]float32)(row[3*x:])
				d[0], d[1], d[2] = r*a, g*a, bl*a
			}
		}
	default:
		// Solid or none: one colour everywhere.
		r, g, bl, a := f.Color(0, 0)
		c := [3]float32{r * a, g * a, bl * a}
		for i := 0; i < len(buf); i += 3 {
			*(*[3]float32)(buf[i:]) = c
		}
	}
}

// symbol composites one glyph OVER the image and writes its mask channel.
// A first pass (oneCovered, or subCovered for a sub-sampled symbol) samples
// the coverage of every pixel of the ink bounds and lists the covered ones; a second blends the foreground over those. Most
// pixels of the bounds have coverage 0, scattered along the strokes, and a
// branch on it per pixel mispredicts; appending to the list does not
// branch.
func (p *painter) symbol(sym *engine.Symbol, ch int, mask []byte, inv float32) {
	g := p.glyphs[sym.Glyph]
	// The Planner's engine.InkBounds, within the image (Batch.Check).
	x0, y0, x1, y1 := int(sym.Box[0]), int(sym.Box[1]), int(sym.Box[2]), int(sym.Box[3])
	if x0 >= x1 || y0 >= y1 {
		return
	}
	fg := paint.NewFill(&sym.Fg)
	if vectorized && sym.Sub <= 1 && fg.Blendable() && p.smallCoverage(sym) {
		p.symbolRows(sym, g, &fg, ch, mask, x0, y0, x1, y1, inv)
		return
	}
	covered := p.covered[:(x1-x0)*(y1-y0)]
	var n int
	if sym.Sub > 1 {
		n = p.subCovered(sym, g, ch, mask, covered, x0, y0, x1, y1)
	} else {
		n = p.oneCovered(sym, g, ch, mask, covered, x0, y0, x1, y1)
	}
	if paint.Premultiplied(sym.Fg.Kind) {
		p.blendPremultiplied(sym, covered[:n], x0, y0, x1, y1, inv)
		return
	}
	p.blendCovered(sym, &fg, covered[:n], inv)
}

// blendCovered is symbol's second pass for a foreground that is not
// premultiplied: fg, sym's, blended over each of the covered pixels.
func (p *painter) blendCovered(sym *engine.Symbol, fg *paint.Fill, covered []coveredPixel, inv float32) {
	w := p.b.Width
	var offs []float32
	if fg.Kind == engine.PatternImage {
		offs = p.offsets(paint.ImageTaps(&sym.Fg))
	}
	for _, c := range covered {
		x, y, cov := int(c.x), int(c.y), min(c.c, 1) // paint.Coverage, as c > 0 or NaN
		ux, uy := p.ux[x], float32((float32(y)+0.5)*inv)
		var r, g, bl, al float32
		if fg.Kind == engine.PatternLinear {
			// fg.Color, inlined for a linear gradient.
			seg, t := fg.RampPiece(fg.LinearT(ux, uy))
			r, g, bl, al = seg.At(t)
		} else if fg.Kind == engine.PatternRadial {
			// fg.Color for a radial gradient, its ramp inlined.
			if t, ok := fg.RadialT(ux, uy); ok {
				seg, u := fg.RampPiece(t)
				r, g, bl, al = seg.At(u)
			}
		} else if fg.Kind == engine.PatternImage {
			r, g, bl = paint.ImageColor(p.b.Pool, &sym.Fg, x, y, inv, offs)
			al = 1
		} else {
			r, g, bl, al = fg.Color(ux, uy)
		}
		f := float32(al * cov)
		d := (*[3]float32)(p.buf[3*(y*w+x):])
		d[0] = float32(r*f) + float32(d[0]*(1-f))
		d[1] = float32(g*f) + float32(d[1]*(1-f))
		d[2] = float32(bl*f) + float32(d[2]*(1-f))
	}
}

// blendPremultiplied is symbol's second pass for a layered or camouflage
// foreground, premultiplied (R, G, B, A): f = A·c, dst = R·c + dst·(1 − f).
// A camouflage is rasterised over the symbol's box first.
func (p *painter) blendPremultiplied(sym *engine.Symbol, covered []coveredPixel, x0, y0, x1, y1 int, inv float32) {
	w := p.b.Width
	var fills []paint.Fill
	var tex []float32
	if sym.Fg.Kind == engine.PatternLayers {
		fills = p.layers(&sym.Fg)
	} else if len(covered) > 0 {
		tex = p.camouflage(&sym.Fg, x0, y0, x1, y1)
	}
	for _, c := range covered {
		x, y, cov := int(c.x), int(c.y), min(c.c, 1) // paint.Coverage, as c > 0 or NaN
		var s [4]float32
		if tex != nil {
			s = *(*[4]float32)(tex[4*((y-y0)*(x1-x0)+x-x0):])
		} else {
			s = paint.LayersColor(fills, p.ux[x], float32((float32(y)+0.5)*inv))
		}
		f := float32(s[3] * cov)
		d := (*[3]float32)(p.buf[3*(y*w+x):])
		d[0] = float32(s[0]*cov) + float32(d[0]*(1-f))
		d[1] = float32(s[1]*cov) + float32(d[1]*(1-f))
		d[2] = float32(s[2]*cov) + float32(d[2]*(1-f))
	}
}

// oneCovered is the first pass of symbol with one sample per pixel, at
// its centre: it writes the mask bytes of the bounds [x0, x1)×[y0, y1) and
// lists the covered pixels in covered, returning how many.
func (p *painter) oneCovered(sym *engine.Symbol, g *atlas.Glyph, ch int, mask []byte, covered []coveredPixel, x0, y0, x1, y1 int) int {
	small := p.smallCoverage(sym)
	if vectorized && small {
		return p.oneCoveredVector(sym, g, ch, mask, covered, x0, y0, x1, y1)
	}
	return p.oneCoveredScalar(sym, g, ch, mask, covered, x0, y0, x1, y1, small)
}

// smallCoverage reports whether sym's coverage needs no clamp below.
// Coverage clamps c = CoverageRamp(…) to [0, 1]. Where |c| is small for
// any distance the atlas holds (every symbol the Planner makes), the
// loops leave c as it is: the mask byte is clamped as an integer and the
// blend, which only sees c > 0, clamps it above. Less work, the same
// bytes; otherwise c is clamped as Coverage does.
func (p *painter) smallCoverage(sym *engine.Symbol) bool {
	return (float64(p.spread)+math.Abs(float64(sym.Bias)))*float64(sym.DistScale) < 1<<20
}

// oneCoveredScalar is oneCovered pixel by pixel; small is oneCovered's.
func (p *painter) oneCoveredScalar(sym *engine.Symbol, g *atlas.Glyph, ch int, mask []byte, covered []coveredPixel, x0, y0, x1, y1 int, small bool) int {
	w, k := p.b.Width, p.b.MaskChannels
	a := &sym.Affine
	sdf, tile, size := p.sdf, g.Tile, p.tile
	bias, distScale := sym.Bias, sym.DistScale
	n := 0
	for y := y0; y < y1; y++ {
		py := float32(y) + 0.5
		for x := x0; x < x1; x++ {
			px := float32(x) + 0.5
			u := float32(a[0]*px) + float32(a[1]*py) + a[2]
			v := float32(a[3]*px) + float32(a[4]*py) + a[5]
			var sd float32
			if paint.Interior(size, u, v) {
				// sdf.SampleInterior, inlined: a call here spills
				// all of the loop's registers.
				tx, fx := paint.TexelCell(u)
				ty, fy := paint.TexelCell(v)
				q := tile[ty*size+tx:][:size+2]
				sd = paint.Bilerp(sdf[q[0]], sdf[q[1]], sdf[q[size]], sdf[q[size+1]], fx, fy)
			} else {
				var in bool
				if sd, in = sdf.SampleEdge(tile, size, u, v); !in {
					continue
				}
			}
			c := paint.CoverageRamp(sd, bias, distScale)
			if !small {
				c = min(max(c, 0), 1) // paint.Coverage
			}
			pix := y*w + x
			// The mask byte uint8(cov·255 + ½) of cov = clamp(c, 0, 1):
			// with c small, clamping the integer gives the same byte.
			// Coverage 0 writes the 0 the mask was cleared to.
			mask[pix*k+ch] = uint8(min(max(int32(float32(c*255)+0.5), 0), 255))
			// Always written, kept (n advances) where cov ≠ 0, NaN
			// included.
			covered[n] = coveredPixel{x: int32(x), y: int32(y), c: c}
			if !(c <= 0) {
				n++
			}
		}
	}
	return n
}

// subCovered is the first pass of symbol for a sub-sampled symbol
// (Sub > 1): paint.SubCoverage at every pixel of the bounds, which is
// clamped, so the list holds coverage in (0, 1] (or NaN). Minified symbols
// cover few pixels; this path is plain rather than fast.
func (p *painter) subCovered(sym *engine.Symbol, g *atlas.Glyph, ch int, mask []byte, covered []coveredPixel, x0, y0, x1, y1 int) int {
	w, k := p.b.Width, p.b.MaskChannels
	ns := int(min(sym.Sub, engine.MaxSub))
	offs := p.offsets(ns)
	slope := sym.DistScale * float32(ns)
	n := 0
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			c := p.sdf.SubCoverage(g.Tile, p.tile, &sym.Affine, x, y, offs, sym.Bias, slope)
			if c <= 0 {
				continue
			}
			pix := y*w + x
			mask[pix*k+ch] = uint8(min(max(int32(float32(c*255)+0.5), 0), 255))
			covered[n] = coveredPixel{x: int32(x), y: int32(y), c: c}
			n++
		}
	}
	return n
}

// coveredPixel is a pixel a symbol paints: c is its CoverageRamp, > 0
// (or NaN), possibly above 1.
type coveredPixel struct {
	x, y int32
	c    float32
}

// post applies the original's image-wide post-processing in order: grey,
// inverse, max-contrast, noise, clip, quantise (docs/painting.md). Inverse
// and max-contrast are folded into one pass: the extremes of 1 − v are
// 1 − max and 1 − min exactly (float subtraction from 1 is monotone), so
// the per-value work is one fused loop. The shaders do the
// same operations in the same order.
func (p *painter) post(im *engine.Image, x []byte) {
	nc := p.b.Channels
	n := p.b.Width * p.b.Height
	buf := p.buf
	vals := buf[:n*3]
	if im.Flags&engine.FlagGray != 0 || nc == 1 {
		for i := range n {
			buf[i] = (buf[3*i] + buf[3*i+1] + buf[3*i+2]) / 3
		}
		vals = buf[:n]
	}
	if nc == 3 && len(vals) == n {
		// Grey image stored as RGB: replicate.
		for i := n - 1; i >= 0; i-- {
			v := buf[i]
			buf[3*i], buf[3*i+1], buf[3*i+2] = v, v, v
		}
		vals = buf[:n*3]
	}
	inverse := im.Flags&engine.FlagInverse != 0
	var lo, scale float32 = 0, 1
	stretch, bounded := false, false
	if im.Flags&engine.FlagMaxContrast != 0 {
		l, h, plain := minMax(vals)
		if inverse {
			l, h = 1-h, 1-l
		}
		if h > l {
			lo, scale, stretch = l, 1/(h-l), true
			// With no NaN and finite extremes, every value is
			// stretched into [0, 1 + 2⁻²³] (rounding is monotone, and
			// the largest gives (h − l)·(1/(h − l))), so with noise of
			// at most 4σ quantize's range check cannot fail.
			bounded = plain && h-l < math.MaxFloat32 && scale < math.MaxFloat32
		}
	}
	sigma := im.NoiseScale
	key := rng.Key(im.NoiseSeed)
	x = x[:len(vals)]
	// Branch-free inverse and stretch: 1 − v is 1 + (−1)·v exactly, and
	// without them a + s·v = 0 + 1·v and (v − 0)·1 give v back (a −0 may
	// become +0, which nothing downstream can tell from it).
	var a, sv float32 = 0, 1
	if inverse {
		a, sv = 1, -1
	}
	// The noise index's folded key (noiseIndex), for images of at most
	// 2¹⁶ values.
	k := foldKey(key)
	start := 0
	if vectorized && len(vals) <= 1<<16 {
		// Eight values at a time; the loops below do the rest.
		if len(p.scratch) < len(vals) {
			p.scratch = make([]uint32, len(vals))
		}
		start = postVector(vals, x, a, sv, lo, scale, sigma, k, p.scratch)
	}
	if sigma == 0 || len(vals) > 1<<16 {
		for i := start; i < len(vals); i++ {
			v := vals[i]
			if inverse {
				v = 1 - v
			}
			if stretch {
				v = (v - lo) * scale
			}
			if sigma != 0 {
				v += float32(sigma * paint.NoiseKeyed(key, uint32(i)))
			}
			x[i] = quantize(v)
		}
		return
	}
	// The same loop with paint.NoiseKeyed folded (noiseIndex), for the
	// usual image of at most 2¹⁶ values.
	noise := (*[1 << paint.NoiseBits]float32)(paint.NoiseTable)
	if bounded && sigma >= -1<<16 && sigma <= 1<<16 {
		// 255·(1 + 2⁻²³ + 4·2¹⁶) < 2³⁰.
		for i := start; i < len(vals); i++ {
			v := float32((a + float32(sv*vals[i]) - lo) * scale)
			v += float32(sigma * noise[noiseIndex(k, uint32(i))])
			x[i] = quantizeSmall(v)
		}
		return
	}
	for i := start; i < len(vals); i++ {
		v := float32((a + float32(sv*vals[i]) - lo) * scale)
		v += float32(sigma * noise[noiseIndex(k, uint32(i))])
		x[i] = quantize(v)
	}
}

// minMax returns the least and the greatest of vals, ignoring NaNs unless
// vals[0] is one (then both are NaN).
//
// Painted values are non-negative: those order as their bit patterns do
// as integers, whose min and max compile to conditional moves, where float
// compares are branches (the builtins' float min and max handle NaN and
// signed zeros with more work still). Four independent lanes quarter the
// chains (3.0 µs a 32×32 image with two, 2.3–2.7 with four); the vector
// build scans eight at a time (minMaxBits). A value with the sign bit set,
// or a NaN, puts the integer extremes outside [0, bits(+Inf)]: then the
// floats are scanned instead.
// plain reports the first case: no value is negative, −0 or NaN.
func minMax(vals []float32) (lo, hi float32, plain bool) {
	bits := unsafe.Slice((*int32)(unsafe.Pointer(&vals[0])), len(vals))
	if vectorized && len(bits) >= 8 {
		l, h := minMaxBits(bits)
		return minMaxOf(vals, l, h)
	}
	l0, h0 := bits[0], bits[0]
	l1, h1, l2, h2, l3, h3 := l0, h0, l0, h0, l0, h0
	for len(bits) >= 4 {
		a, b, c, d := bits[0], bits[1], bits[2], bits[3]
		l0, h0 = min(l0, a), max(h0, a)
		l1, h1 = min(l1, b), max(h1, b)
		l2, h2 = min(l2, c), max(h2, c)
		l3, h3 = min(l3, d), max(h3, d)
		bits = bits[4:]
	}
	for _, a := range bits {
		l0, h0 = min(l0, a), max(h0, a)
	}
	return minMaxOf(vals, min(l0, l1, l2, l3), max(h0, h1, h2, h3))
}

// minMaxOf is minMax given the integer extremes l and h of vals' bits.
func minMaxOf(vals []float32, l, h int32) (lo, hi float32, plain bool) {
	if l >= 0 && h <= 0x7f800000 {
		return math.Float32frombits(uint32(l)), math.Float32frombits(uint32(h)), true
	}
	lo, hi = vals[0], vals[0]
	for _, v := range vals[1:] {
		if v < lo {
			lo = v
		}
		if v > hi {
			hi = v
		}
	}
	return lo, hi, false
}

// foldKey and noiseIndex compute the table index of paint.NoiseKeyed,
// rng.HashKeyed(key, i) >> (32 − NoiseBits), in fewer steps for i < 2¹⁶:
// the hash (lowbias32 of i ^ key) starts with x ^= x >> 16, where the high
// half of i ^ key is the key's own, so that step is folded into the key
// once per image; and it ends with x ^= x >> 16, which leaves the top 16
// bits, and so the index, unchanged. TestNoiseIndex checks the identity.
func foldKey(key uint32) uint32 { return key ^ key>>16 }

func noiseIndex(k, i uint32) uint32 {
	x := (i ^ k) * 0x7feb352d
	x ^= x >> 15
	x *= 0x846ca68b
	return x >> (32 - paint.NoiseBits)
}

// quantizeSmall is quantize for |255·v| < 2³⁰: int32(255·v) truncates,
// and the clamps compile to conditional moves.
func quantizeSmall(v float32) uint8 {
	return uint8(min(max(int32(v*255), 0), 255))
}

// quantize clips v to [0, 1] and stores ⌊255·v⌋: truncating 255·v first
// and clamping the integer gives the same byte (negative and NaN give 0,
// anything at or above 1 gives 255) without the mispredicted float
// compares of a clip on noisy values near 0 and 1. Only |255·v| ≥ 2³⁰, or
// NaN (rare), branches away, found by one integer compare on the bits.
func quantize(v float32) uint8 {
	f := v * 255
	if math.Float32bits(f)&0x7fffffff < 0x4e800000 {
		return quantizeSmall(v)
	}
	if f > 0 {
		return 255
	}
	return 0
}
