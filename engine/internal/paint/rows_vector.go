//go:build goexperiment.simd && amd64 && !go1.27

package paint

import (
	"math"
	"simd/archsimd"

	"github.com/synbols-gpu/synbols-gpu/engine"
)

// This file is the 8-lane AVX2 form of the gradient painting, built with
// GOEXPERIMENT=simd (Go 1.26's simd/archsimd; the tag stops at Go 1.27,
// whose package may differ, until it is checked there). Each lane does the
// float32 operations of Fill.LinearT, Fill.RadialT, rampPiece and
// RampSegment.At in their order, every product rounded on its own (AVX2
// has no fused form unless asked for one), so a lane's result is the
// scalar one bit for bit, up to the sign of a zero, which no byte can
// show. TestRowsMatchPixels checks it on hard inputs.

// Every function here ends with archsimd.ClearAVXUpperBits and keeps
// scalar float32 work (which Go compiles to legacy SSE instructions) out
// of its loops: SSE instructions run while the vector registers' upper
// halves hold data cost a merge each, measured on this project's Xeon as
// a twentyfold slowdown of the loops. The second rule of the vector
// build, for engine/cpu's loops: values stored one at a time are read
// back as a vector a pass later, not at once (a vector load of fresh
// scalar stores cannot be forwarded and stalls). docs/painting.md has
// both.

// Vectorized reports whether the row functions paint (the CPU has AVX2);
// when false they return 0 and the caller paints every pixel itself.
var Vectorized = archsimd.X86.AVX2()

// rampVec is a Fill's ramp as vectors: per channel c, tab[c] holds the
// pieces' starts in lanes 0–3 and their slopes in lanes 4–7 (0 for the
// pads), so that a lane's piece k picks its start and slope with one
// permute each; off holds each piece's start offset (0, 0, ½, 1).
type rampVec struct {
	tab            [4]archsimd.Float32x8
	off            archsimd.Float32x8
	half, one, two archsimd.Float32x8
	i1, i4         archsimd.Int32x8
}

func (f *Fill) rampVec() (v rampVec) {
	// The tables' scalar loads first: after the first vector
	// instruction each would pay the merge (see the top of this file).
	var t [5][8]float32
	for c := range 4 {
		for k := range 4 {
			t[c][k], t[c][4+k] = f.ramp[k][c], f.ramp[k][4+c]
		}
	}
	t[4] = [8]float32{0, 0, 0.5, 1}
	for c := range 4 {
		v.tab[c] = archsimd.LoadFloat32x8(&t[c])
	}
	v.off = archsimd.LoadFloat32x8(&t[4])
	v.half = archsimd.BroadcastFloat32x8(0.5)
	v.one = archsimd.BroadcastFloat32x8(1)
	v.two = archsimd.BroadcastFloat32x8(2)
	v.i1, v.i4 = archsimd.BroadcastInt32x8(1), archsimd.BroadcastInt32x8(4)
	return v
}

var zero archsimd.Float32x8 // all zero bits: no instruction to make

var (
	// interleave[k] picks, for output vector k of 8 pixels' 24 RGB
	// values, lane j's pixel (8k + j)/3; isR and isG select its channel.
	interleave [3]archsimd.Uint32x8
	isR, isG   [3]archsimd.Mask32x8
)

func init() {
	if !Vectorized {
		return
	}
	for k := range 3 {
		var idx [8]uint32
		var ch [8]int32
		for j := range 8 {
			o := 8*k + j
			idx[j], ch[j] = uint32(o/3), int32(o%3)
		}
		interleave[k] = archsimd.LoadUint32x8(&idx)
		c := archsimd.LoadInt32x8(&ch)
		isR[k] = c.Equal(archsimd.BroadcastInt32x8(0))
		isG[k] = c.Equal(archsimd.BroadcastInt32x8(1))
	}
}

// straight returns the ramp's r, g, b and alpha at offsets t, not
// premultiplied. rampPiece per lane: piece k = 0 where !(t > 0) (NaN
// too), else 1 + [t > ½] + [t ≥ 1] (1 minus the masks, which are −1 or 0);
// u = (min(t, 1) − off[k])·2, which is t·2, (t − ½)·2 and (1 − 1)·2 = 0
// for pieces 1, 2, 3, and is zeroed for piece 0; then s + d·u with the
// pads' slope 0 (RampSegment.At).
func (v *rampVec) straight(t archsimd.Float32x8) (r, g, b, a archsimd.Float32x8) {
	pos := t.Greater(zero)
	k := v.i1.Sub(t.Greater(v.half).ToInt32x8()).Sub(t.GreaterEqual(v.one).ToInt32x8()).Masked(pos).AsUint32x8()
	k4 := k.Add(v.i4.AsUint32x8())
	u := t.Min(v.one).Sub(v.off.Permute(k)).Mul(v.two).Masked(pos)
	a = v.tab[3].Permute(k).Add(v.tab[3].Permute(k4).Mul(u))
	r = v.tab[0].Permute(k).Add(v.tab[0].Permute(k4).Mul(u))
	g = v.tab[1].Permute(k).Add(v.tab[1].Permute(k4).Mul(u))
	b = v.tab[2].Permute(k).Add(v.tab[2].Permute(k4).Mul(u))
	return r, g, b, a
}

// premultiplied returns the ramp's premultiplied r, g, b at offsets t,
// zero where ok is false: straight's r·a, g·a, b·a.
func (v *rampVec) premultiplied(t archsimd.Float32x8, ok archsimd.Mask32x8) (r, g, b archsimd.Float32x8) {
	r, g, b, a := v.straight(t)
	return r.Mul(a).Masked(ok), g.Mul(a).Masked(ok), b.Mul(a).Masked(ok)
}

// storeRGB writes 8 pixels' r, g, b interleaved into dst[:24].
func storeRGB(dst []float32, r, g, b archsimd.Float32x8) {
	dst = dst[:24]
	for k := range 3 {
		ix := interleave[k]
		out := r.Permute(ix).Merge(g.Permute(ix).Merge(b.Permute(ix), isG[k]), isR[k])
		out.StoreSlice(dst[8*k:])
	}
}

// GradientRows paints the premultiplied RGB of a linear or radial
// gradient at unit points (ux[x], uy[y]) into rows of buf (len(ux) pixels
// a row, three floats a pixel), eight pixels at a time, and returns how
// many leading pixels of each row it painted: a multiple of 8. The caller
// paints the rest of each row, or all of it when it returns 0 (another
// pattern kind, a radial gradient with a = 0, !Vectorized).
//
// A lane of a linear gradient is Fill.LinearT; of a radial one,
// Fill.RadialT with both roots divided out, the larger kept where it
// passes (for a < 0 it is (b − sq)/a, so sq is negated: −sq is exact and
// b + (−sq) is b − sq), transparent where neither does. Each row's
// constants are worked out in vector lanes from uy[y], with the scalar
// formulas' operations, so that no scalar float instruction runs here.
func (f *Fill) GradientRows(ux, uy, buf []float32) int {
	w := len(ux)
	n := w &^ 7
	if !Vectorized || n == 0 || len(buf) < 3*w*len(uy) {
		return 0
	}
	switch {
	case f.Kind == engine.PatternLinear:
		f.linearRows(ux, uy, buf, n)
	case f.Kind == engine.PatternRadial && f.qa != 0:
		f.radialRows(ux, uy, buf, n)
	default:
		return 0
	}
	archsimd.ClearAVXUpperBits()
	return n
}

// linearVec is a linear gradient's constants as vectors: a lane's offset
// is Fill.LinearT's, (x − x0)·dx + (y − y0)·dy over den, with the
// y term worked out once a row (row).
type linearVec struct {
	x0, dx, y0, dy, den archsimd.Float32x8
	// flat: den == 0, where LinearT is 0 everywhere, decided as an
	// integer before any vector instruction (a float compare's flags
	// may be recomputed where they are used).
	flat bool
}

func (f *Fill) linearVec() linearVec {
	flat := math.Float32bits(f.den)&^(1<<31) == 0
	return linearVec{
		x0: archsimd.BroadcastFloat32x8(f.x0), dx: archsimd.BroadcastFloat32x8(f.dx),
		y0: archsimd.BroadcastFloat32x8(f.y0), dy: archsimd.BroadcastFloat32x8(f.dy),
		den: archsimd.BroadcastFloat32x8(f.den), flat: flat,
	}
}

func (l *linearVec) row(uy float32) archsimd.Float32x8 {
	return archsimd.BroadcastFloat32x8(uy).Sub(l.y0).Mul(l.dy)
}

func (l *linearVec) t(x, ty archsimd.Float32x8) archsimd.Float32x8 {
	return x.Sub(l.x0).Mul(l.dx).Add(ty).Div(l.den)
}

// radialVec is a radial gradient's constants as vectors, for a ≠ 0: a
// lane is Fill.RadialT with both roots divided out, the larger kept
// where it passes (for a < 0 it is (b − sq)/a, so sq is negated: −sq is
// exact and b + (−sq) is b − sq), none where neither does.
type radialVec struct {
	a, x0, dx, y0, dy   archsimd.Float32x8
	r0dr, r0r0, r0, dr  archsimd.Float32x8
	hiFails, fail, sign archsimd.Float32x8
}

// radialRow is a row's part of b and c (RadialT's), from pdy = y − y0.
type radialRow struct{ by, cy archsimd.Float32x8 }

func (f *Fill) radialVec() radialVec {
	// For a < 0 the roots' order flips: the sign bit, read as an
	// integer before any vector instruction.
	qa := math.Float32bits(f.qa)
	flip := qa>>31 != 0 && qa&^(1<<31) <= 0x7f800000 // a < 0: negative, not NaN
	q := radialVec{
		a:  archsimd.BroadcastFloat32x8(f.qa),
		x0: archsimd.BroadcastFloat32x8(f.x0), dx: archsimd.BroadcastFloat32x8(f.dx),
		y0: archsimd.BroadcastFloat32x8(f.y0), dy: archsimd.BroadcastFloat32x8(f.dy),
		r0dr: archsimd.BroadcastFloat32x8(f.r0dr), r0r0: archsimd.BroadcastFloat32x8(f.r0r0),
		r0: archsimd.BroadcastFloat32x8(f.r0), dr: archsimd.BroadcastFloat32x8(f.dr),
		hiFails: archsimd.BroadcastFloat32x8(f.hiFails),
		fail:    archsimd.BroadcastFloat32x8(-1),
		sign:    archsimd.BroadcastFloat32x8(1),
	}
	if flip {
		q.sign = q.fail
	}
	return q
}

func (q *radialVec) row(uy float32) radialRow {
	pdy := archsimd.BroadcastFloat32x8(uy).Sub(q.y0)
	return radialRow{by: pdy.Mul(q.dy), cy: pdy.Mul(pdy)}
}

// t returns the lanes' offsets and whether each has one.
func (q *radialVec) t(x archsimd.Float32x8, row radialRow) (archsimd.Float32x8, archsimd.Mask32x8) {
	pdx := x.Sub(q.x0)
	b := pdx.Mul(q.dx).Add(row.by).Add(q.r0dr)
	c := pdx.Mul(pdx).Add(row.cy).Sub(q.r0r0)
	// A negative discriminant gives a NaN root, which fails both tests
	// below: no branch for it.
	sq := b.Mul(b).Sub(q.a.Mul(c)).Sqrt().Mul(q.sign)
	hi, lo := b.Add(sq), b.Sub(sq)
	tLo := lo.Div(q.a)
	okLo := q.r0.Add(tLo.Mul(q.dr)).GreaterEqual(zero)
	// hi ≤ hiFails: the larger root is known to fail (radialHiFails);
	// its test is forced to fail, as the scalar code skips it. Where it
	// is known in every lane (at every pixel of the planner's radial
	// gradients), its division is skipped too.
	known := hi.LessEqual(q.hiFails)
	if known.ToBits() == 0xff {
		return tLo, okLo
	}
	tHi := hi.Div(q.a)
	rHi := q.fail.Merge(q.r0.Add(tHi.Mul(q.dr)), known)
	okHi := rHi.GreaterEqual(zero)
	return tHi.Merge(tLo, okHi), okHi.Or(okLo)
}

func (f *Fill) linearRows(ux, uy, buf []float32, n int) {
	w := len(ux)
	l := f.linearVec()
	v := f.rampVec()
	all := zero.Equal(zero)
	if l.flat {
		// t = 0 everywhere (LinearT).
		r, g, b := v.premultiplied(zero, all)
		for y := range uy {
			row := buf[3*w*y:]
			for i := 0; i < n; i += 8 {
				storeRGB(row[3*i:], r, g, b)
			}
		}
		return
	}
	for y := range uy {
		ty := l.row(uy[y])
		row := buf[3*w*y:]
		for i := 0; i < n; i += 8 {
			t := l.t(archsimd.LoadFloat32x8Slice(ux[i:]), ty)
			r, g, b := v.premultiplied(t, all)
			storeRGB(row[3*i:], r, g, b)
		}
	}
}

func (f *Fill) radialRows(ux, uy, buf []float32, n int) {
	w := len(ux)
	q := f.radialVec()
	v := f.rampVec()
	for y := range uy {
		ry := q.row(uy[y])
		row := buf[3*w*y:]
		for i := 0; i < n; i += 8 {
			t, ok := q.t(archsimd.LoadFloat32x8Slice(ux[i:]), ry)
			r, g, b := v.premultiplied(t, ok)
			storeRGB(row[3*i:], r, g, b)
		}
	}
}

// Blendable reports whether BlendRows paints f: a solid colour or a
// linear gradient, or a radial one with a ≠ 0 (GradientRows' cases), in
// this build on a CPU with AVX2.
func (f *Fill) Blendable() bool {
	return Vectorized && (f.Kind == engine.PatternSolid || f.Kind == engine.PatternLinear ||
		f.Kind == engine.PatternRadial && f.qa != 0)
}

// BlendRows composites f over rows of premultiplied RGB, as a symbol's
// foreground: at pixel i of row j, with (r, g, b, a) f's colour at unit
// point (ux[i], uy[j]) (Fill.Color, not premultiplied), c = cov[j·cw+i]
// and f = a·min(c, 1) (NaN stays NaN, as Go's min keeps it),
//
//	d = (r·f, g·f, b·f) + d·(1 − f)
//
// for the 3 floats d at dst[3(j·dw+i):], where keep[j·cw+i] is not 0; the
// others keep their bits. Each lane does those float32 operations in
// that order (engine/cpu's per-pixel blend), so it is the same bits. It
// does the leading len(ux) rounded down to 8 pixels of each row and
// returns how many: 0 where !f.Blendable(). cw ≥ that count.
func (f *Fill) BlendRows(dst []float32, dw int, ux, uy, cov []float32, keep []uint32, cw int) int {
	n := len(ux) &^ 7
	if !f.Blendable() || n == 0 {
		return 0
	}
	if len(uy) > 0 {
		_ = dst[3*((len(uy)-1)*dw+n)-1]
		_ = cov[(len(uy)-1)*cw+n-1]
		_ = keep[(len(uy)-1)*cw+n-1]
	}
	// A solid colour, or a linear gradient whose ends coincide (t = 0
	// everywhere, LinearT), is one colour: no offset to work out.
	flat := f.Kind == engine.PatternSolid || f.Kind == engine.PatternLinear && f.linearVec().flat
	switch {
	case flat:
		var r, g, b, a archsimd.Float32x8
		if f.Kind == engine.PatternSolid {
			s := f.stops[0]
			r, g, b, a = archsimd.BroadcastFloat32x8(s[0]), archsimd.BroadcastFloat32x8(s[1]),
				archsimd.BroadcastFloat32x8(s[2]), archsimd.BroadcastFloat32x8(s[3])
		} else {
			v := f.rampVec()
			r, g, b, a = v.straight(zero)
		}
		for y := range uy {
			for i := 0; i < n; i += 8 {
				if anyKept(keep[y*cw+i:]) {
					blend8(dst[3*(y*dw+i):], cov[y*cw+i:], keep[y*cw+i:], r, g, b, a)
				}
			}
		}
	case f.Kind == engine.PatternLinear:
		l := f.linearVec()
		v := f.rampVec()
		for y := range uy {
			ty := l.row(uy[y])
			for i := 0; i < n; i += 8 {
				if anyKept(keep[y*cw+i:]) {
					r, g, b, a := v.straight(l.t(archsimd.LoadFloat32x8Slice(ux[i:]), ty))
					blend8(dst[3*(y*dw+i):], cov[y*cw+i:], keep[y*cw+i:], r, g, b, a)
				}
			}
		}
	default: // radial, a ≠ 0
		q := f.radialVec()
		v := f.rampVec()
		for y := range uy {
			ry := q.row(uy[y])
			for i := 0; i < n; i += 8 {
				if anyKept(keep[y*cw+i:]) {
					t, ok := q.t(archsimd.LoadFloat32x8Slice(ux[i:]), ry)
					r, g, b, a := v.straight(t)
					// Transparent where there is no root: Fill.Color's
					// zeros.
					r, g, b, a = r.Masked(ok), g.Masked(ok), b.Masked(ok), a.Masked(ok)
					blend8(dst[3*(y*dw+i):], cov[y*cw+i:], keep[y*cw+i:], r, g, b, a)
				}
			}
		}
	}
	archsimd.ClearAVXUpperBits()
	return n
}

// anyKept reports whether any of keep[:8] is not 0: most eights of a
// symbol's bounds have no covered pixel, and their colours are not worked
// out.
func anyKept(keep []uint32) bool {
	return archsimd.LoadUint32x8Slice(keep).NotEqual(archsimd.Uint32x8{}).ToBits() != 0
}

// blend8 is BlendRows at 8 pixels: dst[:24], cov[:8], keep[:8].
func blend8(dst, cov []float32, keep []uint32, r, g, b, a archsimd.Float32x8) {
	k := archsimd.LoadUint32x8Slice(keep).AsInt32x8().NotEqual(zero.AsInt32x8())
	one := archsimd.BroadcastFloat32x8(1)
	c := archsimd.LoadFloat32x8Slice(cov)
	// min(c, 1) as Go's: 1 where c ≥ 1, else c (NaN too).
	f := a.Mul(one.Merge(c, c.GreaterEqual(one)))
	g1 := one.Sub(f)
	ki := k.ToInt32x8()
	dst = dst[:24]
	for j := range 3 {
		ix := interleave[j]
		col := r.Permute(ix).Merge(g.Permute(ix).Merge(b.Permute(ix), isG[j]), isR[j])
		fj, gj := f.Permute(ix), g1.Permute(ix)
		d := archsimd.LoadFloat32x8Slice(dst[8*j:])
		col.Mul(fj).Add(d.Mul(gj)).Merge(d, ki.Permute(ix).NotEqual(zero.AsInt32x8())).StoreSlice(dst[8*j:])
	}
}
