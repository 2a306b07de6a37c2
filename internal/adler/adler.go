// Package adler computes Adler-32 (RFC 1950), the checksum that ends every
// zlib stream the output writes: hash/adler32's result, with an AVX2 loop
// in the vector build (GOEXPERIMENT=simd, see vector_amd64.go) that does
// 32 bytes a step. At 128×128 the checksum of the chunks coded with
// Huffman codes only and of the masks was 3% of a run's CPU time.
package adler

// mod is the largest prime below 2¹⁶; nmax the most bytes whose sums can
// be taken before reducing them without overflowing 32 bits (zlib's NMAX:
// 255·n(n+1)/2 + (n+1)(mod−1) < 2³²).
const (
	mod  = 65521
	nmax = 5552
)

// Checksum returns the Adler-32 checksum of p.
func Checksum(p []byte) uint32 { return Update(1, p) }

// Update returns the checksum of the bytes whose checksum is a followed by
// p.
func Update(a uint32, p []byte) uint32 {
	s1, s2 := a&0xffff, a>>16
	if vectorized && len(p) >= 64 {
		s1, s2, p = blocks(s1, s2, p)
	}
	s1, s2 = scalar(s1, s2, p)
	return s2<<16 | s1
}

// scalar is hash/adler32's loop: sums over runs of at most nmax bytes,
// reduced after each.
func scalar(s1, s2 uint32, p []byte) (uint32, uint32) {
	for len(p) > 0 {
		q := p[:min(len(p), nmax)]
		p = p[len(q):]
		for _, b := range q {
			s1 += uint32(b)
			s2 += s1
		}
		s1 %= mod
		s2 %= mod
	}
	return s1, s2
}
