package output

import (
	"encoding/binary"
	"math"

	"github.com/synbols-gpu/synbols-gpu/internal/detmath"
)

// How a chunk is compressed at level 1. Images with pixel noise (most
// presets) barely deflate, and deflating a probe of each chunk to find out
// cost a whole 32×32 run about 6% of its CPU time (a dynamic Huffman block
// per probe), so the compressor decides from an estimate of what deflate
// can do with the chunk instead:
//
//   - its order-0 entropy, the bound on what Huffman coding of literals
//     reaches (deflate's output for noise is literals), and
//   - how many of the positions tried start a 4-byte repeat at the
//     distances where images repeat: the byte, the pixel and the row
//     before.
//
// Both are taken over estimatePieces pieces at the middles of the chunk's
// eighths. They were taken over its first 2 KiB, which are the top rows of
// a 128×128 image: often flat background while the rest is noisy, so 41%
// of the `default` preset's 128×128 chunks (47% of `counting`'s) were
// deflated for nothing, and 17% at 32×32 (docs/format.md has the figures).
//
// Few repeats means LZ77 has little to find. Then a high entropy (above
// storeEntropy bits a byte) stores the chunk raw, and a lower one codes it
// with Huffman codes only: on such chunks (noise of a few levels over
// gradients) our level-1 encoder (klauspost's) leaves them at 95–96% of
// their size, where Huffman-only coding gives 85–87% and runs faster;
// unless the pieces' alphabets are small (lzBits). With repeats, the chunk
// gets level 1. The higher levels, where the user asks for size over
// speed, keep the deflated probe instead.
type chunkClass uint8

const (
	classDeflate chunkClass = iota // level 1
	classHuffman                   // Huffman codes only
	classStore                     // raw, the filter marked skipped
)

// storeEntropy is the order-0 entropy, in bits a byte, above which a probe
// with few repeats is stored.
const storeEntropy = 6.5

// lzBits: below this entropy a piece on average, its alphabet is small
// enough for 4-byte repeats to come by chance (one in 2¹⁴ positions or
// more), which LZ77 finds and Huffman codes alone do not use, so level 1.
// (The sample's entropy can be much higher: a little noise over a
// gradient has a small alphabet in each piece, a different one in each.)
const lzBits = 3.5

// estimatePieces pieces of estimatePiece bytes make the estimate's 2 KiB
// sample. The entropy of a histogram of N noise bytes comes out about
// 255/(2N·ln 2) bits low (7.91 for 2 KiB, by that formula), far above
// the bound, and the estimate runs on every chunk.
const (
	estimatePieces = 8
	estimatePiece  = 256 // 1 << log2Piece
	estimateBytes  = estimatePieces * estimatePiece
)

// nlog2n[c] is c·log2(c) for the counts of a probe, from detmath's
// logarithm: math's differs between builds and platforms, and a chunk's
// class, and so the file's bytes, must not.
var nlog2n = func() (t [estimateBytes + 1]float64) {
	for c := 2; c <= estimateBytes; c++ {
		t[c] = float64(c) * (detmath.Log(float64(c)) / math.Ln2)
	}
	return
}()

// log2Sample and log2Piece are log2 of estimateBytes and estimatePiece.
const (
	log2Sample = 11
	log2Piece  = 8
)

// Compile-time checks that they are: a constant index into [1]int must be 0.
var (
	_ = [1]int{}[estimateBytes-1<<log2Sample]
	_ = [1]int{}[estimatePiece-1<<log2Piece]
)

// classify says how chunk src, of images with rows of row bytes and pixels
// of pixel bytes, is compressed at level 1 (see chunkClass). A chunk shorter
// than two deflated probes is deflated.
func classify(src []byte, pixel, row int) chunkClass {
	if len(src) < 2*probeBytes {
		return classDeflate
	}
	// Piece k is at the middle of the chunk's k-th eighth: a chunk's start
	// (an image's top rows) is no more likely to be sampled than the rest.
	seg := len(src) / estimatePieces
	at := func(k int) int { return (k*seg + (seg-estimatePiece)/2) &^ 3 }
	// The sample's entropy. Four histograms, so that equal bytes in a row
	// do not wait on each other's increments.
	var h [4][256]uint16
	for k := range estimatePieces {
		p := src[at(k):][:estimatePiece]
		for i := 0; i+4 <= len(p); i += 4 {
			h[0][p[i]]++
			h[1][p[i+1]]++
			h[2][p[i+2]]++
			h[3][p[i+3]]++
		}
	}
	sum := 0.0
	for v := range 256 {
		sum += nlog2n[int(h[0][v])+int(h[1][v])+int(h[2][v])+int(h[3][v])]
	}
	// H0 = log2(N) − Σ c·log2(c) / N, in bits a byte.
	const n = float64(estimateBytes)
	entropy := log2Sample - sum/n
	// Every fourth position of each piece: a repeat of 8 bytes or more,
	// what deflate gains by, starts one of them. A position looks back
	// into the chunk, before its piece if need be.
	repeats, tried := 0, 0
	ds := [3]int{1, pixel, row}
	if pixel == 1 {
		ds[0] = 0 // the pixel's distance is the byte's
	}
	for _, d := range ds {
		if d < 1 || d >= len(src)-4 {
			continue
		}
		for k := range estimatePieces {
			lo := max(at(k), (d+3)&^3)
			hi := min(at(k)+estimatePiece, len(src)-3)
			if lo >= hi {
				continue
			}
			// Eight bytes at a time: the positions i and i + 4.
			cur, back := src[lo:hi+3], src[lo-d:hi+3-d]
			for len(cur) >= 8 && len(back) >= 8 {
				x := binary.LittleEndian.Uint64(cur) ^ binary.LittleEndian.Uint64(back)
				repeats += b2i(uint32(x) == 0) + b2i(x>>32 == 0)
				tried += 2
				cur, back = cur[8:], back[8:]
			}
			if len(cur) >= 4 && len(back) >= 4 {
				repeats += b2i(binary.LittleEndian.Uint32(cur) == binary.LittleEndian.Uint32(back))
				tried++
			}
		}
	}
	switch {
	case repeats*64 >= tried:
		return classDeflate
	case entropy > storeEntropy:
		return classStore
	}
	// Huffman codes, unless the pieces' own alphabets are small: the
	// pieces' mean entropy, which only this case needs. Σ c·log2(c) over a
	// histogram grows by nlog2n[c+1] − nlog2n[c] when a count goes from c
	// to c + 1, so it is summed byte by byte, without a pass over the bins.
	local := 0.0
	var hp [256]uint16
	for k := range estimatePieces {
		p := src[at(k):][:estimatePiece]
		s := 0.0
		for _, v := range p {
			c := hp[v]
			s += nlog2n[c+1] - nlog2n[c]
			hp[v] = c + 1
		}
		for _, v := range p {
			hp[v] = 0
		}
		local += log2Piece - s/estimatePiece
	}
	local /= estimatePieces
	if local < lzBits {
		return classDeflate
	}
	return classHuffman
}

// b2i is 1 for true, 0 for false (a SETcc, no branch).
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
