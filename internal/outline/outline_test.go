package outline

import (
	"bytes"
	"image"
	"image/draw"
	"testing"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

func pt(x, y float64) fixed.Point26_6 {
	return fixed.Point26_6{X: fixed.Int26_6(x * 64), Y: fixed.Int26_6(y * 64)}
}

func seg(op sfnt.SegmentOp, ps ...fixed.Point26_6) sfnt.Segment {
	s := sfnt.Segment{Op: op}
	copy(s.Args[:], ps)
	return s
}

func raster(w, h int, add func(z *vector.Rasterizer)) []byte {
	z := vector.NewRasterizer(w, h)
	add(z)
	dst := image.NewAlpha(image.Rect(0, 0, w, h))
	z.DrawOp = draw.Src
	z.Draw(dst, dst.Bounds(), image.Opaque, image.Point{})
	return dst.Pix
}

// scale maps 26.6 units to pixels, as the callers' mappings do.
func scale(p fixed.Point26_6) (float32, float32) { return float32(p.X) / 64, float32(p.Y) / 64 }

// TestPathSquare: an unclosed square of two pixels' side fills exactly
// its four pixels.
func TestPathSquare(t *testing.T) {
	segs := []sfnt.Segment{
		seg(sfnt.SegmentOpMoveTo, pt(1, 1)),
		seg(sfnt.SegmentOpLineTo, pt(3, 1)),
		seg(sfnt.SegmentOpLineTo, pt(3, 3)),
		seg(sfnt.SegmentOpLineTo, pt(1, 3)),
	}
	got := raster(4, 4, func(z *vector.Rasterizer) { Path(z, segs, scale) })
	for y := range 4 {
		for x := range 4 {
			want := byte(0)
			if x >= 1 && x < 3 && y >= 1 && y < 3 {
				want = 255
			}
			if got[y*4+x] != want {
				t.Fatalf("pixel (%d, %d) = %d, want %d", x, y, got[y*4+x], want)
			}
		}
	}
	if got := raster(4, 4, func(z *vector.Rasterizer) { Path(z, nil, scale) }); !bytes.Equal(got, make([]byte, 16)) {
		t.Fatalf("no segments drew %v", got)
	}
}

// TestPathCalls: two contours with quadratic and cubic pieces draw what
// the rasteriser calls written out draw.
func TestPathCalls(t *testing.T) {
	segs := []sfnt.Segment{
		seg(sfnt.SegmentOpMoveTo, pt(2, 2)),
		seg(sfnt.SegmentOpQuadTo, pt(14, 1.5), pt(13, 9)),
		seg(sfnt.SegmentOpCubeTo, pt(12, 14), pt(6, 15.25), pt(2.5, 11)),
		seg(sfnt.SegmentOpMoveTo, pt(5, 5)),
		seg(sfnt.SegmentOpLineTo, pt(9, 6)),
		seg(sfnt.SegmentOpLineTo, pt(7, 10)),
	}
	got := raster(16, 16, func(z *vector.Rasterizer) { Path(z, segs, scale) })
	want := raster(16, 16, func(z *vector.Rasterizer) {
		z.MoveTo(2, 2)
		z.QuadTo(14, 1.5, 13, 9)
		z.CubeTo(12, 14, 6, 15.25, 2.5, 11)
		z.ClosePath()
		z.MoveTo(5, 5)
		z.LineTo(9, 6)
		z.LineTo(7, 10)
		z.ClosePath()
	})
	if !bytes.Equal(got, want) {
		t.Fatalf("Path drew\n%v\nwant\n%v", got, want)
	}
	if bytes.Equal(got, make([]byte, len(got))) {
		t.Fatal("nothing drawn")
	}
}
