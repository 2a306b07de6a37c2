package paint

import (
	"math"
	"os"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/internal/rng"
	"github.com/synbols-gpu/synbols-gpu/scene"
)

// WantVectorEnv, set by the test that runs this package's tests in the
// GOEXPERIMENT=simd build (engine/cpu's TestVectorBuild), makes
// TestRowsMatchPixels fail unless the row functions really paint.
const WantVectorEnv = "SYNBOLS_WANT_VECTOR"

// TestRowsMatchPixels: GradientRows paints what Fill.Color,
// premultiplied, gives at each pixel, bit for bit up to the sign of a
// zero: for 300 of the planner's gradients and 600 random ones (every
// sign of a, concentric and equal-radius circles, p1 = p2), at rows of
// pixel centres 32, 37 and 128 wide and at rows of random points, points
// whose offset is exactly 0, ½ or 1, and NaN and infinite points. In the
// scalar build the functions paint nothing, which is checked too.
func TestRowsMatchPixels(t *testing.T) {
	if os.Getenv(WantVectorEnv) != "" && !Vectorized {
		t.Fatal("the row functions do not paint in this build (GOEXPERIMENT=simd on a CPU with AVX2 expected)")
	}
	r := rng.New(15, 0)
	var pats []engine.Pattern
	for seed := range uint32(300) {
		pats = append(pats, plannedPattern(t, scene.Pattern{Style: scene.Gradient, Seed: seed}))
	}
	for i := range 600 {
		p := engine.Pattern{Kind: engine.PatternLinear + uint32(i%2)}
		for k := range 6 {
			p.Geom[k] = float32(r.Uniform(-2, 2))
		}
		switch r.Intn(5) {
		case 0: // concentric, or p1 = p2
			p.Geom[3], p.Geom[4] = p.Geom[0], p.Geom[1]
			if p.Kind == engine.PatternLinear {
				p.Geom[2], p.Geom[3] = p.Geom[0], p.Geom[1]
			}
		case 1: // equal radii: a = |cd|² > 0
			p.Geom[5] = p.Geom[2]
		case 2: // unit axis: offsets exactly 0, ½ and 1 at x = 0, ½, 1
			p.Geom = [8]float32{0, 0, 1, 0, 0, 1}
		}
		for k := range 3 {
			p.Stops[k] = [4]float32{float32(r.Float64()), float32(r.Float64()), float32(r.Float64()), float32(r.Float64())}
		}
		pats = append(pats, p)
	}
	var rows [][]float32
	for _, w := range []int{32, 37, 128} {
		row := make([]float32, w)
		for x := range row {
			row[x] = float32((float32(x) + 0.5) * (1 / float32(w)))
		}
		rows = append(rows, row)
	}
	rnd := make([]float32, 64)
	for i := range rnd {
		rnd[i] = float32(r.Uniform(-3, 3))
	}
	inf := float32(math.Inf(1))
	special := []float32{0, 0.5, 1, -0.0, 0.25, 0.75, 2, -1, float32(math.NaN()), inf, -inf, 1e30, -1e30, 0x1p-126, 0.5, 1}
	rows = append(rows, rnd, special)
	same := func(a, b float32) bool { return a == b || a != a && b != b }
	painted := 0
	for i := range pats {
		p := &pats[i]
		f := NewFill(p)
		for _, ux := range rows {
			uys := []float32{ux[len(ux)/2], 0.5, float32(r.Uniform(-3, 3))}
			dst := make([]float32, 3*len(ux)*len(uys))
			n := f.GradientRows(ux, uys, dst)
			if n%8 != 0 || n > len(ux) || !Vectorized && n != 0 {
				t.Fatalf("pattern %+v: %d of %d pixels painted", *p, n, len(ux))
			}
			painted += n * len(uys)
			for y, uy := range uys {
				for x := range n {
					cr, cg, cb, ca := f.Color(ux[x], uy)
					want := [3]float32{cr * ca, cg * ca, cb * ca}
					got := dst[3*(y*len(ux)+x):][:3]
					if !same(got[0], want[0]) || !same(got[1], want[1]) || !same(got[2], want[2]) {
						t.Fatalf("pattern %+v at (%v, %v): the row gives %v, Fill.Color %v", *p, ux[x], uy, got, want)
					}
				}
			}
		}
	}
	if Vectorized && painted == 0 {
		t.Fatal("no row was painted by the vector code")
	}
	t.Logf("%d pixels painted by rows (vectorized: %v)", painted, Vectorized)
}
