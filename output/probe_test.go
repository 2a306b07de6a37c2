package output

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/klauspost/compress/zlib"
)

// TestClassify checks probe.go's estimate against what deflate at level 1
// and Huffman-only coding really do with each chunk of a corpus of 30 KiB
// chunks (ten 32×32 RGB images) and 48 KiB ones (one 128×128): wherever
// the estimate stores a chunk, level 1 does not shrink it under 95% nor
// Huffman codes much under storeEntropy/8; wherever it
// picks Huffman codes alone, they shrink it and level 1 would not have
// done better by more than a point; wherever it picks level 1, level 1
// shrinks it. The corpus has the cases that fool a byte histogram
// (repeats at the pixel and the row distance, a noisy half beside a flat
// one, few distinct values) and those that fooled the estimate when it
// looked only at a chunk's first 2 KiB: a flat top over noise.
func TestClassify(t *testing.T) {
	const W, C, n = 32, 3, 30720
	r := rand.New(rand.NewPCG(5, 6))
	noise := func(b []byte) {
		for i := range b {
			b[i] = byte(r.Uint32())
		}
	}
	cases := map[string][]byte{}
	add := func(name string, f func(b []byte)) {
		b := make([]byte, n)
		f(b)
		cases[name] = b
	}
	add("noise", noise)
	add("flat", func(b []byte) {
		for i := range b {
			b[i] = byte(i / 97)
		}
	})
	add("mask", func(b []byte) {
		for i := range b {
			if i%1024 < 300 {
				b[i] = 255
			}
		}
	})
	add("pixels twice", func(b []byte) {
		noise(b)
		for i := C; i < n; i += 2 * C {
			copy(b[i:i+C], b[i-C:i])
		}
	})
	add("rows twice", func(b []byte) {
		noise(b)
		for i := W * C; i+W*C <= n; i += 2 * W * C {
			copy(b[i:i+W*C], b[i-W*C:i])
		}
	})
	add("half flat", func(b []byte) {
		noise(b)
		for i := range b {
			if i/(W*C)%32 < 16 {
				b[i] = 128
			}
		}
	})
	add("four values", func(b []byte) {
		for i := range b {
			b[i] = byte(r.IntN(4) * 60)
		}
	})
	add("low noise on a gradient", func(b []byte) {
		for i := range b {
			b[i] = byte(i/(W*C)%32*4 + r.IntN(3))
		}
	})
	add("noise in half the range", func(b []byte) {
		for i := range b {
			b[i] = byte(r.IntN(128))
		}
	})
	add("repeat of a whole image", func(b []byte) {
		noise(b[:n/2])
		copy(b[n/2:], b[:n/2])
	})
	// 128×128: the top 6 rows flat, then noise over all 256 levels, or of
	// ±8 levels over a gradient (the default preset's faint noise).
	const W128, n128 = 128, 128 * 128 * 3
	cases["128: flat top over noise"] = make([]byte, n128)
	noise(cases["128: flat top over noise"][6*W128*C:])
	faint := make([]byte, n128)
	for i := range faint {
		if i >= 6*W128*C {
			faint[i] = byte(64 + i/(W128*C)/2 + r.IntN(17) - 8)
		}
	}
	cases["128: flat top over faint noise"] = faint
	counts := map[chunkClass]int{}
	for name, b := range cases {
		ratio := func(level int) float64 {
			var z bytes.Buffer
			zw, _ := zlib.NewWriterLevel(&z, level)
			zw.Write(b)
			zw.Close()
			return float64(z.Len()) / float64(len(b))
		}
		row := W * C
		if len(b) == n128 {
			row = W128 * C
		}
		l1, huff := ratio(1), ratio(zlib.HuffmanOnly)
		got := classify(b, C, row)
		counts[got]++
		t.Logf("%-30s level 1 %.3f, Huffman only %.3f: class %d", name, l1, huff, got)
		switch got {
		case classStore:
			// Huffman codes gain at most 1 − storeEntropy/8 on it.
			if l1 <= 0.95 || huff <= storeEntropy/8-0.02 {
				t.Errorf("%s: stored raw, but level 1 makes it %.3f of its size and Huffman codes %.3f", name, l1, huff)
			}
		case classHuffman:
			if huff >= 0.97 || huff > l1+0.01 {
				t.Errorf("%s: Huffman codes only, for %.3f of its size (level 1: %.3f)", name, huff, l1)
			}
		case classDeflate:
			if l1 >= 0.999 {
				t.Errorf("%s: deflated, but deflate cannot shrink it (%.3f)", name, l1)
			}
		}
	}
	for _, c := range []chunkClass{classDeflate, classHuffman, classStore} {
		if counts[c] == 0 {
			t.Errorf("no chunk of the corpus got class %d: the estimate never picks it", c)
		}
	}
	// Short chunks are always deflated.
	if c := classify(cases["noise"][:2*probeBytes-1], C, W*C); c != classDeflate {
		t.Errorf("a chunk shorter than two probes got class %d", c)
	}
}
