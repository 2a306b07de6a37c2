package cpu

import (
	"bytes"
	"math"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/engine/internal/paint"
	"github.com/synbols-gpu/synbols-gpu/internal/rng"
	"github.com/synbols-gpu/synbols-gpu/scene"
)

// refPaintImage is the painter written plainly, pixel by pixel, with no
// shortcuts: the per-pixel formulas of package engine in the order of
// docs/painting.md, over each symbol's inkBounds.
func refPaintImage(b *engine.Batch, i int, out engine.Output) {
	im := &b.Images[i]
	w, h, nc, k := b.Width, b.Height, b.Channels, b.MaskChannels
	params := b.Atlas.Params()
	glyphs := b.Atlas.Glyphs()
	inv := 1 / float32(min(w, h))
	buf := make([]float32, w*h*3)
	for y := range h {
		for x := range w {
			r, g, bl, a := paint.PatternColor(&im.Bg, (float32(x)+0.5)*inv, (float32(y)+0.5)*inv)
			buf[3*(y*w+x)], buf[3*(y*w+x)+1], buf[3*(y*w+x)+2] = r*a, g*a, bl*a
		}
	}
	mask := out.Mask[i*w*h*k : (i+1)*w*h*k]
	clear(mask)
	for s := range int(im.NumSymbols) {
		sym := &b.Symbols[int(im.FirstSymbol)+s]
		gl := glyphs[sym.Glyph]
		a := &sym.Affine
		x0, y0, x1, y1, ok := engine.InkBounds(sym, gl, params.TileSize, w, h)
		if !ok {
			continue
		}
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				px, py := float32(x)+0.5, float32(y)+0.5
				var cov float32
				if ns := int(sym.Sub); ns > 1 {
					cov = paint.NewSDFTable(params.Spread).SubCoverage(gl.Tile, params.TileSize, a, x, y,
						paint.SubOffsets(ns), sym.Bias, sym.DistScale*float32(ns))
				} else {
					u := float32(a[0]*px) + float32(a[1]*py) + a[2]
					v := float32(a[3]*px) + float32(a[4]*py) + a[5]
					sd, in := paint.SampleSDF(gl.Tile, params.TileSize, params.Spread, u, v)
					if !in {
						continue
					}
					cov = paint.Coverage(sd, sym.Bias, sym.DistScale)
				}
				if cov == 0 {
					continue
				}
				pix := y*w + x
				mask[pix*k+s] = uint8(float32(cov*255) + 0.5)
				r, g, bl, al := paint.PatternColor(&sym.Fg, px*inv, py*inv)
				f := float32(al * cov)
				d := buf[3*pix : 3*pix+3]
				d[0] = float32(r*f) + float32(d[0]*(1-f))
				d[1] = float32(g*f) + float32(d[1]*(1-f))
				d[2] = float32(bl*f) + float32(d[2]*(1-f))
			}
		}
	}
	n := w * h
	vals := buf
	if im.Flags&engine.FlagGray != 0 || nc == 1 {
		grey := make([]float32, n)
		for i := range grey {
			grey[i] = (buf[3*i] + buf[3*i+1] + buf[3*i+2]) / 3
		}
		vals = grey
		if nc == 3 {
			vals = make([]float32, 3*n)
			for i, v := range grey {
				vals[3*i], vals[3*i+1], vals[3*i+2] = v, v, v
			}
		}
	}
	inverse := im.Flags&engine.FlagInverse != 0
	if inverse {
		for i, v := range vals {
			vals[i] = 1 - v
		}
	}
	if im.Flags&engine.FlagMaxContrast != 0 {
		l, h := vals[0], vals[0]
		for _, v := range vals {
			if v < l {
				l = v
			}
			if v > h {
				h = v
			}
		}
		if h > l {
			for i, v := range vals {
				vals[i] = (v - l) * (1 / (h - l))
			}
		}
	}
	x := out.X[i*n*nc : (i+1)*n*nc]
	for i, v := range vals {
		if im.NoiseScale != 0 {
			v += float32(im.NoiseScale * paint.Noise(im.NoiseSeed, uint32(i)))
		}
		f := v * 255
		switch {
		case f >= 255:
			x[i] = 255
		case f > 0:
			x[i] = uint8(f)
		default: // also NaN
			x[i] = 0
		}
	}
}

// TestMatchesReference: the painter gives refPaintImage's bytes exactly,
// for default-like images and for ones that take its rarer paths: grey,
// no max contrast, no or huge noise, solid and empty fills, several
// symbols, coverage ramps too steep for its integer clamp, negative
// colours, a NaN bias, grey images stored as RGB.
func TestMatchesReference(t *testing.T) {
	_, _, fams := env(t)
	r := rng.New(16, 0)
	for v := range 9 {
		var ss []scene.Sample
		for range 40 {
			s := randomSample(&r, fams, []int{32, 16, 24}[v%3], 0.9)
			switch v {
			case 1:
				s.Gray, s.Inverse = true, true
			case 2:
				s.MaxContrast, s.NoiseScale = false, 0
			case 3:
				s.NoiseScale = 1e7
				s.Background = scene.Pattern{Style: scene.SolidColor, Color: [3]float64{0.2, 0.5, 0.9}}
			case 4:
				s.Background = scene.Pattern{Style: scene.NoPattern}
				s.Symbols = append(s.Symbols, randomSample(&r, fams, s.Width, 0.9).Symbols[0])
				s.Symbols[1].Foreground = scene.Pattern{Style: scene.SolidColor, Color: [3]float64{1, 0, 0}}
			}
			ss = append(ss, s)
		}
		b, _ := paintSamples(t, 1, ss...)
		if v == 8 { // grey images stored as RGB
			for i := range b.Images {
				b.Images[i].Flags |= engine.FlagGray
			}
		}
		for i := range b.Symbols {
			switch v {
			case 5:
				b.Symbols[i].DistScale *= 1e7 // beyond the integer clamp: c is clamped as floats
			case 6:
				b.Symbols[i].Fg.Stops[1][0] = -0.7 // negative values: minMax scans floats
			case 7:
				b.Symbols[i].Bias = float32(math.NaN())
			}
		}
		// The boxes the Planner would give the changed records (none for a
		// NaN bias), which the painter reads.
		rebox(b)
		n := len(b.Images)
		got := engine.Output{X: make([]byte, n*b.Width*b.Height*b.Channels), Mask: make([]byte, n*b.Width*b.Height*b.MaskChannels)}
		want := engine.Output{X: make([]byte, len(got.X)), Mask: make([]byte, len(got.Mask))}
		if err := New(2).Paint(b, got); err != nil {
			t.Fatal(err)
		}
		for i := range n {
			refPaintImage(b, i, want)
		}
		if !bytes.Equal(got.X, want.X) || !bytes.Equal(got.Mask, want.Mask) {
			t.Errorf("variant %d: painted bytes differ from the reference", v)
		}
	}
}
