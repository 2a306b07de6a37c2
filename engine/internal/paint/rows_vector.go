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

// premultiplied returns the ramp's premultiplied r, g, b at offsets t,
// zero where ok is false. rampPiece per lane: piece k = 0 where
// !(t > 0) (NaN too), else 1 + [t > ½] + [t ≥ 1] (1 minus the masks,
// which are −1 or 0); u = (min(t, 1) − off[k])·2, which is t·2,
// (t − ½)·2 and (1 − 1)·2 = 0 for pieces 1, 2, 3, and is zeroed for
// piece 0; then s + d·u with the pads' slope 0, and r·a, g·a, b·a.
func (v *rampVec) premultiplied(t archsimd.Float32x8, ok archsimd.Mask32x8) (r, g, b archsimd.Float32x8) {
	pos := t.Greater(zero)
	k := v.i1.Sub(t.Greater(v.half).ToInt32x8()).Sub(t.GreaterEqual(v.one).ToInt32x8()).Masked(pos).AsUint32x8()
	k4 := k.Add(v.i4.AsUint32x8())
	u := t.Min(v.one).Sub(v.off.Permute(k)).Mul(v.two).Masked(pos)
	a := v.tab[3].Permute(k).Add(v.tab[3].Permute(k4).Mul(u))
	r = v.tab[0].Permute(k).Add(v.tab[0].Permute(k4).Mul(u)).Mul(a).Masked(ok)
	g = v.tab[1].Permute(k).Add(v.tab[1].Permute(k4).Mul(u)).Mul(a).Masked(ok)
	b = v.tab[2].Permute(k).Add(v.tab[2].Permute(k4).Mul(u)).Mul(a).Masked(ok)
	return r, g, b
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

func (f *Fill) linearRows(ux, uy, buf []float32, n int) {
	w := len(ux)
	// Scalar decisions before the first vector instruction, as integers
	// (a float compare's flags may be recomputed where they are used).
	flat := math.Float32bits(f.den)&^(1<<31) == 0 // den == 0
	v := f.rampVec()
	all := zero.Equal(zero)
	x0, dx := archsimd.BroadcastFloat32x8(f.x0), archsimd.BroadcastFloat32x8(f.dx)
	y0, dy := archsimd.BroadcastFloat32x8(f.y0), archsimd.BroadcastFloat32x8(f.dy)
	den := archsimd.BroadcastFloat32x8(f.den)
	if flat {
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
		ty := archsimd.BroadcastFloat32x8(uy[y]).Sub(y0).Mul(dy)
		row := buf[3*w*y:]
		for i := 0; i < n; i += 8 {
			x := archsimd.LoadFloat32x8Slice(ux[i:])
			t := x.Sub(x0).Mul(dx).Add(ty).Div(den)
			r, g, b := v.premultiplied(t, all)
			storeRGB(row[3*i:], r, g, b)
		}
	}
}

func (f *Fill) radialRows(ux, uy, buf []float32, n int) {
	w := len(ux)
	// For a < 0 the roots' order flips (see GradientRows): the sign
	// bit, read as an integer before any vector instruction.
	qa := math.Float32bits(f.qa)
	flip := qa>>31 != 0 && qa&^(1<<31) <= 0x7f800000 // a < 0: negative, not NaN
	v := f.rampVec()
	a := archsimd.BroadcastFloat32x8(f.qa)
	x0, dx := archsimd.BroadcastFloat32x8(f.x0), archsimd.BroadcastFloat32x8(f.dx)
	y0, dy := archsimd.BroadcastFloat32x8(f.y0), archsimd.BroadcastFloat32x8(f.dy)
	r0dr, r0r0 := archsimd.BroadcastFloat32x8(f.r0dr), archsimd.BroadcastFloat32x8(f.r0r0)
	r0, dr := archsimd.BroadcastFloat32x8(f.r0), archsimd.BroadcastFloat32x8(f.dr)
	hiFails := archsimd.BroadcastFloat32x8(f.hiFails)
	fail := archsimd.BroadcastFloat32x8(-1)
	sign := archsimd.BroadcastFloat32x8(1)
	if flip {
		sign = fail
	}
	for y := range uy {
		pdy := archsimd.BroadcastFloat32x8(uy[y]).Sub(y0)
		by, cy := pdy.Mul(dy), pdy.Mul(pdy)
		row := buf[3*w*y:]
		for i := 0; i < n; i += 8 {
			pdx := archsimd.LoadFloat32x8Slice(ux[i:]).Sub(x0)
			b := pdx.Mul(dx).Add(by).Add(r0dr)
			c := pdx.Mul(pdx).Add(cy).Sub(r0r0)
			// A negative discriminant gives a NaN root, which fails
			// both tests below: no branch for it.
			sq := b.Mul(b).Sub(a.Mul(c)).Sqrt().Mul(sign)
			hi, lo := b.Add(sq), b.Sub(sq)
			tHi, tLo := hi.Div(a), lo.Div(a)
			// hi ≤ hiFails: the larger root is known to fail
			// (radialHiFails); its test is forced to fail, as the
			// scalar code skips it.
			rHi := fail.Merge(r0.Add(tHi.Mul(dr)), hi.LessEqual(hiFails))
			okHi := rHi.GreaterEqual(zero)
			okLo := r0.Add(tLo.Mul(dr)).GreaterEqual(zero)
			t := tHi.Merge(tLo, okHi)
			r, g, bl := v.premultiplied(t, okHi.Or(okLo))
			storeRGB(row[3*i:], r, g, bl)
		}
	}
}
