package output

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/internal/pytest"
)

// storedCheck prints, per dataset, each chunk's filter mask (1: deflate
// skipped, stored raw) and checks the data against the .npy files.
const storedCheck = `
import sys, h5py, numpy as np
path, xs, ms = sys.argv[1], sys.argv[2], sys.argv[3]
with h5py.File(path, "r") as f:
    for name, want in (("x", xs), ("mask", ms)):
        d = f[name]
        assert d.compression == "gzip", (name, d.compression)
        got = d[:]
        ref = np.fromfile(want, dtype=np.uint8).reshape(got.shape)
        assert np.array_equal(got, ref), name
        # One sample at a time as well: each chunk on its own.
        assert all(np.array_equal(d[i], ref[i]) for i in range(0, len(ref), 7)), name
        info = [d.id.get_chunk_info(i) for i in range(d.id.get_num_chunks())]
        print(name, "".join(str(c.filter_mask) for c in info))
        print(name, "sizes", " ".join(str(c.size) for c in info))
`

// TestStoredChunks: chunks that deflate cannot shrink (noise) are written
// raw with the deflate filter marked skipped, chunks that deflate well
// (flat masks, smooth images) are deflated, chunks of faint noise over a
// gradient get Huffman codes (smaller than level 1 leaves them), and h5py
// reads them all back exactly, whole and row by row; the choice is per
// chunk, by content.
func TestStoredChunks(t *testing.T) {
	py := pytest.Python(t)
	const n, h, w, c, k, cs = 50, 32, 32, 3, 1, 10
	x := make([]byte, n*h*w*c)
	mask := make([]byte, n*h*w*k)
	r := rand.New(rand.NewPCG(3, 4))
	for s := range n {
		img := x[s*h*w*c : (s+1)*h*w*c]
		noisy := s/cs%2 == 0 // chunks 0 and 2 noise, 1 and 3 smooth, 4 faint noise
		for i := range img {
			if s/cs == 4 {
				img[i] = byte(64 + i/(w*c)/2 + r.IntN(17) - 8)
			} else if noisy {
				img[i] = byte(r.Uint32())
			} else {
				img[i] = byte(i / 97)
			}
		}
		for i := range h * w / 3 {
			mask[s*h*w+i] = 255
		}
	}
	y := make([][]byte, n)
	for i := range y {
		y[i] = fmt.Appendf(nil, `{"i": %d}`, i)
	}
	dir := t.TempDir()
	xs, ms := filepath.Join(dir, "x.bin"), filepath.Join(dir, "m.bin")
	must(t, writeFile(xs, x))
	must(t, writeFile(ms, mask))
	// Level 1 decides from probe.go's estimate, level 9 from a deflated
	// probe of each chunk's first 4 KiB: the same chunks are stored.
	for _, level := range []int{1, 9} {
		path := filepath.Join(dir, fmt.Sprintf("s%d.h5py", level))
		wr, err := Create(Options{Path: path, N: n, H: h, W: w, C: c, K: k, ChunkSamples: cs, Workers: 2, Level: level})
		must(t, err)
		must(t, wr.Write(x, mask, y))
		must(t, wr.Close())
		out := pytest.Run(t, py, storedCheck, path, xs, ms)
		for _, want := range []string{"x 10100\n", "mask 00000\n"} {
			if !strings.Contains(out, want) {
				t.Errorf("level %d: h5py printed %q, want a line %q (filter masks per chunk)", level, out, want)
			}
		}
		// Our level 1 leaves the faint chunk whole (forced to it, the
		// chunk is stored at 30,720 bytes); Huffman codes bring it to
		// 18,471 bytes (60%), level 9 to 18,602.
		var sizes [5]int
		if i := strings.Index(out, "x sizes "); i < 0 {
			t.Fatalf("no x sizes in %q", out)
		} else if _, err := fmt.Sscan(out[i+len("x sizes "):], &sizes[0], &sizes[1], &sizes[2], &sizes[3], &sizes[4]); err != nil {
			t.Fatal(err)
		}
		if raw := cs * h * w * c; sizes[4] > raw*72/100 {
			t.Errorf("level %d: faint noise chunk: %d bytes of %d, want under 72%%", level, sizes[4], raw)
		}
		t.Logf("level %d: x chunk sizes %v", level, sizes)
	}
}

func writeFile(path string, b []byte) error { return os.WriteFile(path, b, 0o644) }
