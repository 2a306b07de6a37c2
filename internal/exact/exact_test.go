package exact

import (
	"math"
	"testing"
)

func square(x0, y0, x1, y1 float64, ccw bool) []Line {
	p := [][2]float64{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}}
	if ccw {
		p[1], p[3] = p[3], p[1]
	}
	var ls []Line
	for i := range p {
		a, b := p[i], p[(i+1)%len(p)]
		ls = append(ls, Line{a[0], a[1], b[0], b[1]})
	}
	return ls
}

func total(c []float64) float64 {
	s := 0.0
	for _, v := range c {
		s += v
	}
	return s
}

// TestCoverage: areas of squares, a triangle, the nonzero rule where two
// same-direction squares overlap (the union, not the sum) and a hole
// from a reversed inner square.
func TestCoverage(t *testing.T) {
	for _, c := range []struct {
		name string
		ls   []Line
		area float64
	}{
		{"square", square(1.25, 1.5, 5.75, 4.5, false), 4.5 * 3},
		{"overlap union", append(square(1, 1, 5, 5, false), square(3, 3, 7, 7, false)...), 16 + 16 - 4},
		{"hole", append(square(1, 1, 7, 7, false), square(3, 3, 5, 5, true)...), 36 - 4},
		{"triangle", []Line{{0.5, 0.5, 7.5, 0.5}, {7.5, 0.5, 0.5, 7.5}, {0.5, 7.5, 0.5, 0.5}}, 49.0 / 2},
	} {
		cov := Coverage(c.ls, 8, 8)
		if got := total(cov); math.Abs(got-c.area) > 1e-3 {
			t.Errorf("%s: area %.5f, want %.5f", c.name, got, c.area)
		}
		for i, v := range cov {
			if v < 0 || v > 1+1e-12 {
				t.Fatalf("%s: pixel %d coverage %g", c.name, i, v)
			}
		}
	}
	cov := Coverage(square(1.25, 1.5, 5.75, 4.5, false), 8, 8)
	if math.Abs(cov[1*8+1]-0.75*0.5) > 1e-9 || cov[2*8+2] != 1 {
		t.Errorf("corner pixel %g, inner %g", cov[9], cov[18])
	}
	mean, worst, a, b := Compare([]float64{0, 0.5, 1}, []float64{0, 0.25, 1})
	if mean != 0.125 || worst != 0.25 || a != 1.5 || b != 1.25 {
		t.Errorf("Compare: %g %g %g %g", mean, worst, a, b)
	}
}
