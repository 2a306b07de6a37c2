package generate

import (
	"context"
	"math"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/engine/cpu"
	"github.com/synbols-gpu/synbols-gpu/output"
	"github.com/synbols-gpu/synbols-gpu/spec"
)

// TestCamouflageStatistics is the camouflage preset's point: inside the
// symbol and outside it the pixels have the same colour statistics, and
// only the strokes' orientation differs (foreground angle 0, background
// π/2). Over 300 images (about 29,000 fully covered pixels and 198,000
// uncovered ones, away from the outline by the mask's 0 and 255), the two
// 16-bin histograms of all values are within a total-variation distance of
// 0.05, while the mean absolute difference between vertical neighbours
// exceeds that between horizontal neighbours inside the symbol by at least
// a factor 1.5, and the reverse outside.
func TestCamouflageStatistics(t *testing.T) {
	lib, at := env(t)
	sp, err := spec.Preset("camouflage")
	if err != nil {
		t.Fatal(err)
	}
	const n = 300
	var hin, hout [16]float64
	var dx, dy [2]float64 // [inside, outside] sums
	var cnt [2]float64
	_, err = Run(context.Background(), Config{Name: "camouflage", Spec: sp, N: n, Seed: 5, Fonts: lib, SkipFontChecks: true, Atlas: at, Backend: cpu.New(2),
		Sink: func(start int, s output.Samples) error {
			w, h := 32, 32
			for i := range s.Y {
				x := s.X[i*w*h*3 : (i+1)*w*h*3]
				m := s.SymbolMask[i*w*h : (i+1)*w*h]
				for y := range h - 1 {
					for xx := range w - 1 {
						p := y*w + xx
						// Pixels whose right and lower neighbours share
						// their side of the outline.
						k := -1
						switch {
						case m[p] == 255 && m[p+1] == 255 && m[p+w] == 255:
							k = 0
						case m[p] == 0 && m[p+1] == 0 && m[p+w] == 0:
							k = 1
						}
						if k < 0 {
							continue
						}
						for c := range 3 {
							v := x[3*p+c]
							if k == 0 {
								hin[v/16]++
							} else {
								hout[v/16]++
							}
							dx[k] += math.Abs(float64(v) - float64(x[3*(p+1)+c]))
							dy[k] += math.Abs(float64(v) - float64(x[3*(p+w)+c]))
						}
						cnt[k]++
					}
				}
			}
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	if cnt[0] < 20000 || cnt[1] < 50000 {
		t.Fatalf("only %v inside / outside pixels", cnt)
	}
	tv := 0.0
	var sin, sout float64
	for b := range hin {
		sin += hin[b]
		sout += hout[b]
	}
	for b := range hin {
		tv += math.Abs(hin[b]/sin-hout[b]/sout) / 2
	}
	if tv > 0.05 {
		t.Errorf("inside and outside histograms %.3f apart (total variation), want ≤ 0.05", tv)
	}
	in, out := (dy[0]/cnt[0])/(dx[0]/cnt[0]), (dx[1]/cnt[1])/(dy[1]/cnt[1])
	if in < 1.5 || out < 1.5 {
		t.Errorf("orientation: inside |∂y|/|∂x| = %.2f, outside |∂x|/|∂y| = %.2f, want both ≥ 1.5", in, out)
	}
	t.Logf("total variation %.4f; inside |∂y|/|∂x| %.2f, outside |∂x|/|∂y| %.2f; %v pixels", tv, in, out, cnt)
}
