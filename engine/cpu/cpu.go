// Package cpu is the pure-Go painting backend: the reference for what every
// backend paints, and the fallback where no GPU is found.
package cpu

import (
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/synbols-gpu/synbols-gpu/atlas"
	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/internal/rng"
)

// Backend paints on the host's cores. Each image is painted by exactly one
// goroutine with float32 arithmetic in a fixed order, so the bytes do not
// depend on the number of workers.
//
// Paint may be called from one goroutine at a time; it spreads each batch
// over Workers goroutines itself.
type Backend struct {
	workers int
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

// Device implements engine.Backend.
func (c *Backend) Device() string {
	return fmt.Sprintf("Go %s/%s, %d workers", runtime.GOOS, runtime.GOARCH, c.workers)
}

// Close implements engine.Backend.
func (*Backend) Close() error { return nil }

// Paint implements engine.Backend.
func (c *Backend) Paint(b *engine.Batch, out engine.Output) error {
	if err := b.Check(out); err != nil {
		return err
	}
	n := len(b.Images)
	if n == 0 {
		return nil
	}
	glyphs := b.Atlas.Glyphs()
	params := b.Atlas.Params()
	workers := min(c.workers, n)
	// Contiguous image ranges per worker: cache friendly, no shared writes.
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := n*w/workers, n*(w+1)/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := painter{b: b, glyphs: glyphs, tile: params.TileSize, spread: params.Spread}
			p.buf = make([]float32, b.Width*b.Height*3)
			for i := lo; i < hi; i++ {
				p.image(i, out)
			}
		}()
	}
	wg.Wait()
	return nil
}

// painter holds one goroutine's scratch state.
type painter struct {
	b      *engine.Batch
	glyphs []*atlas.Glyph
	tile   int
	spread float32
	buf    []float32 // premultiplied RGB of the image being painted
}

// PaintImage paints image i of b into out on the calling goroutine, the
// reference path used by other backends' parity tests.
func PaintImage(b *engine.Batch, i int, out engine.Output) {
	params := b.Atlas.Params()
	p := painter{b: b, glyphs: b.Atlas.Glyphs(), tile: params.TileSize, spread: params.Spread}
	p.buf = make([]float32, b.Width*b.Height*3)
	p.image(i, out)
}

func (p *painter) image(i int, out engine.Output) {
	b := p.b
	im := &b.Images[i]
	w, h, nc, k := b.Width, b.Height, b.Channels, b.MaskChannels
	inv := 1 / float32(min(w, h))
	buf := p.buf

	// Background over transparent black.
	for y := range h {
		uy := (float32(y) + 0.5) * inv
		row := buf[y*w*3 : (y+1)*w*3]
		for x := range w {
			r, g, bl, a := engine.PatternColor(&im.Bg, (float32(x)+0.5)*inv, uy)
			row[3*x], row[3*x+1], row[3*x+2] = r*a, g*a, bl*a
		}
	}

	mask := out.Mask[i*w*h*k : (i+1)*w*h*k]
	clear(mask)
	for s := range int(im.NumSymbols) {
		p.symbol(&b.Symbols[int(im.FirstSymbol)+s], s, mask, inv)
	}
	p.post(im, out.X[i*w*h*nc:(i+1)*w*h*nc])
}

// symbol composites one glyph OVER the image and writes its mask channel.
func (p *painter) symbol(sym *engine.Symbol, ch int, mask []byte, inv float32) {
	b := p.b
	w, h, k := b.Width, b.Height, b.MaskChannels
	g := p.glyphs[sym.Glyph]
	x0, y0, x1, y1, ok := inkBounds(sym, g, p.tile, w, h)
	if !ok {
		return
	}
	a := &sym.Affine
	for y := y0; y < y1; y++ {
		py := float32(y) + 0.5
		uy := py * inv
		for x := x0; x < x1; x++ {
			px := float32(x) + 0.5
			u := a[0]*px + a[1]*py + a[2]
			v := a[3]*px + a[4]*py + a[5]
			sd, in := engine.SampleSDF(g.Tile, p.tile, p.spread, u, v)
			if !in {
				continue
			}
			cov := engine.Coverage(sd, sym.Bias, sym.DistScale)
			if cov == 0 {
				continue
			}
			pix := y*w + x
			mask[pix*k+ch] = uint8(cov*255 + 0.5)
			r, g, bl, al := engine.PatternColor(&sym.Fg, px*inv, uy)
			f := al * cov
			d := p.buf[3*pix : 3*pix+3]
			d[0] = r*f + d[0]*(1-f)
			d[1] = g*f + d[1]*(1-f)
			d[2] = bl*f + d[2]*(1-f)
		}
	}
}

// inkBounds returns the pixel rectangle [x0, x1)×[y0, y1) where the symbol
// can have coverage: the glyph's ink box in texels, grown by the distance at
// which coverage reaches zero (half a pixel, plus the bold bias, plus a
// texel for bilinear reach), clipped to the tile, mapped back through the
// inverse affine. Pixels outside it would sample coverage 0 anyway; skipping
// them is only faster.
func inkBounds(sym *engine.Symbol, g *atlas.Glyph, size, w, h int) (x0, y0, x1, y1 int, ok bool) {
	a := sym.Affine
	det := float64(a[0])*float64(a[4]) - float64(a[1])*float64(a[3])
	if det == 0 || math.IsNaN(det) || sym.DistScale <= 0 {
		return 0, 0, 0, 0, false
	}
	k := float64(g.TexelsPerEm)
	m := 0.5/float64(sym.DistScale) + math.Max(float64(sym.Bias), 0) + 1
	s := float64(size)
	u0 := math.Max((float64(g.Ink[0])-float64(g.Origin[0]))*k-m, 0)
	v0 := math.Max((float64(g.Ink[1])-float64(g.Origin[1]))*k-m, 0)
	u1 := math.Min((float64(g.Ink[2])-float64(g.Origin[0]))*k+m, s)
	v1 := math.Min((float64(g.Ink[3])-float64(g.Origin[1]))*k+m, s)
	minX, minY := math.Inf(1), math.Inf(1)
	maxX, maxY := math.Inf(-1), math.Inf(-1)
	for _, c := range [4][2]float64{{u0, v0}, {u1, v0}, {u0, v1}, {u1, v1}} {
		du, dv := c[0]-float64(a[2]), c[1]-float64(a[5])
		x := (float64(a[4])*du - float64(a[1])*dv) / det
		y := (-float64(a[3])*du + float64(a[0])*dv) / det
		minX, maxX = math.Min(minX, x), math.Max(maxX, x)
		minY, maxY = math.Min(minY, y), math.Max(maxY, y)
	}
	// Pixel centres x + ½ within [minX, maxX], with a pixel of margin
	// against float32 rounding of the affine.
	x0 = max(int(math.Floor(minX))-1, 0)
	y0 = max(int(math.Floor(minY))-1, 0)
	x1 = min(int(math.Ceil(maxX))+1, w)
	y1 = min(int(math.Ceil(maxY))+1, h)
	return x0, y0, x1, y1, x0 < x1 && y0 < y1
}

// post applies SPEC §1.3 in order: grey, inverse, max-contrast, noise,
// clip, quantise. Inverse and max-contrast are folded into one pass: the
// extremes of 1 − v are 1 − max and 1 − min exactly (float subtraction from
// 1 is monotone), so the per-value work is one fused loop. The shaders do the
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
	stretch := false
	if im.Flags&engine.FlagMaxContrast != 0 {
		l, h := vals[0], vals[0]
		// Plain comparisons: the min/max builtins handle NaN and signed
		// zeros with branches that cost more than the rest of post.
		for _, v := range vals[1:] {
			if v < l {
				l = v
			}
			if v > h {
				h = v
			}
		}
		if inverse {
			l, h = 1-h, 1-l
		}
		if h > l {
			lo, scale, stretch = l, 1/(h-l), true
		}
	}
	sigma := im.NoiseScale
	key := rng.Key(im.NoiseSeed)
	for i, v := range vals {
		if inverse {
			v = 1 - v
		}
		if stretch {
			v = (v - lo) * scale
		}
		if sigma != 0 {
			v += sigma * engine.NoiseKeyed(key, uint32(i))
		}
		x[i] = quantize(v)
	}
}

// quantize clips v to [0, 1] and stores ⌊255·v⌋, branch-free: truncating
// 255·v first and clamping the integer gives the same byte (negative and NaN
// give 0, anything at or above 1 gives 255) without the mispredicted float
// compares of a clip on noisy values near 0 and 1.
func quantize(v float32) uint8 {
	f := v * 255
	if !(f < 1<<30 && f > -(1<<30)) { // outside int32 (and NaN): rare
		if f > 0 {
			return 255
		}
		return 0
	}
	q := int32(f)
	q &^= q >> 31        // negative → 0
	q |= (255 - q) >> 31 // above 255 → all ones
	return uint8(q)
}
