package output

import (
	"encoding/hex"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/internal/pytest"
)

// npzCheck loads an npz with the original's loader and prints what it
// holds, hex-encoded, for comparison with what was written.
const npzCheck = `
import sys, json, zipfile, numpy as np
path = sys.argv[1]
assert zipfile.ZipFile(path).testzip() is None
dataset = np.load(path, allow_pickle=True)
x, mask, y = dataset["x"], dataset["mask"], dataset["y"]
print(x.dtype, x.shape, mask.dtype, mask.shape, y.dtype, y.shape)
print(x.tobytes().hex())
print(mask.tobytes().hex())
print(json.dumps([json.loads(r) for r in y]))
attrs = json.loads(dataset["attrs.json"])
print(attrs["channel_order"])
# without pickles too
d2 = np.load(path)
assert (d2["x"] == x).all() and (d2["y"] == y).all()
if len(sys.argv) > 2:
    s = np.load(sys.argv[2])
    print(sorted(k for k in s.files), s["random"].dtype, s["random"].shape, s["random"].argmax(1).tolist())
    print(json.loads(s["splits.json"])[0]["seed"])
`

func writeNPZ(t *testing.T, dir string, n, h, w, c, k int, splits bool) (Options, []byte, []byte, [][]byte) {
	t.Helper()
	x, mask, y := sample(n, h, w, c, k, 7)
	o := Options{Path: filepath.Join(dir, "d.npz"), N: n, H: h, W: w, C: c, K: k, Attrs: map[string]string{"channel_order": "RGB"}}
	if splits {
		o.Splits = filepath.Join(dir, "d_splits.npz")
	}
	wr, err := CreateNPZ(o)
	must(t, err)
	defer wr.Abort()
	sx, sm := h*w*c, h*w*k
	for lo := 0; lo < n; lo += 3 {
		hi := min(n, lo+3)
		must(t, wr.WriteSamples(Samples{X: x[lo*sx : hi*sx], Mask: mask[lo*sm : hi*sm], Y: y[lo:hi]}))
	}
	if splits {
		part := make([]uint8, n)
		for i := range part {
			part[i] = uint8(i % 3)
		}
		must(t, wr.WriteSplits([]Split{{Name: "random", Part: part, Seed: 42}}))
	}
	must(t, wr.Close())
	return o, x, mask, y
}

func TestNPZNumpy(t *testing.T) {
	py := python(t)
	for _, force := range []bool{false, true} {
		npzForceZip64 = force
		dir := t.TempDir()
		o, x, mask, _ := writeNPZ(t, dir, 8, 4, 5, 3, 2, true)
		npzForceZip64 = false
		out := pytest.Run(t, py, npzCheck, o.Path, o.Splits)
		lines := strings.Split(out, "\n")
		if lines[0] != "uint8 (8, 4, 5, 3) uint8 (8, 4, 5, 2) |S86 (8,)" && !strings.HasPrefix(lines[0], "uint8 (8, 4, 5, 3) uint8 (8, 4, 5, 2) |S") {
			t.Errorf("zip64 %v: shapes %q", force, lines[0])
		}
		if lines[1] != hex.EncodeToString(x) || lines[2] != hex.EncodeToString(mask) {
			t.Errorf("zip64 %v: x or mask differ", force)
		}
		if !strings.Contains(lines[3], `"\ud83d\ude00"`) && !strings.Contains(lines[3], "😀") {
			t.Errorf("zip64 %v: records %s", force, lines[3])
		}
		if lines[4] != "RGB" || !strings.HasPrefix(lines[5], "['random', 'splits.json'] bool (8, 3) [0, 1, 2, 0, 1, 2, 0, 1]") || lines[6] != "42" {
			t.Errorf("zip64 %v: attrs or splits %q", force, lines[4:])
		}
		assertOnly(t, dir, "d.npz", "d_splits.npz")
	}
}

func TestNPZShortAndErrors(t *testing.T) {
	dir := t.TempDir()
	o := Options{Path: filepath.Join(dir, "d.npz"), N: 4, H: 2, W: 2, C: 1, K: 1}
	wr, err := CreateNPZ(o)
	must(t, err)
	if err := wr.WriteSamples(Samples{X: make([]byte, 3), Mask: make([]byte, 4), Y: make([][]byte, 1)}); !errors.Is(err, ErrInput) {
		t.Errorf("short x: %v", err)
	}
	must(t, wr.WriteSamples(Samples{X: make([]byte, 4), Mask: make([]byte, 4), Y: [][]byte{[]byte(`{}`)}}))
	if err := wr.Close(); !errors.Is(err, ErrCount) {
		t.Errorf("short close: %v", err)
	}
	assertOnly(t, dir)
	// Unwritable folder.
	ro := filepath.Join(dir, "ro")
	must(t, os.Mkdir(ro, 0o555))
	if os.Geteuid() != 0 {
		if _, err := CreateNPZ(Options{Path: filepath.Join(ro, "d.npz"), N: 1, H: 1, W: 1, C: 1, K: 1}); !errors.Is(err, ErrDir) {
			t.Errorf("read-only folder: %v", err)
		}
	}
	if _, err := CreateNPZ(Options{Path: filepath.Join(dir, "missing", "d.npz"), N: 1, H: 1, W: 1, C: 1, K: 1}); !errors.Is(err, ErrDir) {
		t.Errorf("missing folder: %v", err)
	}
}

// TestZip64Offsets: a member past 4 GiB (a sparse file: its data is never
// written) gets zip64 sizes, and the member after it a zip64 offset,
// which Python's zipfile reads back.
func TestZip64Offsets(t *testing.T) {
	py := python(t)
	path := filepath.Join(t.TempDir(), "big.zip")
	f, err := os.Create(path)
	must(t, err)
	defer f.Close()
	z := zipStore{f: f}
	_, _, err = z.reserve("big.npy", 5<<30)
	must(t, err)
	must(t, z.add("small.json", []byte(`{"a": 1}`), crc32.ChecksumIEEE([]byte(`{"a": 1}`))))
	must(t, z.finish())
	out := pytest.Run(t, py, `
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
print([(i.filename, i.file_size, i.header_offset > 2**32) for i in z.infolist()], z.read("small.json").decode())
`, path)
	if want := "[('big.npy', 5368709120, False), ('small.json', 8, True)] {\"a\": 1}\n"; out != want {
		t.Errorf("zipfile: %q, want %q", out, want)
	}
}
