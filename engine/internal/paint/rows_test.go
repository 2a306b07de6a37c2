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
	pats, rows := rowCases(t, &r)
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

// rowCases returns TestRowsMatchPixels' patterns (300 of the planner's
// gradients and 600 random ones) and rows of unit x.
func rowCases(t *testing.T, r *rng.Stream) (pats []engine.Pattern, rows [][]float32) {
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
	return pats, rows
}

// TestBlendRowsMatchPixels: BlendRows composites what engine/cpu's
// per-pixel blend gives (Fill.Color, f = a·min(c, 1), rgb·f + d·(1 − f)),
// bit for bit up to the sign of a zero, and leaves the pixels not kept
// with their bits: rowCases' patterns plus solid colours (300 random,
// with stops past [0, 1] too), at three rows each, coverages that are
// random, exactly 0, 1 or past it, negative, tiny, NaN and infinite,
// random keeps, and images whose rows are wider than the blended ones
// (dw > len(ux): the bytes between must not change).
func TestBlendRowsMatchPixels(t *testing.T) {
	if os.Getenv(WantVectorEnv) != "" && !Vectorized {
		t.Fatal("the row functions do not paint in this build (GOEXPERIMENT=simd on a CPU with AVX2 expected)")
	}
	r := rng.New(16, 0)
	pats, rows := rowCases(t, &r)
	for range 300 {
		p := engine.Pattern{Kind: engine.PatternSolid}
		p.Stops[0] = [4]float32{float32(r.Uniform(-0.5, 1.5)), float32(r.Float64()), float32(r.Float64()), float32(r.Uniform(-0.5, 1.5))}
		pats = append(pats, p)
	}
	inf := float32(math.Inf(1))
	hardCov := []float32{0, 1, 1.5, -0.25, 0x1p-149, 0.999999, 1.000001, float32(math.NaN()), inf, -inf, float32(math.Copysign(0, -1))}
	same := func(a, b float32) bool { return a == b || a != a && b != b }
	blended, kinds := 0, map[uint32]int{}
	for i := range pats {
		p := &pats[i]
		f := NewFill(p)
		for _, ux := range rows {
			uys := []float32{ux[len(ux)/2], 0.5, float32(r.Uniform(-3, 3))}
			n := len(ux)
			cw := (n+7)&^7 + 8*r.Intn(2)
			dw := n + r.Intn(3)
			cov, keep := make([]float32, cw*len(uys)), make([]uint32, cw*len(uys))
			for j := range cov {
				if r.Intn(4) == 0 {
					cov[j] = hardCov[r.Intn(len(hardCov))]
				} else {
					cov[j] = float32(r.Uniform(-0.2, 1.2))
				}
				keep[j] = uint32(r.Intn(2))
			}
			dst := make([]float32, 3*dw*len(uys))
			for j := range dst {
				dst[j] = float32(r.Uniform(-0.1, 1.1))
			}
			before := append([]float32(nil), dst...)
			done := f.BlendRows(dst, dw, ux, uys, cov, keep, cw)
			if done%8 != 0 || done > n || done != 0 && !f.Blendable() || f.Blendable() && done != n&^7 || !Vectorized && done != 0 {
				t.Fatalf("pattern %+v: %d of %d pixels blended (blendable %v)", *p, done, n, f.Blendable())
			}
			blended += done * len(uys)
			if done > 0 {
				kinds[p.Kind]++
			}
			for y, uy := range uys {
				for x := range dw {
					old := before[3*(y*dw+x):][:3]
					got := dst[3*(y*dw+x):][:3]
					want := [3]float32{old[0], old[1], old[2]}
					if x < done && keep[y*cw+x] != 0 {
						cr, cg, cb, ca := f.Color(ux[x], uy)
						fa := float32(ca * min(cov[y*cw+x], 1))
						want = [3]float32{float32(cr*fa) + float32(old[0]*(1-fa)), float32(cg*fa) + float32(old[1]*(1-fa)), float32(cb*fa) + float32(old[2]*(1-fa))}
						if !same(got[0], want[0]) || !same(got[1], want[1]) || !same(got[2], want[2]) {
							t.Fatalf("pattern %+v at (%v, %v), coverage %v over %v: BlendRows gives %v, the pixel's blend %v", *p, ux[x], uy, cov[y*cw+x], old, got, want)
						}
						continue
					}
					for c := range 3 {
						if math.Float32bits(got[c]) != math.Float32bits(want[c]) {
							t.Fatalf("pattern %+v: pixel %d of row %d (kept %v, blended %d) changed from %v to %v", *p, x, y, x < done && keep[y*cw+x] != 0, done, old, got)
						}
					}
				}
			}
		}
	}
	if Vectorized && (kinds[engine.PatternSolid] == 0 || kinds[engine.PatternLinear] == 0 || kinds[engine.PatternRadial] == 0) {
		t.Fatalf("rows blended by kind: %v; every kind expected", kinds)
	}
	t.Logf("%d pixels blended by rows (vectorized: %v), patterns by kind %v", blended, Vectorized, kinds)
}
