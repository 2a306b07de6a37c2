package paint

import (
	"math"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/scene"
)

func TestLinearGradientPads(t *testing.T) {
	p := engine.Pattern{Kind: engine.PatternLinear, Geom: [8]float32{0.2, 0.5, 0.8, 0.5}}
	p.Stops = [3][4]float32{{1, 0, 0, 1}, {0, 1, 0, 1}, {0, 0, 1, 1}}
	for _, c := range []struct {
		x    float32
		want [3]float32
	}{
		{0.0, [3]float32{1, 0, 0}}, // before p1: padded with offset 0
		{0.2, [3]float32{1, 0, 0}},
		{0.5, [3]float32{0, 1, 0}},
		{0.65, [3]float32{0, 0.5, 0.5}},
		{0.8, [3]float32{0, 0, 1}},
		{1.0, [3]float32{0, 0, 1}}, // beyond p2
	} {
		r, g, b, a := PatternColor(&p, c.x, 0.9)
		if d := math.Abs(float64(r-c.want[0])) + math.Abs(float64(g-c.want[1])) + math.Abs(float64(b-c.want[2])); d > 1e-5 || a != 1 {
			t.Errorf("x=%v: got %v %v %v %v, want %v", c.x, r, g, b, a, c.want)
		}
	}
}

// TestRadialOnCircle checks the defining property of Cairo's two-circle
// gradient: the point lies on the circle interpolated at its t.
func TestRadialOnCircle(t *testing.T) {
	for seed := range uint32(200) {
		pr := plannedPattern(t, scene.Pattern{Style: scene.Gradient, Seed: seed, Types: scene.Radial})
		if pr.Kind != engine.PatternRadial {
			t.Fatal("not radial")
		}
		for _, pt := range [][2]float32{{0.1, 0.1}, {0.5, 0.5}, {0.9, 0.3}, {0.02, 0.98}} {
			tt, ok := radialT(&pr, pt[0], pt[1])
			if !ok {
				continue
			}
			cx := pr.Geom[0] + tt*(pr.Geom[3]-pr.Geom[0])
			cy := pr.Geom[1] + tt*(pr.Geom[4]-pr.Geom[1])
			r := pr.Geom[2] + tt*(pr.Geom[5]-pr.Geom[2])
			d := math.Hypot(float64(pt[0]-cx), float64(pt[1]-cy))
			if math.Abs(d-float64(r)) > 1e-4 || r < 0 {
				t.Fatalf("seed %d point %v: t=%v on circle radius %v at distance %v", seed, pt, tt, r, d)
			}
		}
	}
}

// TestNoiseTable: the table's mean is 0 and its variance within 1% of 1.
func TestNoiseTable(t *testing.T) {
	var s, s2 float64
	for _, v := range NoiseTable {
		s += float64(v)
		s2 += float64(v) * float64(v)
	}
	n := float64(len(NoiseTable))
	if math.Abs(s/n) > 1e-6 || math.Abs(s2/n-1) > 0.01 {
		t.Errorf("noise table mean %v variance %v", s/n, s2/n)
	}
}

func TestCoverageRamp(t *testing.T) {
	if Coverage(-10, 0, 1) != 0 || Coverage(10, 0, 1) != 1 || Coverage(0, 0, 1) != 0.5 {
		t.Error("coverage ramp ends")
	}
	if Coverage(0, 1, 0.25) != 0.75 {
		t.Error("bias grows the outline")
	}
}
