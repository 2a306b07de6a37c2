package output

import (
	"encoding/binary"
	"math"
)

// Which chunks are stored raw. Images with pixel noise (most presets) do
// not deflate: level 1 leaves them at about 99.9% of their size. Deflating
// a probe of each chunk's start to find out cost a whole 32×32 run about
// 6% of its CPU time (a dynamic Huffman block per probe), so the probe is
// now an estimate of what deflate can do with it:
//
//   - its order-0 entropy, the bound on what Huffman coding of literals
//     reaches (deflate's output for noise is literals), and
//   - how many of its positions start a 4-byte repeat at the distances
//     where images repeat: the byte, the pixel and the row before.
//
// A chunk is stored when the entropy is above storeEntropy bits a byte and
// fewer than 1 in 64 positions tried repeat. In a --workers 1 profile of
// 100,000 default samples the estimate over 4 KiB took 2.9% of the CPU
// time where the deflated probe had taken 5.9%; it now reads 2 KiB. The bound is what our level-1 encoder (klauspost's)
// does, not what the entropy promises: on the `default` preset's chunks it
// left nearly every chunk whose probe is above 6.5 bits a byte at 100.0%
// of its size (a few at 95–98%), as its deflated probe predicted before;
// zlib's own level 1 would save about 8% on them, at the cost of deflating
// every byte. The estimate serves level 1 only: the higher levels, where
// the user asks for size over speed, keep the deflated probe.

// storeEntropy is the order-0 entropy, in bits a byte, above which a probe
// with few repeats is stored.
const storeEntropy = 6.5

// estimateBytes is the start of a chunk the estimate looks at: half the
// deflated probe's. The entropy of a histogram of N noise bytes comes out
// about 255/(2N·ln 2) bits low (7.91 for 2 KiB, 7.96 for 4 KiB, by that
// formula), far above the bound either way, and the estimate runs on
// every chunk.
const estimateBytes = 2 << 10

// nlog2n[c] is c·log2(c) for the counts of a probe.
var nlog2n = func() (t [estimateBytes + 1]float64) {
	for c := 2; c <= estimateBytes; c++ {
		t[c] = float64(c) * math.Log2(float64(c))
	}
	return
}()

// incompressible reports whether chunk src, of images with rows of row
// bytes and pixels of pixel bytes, is not worth deflating at level 1 (see
// above). It looks at the first estimateBytes only; a chunk shorter than
// two deflated probes is deflated.
func incompressible(src []byte, pixel, row int) bool {
	if len(src) < 2*probeBytes {
		return false
	}
	p := src[:estimateBytes]
	// Four histograms, so that equal bytes in a row do not wait on each
	// other's increments.
	var h [4][256]uint16
	for i := 0; i+4 <= len(p); i += 4 {
		h[0][p[i]]++
		h[1][p[i+1]]++
		h[2][p[i+2]]++
		h[3][p[i+3]]++
	}
	sum := 0.0
	for v := range 256 {
		sum += nlog2n[int(h[0][v])+int(h[1][v])+int(h[2][v])+int(h[3][v])]
	}
	// H0 = log2(N) − Σ c·log2(c) / N, in bits a byte.
	n := float64(len(p))
	if math.Log2(n)-sum/n <= storeEntropy {
		return false
	}
	// Every fourth position: a repeat of 8 bytes or more, what deflate
	// gains by, starts one of them.
	repeats, tried := 0, 0
	ds := [3]int{1, pixel, row}
	if pixel == 1 {
		ds[0] = 0 // the pixel's distance is the byte's
	}
	for _, d := range ds {
		if d < 1 || d >= len(p)-4 {
			continue
		}
		for i := (d + 3) &^ 3; i+4 <= len(p); i += 4 {
			if binary.LittleEndian.Uint32(p[i:]) == binary.LittleEndian.Uint32(p[i-d:]) {
				repeats++
			}
			tried++
		}
	}
	return repeats*64 < tried
}
