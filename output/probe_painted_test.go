package output

import (
	"bytes"
	"testing"

	"github.com/klauspost/compress/zlib"

	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/engine/cpu"
	"github.com/synbols-gpu/synbols-gpu/internal/recipe"
	"github.com/synbols-gpu/synbols-gpu/internal/testenv"
	"github.com/synbols-gpu/synbols-gpu/spec"
)

// TestClassifyPainted checks classify on painted images, one chunk per
// image as the writer cuts 128×128 ones: 160 `default` and 160
// `counting` images (seed 3). Of the chunks it sends to a deflater, at
// most 25% may come out no smaller than 97% of their size (deflated for
// nothing: the estimate over a chunk's first 2 KiB did so with 41% and
// 47% of them), and the Huffman-coded ones must come out smaller, on
// average, than our level 1 leaves them.
func TestClassifyPainted(t *testing.T) {
	lib, at := testenv.Embedded(t)
	for _, name := range []string{"default", "counting"} {
		sp, err := spec.Preset(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := sp.SetResolution(128, 128); err != nil {
			t.Fatal(err)
		}
		const n = 160
		b, err := recipe.Batch(sp, lib, at, 3, 0, n)
		if err != nil {
			t.Fatal(err)
		}
		size := b.Width * b.Height * b.Channels
		out := engine.Output{X: make([]byte, n*size), Mask: make([]byte, n*b.Width*b.Height*b.MaskChannels)}
		if err := cpu.New(0).Paint(b, out); err != nil {
			t.Fatal(err)
		}
		ratio := func(src []byte, level int) float64 {
			var z bytes.Buffer
			zw, _ := zlib.NewWriterLevel(&z, level)
			zw.Write(src)
			zw.Close()
			return float64(z.Len()) / float64(len(src))
		}
		var count [3]int
		vain, deflated := 0, 0
		var huff, huffL1 float64
		for i := range n {
			chunk := out.X[i*size : (i+1)*size]
			c := classify(chunk, b.Channels, b.Width*b.Channels)
			count[c]++
			switch c {
			case classDeflate:
				deflated++
				if ratio(chunk, 1) >= storeRatio {
					vain++
				}
			case classHuffman:
				deflated++
				h := ratio(chunk, zlib.HuffmanOnly)
				if h >= storeRatio {
					vain++
				}
				huff += h
				huffL1 += ratio(chunk, 1)
			}
		}
		t.Logf("%s 128×128: %d deflated at level 1, %d Huffman-coded, %d stored; %d of %d deflated for nothing", name, count[classDeflate], count[classHuffman], count[classStore], vain, deflated)
		if vain*4 > deflated {
			t.Errorf("%s: %d of %d chunks sent to a deflater come out at ≥ %.0f%% of their size", name, vain, deflated, 100*storeRatio)
		}
		if k := count[classHuffman]; k > 0 {
			t.Logf("%s: Huffman-coded chunks at %.3f of their size on average, level 1 would leave %.3f", name, huff/float64(k), huffL1/float64(k))
			if huff >= huffL1 {
				t.Errorf("%s: Huffman codes (%.3f) no better than level 1 (%.3f) on the chunks given them", name, huff/float64(k), huffL1/float64(k))
			}
		} else {
			t.Errorf("%s: no chunk was given Huffman codes (faint noise is most of these presets' compressible chunks)", name)
		}
	}
}
