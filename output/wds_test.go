package output

import (
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/internal/pytest"
)

// wdsLoad reads a WebDataset's shards with tarfile in the order the
// manifest lists them, and prints x, mask and the records as npzCheck.
const wdsLoad = pytest.PNGDecode + `
import sys, io, json, tarfile, os
manifest = json.load(open(sys.argv[1]))
d = os.path.dirname(sys.argv[1])
xs, masks, ys, keys = [], [], [], []
for name in manifest["shards"]:
    with tarfile.open(os.path.join(d, name)) as tf:
        for m in tf.getmembers():
            key, ext = m.name.split('.', 1)
            data = tf.extractfile(m).read()
            if not keys or keys[-1] != key:
                keys.append(key)
            if ext == 'png': xs.append(png_decode(data))
            elif ext == 'mask.png':
                a = png_decode(data)
                masks.append(a if len(manifest["shapes"]["mask"]) == 3 else a[..., 0])
            elif ext == 'mask.npy': masks.append(np.load(io.BytesIO(data)))
            elif ext == 'json': ys.append(data)
x, mask = np.stack(xs), np.stack(masks)
print(x.dtype, x.shape, mask.dtype, mask.shape, len(ys), ','.join(keys[:3]), len(manifest["shards"]))
print(x.tobytes().hex())
print(mask.tobytes().hex())
print(json.dumps([json.loads(r) for r in ys]))
`

func TestWDSShards(t *testing.T) {
	py := python(t)
	for _, k := range []int{1, 2, 3} {
		dir := t.TempDir()
		n, h, w, c := 8, 4, 5, 3
		x, mask, y := sample(n, h, w, c, k, 7)
		o := Options{Path: filepath.Join(dir, "d.json"), N: n, H: h, W: w, C: c, K: k, ShardSize: 3,
			Splits: filepath.Join(dir, "d_splits.npz"), Attrs: map[string]string{"spec": "s"}}
		wr, err := CreateWDS(o)
		must(t, err)
		sx, sm := h*w*c, h*w*k
		for lo := 0; lo < n; lo += 5 {
			hi := min(n, lo+5)
			must(t, wr.WriteSamples(Samples{X: x[lo*sx : hi*sx], Mask: mask[lo*sm : hi*sm], Y: y[lo:hi]}))
		}
		must(t, wr.WriteSplits([]Split{{Name: "random", Part: make([]uint8, n)}}))
		if ents, _ := os.ReadDir(dir); len(ents) != 2 { // the lock and the private folder
			t.Errorf("before Close %d entries: a reader would see them", len(ents))
		}
		must(t, wr.Close())
		assertOnly(t, dir, "d-000000.tar", "d-000001.tar", "d-000002.tar", "d.json", "d_splits.npz")
		lines := strings.Split(pytest.Run(t, py, wdsLoad, o.Path), "\n")
		if want := "uint8 (8, 4, 5, 3) uint8 (8, 4, 5, " + string(rune('0'+k)) + ") 8 000000,000001,000002 3"; lines[0] != want {
			t.Errorf("K=%d: %q, want %q", k, lines[0], want)
		}
		if lines[1] != hex.EncodeToString(x) || lines[2] != hex.EncodeToString(mask) {
			t.Errorf("K=%d: x or mask differ", k)
		}
		if !strings.Contains(lines[3], `"i": 7`) {
			t.Errorf("K=%d: records %s", k, lines[3])
		}
	}
}

func TestWDSOverwriteFewerShards(t *testing.T) {
	dir := t.TempDir()
	write := func(n int) error {
		o := Options{Path: filepath.Join(dir, "d.json"), N: n, H: 2, W: 2, C: 1, K: 1, ShardSize: 2}
		wr, err := CreateWDS(o)
		if err != nil {
			return err
		}
		defer wr.Abort()
		y := make([][]byte, n)
		for i := range y {
			y[i] = []byte(`{}`)
		}
		if err := wr.WriteSamples(Samples{X: make([]byte, 4*n), Mask: make([]byte, 4*n), Y: y}); err != nil {
			return err
		}
		return wr.Close()
	}
	must(t, write(5))
	assertOnly(t, dir, "d-000000.tar", "d-000001.tar", "d-000002.tar", "d.json")
	must(t, write(3))
	assertOnly(t, dir, "d-000000.tar", "d-000001.tar", "d.json")
	// A short run leaves the earlier set as it was.
	o := Options{Path: filepath.Join(dir, "d.json"), N: 4, H: 2, W: 2, C: 1, K: 1, ShardSize: 1}
	wr, err := CreateWDS(o)
	must(t, err)
	must(t, wr.WriteSamples(Samples{X: make([]byte, 12), Mask: make([]byte, 12), Y: [][]byte{[]byte(`{}`), []byte(`{}`), []byte(`{}`)}}))
	if err := wr.Close(); !errors.Is(err, ErrCount) {
		t.Errorf("short: %v", err)
	}
	assertOnly(t, dir, "d-000000.tar", "d-000001.tar", "d.json")
}
