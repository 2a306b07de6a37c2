package generate

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/engine/cpu"
	"github.com/synbols-gpu/synbols-gpu/internal/pytest"
	"github.com/synbols-gpu/synbols-gpu/masks"
	"github.com/synbols-gpu/synbols-gpu/output"
	"github.com/synbols-gpu/synbols-gpu/spec"
)

// formatsCheck loads the same dataset written as HDF5 (h5py), npz (the
// original's np.load loader) and wds (tarfile, the shards in manifest
// order) and compares x, mask, y and the splits.
const formatsCheck = `
import sys, io, os, json, tarfile, h5py, numpy as np
h5, npz, wds = sys.argv[1:4]
with h5py.File(h5, 'r') as fd:
    x, mask, y = np.array(fd['x']), np.array(fd['mask']), list(fd['y'])
    splits = {k: np.array(fd['split'][k]) for k in fd['split']}
    sym = np.array(fd['symbol_mask']) if 'symbol_mask' in fd else None

dataset = np.load(npz, allow_pickle=True)
nx, nmask, ny = dataset["x"], dataset["mask"], dataset["y"]
assert nx.dtype == x.dtype and nx.shape == x.shape and (nx == x).all(), "npz x"
assert nmask.dtype == mask.dtype and nmask.shape == mask.shape and (nmask == mask).all(), "npz mask"
assert list(ny) == y, "npz y"
assert [json.loads(r) for r in ny] == [json.loads(r) for r in y]
if sym is not None:
    assert (dataset["symbol_mask"] == sym).all(), "npz symbol_mask"
for path in (npz, wds):
    s = np.load(path[:-len(os.path.splitext(path)[1])] + "_splits.npz")
    for k, v in splits.items():
        assert (s[k] == v).all(), (path, k)

manifest = json.load(open(wds))
d = os.path.dirname(wds)
xs, ms, ys, ss = [], [], [], []
for name in manifest["shards"]:
    with tarfile.open(os.path.join(d, name)) as tf:
        for m in tf.getmembers():
            ext = m.name.split('.', 1)[1]
            data = tf.extractfile(m).read()
            if ext == 'png': xs.append(png_decode(data))
            elif ext == 'mask.png':
                a = png_decode(data)
                ms.append(a if len(manifest["shapes"]["mask"]) == 3 else a[..., 0])
            elif ext == 'mask.npy': ms.append(np.load(io.BytesIO(data)))
            elif ext == 'symbol_mask.npy': ss.append(np.load(io.BytesIO(data)))
            elif ext == 'json': ys.append(data)
assert (np.stack(xs) == x).all(), "wds x"
assert (np.stack(ms) == mask).all(), "wds mask"
assert ys == y, "wds y"
if sym is not None:
    assert (np.stack(ss) == sym).all(), "wds symbol_mask"
assert manifest["n"] == len(y) and manifest["attrs"]["mask_mode"]
print("ok", len(manifest["shards"]), x.shape, mask.shape)
`

// TestFormatsEqual: the same spec and seed written as h5, npz and wds
// hold the same x, mask, y (and symbol_mask, splits), whatever the mask.
func TestFormatsEqual(t *testing.T) {
	py := pytest.Python(t)
	lib, at := env(t)
	sp, err := spec.Preset("default")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		mode masks.Mode
		sym  bool
	}{{"symbols", masks.Symbols, false}, {"flatten-except-first", masks.FlattenExceptFirst, true}} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			outs := map[output.Format]string{}
			for _, f := range output.Formats {
				out := filepath.Join(dir, "d"+string(f)+f.Ext())
				outs[f] = out
				res, err := Run(context.Background(), Config{Spec: sp, N: 21, Seed: 5, Out: out, Preview: true, Format: f, ShardSize: 8,
					Mask: c.mode, SymbolMasks: c.sym, BatchSize: 6,
					Fonts: lib, SkipFontChecks: true, Atlas: at, Backend: cpu.New(1)})
				if err != nil {
					t.Fatalf("%s: %v", f, err)
				}
				if res.Bytes <= 0 || res.Preview == "" {
					t.Errorf("%s: result %+v", f, res)
				}
				if _, err := os.Stat(PreviewPath(out)); err != nil {
					t.Errorf("%s: no preview: %v", f, err)
				}
			}
			got := pytest.Run(t, py, pytest.PNGDecode+formatsCheck, outs[output.FormatH5], outs[output.FormatNPZ], outs[output.FormatWDS])
			if !strings.HasPrefix(got, "ok 3") {
				t.Errorf("python: %q", got)
			}
			ents, _ := os.ReadDir(dir)
			var names []string
			for _, e := range ents {
				names = append(names, e.Name())
			}
			want := "dh5.h5py,dh5_preview.png,dnpz.npz,dnpz_preview.png,dnpz_splits.npz,dwds-000000.tar,dwds-000001.tar,dwds-000002.tar,dwds.json,dwds_preview.png,dwds_splits.npz"
			if strings.Join(names, ",") != want {
				t.Errorf("folder holds %v, want %s", names, want)
			}
		})
	}
}

// TestFormatsRefuse: an existing npz, splits file, wds manifest or first
// shard is refused without Overwrite and left alone; a wds output not
// named .json and an unwritable folder are refused; a failed run leaves
// nothing.
func TestFormatsRefuse(t *testing.T) {
	lib, at := env(t)
	sp, _ := spec.Preset("default")
	run := func(f output.Format, out string, overwrite bool) error {
		_, err := Run(context.Background(), Config{Spec: sp, N: 5, Seed: 1, Out: out, Preview: true, Format: f, Overwrite: overwrite,
			Fonts: lib, SkipFontChecks: true, Atlas: at, Backend: cpu.New(1)})
		return err
	}
	for _, c := range []struct {
		f             output.Format
		out, existing string
	}{
		{output.FormatNPZ, "d.npz", "d.npz"},
		{output.FormatNPZ, "d.npz", "d_splits.npz"},
		{output.FormatWDS, "d.json", "d.json"},
		{output.FormatWDS, "d.json", "d-000000.tar"},
		{output.FormatWDS, "d.json", "d_preview.png"},
	} {
		dir := t.TempDir()
		old := filepath.Join(dir, c.existing)
		if err := os.WriteFile(old, []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := run(c.f, filepath.Join(dir, c.out), false); !errors.Is(err, ErrExists) {
			t.Errorf("%s over %s: %v, want ErrExists", c.f, c.existing, err)
		}
		if b, _ := os.ReadFile(old); string(b) != "old" {
			t.Errorf("%s changed", c.existing)
		}
		if err := run(c.f, filepath.Join(dir, c.out), true); err != nil {
			t.Errorf("%s over %s with Overwrite: %v", c.f, c.existing, err)
		}
		if b, _ := os.ReadFile(old); string(b) == "old" {
			t.Errorf("%s not replaced with Overwrite", c.existing)
		}
	}
	dir := t.TempDir()
	if err := run(output.FormatWDS, filepath.Join(dir, "d.tar"), false); !errors.Is(err, ErrConfig) {
		t.Errorf("wds to d.tar: %v", err)
	}
	if err := run(output.FormatNPZ, filepath.Join(dir, "no", "d.npz"), false); !errors.Is(err, output.ErrDir) {
		t.Errorf("missing folder: %v", err)
	}
	// A folder that is a file; as root the read-only folder below is writable.
	plain := filepath.Join(t.TempDir(), "plain")
	os.WriteFile(plain, nil, 0o644)
	for _, f := range []output.Format{output.FormatNPZ, output.FormatWDS} {
		if err := run(f, filepath.Join(plain, "d"+f.Ext()), false); !errors.Is(err, output.ErrDir) {
			t.Errorf("%s into a file: %v", f, err)
		}
	}
	if os.Geteuid() != 0 {
		ro := filepath.Join(dir, "ro")
		os.Mkdir(ro, 0o555)
		for _, f := range []output.Format{output.FormatNPZ, output.FormatWDS} {
			if err := run(f, filepath.Join(ro, "d"+f.Ext()), false); !errors.Is(err, output.ErrDir) {
				t.Errorf("%s to a read-only folder: %v", f, err)
			}
		}
	}
	// A cancelled run leaves nothing.
	ctx, cancel := context.WithCancel(context.Background())
	for _, f := range []output.Format{output.FormatNPZ, output.FormatWDS} {
		n := 0
		_, err := Run(ctx, Config{Spec: sp, N: 40, Seed: 1, Out: filepath.Join(dir, "c"+f.Ext()), Preview: true, Format: f, BatchSize: 4, ShardSize: 4,
			Fonts: lib, SkipFontChecks: true, Atlas: at, Backend: cpu.New(1),
			Progress: func(int) {
				if n++; n == 3 {
					cancel()
				}
			}})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s cancelled: %v", f, err)
		}
		ctx, cancel = context.WithCancel(context.Background())
	}
	cancel()
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if e.Name() != "ro" {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}
