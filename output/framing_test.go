package output

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/klauspost/compress/zlib"
)

// TestZlibFraming: encoders.deflate, which frames its deflate streams as
// zlib itself, writes the bytes klauspost's zlib.Writer writes, at levels
// 1, 2, 6 and 9 and with Huffman codes only, for empty, short, noisy,
// repetitive and mixed inputs up to 300 KiB (so files keep their bytes).
func TestZlibFraming(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var inputs [][]byte
	for _, n := range []int{0, 1, 31, 1000, 65536, 300 << 10} {
		noisy, runs, mixed := make([]byte, n), make([]byte, n), make([]byte, n)
		for i := range n {
			noisy[i] = byte(r.Uint32())
			runs[i] = byte(i / 700 % 3 * 120)
			mixed[i] = byte(i%64) + byte(r.IntN(4))
		}
		inputs = append(inputs, noisy, runs, mixed)
	}
	for _, level := range []int{1, 2, 6, 9} {
		// One encoders a level, as a Writer has (its encoders keep the
		// level they were made with).
		var e encoders
		for _, huffman := range []bool{false, true} {
			for _, src := range inputs {
				got, _, err := e.deflate([]byte("prefix"), src, level, huffman, false)
				if err != nil {
					t.Fatal(err)
				}
				var want bytes.Buffer
				want.WriteString("prefix")
				zl := level
				if huffman {
					zl = zlib.HuffmanOnly
				}
				zw, err := zlib.NewWriterLevel(&want, zl)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := zw.Write(src); err != nil {
					t.Fatal(err)
				}
				if err := zw.Close(); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, want.Bytes()) {
					t.Fatalf("level %d huffman %v, %d bytes: %d bytes written, zlib.Writer %d (or the same length, other bytes)",
						level, huffman, len(src), len(got), want.Len())
				}
			}
		}
	}
}
