package output

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/klauspost/compress/zlib"
)

// TestIncompressible checks probe.go's estimate against what deflate at
// level 1 really does with each chunk of a corpus of 30 KiB chunks (ten
// 32×32 RGB images): wherever the estimate stores a chunk, deflate leaves
// it above 95% of its size, and wherever deflate brings it under 90%, the
// estimate deflates it. The corpus has the cases that fool a byte
// histogram: repeats at the pixel and the row distance, a noisy half
// beside a flat one, few distinct values.
func TestIncompressible(t *testing.T) {
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
	stored := 0
	for name, b := range cases {
		var z bytes.Buffer
		zw, _ := zlib.NewWriterLevel(&z, 1)
		zw.Write(b)
		zw.Close()
		ratio := float64(z.Len()) / float64(len(b))
		got := incompressible(b, C, W*C)
		if got {
			stored++
		}
		t.Logf("%-24s deflate %.3f, stored %v", name, ratio, got)
		if got && ratio <= 0.95 {
			t.Errorf("%s: stored raw, but deflate makes it %.3f of its size", name, ratio)
		}
		if !got && ratio >= 0.999 {
			t.Errorf("%s: deflated, but deflate cannot shrink it (%.3f)", name, ratio)
		}
		if !got && ratio > 0.9 && ratio < 0.999 {
			t.Logf("%s: deflated for %.3f (a probe's miss, not an error)", name, ratio)
		}
	}
	if stored == 0 {
		t.Error("no chunk of the corpus was stored: the estimate never fires")
	}
	// Short chunks are always deflated.
	if incompressible(cases["noise"][:2*probeBytes-1], C, W*C) {
		t.Error("a chunk shorter than two probes was stored")
	}
}
