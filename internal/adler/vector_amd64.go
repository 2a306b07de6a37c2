//go:build goexperiment.simd && amd64 && !go1.27

package adler

import "simd/archsimd"

// vectorized reports whether blocks runs (the CPU has AVX2).
var vectorized = archsimd.X86.AVX2()

// byteWeights are a block's bytes' weights in s2, 32 down to 1: a plain
// array, made once (a vector here would run AVX2 at start-up).
var byteWeights = func() (w [32]int8) {
	for i := range w {
		w[i] = int8(32 - i)
	}
	return w
}()

// blocks adds the whole 32-byte blocks of p to the sums s1, s2 and
// returns them reduced and the rest of p. Per block b (bytes b₀…b₃₁),
// s2 gains 32·s1 + Σ(32 − i)·bᵢ and s1 gains Σbᵢ: the byte sums come from
// VPSADBW against zero, the weighted ones from VPMADDUBSW with the
// weights 32…1 (each pair at most 255·63 < 2¹⁵: no saturation) and
// VPMADDWD with ones; 32·s1 is kept as the running sum of the byte sums
// before each block (ps), multiplied once per run of at most nmax bytes,
// and reduced in 64 bits there.
func blocks(s1, s2 uint32, p []byte) (uint32, uint32, []byte) {
	weights := archsimd.LoadInt8x32(&byteWeights)
	ones := archsimd.BroadcastInt16x16(1)
	var zero archsimd.Uint8x32
	var lanes [8]uint32
	sum := func(v archsimd.Uint32x8) uint64 {
		v.Store(&lanes)
		var t uint64
		for _, x := range lanes {
			t += uint64(x)
		}
		return t
	}
	for len(p) >= 32 {
		n := min(len(p), nmax) &^ 31
		var vs1, vs2, vps archsimd.Uint32x8
		for i := 0; i < n; i += 32 {
			b := archsimd.LoadUint8x32Slice(p[i:])
			vps = vps.Add(vs1)
			vs1 = vs1.Add(b.SumAbsDiff(zero).AsUint32x8())
			vs2 = vs2.Add(b.DotProductPairsSaturated(weights).DotProductPairs(ones).AsUint32x8())
		}
		t1, t2, tp := sum(vs1), sum(vs2), sum(vps)
		s2 = uint32((uint64(s2) + uint64(s1)*uint64(n) + 32*tp + t2) % mod)
		s1 = uint32((uint64(s1) + t1) % mod)
		p = p[n:]
	}
	archsimd.ClearAVXUpperBits()
	return s1, s2, p
}
