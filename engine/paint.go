package engine

import "math"

// This file holds the painting math shared by the CPU backend and mirrored,
// operation for operation in float32, by the GLSL shaders: pattern
// evaluation, SDF sampling and coverage. Keep the two in step.

// PatternColor returns the pattern's colour (r, g, b) and alpha at unit
// image point (x, y), not premultiplied. A point where a radial gradient
// has no valid root is transparent (alpha 0), as in Cairo.
func PatternColor(p *Pattern, x, y float32) (r, g, b, a float32) {
	var t float32
	switch p.Kind {
	case PatternSolid:
		s := &p.Stops[0]
		return s[0], s[1], s[2], s[3]
	case PatternLinear:
		dx, dy := p.Geom[2]-p.Geom[0], p.Geom[3]-p.Geom[1]
		den := dx*dx + dy*dy
		if den == 0 {
			t = 0
		} else {
			t = ((x-p.Geom[0])*dx + (y-p.Geom[1])*dy) / den
		}
	case PatternRadial:
		var ok bool
		t, ok = radialT(p, x, y)
		if !ok {
			return 0, 0, 0, 0
		}
	default:
		return 0, 0, 0, 0
	}
	return stopColor(p, t)
}

// radialT solves Cairo's two-circle radial gradient for point (x, y)
// (SPEC §8.4): the larger root t of a·t² − 2b·t + c = 0 with r0 + t·dr ≥ 0.
func radialT(p *Pattern, x, y float32) (float32, bool) {
	c0x, c0y, r0 := p.Geom[0], p.Geom[1], p.Geom[2]
	cdx, cdy, dr := p.Geom[3]-c0x, p.Geom[4]-c0y, p.Geom[5]-r0
	pdx, pdy := x-c0x, y-c0y
	a := cdx*cdx + cdy*cdy - dr*dr
	b := pdx*cdx + pdy*cdy + r0*dr
	c := pdx*pdx + pdy*pdy - r0*r0
	if a == 0 {
		if b == 0 {
			return 0, false
		}
		t := c / (2 * b)
		return t, r0+t*dr >= 0
	}
	disc := b*b - a*c
	if disc < 0 {
		return 0, false
	}
	sq := float32(math.Sqrt(float64(disc)))
	t1, t2 := (b+sq)/a, (b-sq)/a
	if t1 < t2 {
		t1, t2 = t2, t1
	}
	if r0+t1*dr >= 0 {
		return t1, true
	}
	if r0+t2*dr >= 0 {
		return t2, true
	}
	return 0, false
}

// stopColor interpolates the three stops at offsets 0, ½, 1 with padding.
func stopColor(p *Pattern, t float32) (r, g, b, a float32) {
	var s0, s1 *[4]float32
	switch {
	case !(t > 0): // also NaN
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

// SDFDecode converts an atlas byte to a signed distance in texels
// (positive inside), for an atlas built with the given spread.
func SDFDecode(v uint8, spread float32) float32 {
	return (float32(v) - 127.5) * (spread / 127.5)
}

// SampleSDF bilinearly interpolates the decoded signed distance of a
// size×size tile at texel coordinates (u, v); texel (i, j) has its centre at
// (i + ½, j + ½). Outside the tile it reports ok = false.
func SampleSDF(tile []uint8, size int, spread, u, v float32) (sd float32, ok bool) {
	fs := float32(size)
	if !(u >= 0 && v >= 0 && u <= fs && v <= fs) {
		return 0, false
	}
	if u >= 1 && v >= 1 && u < fs-1 && v < fs-1 {
		// Interior: no clamping can happen, skip it (same result).
		x0, y0 := int(u+0.5)-1, int(v+0.5)-1
		fx, fy := (u-0.5)-float32(x0), (v-0.5)-float32(y0)
		k := spread / 127.5
		i := y0*size + x0
		d00 := (float32(tile[i]) - 127.5) * k
		d10 := (float32(tile[i+1]) - 127.5) * k
		d01 := (float32(tile[i+size]) - 127.5) * k
		d11 := (float32(tile[i+size+1]) - 127.5) * k
		top := d00 + (d10-d00)*fx
		bot := d01 + (d11-d01)*fx
		return top + (bot-top)*fy, true
	}
	// floor(u − ½) as int(u + ½) − 1: u + ½ > 0, so the conversion's
	// truncation is a floor, without a math.Floor call per sample. The
	// shaders use the same expression.
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

func clampIndex(i, n int) int {
	if i < 0 {
		return 0
	}
	if i >= n {
		return n - 1
	}
	return i
}

// Coverage is the anti-aliased coverage of a pixel whose centre lies at
// signed distance sd texels (positive inside) from the outline: the area of
// a unit pixel on the inner side of a straight edge at that distance, which
// is linear over ±½ pixel.
func Coverage(sd, bias, distScale float32) float32 {
	c := 0.5 + (sd+bias)*distScale
	if c <= 0 {
		return 0
	}
	if c >= 1 {
		return 1
	}
	return c
}
