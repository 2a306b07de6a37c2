package paint

import (
	"math"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/atlas"
	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/internal/rng"
	"github.com/synbols-gpu/synbols-gpu/scene"
)

// plannedPattern is the record the Planner makes of background p: a
// sample with no symbols planned with an empty atlas (no glyph is asked
// for), so that the tests here see the planner's very gradients.
func plannedPattern(t *testing.T, p scene.Pattern) engine.Pattern {
	t.Helper()
	at, err := atlas.New(atlas.DefaultParams(), "")
	if err != nil {
		t.Fatal(err)
	}
	pl := engine.Planner{Atlas: at}
	s := scene.Sample{Width: 32, Height: 32, Background: p}
	var b engine.Batch
	if err := pl.Plan(&s, &b); err != nil {
		t.Fatal(err)
	}
	return b.Images[0].Bg
}

// refPatternColor is PatternColor evaluated as the shaders do, the whole
// formula per point, without Fill's hoisted constants or shortcuts.
func refPatternColor(p *engine.Pattern, x, y float32) (r, g, b, a float32) {
	var t float32
	switch p.Kind {
	case engine.PatternSolid:
		s := &p.Stops[0]
		return s[0], s[1], s[2], s[3]
	case engine.PatternLinear:
		dx, dy := p.Geom[2]-p.Geom[0], p.Geom[3]-p.Geom[1]
		den := dx*dx + dy*dy
		if den != 0 {
			t = ((x-p.Geom[0])*dx + (y-p.Geom[1])*dy) / den
		}
	case engine.PatternRadial:
		c0x, c0y, r0 := p.Geom[0], p.Geom[1], p.Geom[2]
		cdx, cdy, dr := p.Geom[3]-c0x, p.Geom[4]-c0y, p.Geom[5]-r0
		pdx, pdy := x-c0x, y-c0y
		a := cdx*cdx + cdy*cdy - dr*dr
		b := pdx*cdx + pdy*cdy + r0*dr
		c := pdx*pdx + pdy*pdy - r0*r0
		ok := false
		if a == 0 {
			if b != 0 {
				t = c / (2 * b)
				ok = r0+t*dr >= 0
			}
		} else if disc := b*b - a*c; disc >= 0 {
			sq := float32(math.Sqrt(float64(disc)))
			t1, t2 := (b+sq)/a, (b-sq)/a
			if t1 < t2 {
				t1, t2 = t2, t1
			}
			switch {
			case r0+t1*dr >= 0:
				t, ok = t1, true
			case r0+t2*dr >= 0:
				t, ok = t2, true
			}
		}
		if !ok {
			return 0, 0, 0, 0
		}
	default:
		return 0, 0, 0, 0
	}
	var s0, s1 *[4]float32
	switch {
	case !(t > 0):
		s := &p.Stops[0]
		return s[0], s[1], s[2], s[3]
	case t >= 1:
		s := &p.Stops[2]
		return s[0], s[1], s[2], s[3]
	case t <= 0.5:
		s0, s1, t = &p.Stops[0], &p.Stops[1], t*2
	default:
		s0, s1, t = &p.Stops[1], &p.Stops[2], (t-0.5)*2
	}
	return s0[0] + (s1[0]-s0[0])*t, s0[1] + (s1[1]-s0[1])*t, s0[2] + (s1[2]-s0[2])*t, s0[3] + (s1[3]-s0[3])*t
}

// TestFillMatchesFormula: Fill.Color, with its hoisted constants and the
// skipped division of RadialT, gives the per-point formula's values bit
// for bit (up to the sign of a zero), for the planner's gradients and for
// random geometry of every sign, at pixel centres and random points.
func TestFillMatchesFormula(t *testing.T) {
	r := rng.New(13, 0)
	var pats []engine.Pattern
	for seed := range uint32(300) {
		pats = append(pats, plannedPattern(t, scene.Pattern{Style: scene.Gradient, Seed: seed}))
	}
	for range 300 {
		p := engine.Pattern{Kind: engine.PatternLinear + uint32(r.Intn(2))}
		for k := range 6 {
			p.Geom[k] = float32(r.Uniform(-2, 2))
		}
		switch r.Intn(4) {
		case 0: // concentric, or equal radii
			p.Geom[3], p.Geom[4] = p.Geom[0], p.Geom[1]
		case 1:
			p.Geom[5] = p.Geom[2]
		}
		for k := range 3 {
			p.Stops[k] = [4]float32{float32(r.Float64()), float32(r.Float64()), float32(r.Float64()), float32(r.Float64())}
		}
		pats = append(pats, p)
	}
	same := func(a, b float32) bool { return a == b || a != a && b != b }
	for i := range pats {
		p := &pats[i]
		f := NewFill(p)
		for j := range 2000 {
			x, y := (float32(j%32)+0.5)/32, (float32(j/32%32)+0.5)/32
			if j >= 1024 {
				x, y = float32(r.Uniform(-3, 3)), float32(r.Uniform(-3, 3))
			}
			r0, g0, b0, a0 := refPatternColor(p, x, y)
			r1, g1, b1, a1 := f.Color(x, y)
			if !same(r0, r1) || !same(g0, g1) || !same(b0, b1) || !same(a0, a1) {
				t.Fatalf("pattern %+v at (%v, %v): Fill gives %v %v %v %v, the formula %v %v %v %v",
					*p, x, y, r1, g1, b1, a1, r0, g0, b0, a0)
			}
		}
	}
}

// refSampleSDF is SampleSDF as the shaders compute it: decode each tap,
// clamp every index.
func refSampleSDF(tile []uint8, size int, spread, u, v float32) (float32, bool) {
	fs := float32(size)
	if !(u >= 0 && v >= 0 && u <= fs && v <= fs) {
		return 0, false
	}
	x0, y0 := int(u+0.5)-1, int(v+0.5)-1
	fx, fy := (u-0.5)-float32(x0), (v-0.5)-float32(y0)
	x1, y1 := x0+1, y0+1
	x0, x1 = clampIndex(x0, size), clampIndex(x1, size)
	y0, y1 = clampIndex(y0, size), clampIndex(y1, size)
	k := spread / 127.5
	d00 := (float32(tile[y0*size+x0]) - 127.5) * k
	d10 := (float32(tile[y0*size+x1]) - 127.5) * k
	d01 := (float32(tile[y1*size+x0]) - 127.5) * k
	d11 := (float32(tile[y1*size+x1]) - 127.5) * k
	top := d00 + (d10-d00)*fx
	bot := d01 + (d11-d01)*fx
	return top + (bot-top)*fy, true
}

// TestSDFTableMatchesFormula: the decode table and the interior shortcut
// of SDFTable.Sample give SampleSDF's formula bit for bit.
func TestSDFTableMatchesFormula(t *testing.T) {
	r := rng.New(14, 0)
	const size = 16
	tile := make([]uint8, size*size)
	for i := range tile {
		tile[i] = uint8(r.Intn(256))
	}
	for _, spread := range []float32{8, 3.7, 0.25} {
		tab := NewSDFTable(spread)
		for range 200000 {
			u, v := float32(r.Uniform(-1, size+1)), float32(r.Uniform(-1, size+1))
			want, wok := refSampleSDF(tile, size, spread, u, v)
			got, ok := tab.Sample(tile, size, u, v)
			if got != want || ok != wok {
				t.Fatalf("spread %v at (%v, %v): %v %v, want %v %v", spread, u, v, got, ok, want, wok)
			}
		}
	}
}
