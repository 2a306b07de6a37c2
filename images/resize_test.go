package images

import (
	"image"
	"image/color"
	"math/rand/v2"
	"testing"
)

// TestRowReaderMatchesAt: every fast path gives At(x, y).RGBA() >> 8, so
// the type a decoder returns never changes the pool.
func TestRowReaderMatchesAt(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	r := image.Rect(3, 5, 3+17, 5+9) // a non-zero origin
	fill := func(pix []uint8) {
		for i := range pix {
			pix[i] = uint8(rng.UintN(256))
		}
	}
	rgba, nrgba, gry := image.NewRGBA(r), image.NewNRGBA(r), image.NewGray(r)
	cmyk, g16, n64 := image.NewCMYK(r), image.NewGray16(r), image.NewNRGBA64(r)
	for _, p := range [][]uint8{rgba.Pix, nrgba.Pix, gry.Pix, cmyk.Pix, g16.Pix, n64.Pix} {
		fill(p)
	}
	for i := 0; i < len(rgba.Pix); i += 4 { // valid premultiplied
		a := rgba.Pix[i+3]
		for c := range 3 {
			rgba.Pix[i+c] = min(rgba.Pix[i+c], a)
		}
	}
	pal := image.NewPaletted(r, color.Palette{color.RGBA{1, 2, 3, 255}, color.NRGBA{200, 100, 50, 77}, color.Gray{9}})
	for i := range pal.Pix {
		pal.Pix[i] = uint8(rng.UintN(3))
	}
	var ycc []image.Image
	for _, s := range []image.YCbCrSubsampleRatio{image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio420, image.YCbCrSubsampleRatio422} {
		m := image.NewYCbCr(r, s)
		fill(m.Y)
		fill(m.Cb)
		fill(m.Cr)
		ycc = append(ycc, m)
	}
	// A type of no known kind: the generic At path.
	type plain struct{ image.Image }
	for _, img := range append([]image.Image{rgba, nrgba, gry, cmyk, g16, n64, pal, plain{nrgba}}, ycc...) {
		row := rowReader(img)
		b := img.Bounds()
		line := make([]byte, 3*b.Dx())
		for y := b.Min.Y; y < b.Max.Y; y++ {
			row(y, line)
			for x := b.Min.X; x < b.Max.X; x++ {
				cr, cg, cb, _ := img.At(x, y).RGBA()
				want := [3]byte{byte(cr >> 8), byte(cg >> 8), byte(cb >> 8)}
				i := 3 * (x - b.Min.X)
				if got := [3]byte(line[i : i+3]); got != want {
					t.Fatalf("%T (%d, %d): %v, At gives %v", img, x, y, got, want)
				}
			}
		}
	}
}

// TestAreaFilterReference compares toRGB with a direct computation of
// each output pixel's mean over the source area it covers.
func TestAreaFilterReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 60 {
		w, h := 1+rng.IntN(70), 1+rng.IntN(70)
		maxSide := 1 + rng.IntN(40)
		m := image.NewRGBA(image.Rect(0, 0, w, h))
		for i := range m.Pix {
			m.Pix[i] = uint8(rng.UintN(256))
			if i%4 == 3 {
				m.Pix[i] = 255
			}
		}
		nw, nh, pix := toRGB(m, maxSide)
		if max(w, h) <= maxSide && (nw != w || nh != h) {
			t.Fatalf("%d×%d max %d → %d×%d: resized though it fits", w, h, maxSide, nw, nh)
		}
		if max(w, h) > maxSide && max(nw, nh) != maxSide {
			t.Fatalf("%d×%d max %d → %d×%d: longest side not %d", w, h, maxSide, nw, nh, maxSide)
		}
		// The short side is the nearest to the aspect (at least 1 px).
		if long, short, nlong, nshort := max(w, h), min(w, h), max(nw, nh), min(nw, nh); nshort > 1 &&
			abs(2*nshort*long-2*short*nlong) > long {
			t.Fatalf("%d×%d → %d×%d: aspect not kept", w, h, nw, nh)
		}
		// overlap of [a0, a1) and [b0, b1)
		ov := func(a0, a1, b0, b1 int) int { return max(0, min(a1, b1)-max(a0, b0)) }
		for oy := range nh {
			for ox := range nw {
				var sum [3]int
				for y := range h {
					wy := ov(y*nh, (y+1)*nh, oy*h, (oy+1)*h)
					for x := range w {
						wx := ov(x*nw, (x+1)*nw, ox*w, (ox+1)*w)
						for c := range 3 {
							sum[c] += int(m.Pix[m.PixOffset(x, y)+c]) * wx * wy
						}
					}
				}
				d := w * h
				want := uint32(0)
				for c := range 3 {
					want |= uint32((sum[c]+d/2)/d) << (8 * c)
				}
				if got := pix[oy*nw+ox]; got != want {
					t.Fatalf("%d×%d → %d×%d at (%d, %d): %#x, want %#x", w, h, nw, nh, ox, oy, got, want)
				}
			}
		}
	}
}

func abs(v int) int { return max(v, -v) }
