package engine

import (
	"math"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/scene"
)

// TestPlaceCairoBox reproduces a measurement of Cairo's text_extents
// (docs/geometry.md): an upright ink box 101×116 rotated 45° is reported as
// (101+116)/√2 square, the box of its transformed corners.
func TestPlaceCairoBox(t *testing.T) {
	ink := [4]float64{0, 0, 101.0 / 200, 116.0 / 200}
	sym := scene.Symbol{Scale: 116.0 / 200, Rotation: math.Pi / 4}
	pl := Place(ink, &sym)
	w, h := pl.Box[2]-pl.Box[0], pl.Box[3]-pl.Box[1]
	want := (101.0 + 116.0) / math.Sqrt2 / 200
	if math.Abs(w-want) > 1e-9 || math.Abs(h-want) > 1e-9 {
		t.Errorf("box %v×%v, want %v", w, h, want)
	}
}

func TestPlaceTranslation(t *testing.T) {
	ink := [4]float64{0.05, -0.7, 0.55, 0.01}
	for _, c := range []struct {
		tr   [2]float64
		want [2]float64 // box top-left as a fraction of the free space
	}{{[2]float64{-1, -1}, [2]float64{0, 0}}, {[2]float64{1, 1}, [2]float64{1, 1}}, {[2]float64{0, 0}, [2]float64{0.5, 0.5}}} {
		sym := scene.Symbol{Scale: 0.5, Rotation: 0.3, Slant: true, Translation: c.tr}
		pl := Place(ink, &sym)
		w, h := pl.Box[2]-pl.Box[0], pl.Box[3]-pl.Box[1]
		if math.Abs(pl.Box[0]-c.want[0]*(1-w)) > 1e-12 || math.Abs(pl.Box[1]-c.want[1]*(1-h)) > 1e-12 {
			t.Errorf("translation %v: box %v", c.tr, pl.Box)
		}
		// The ink box corners map inside Box.
		for _, g := range [][2]float64{{ink[0], ink[1]}, {ink[2], ink[3]}, {ink[0], ink[3]}, {ink[2], ink[1]}} {
			x := pl.A[0]*g[0] + pl.A[1]*g[1] + pl.B[0]
			y := pl.A[2]*g[0] + pl.A[3]*g[1] + pl.B[1]
			if x < pl.Box[0]-1e-12 || x > pl.Box[2]+1e-12 || y < pl.Box[1]-1e-12 || y > pl.Box[3]+1e-12 {
				t.Errorf("corner %v maps to %v,%v outside %v", g, x, y, pl.Box)
			}
		}
	}
}

func TestPlaceSlantIsVerticalShear(t *testing.T) {
	ink := [4]float64{0, 0, 1, 1}
	a := Place(ink, &scene.Symbol{Scale: 1}).A
	b := Place(ink, &scene.Symbol{Scale: 1, Slant: true}).A
	// x' = x; y' = 0.2x + y.
	if a != [4]float64{1, 0, 0, 1} || b != [4]float64{1, 0, 0.2, 1} {
		t.Errorf("A = %v, slanted %v", a, b)
	}
}
