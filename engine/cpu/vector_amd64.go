//go:build goexperiment.simd && amd64 && !go1.27

package cpu

import (
	"encoding/binary"
	"math"
	"math/bits"
	"simd/archsimd"
	"unsafe"

	"github.com/synbols-gpu/synbols-gpu/atlas"
	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/engine/internal/paint"
)

// This file is the 8-lane AVX2 form of post-processing's per-value loops
// and of a symbol's first pass (oneCovered), built with GOEXPERIMENT=simd
// (see engine/internal/paint's rows_vector.go for the build tag's reason
// and the two rules these loops keep). Each lane does the float32
// operations of the scalar loops in their order, so the bytes are the
// same; TestVectorMatchesScalar and TestCoveredVectorMatchesScalar check
// it on hard inputs, and the whole painter's tests run in this build too
// (TestVectorBuild, TestVectorBuildWithoutAVX).

// vectorized reports whether the vector loops run (the CPU has AVX2).
var vectorized = paint.Vectorized

// minMaxBits returns the least and the greatest of bits, len(bits) ≥ 8:
// minMax's integer scan, eight lanes at a time.
func minMaxBits(bits []int32) (lo, hi int32) {
	l := archsimd.LoadInt32x8Slice(bits)
	h := l
	n := len(bits) &^ 7
	for i := 8; i < n; i += 8 {
		v := archsimd.LoadInt32x8Slice(bits[i:])
		l, h = l.Min(v), h.Max(v)
	}
	var ls, hs [8]int32
	l.Store(&ls)
	h.Store(&hs)
	lo, hi = ls[0], hs[0]
	archsimd.ClearAVXUpperBits()
	for j := 1; j < 8; j++ {
		lo, hi = min(lo, ls[j]), max(hi, hs[j])
	}
	for _, a := range bits[n:] {
		lo, hi = min(lo, a), max(hi, a)
	}
	return lo, hi
}

// postVector quantises values [0, n) of vals into x, n = len(vals)
// rounded down to a multiple of 8, and returns n: per value
// v = (a + sv·v − lo)·scale, plus sigma·NoiseTable[noiseIndex(k, i)]
// when sigma ≠ 0, then quantize(v). len(vals) ≤ 2¹⁶ (noiseIndex's fold)
// and ≤ len(scratch).
//
// quantize per lane: the truncating conversion gives int32 min for NaN
// and for |255·v| ≥ 2³¹, so the integer clamp gives quantize's 0 for NaN
// and large negatives, and large positives (≥ 2³¹, +Inf) are set to 255
// by a compare: one path for every value, bounded or not.
func postVector(vals []float32, x []byte, a, sv, lo, scale, sigma float32, k uint32, scratch []uint32) int {
	n := len(vals) &^ 7
	if n == 0 {
		return 0
	}
	vals, x = vals[:n], x[:n]
	// Decided before the first vector instruction, as an integer (see
	// below): sigma ≠ 0, NaN included.
	noisy := math.Float32bits(sigma)&^(1<<31) != 0
	// No scalar float instruction in the loops (the first rule, in
	// rows_vector.go): the sigma test is outside them and the table is
	// read as integers, first, in a pass of its own (gather_amd64.s:
	// indices and AVX2 gathers), before any vector here is live.
	nz := scratch[:n]
	if noisy {
		noiseBits(&nz[0], n, k, (*[1 << paint.NoiseBits]uint32)(unsafe.Pointer(&paint.NoiseTable[0])))
	}
	va, vsv := archsimd.BroadcastFloat32x8(a), archsimd.BroadcastFloat32x8(sv)
	vlo, vscale := archsimd.BroadcastFloat32x8(lo), archsimd.BroadcastFloat32x8(scale)
	vsigma := archsimd.BroadcastFloat32x8(sigma)
	f255, big := archsimd.BroadcastFloat32x8(255), archsimd.BroadcastFloat32x8(0x1p31)
	i255, i0 := archsimd.BroadcastInt32x8(255), archsimd.BroadcastInt32x8(0)
	pack := archsimd.LoadInt8x32(&packLowBytes)
	gather := archsimd.LoadUint32x8(&halvesOrder)
	for i := 0; i < n; i += 8 {
		v := archsimd.LoadFloat32x8Slice(vals[i:])
		v = va.Add(vsv.Mul(v)).Sub(vlo).Mul(vscale)
		if noisy { // a bool, not a float compare: no SSE in the loop
			v = v.Add(vsigma.Mul(archsimd.LoadUint32x8Slice(nz[i:]).AsFloat32x8()))
		}
		f := v.Mul(f255)
		q := f.ConvertToInt32().Max(i0).Min(i255)
		q = i255.Merge(q, f.GreaterEqual(big))
		binary.LittleEndian.PutUint64(x[i:], lowBytes(q, pack, gather))
	}
	archsimd.ClearAVXUpperBits()
	return n
}

// noiseBits stores NoiseTable's bits at noiseIndex(k, i) in dst[i] for i
// in [0, n), n a positive multiple of 8 (gather_amd64.s). Only with AVX2.
//
//go:noescape
func noiseBits(dst *uint32, n int, k uint32, table *[1 << paint.NoiseBits]uint32)

// tapsGather gathers the interior points' taps of oneCoveredVector's
// pass B (gather_amd64.s): for i < n, a multiple of 8, where state[i] is
// −1 and 0 ≤ idx[i] ≤ last (the gathers read 4 bytes at idx[i] and at
// idx[i]+size, so last is len(tile) − size − 4), taps[i] = the 16 bits
// at tile[idx[i]] | those at tile[idx[i]+size] << 16. Only with AVX2.
//
//go:noescape
func tapsGather(taps *uint32, idx, state *int32, n int, tile *byte, size, last int)

// gather_amd64.s shifts the hash right by 32 − 12: a NoiseBits of 12.
var _ [0]struct{} = [paint.NoiseBits - 12]struct{}{}

// packLowBytes is postVector's byte shuffle: bytes 0, 4, 8, 12 of each
// 128-bit half (the low bytes of its four int32s) to its first four, the
// rest zero; a permute then puts int32s 0 and 4 side by side. A plain
// array, made once: a vector here would run AVX2 at start-up.
var packLowBytes = func() (s [32]int8) {
	for j := range s {
		s[j] = -1
		if j%16 < 4 {
			s[j] = int8(4 * (j % 16))
		}
	}
	return s
}()

// coverScratch holds oneCoveredVector's per-pixel passes over a symbol's
// bounds, each row padded to a multiple of 8 pixels.
type coverScratch struct {
	idx, state []int32   // tap index; 0 outside the tile, −1 interior, 2 edge
	fx, fy, sd []float32 // fractions, then (pass C) coverage and mask byte
	taps       []uint32  // the four tap bytes, d00 | d10<<8 | d01<<16 | d11<<24
	need       []uint8   // per eight pixels, the lanes pass B has work at
}

func (s *coverScratch) grow(n int) {
	if len(s.idx) >= n {
		return
	}
	s.idx, s.state = make([]int32, n), make([]int32, n)
	s.fx, s.fy, s.sd = make([]float32, n), make([]float32, n), make([]float32, n)
	s.taps = make([]uint32, n)
	s.need = make([]uint8, n/8)
}

// oneCoveredVector is oneCovered for a symbol whose coverage needs no
// clamp (oneCovered's small), in four passes over the bounds:
//
//	A (vectors) the pixel centre's texel point (u, v), whether it is
//	  Interior, its texel cell and fractions (paint.TexelCell);
//	B the four tap bytes of interior pixels (AVX2 gathers, tapsGather;
//	  scalar loads for the two whose 4-byte reads would pass the tile's
//	  end), and SampleEdge's distance for the others (scalar);
//	C (vectors) the taps decoded (paint.SDFDecode's operations, which
//	  give the decode table's values), paint.Bilerp, CoverageRamp, the
//	  mask byte and whether the pixel is kept;
//	D (scalar) the mask bytes and the covered list, in scan order.
//
// Every lane does oneCovered's float32 operations in its order. The
// passes, rather than one loop, keep scalar float code (SampleEdge) away
// from dirty vector registers, and let pass C read whole vectors of what
// pass B stored a while before (no failed store forwarding).
func (p *painter) oneCoveredVector(sym *engine.Symbol, g *atlas.Glyph, ch int, mask []byte, covered []coveredPixel, x0, y0, x1, y1 int) int {
	s, bw, bh, rw := p.coverPasses(sym, g, x0, y0, x1, y1)
	w, k := p.b.Width, p.b.MaskChannels
	// Pass D.
	m := 0
	for y := range bh {
		row := y * rw
		py := int32(y0 + y)
		state, mb, c, keep := s.state[row:row+bw], s.idx[row:row+bw], s.fx[row:row+bw], s.taps[row:row+bw]
		mrow := mask[((y0+y)*w+x0)*k:]
		for i := range state {
			if state[i] == 0 {
				continue
			}
			mrow[i*k+ch] = uint8(mb[i])
			covered[m] = coveredPixel{x: int32(x0 + i), y: py, c: c[i]}
			m += int(keep[i])
		}
	}
	return m
}

// coverPasses is oneCoveredVector's passes A, B and C over the bounds
// [x0, x1)×[y0, y1), rows padded to rw, a multiple of 8: they leave in
// p.cover, per pixel, state (0 outside the tile), the mask byte (idx),
// the coverage (fx) and whether the pixel is kept, 1 or 0 (taps), 0 in
// the padding. It returns p.cover, the bounds' width and height, and rw.
func (p *painter) coverPasses(sym *engine.Symbol, g *atlas.Glyph, x0, y0, x1, y1 int) (s *coverScratch, bw, bh, rw int) {
	tile, size := g.Tile, p.tile
	bw, bh = x1-x0, y1-y0
	rw = (bw + 7) &^ 7
	s = &p.cover
	s.grow(rw * bh)
	a := &sym.Affine
	fs := float32(size)

	// Pass A. (No scalar float may be live across a vector loop: the
	// compiler reloads it with a legacy SSE MOVSS, which pays the merge.)
	half := archsimd.BroadcastFloat32x8(0.5)
	one := archsimd.BroadcastFloat32x8(1)
	lim := archsimd.BroadcastFloat32x8(fs - 1)
	a0, a1, a2 := archsimd.BroadcastFloat32x8(a[0]), archsimd.BroadcastFloat32x8(a[1]), archsimd.BroadcastFloat32x8(a[2])
	a3, a4, a5 := archsimd.BroadcastFloat32x8(a[3]), archsimd.BroadcastFloat32x8(a[4]), archsimd.BroadcastFloat32x8(a[5])
	vsize := archsimd.BroadcastInt32x8(int32(size))
	i1 := archsimd.BroadcastInt32x8(1)
	i8 := archsimd.BroadcastInt32x8(8)
	lanes := archsimd.LoadInt32x8(&[8]int32{0, 1, 2, 3, 4, 5, 6, 7})
	// The gathers' last safe index (pass B), and per eight pixels the
	// lanes pass B has work at: not interior, or interior past last.
	last := len(tile) - size - 4
	vlast := archsimd.BroadcastInt32x8(int32(last))
	need := s.need[:rw/8*bh]
	for y := range bh {
		py := archsimd.BroadcastInt32x8(int32(y0 + y)).ConvertToFloat32().Add(half)
		by, bv := a1.Mul(py), a4.Mul(py)
		xi := lanes.Add(archsimd.BroadcastInt32x8(int32(x0)))
		row := y * rw
		for i := 0; i < rw; i += 8 {
			px := xi.ConvertToFloat32().Add(half)
			xi = xi.Add(i8)
			u := a0.Mul(px).Add(by).Add(a2)
			v := a3.Mul(px).Add(bv).Add(a5)
			in := u.GreaterEqual(one).And(v.GreaterEqual(one)).And(u.Less(lim)).And(v.Less(lim))
			tx := u.Add(half).ConvertToInt32().Sub(i1)
			ty := v.Add(half).ConvertToInt32().Sub(i1)
			u.Sub(half).Sub(tx.ConvertToFloat32()).StoreSlice(s.fx[row+i:])
			v.Sub(half).Sub(ty.ConvertToFloat32()).StoreSlice(s.fy[row+i:])
			idx := ty.Mul(vsize).Add(tx)
			idx.StoreSlice(s.idx[row+i:])
			in.ToInt32x8().StoreSlice(s.state[row+i:])
			need[(row+i)/8] = ^in.ToBits() | idx.Greater(vlast).ToBits()
			// Pass B needs u and v again where the point is not
			// interior: keep them in sd and taps.
			u.StoreSlice(s.sd[row+i:])
			v.AsUint32x8().StoreSlice(s.taps[row+i:])
		}
	}
	archsimd.ClearAVXUpperBits()

	// Pass B: the interior points' taps by gathers (gather_amd64.s),
	// but where the gathers' 4 bytes would pass the tile's end; then
	// the scalar rest, only at the lanes pass A marked in need (most
	// eights have none: a branch per pixel mispredicted along the
	// glyph's outline). (Slices in locals: the fields would be reloaded
	// after every store.)
	if n := rw * bh; n > 0 {
		tapsGather(&s.taps[0], &s.idx[0], &s.state[0], n, unsafe.SliceData(tile), size, last)
	}
	groups := rw / 8
	for y := range bh {
		row := y * rw
		state, idx, taps, sd := s.state[row:row+rw], s.idx[row:row+rw], s.taps[row:row+rw], s.sd[row:row+rw]
		for gi, work := range need[y*groups : (y+1)*groups] {
			if gi == groups-1 {
				work &= uint8(1<<(bw-8*gi) - 1) // not the padding
			}
			for ; work != 0; work &= work - 1 {
				i := 8*gi + bits.TrailingZeros8(work)
				if state[i] != 0 { // interior: −1 from pass A, kept as it is
					if j := int(idx[i]); j > last {
						q := tile[j:][:size+2]
						taps[i] = uint32(binary.LittleEndian.Uint16(q)) | uint32(binary.LittleEndian.Uint16(q[size:]))<<16
					}
					continue
				}
				d, ok := p.sdf.SampleEdge(tile, size, sd[i], math.Float32frombits(taps[i]))
				sd[i], taps[i], state[i] = d, 0, 0
				if ok {
					state[i] = 2
				}
			}
		}
		clear(state[bw:])
	}

	// Pass C.
	n := rw * bh
	decode := p.spread / 127.5 // SDFDecode's factor, rounded as there
	k127 := archsimd.BroadcastFloat32x8(127.5)
	kdec := archsimd.BroadcastFloat32x8(decode)
	bias := archsimd.BroadcastFloat32x8(sym.Bias)
	dist := archsimd.BroadcastFloat32x8(sym.DistScale)
	f255 := archsimd.BroadcastFloat32x8(255)
	i0, i255 := archsimd.BroadcastInt32x8(0), archsimd.BroadcastInt32x8(255)
	i2 := archsimd.BroadcastInt32x8(2)
	byteMask := archsimd.BroadcastUint32x8(0xff)
	s8, s16, s24 := archsimd.BroadcastUint32x8(8), archsimd.BroadcastUint32x8(16), archsimd.BroadcastUint32x8(24)
	var zero archsimd.Float32x8
	for j := 0; j < n; j += 8 {
		t := archsimd.LoadUint32x8Slice(s.taps[j:])
		d00 := t.And(byteMask).AsInt32x8().ConvertToFloat32().Sub(k127).Mul(kdec)
		d10 := t.ShiftRight(s8).And(byteMask).AsInt32x8().ConvertToFloat32().Sub(k127).Mul(kdec)
		d01 := t.ShiftRight(s16).And(byteMask).AsInt32x8().ConvertToFloat32().Sub(k127).Mul(kdec)
		d11 := t.ShiftRight(s24).AsInt32x8().ConvertToFloat32().Sub(k127).Mul(kdec)
		fx := archsimd.LoadFloat32x8Slice(s.fx[j:])
		fy := archsimd.LoadFloat32x8Slice(s.fy[j:])
		top := d00.Add(d10.Sub(d00).Mul(fx))
		bot := d01.Add(d11.Sub(d01).Mul(fx))
		sd := top.Add(bot.Sub(top).Mul(fy))
		st := archsimd.LoadInt32x8Slice(s.state[j:])
		sd = archsimd.LoadFloat32x8Slice(s.sd[j:]).Merge(sd, st.Equal(i2))
		c := half.Add(sd.Add(bias).Mul(dist))
		mb := c.Mul(f255).Add(half).ConvertToInt32().Max(i0).Min(i255)
		keep := i1.And(st.NotEqual(i0).ToInt32x8()).AndNot(c.LessEqual(zero).ToInt32x8())
		c.StoreSlice(s.fx[j:])
		mb.StoreSlice(s.idx[j:])
		keep.AsUint32x8().StoreSlice(s.taps[j:])
	}
	archsimd.ClearAVXUpperBits()
	return s, bw, bh, rw
}

// symbolRows is symbol for a one-sample symbol whose coverage needs no
// clamp (smallCoverage) and whose foreground fg BlendRows paints (the
// planner's solid colours and gradients): coverPasses, the mask bytes
// (pass D without the list), then the blend over whole rows of eight
// pixels where they lie (paint.Fill.BlendRows, which leaves the pixels
// not kept as they are), so that no pixel waits for a compaction in scan
// order nor goes through a scalar colour. A row's pixels past its last
// eight that fit in the image go through blendCovered.
func (p *painter) symbolRows(sym *engine.Symbol, g *atlas.Glyph, fg *paint.Fill, ch int, mask []byte, x0, y0, x1, y1 int, inv float32) {
	s, bw, bh, rw := p.coverPasses(sym, g, x0, y0, x1, y1)
	w, k := p.b.Width, p.b.MaskChannels
	// The mask bytes: with one channel, eight at a time where the eight
	// lie in the image's row (maskBytes8), the rest one by one.
	wide := 0
	if k == 1 {
		wide = min(rw, w-x0) &^ 7
	}
	for y := range bh {
		row := y * rw
		mrow := mask[((y0+y)*w+x0)*k:]
		if wide > 0 {
			maskBytes8(mrow[:wide], s.state[row:row+wide], s.idx[row:row+wide])
		}
		state, mb := s.state[row:row+bw], s.idx[row:row+bw]
		for i := wide; i < bw; i++ {
			if state[i] != 0 {
				mrow[i*k+ch] = uint8(mb[i])
			}
		}
	}
	// The padding's lanes are not kept (coverPasses), so rows of rw
	// pixels may be blended where they fit in the image.
	done := fg.BlendRows(p.buf[3*(y0*w+x0):], w, p.ux[x0:min(x0+rw, w)], p.uy[y0:y1], s.fx, s.taps, rw)
	if done >= bw {
		return
	}
	rest := p.covered[:0]
	for y := range bh {
		row := y * rw
		for i := done; i < bw; i++ {
			if s.taps[row+i] != 0 {
				rest = append(rest, coveredPixel{x: int32(x0 + i), y: int32(y0 + y), c: s.fx[row+i]})
			}
		}
	}
	p.blendCovered(sym, fg, rest, inv)
}

// halvesOrder is lowBytes' permute: int32s 0 and 4 (each half's four
// packed bytes) side by side.
var halvesOrder = [8]uint32{0, 4, 1, 5, 2, 6, 3, 7}

// lowBytes returns the low bytes of v's eight int32s, lane 0's first, as
// one little-endian word: pack (packLowBytes) gathers each 128-bit half's
// four, order (halvesOrder) puts the halves' side by side.
func lowBytes(v archsimd.Int32x8, pack archsimd.Int8x32, order archsimd.Uint32x8) uint64 {
	var out [4]uint64
	v.AsUint8x32().PermuteOrZeroGrouped(pack).AsUint32x8().Permute(order).AsUint64x4().Store(&out)
	return out[0]
}

// maskBytes8 sets dst[i] = mb[i] where state[i] ≠ 0, for len(dst) a
// multiple of 8: eight bytes at a time, the new ones packed from mb's
// int32s (postVector's shuffle) and merged into the old under the
// states' bytes, branch-free: whether a pixel is in the tile changes
// along every glyph's outline, and a branch on it mispredicted there.
func maskBytes8(dst []byte, state, mb []int32) {
	pack := archsimd.LoadInt8x32(&packLowBytes)
	gather := archsimd.LoadUint32x8(&halvesOrder)
	zero := archsimd.BroadcastInt32x8(0)
	for i := 0; i+8 <= len(dst); i += 8 {
		v := lowBytes(archsimd.LoadInt32x8Slice(mb[i:]), pack, gather)
		in := lowBytes(archsimd.LoadInt32x8Slice(state[i:]).NotEqual(zero).ToInt32x8(), pack, gather)
		old := binary.LittleEndian.Uint64(dst[i:])
		binary.LittleEndian.PutUint64(dst[i:], old&^in|v&in)
	}
	archsimd.ClearAVXUpperBits()
}
