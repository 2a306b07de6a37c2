package paint

import (
	"math"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/internal/rng"
)

// TestStrokeSpan: no pixel outside a row's Span has non-zero Coverage,
// for 2,000 random camouflage strokes of random angle, width and noise,
// and the span is at most a few pixels wider than the covered run.
func TestStrokeSpan(t *testing.T) {
	r := rng.New(5, 5)
	const w, h = 64, 48
	m := float32(min(w, h))
	for it := range 2000 {
		angle := r.Uniform(0, 2*math.Pi)
		length, width := r.Uniform(0, 0.8), r.Uniform(0.01, 0.3)
		if it%4 == 0 {
			angle = float64(it%8) * math.Pi / 4 // axis-aligned and diagonal
		}
		p := engine.Pattern{Kind: engine.PatternCamouflage}
		p.Geom = [8]float32{math.Float32frombits(uint32(it)), math.Float32frombits(1),
			float32(length * math.Cos(angle)), float32(length * math.Sin(angle)), float32(width), float32(r.Uniform(0, 0.05)), 0.8}
		s := CamoStroke(&p, 0, m, w, h)
		hw := CamoWidth(&p, m)
		for y := int(s.Y0); y < int(s.Y1); y++ {
			x0, x1 := s.Span(y, hw)
			first, last := -1, -1
			for x := int(s.X0); x < int(s.X1); x++ {
				if s.Coverage(float32(x)+0.5, float32(y)+0.5, hw) > 0 {
					if x < x0 || x >= x1 {
						t.Fatalf("stroke %d row %d: pixel %d covered outside the span [%d, %d)", it, y, x, x0, x1)
					}
					if first < 0 {
						first = x
					}
					last = x
				}
			}
			if first >= 0 && (first-x0 > 3 || x1-1-last > 3) {
				t.Fatalf("stroke %d row %d: span [%d, %d) for covered [%d, %d]", it, y, x0, x1, first, last)
			}
		}
	}
}
