package output

import (
	"bytes"
	"image"
	"image/png"
	"math/rand/v2"
	"testing"
)

// TestEncodePNG: encodePNG's images decode with image/png (which checks
// every chunk's CRC) to the pixels given, grey and RGB, with rows equal to
// the one above (filtered Up) and others (Sub).
func TestEncodePNG(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, c := range []int{1, 3} {
		const w, h = 7, 9
		pix := make([]byte, w*h*c)
		for y := range h {
			row := pix[y*w*c : (y+1)*w*c]
			if y%3 == 2 {
				copy(row, pix[(y-1)*w*c:y*w*c]) // a repeated row
				continue
			}
			for i := range row {
				row[i] = byte(r.Uint32())
			}
		}
		data, err := encodePNG(pix, h, w, c)
		must(t, err)
		img, err := png.Decode(bytes.NewReader(data))
		must(t, err)
		if img.Bounds() != image.Rect(0, 0, w, h) {
			t.Fatalf("c=%d: bounds %v", c, img.Bounds())
		}
		for y := range h {
			for x := range w {
				rr, g, b, a := img.At(x, y).RGBA()
				got := [3]byte{byte(rr >> 8), byte(g >> 8), byte(b >> 8)}
				s := pix[(y*w+x)*c:]
				want := [3]byte{s[0], s[min(1, c-1)], s[min(2, c-1)]}
				if got != want || a != 0xffff {
					t.Fatalf("c=%d: pixel (%d,%d) = %v a=%d, want %v", c, x, y, got, a, want)
				}
			}
		}
	}
}
