package images

import "image"

// outSize is the size an w×h image is stored at: its longest side at most
// maxSide, the aspect kept to the nearest pixel, never upscaled. Integer
// arithmetic, so every platform agrees.
func outSize(w, h, maxSide int) (int, int) {
	if w <= maxSide && h <= maxSide {
		return w, h
	}
	long, short := int64(w), int64(h)
	if h > w {
		long, short = short, long
	}
	s := max(1, int((2*short*int64(maxSide)+long)/(2*long))) // rounded
	if w >= h {
		return maxSide, s
	}
	return s, maxSide
}

// toRGB converts img to pool words (R | G<<8 | B<<16, premultiplied, so
// composited over black), downscaled to outSize with an exact area
// filter: each output pixel is the mean of the source area it covers,
// partly covered source pixels weighted by the part. All weights are
// integers (in units of 1/nw and 1/nh of a source pixel), so the result
// is exact and identical on every platform, which the digest needs;
// float arithmetic could be fused differently by the compiler.
func toRGB(img image.Image, maxSide int) (int, int, []uint32) {
	b := img.Bounds()
	sw, sh := b.Dx(), b.Dy()
	nw, nh := outSize(sw, sh, maxSide)
	out := make([]uint32, nw*nh)
	row := rowReader(img)
	line := make([]byte, 3*sw)

	if nw == sw && nh == sh {
		for y := range sh {
			row(b.Min.Y+y, line)
			o := out[y*nw : (y+1)*nw]
			for x := range o {
				o[x] = uint32(line[3*x]) | uint32(line[3*x+1])<<8 | uint32(line[3*x+2])<<16
			}
		}
		return nw, nh, out
	}

	// Horizontally, source pixel x spans [x·nw, (x+1)·nw) and output
	// pixel o spans [o·sw, (o+1)·sw) in the same units; since nw ≤ sw a
	// source pixel meets at most two output pixels. Likewise vertically.
	xs := spans(sw, nw)
	ys := spans(sh, nh)
	hrow := make([]uint64, 3*nw)
	// Two accumulated output rows are live at once: the one a source row
	// ends in and the next, which it may straddle into.
	acc := [2][]uint64{make([]uint64, 3*nw), make([]uint64, 3*nw)}
	div := uint64(sw) * uint64(sh) // total weight of one output pixel
	for y := range sh {
		row(b.Min.Y+y, line)
		clear(hrow)
		for x, s := range xs {
			r, g, bl := uint64(line[3*x]), uint64(line[3*x+1]), uint64(line[3*x+2])
			i := 3 * s.o
			hrow[i] += r * s.w0
			hrow[i+1] += g * s.w0
			hrow[i+2] += bl * s.w0
			if s.w1 != 0 {
				hrow[i+3] += r * s.w1
				hrow[i+4] += g * s.w1
				hrow[i+5] += bl * s.w1
			}
		}
		s := ys[y]
		a := acc[s.o%2]
		for i, v := range hrow {
			a[i] += v * s.w0
		}
		if s.w1 != 0 {
			a1 := acc[(s.o+1)%2]
			for i, v := range hrow {
				a1[i] += v * s.w1
			}
		}
		// Output row s.o is complete once this source row reaches its
		// end: it straddles into the next, or ends exactly at its end.
		if s.w1 != 0 || (int64(y)+1)*int64(nh) == (int64(s.o)+1)*int64(sh) {
			o := out[s.o*nw : (s.o+1)*nw]
			for x := range o {
				r := (a[3*x] + div/2) / div
				g := (a[3*x+1] + div/2) / div
				bl := (a[3*x+2] + div/2) / div
				o[x] = uint32(r) | uint32(g)<<8 | uint32(bl)<<16
			}
			clear(a)
		}
	}
	return nw, nh, out
}

// span is where one source pixel goes: weight w0 to output pixel o and
// w1 to o+1.
type span struct {
	o      int
	w0, w1 uint64
}

// spans maps n source pixels onto m ≤ n output pixels (see toRGB).
func spans(n, m int) []span {
	s := make([]span, n)
	for x := range n {
		lo, hi := int64(x)*int64(m), int64(x+1)*int64(m)
		o := lo / int64(n)
		end := (o + 1) * int64(n) // end of output pixel o
		if hi <= end {
			s[x] = span{o: int(o), w0: uint64(m)}
		} else {
			s[x] = span{o: int(o), w0: uint64(end - lo), w1: uint64(hi - end)}
		}
	}
	return s
}

// rowReader returns a function writing row y of img as R, G, B bytes: the
// premultiplied colour's top 8 bits, exactly what At(x, y).RGBA() >> 8
// gives, by faster paths for the types the decoders return.
func rowReader(img image.Image) func(y int, dst []byte) {
	b := img.Bounds()
	switch m := img.(type) {
	case *image.RGBA: // premultiplied 8-bit already
		return func(y int, dst []byte) {
			p := m.Pix[m.PixOffset(b.Min.X, y):]
			for x := range b.Dx() {
				copy(dst[3*x:3*x+3], p[4*x:4*x+3])
			}
		}
	case *image.Gray:
		return func(y int, dst []byte) {
			p := m.Pix[m.PixOffset(b.Min.X, y):]
			for x := range b.Dx() {
				v := p[x]
				dst[3*x], dst[3*x+1], dst[3*x+2] = v, v, v
			}
		}
	case *image.Paletted:
		// Every index, also those past the palette (black, where At
		// would panic; the decoders reject them anyway).
		var lut [256][3]byte
		for i, c := range m.Palette {
			if i == len(lut) {
				break
			}
			r, g, bl, _ := c.RGBA()
			lut[i] = [3]byte{byte(r >> 8), byte(g >> 8), byte(bl >> 8)}
		}
		return func(y int, dst []byte) {
			p := m.Pix[m.PixOffset(b.Min.X, y):]
			for x := range b.Dx() {
				c := lut[p[x]]
				dst[3*x], dst[3*x+1], dst[3*x+2] = c[0], c[1], c[2]
			}
		}
	case *image.YCbCr: // JPEG's usual
		return func(y int, dst []byte) {
			for x := range b.Dx() {
				r, g, bl, _ := m.YCbCrAt(b.Min.X+x, y).RGBA()
				dst[3*x], dst[3*x+1], dst[3*x+2] = byte(r>>8), byte(g>>8), byte(bl>>8)
			}
		}
	case image.RGBA64Image: // every other standard type, without allocating
		return func(y int, dst []byte) {
			for x := range b.Dx() {
				c := m.RGBA64At(b.Min.X+x, y)
				dst[3*x], dst[3*x+1], dst[3*x+2] = byte(c.R>>8), byte(c.G>>8), byte(c.B>>8)
			}
		}
	}
	return func(y int, dst []byte) {
		for x := range b.Dx() {
			r, g, bl, _ := img.At(b.Min.X+x, y).RGBA()
			dst[3*x], dst[3*x+1], dst[3*x+2] = byte(r>>8), byte(g>>8), byte(bl>>8)
		}
	}
}
