//go:build goexperiment.simd && amd64 && !go1.27

package cpu

import (
	"encoding/binary"
	"simd/archsimd"
	"unsafe"

	"github.com/synbols-gpu/synbols-gpu/engine/internal/paint"
)

// This file is the 8-lane AVX2 form of post-processing's per-value loops,
// built with GOEXPERIMENT=simd (see engine/internal/paint's
// rows_vector.go for the build tag's reason). Each lane does the float32
// operations of post's scalar loops in their order, so the bytes are the
// same; TestVectorMatchesScalar checks it on hard values and the parity
// tests of the whole painter run in this build too (TestVectorBuild).

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
	noise := (*[1 << paint.NoiseBits]float32)(paint.NoiseTable)
	va, vsv := archsimd.BroadcastFloat32x8(a), archsimd.BroadcastFloat32x8(sv)
	vlo, vscale := archsimd.BroadcastFloat32x8(lo), archsimd.BroadcastFloat32x8(scale)
	vsigma := archsimd.BroadcastFloat32x8(sigma)
	f255, big := archsimd.BroadcastFloat32x8(255), archsimd.BroadcastFloat32x8(0x1p31)
	i255, i0 := archsimd.BroadcastInt32x8(255), archsimd.BroadcastInt32x8(0)
	iota := archsimd.LoadUint32x8(&[8]uint32{0, 1, 2, 3, 4, 5, 6, 7})
	vk := archsimd.BroadcastUint32x8(k)
	m1, m2 := archsimd.BroadcastUint32x8(0x7feb352d), archsimd.BroadcastUint32x8(0x846ca68b)
	// Bytes 0, 4, 8, 12 of each 128-bit half (the low bytes of its four
	// int32s) to its first four; then int32s 0 and 4 side by side.
	var shuf [32]int8
	for j := range shuf {
		shuf[j] = -1
		if j%16 < 4 {
			shuf[j] = int8(4 * (j % 16))
		}
	}
	pack := archsimd.LoadInt8x32(&shuf)
	gather := archsimd.LoadUint32x8(&[8]uint32{0, 4, 1, 5, 2, 6, 3, 7})
	eight := archsimd.BroadcastUint32x8(8)
	// Shift counts as vectors: ShiftAllRight's count is moved into a
	// vector register each time with a legacy SSE MOVQ (Go 1.26), which
	// pays the merge described below.
	s15, sIndex := archsimd.BroadcastUint32x8(15), archsimd.BroadcastUint32x8(32-paint.NoiseBits)
	bits := (*[1 << paint.NoiseBits]uint32)(unsafe.Pointer(noise))
	var out [4]uint64
	// No scalar float instruction in the loops: the legacy SSE encoding
	// Go uses for scalar float32 code, run while the vector registers'
	// upper halves hold data, costs a merge each (ClearAVXUpperBits),
	// measured here as a twentyfold slowdown. So the sigma test is
	// outside the loops and the table is read as integers.
	if sigma != 0 {
		// The table look-ups in three passes: indices (vectors), the
		// loads (no gather in AVX2 form here), then the values. Eight
		// scalar stores read back at once as a vector cannot be
		// forwarded and stall the load; a pass later they can.
		nz := scratch[:n]
		ix := iota
		for i := 0; i < n; i += 8 {
			h := ix.Xor(vk).Mul(m1)
			h = h.Xor(h.ShiftRight(s15)).Mul(m2).ShiftRight(sIndex)
			ix = ix.Add(eight)
			h.StoreSlice(nz[i:])
		}
		for i, j := range nz {
			nz[i] = bits[j&(1<<paint.NoiseBits-1)]
		}
		for i := 0; i < n; i += 8 {
			v := archsimd.LoadFloat32x8Slice(vals[i:])
			v = va.Add(vsv.Mul(v)).Sub(vlo).Mul(vscale)
			v = v.Add(vsigma.Mul(archsimd.LoadUint32x8Slice(nz[i:]).AsFloat32x8()))
			f := v.Mul(f255)
			q := f.ConvertToInt32().Max(i0).Min(i255)
			q = i255.Merge(q, f.GreaterEqual(big))
			b := q.AsUint8x32().PermuteOrZeroGrouped(pack).AsUint32x8().Permute(gather)
			b.AsUint64x4().Store(&out)
			binary.LittleEndian.PutUint64(x[i:], out[0])
		}
	} else {
		for i := 0; i < n; i += 8 {
			v := archsimd.LoadFloat32x8Slice(vals[i:])
			v = va.Add(vsv.Mul(v)).Sub(vlo).Mul(vscale)
			f := v.Mul(f255)
			q := f.ConvertToInt32().Max(i0).Min(i255)
			q = i255.Merge(q, f.GreaterEqual(big))
			b := q.AsUint8x32().PermuteOrZeroGrouped(pack).AsUint32x8().Permute(gather)
			b.AsUint64x4().Store(&out)
			binary.LittleEndian.PutUint64(x[i:], out[0])
		}
	}
	archsimd.ClearAVXUpperBits()
	return n
}
