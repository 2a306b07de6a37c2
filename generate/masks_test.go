package generate

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/engine/cpu"
	"github.com/synbols-gpu/synbols-gpu/internal/pytest"
	"github.com/synbols-gpu/synbols-gpu/masks"
	"github.com/synbols-gpu/synbols-gpu/spec"
)

// multiSpec is a scene of 3 to 5 symbols at 64×64: enough overlap for the
// label map to lose pixels and overlap_score to be non-zero.
const multiSpec = `
base: default
resolution: [64, 64]
n_symbols: {randint: [3, 5]}
`

// maskCheck reads a dataset back as users do and checks the mask layout
// against the per-symbol masks (symbol_mask), with the original's
// aggregators written out here in numpy, as in its source:
//   - mask's shape and dtype for the mode; symbol_mask (N, H, W, K) uint8;
//   - the mask equals the mode's aggregation of symbol_mask (Symbols: equal);
//   - overlap_score, last key of the record in flatten mode only, equals
//     np.mean(masks.sum(-1) >= 256) exactly (same float);
//   - every symbol has a bbox, in the top-level copy too, containing every
//     pixel > 2 of its channel, tight (a pixel on each edge), [0,0,0,0]
//     when it has none; channels past the image's symbols are 0.
//
// It prints the fraction of images with overlap_score > 0 and of pixels
// that the label map loses, for the Go side's bounds.
const maskCheck = `
import sys, json, h5py, numpy as np
path, mode, n, h, w, k = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:7])

def flatten_mask(masks):
    overlap = np.mean(masks.sum(axis=-1) >= 256)
    flat_mask = np.zeros(masks.shape[:-1])
    for i in range(masks.shape[-1]):
        flat_mask[(masks[:, :, i] > 2)] = i + 1
    return flat_mask, {"overlap_score": overlap}

def flatten_mask_except_first(masks):
    return np.stack((masks[:, :, 0], flatten_mask(masks[:, :, 1:])[0]), axis=2)

with h5py.File(path, 'r') as f:
    assert f.attrs['mask_mode'] == mode, f.attrs['mask_mode']
    mask, sym = f['mask'][...], f['symbol_mask'][...]
    y = [json.loads(r) for r in f['y']]
    for name in ('mask', 'symbol_mask'):
        d = f[name]
        assert d.chunks is not None and d.chunks[1:] == d.shape[1:] and d.compression == 'gzip', (name, d.chunks, d.compression)
want = {'symbols': (n, h, w, k), 'flatten': (n, h, w), 'flatten_except_first': (n, h, w, 2)}[mode]
assert mask.shape == want and mask.dtype == np.uint8, (mask.shape, mask.dtype)
assert sym.shape == (n, h, w, k) and sym.dtype == np.uint8, (sym.shape, sym.dtype)
overlapped, lost, labelled = 0, 0, 0
for i, r in enumerate(y):
    ns = len(r['symbols'])
    assert 3 <= ns <= k, ns
    m = sym[i, :, :, :ns]
    assert not sym[i, :, :, ns:].any(), 'channels past the symbols are not 0'
    flat, info = flatten_mask(m)
    keys = list(r.keys())
    if mode == 'symbols':
        assert (mask[i] == sym[i]).all(), i
    elif mode == 'flatten':
        assert (mask[i] == flat).all(), i
    else:
        assert (mask[i] == flatten_mask_except_first(m)).all(), i
    if mode == 'flatten':
        assert keys[-1] == 'overlap_score', keys
        assert type(r['overlap_score']) is float and r['overlap_score'] == float(info['overlap_score']), (r['overlap_score'], info)
        overlapped += r['overlap_score'] > 0
    else:
        assert 'overlap_score' not in r, keys
    assert r['bbox'] == r['symbols'][0]['bbox'], r
    for s in range(ns):
        b = r['symbols'][s]['bbox']
        ys, xs = np.nonzero(m[:, :, s] > 2)
        if len(xs) == 0:
            assert b == [0, 0, 0, 0], (i, s, b)
            continue
        assert b == [int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1], (i, s, b)
        # Contained, as the box promises: no pixel > 2 outside it.
        outside = m[:, :, s].copy(); outside[b[1]:b[3], b[0]:b[2]] = 0
        assert not (outside > 2).any(), (i, s, b)
        labelled += len(xs)
        lost += int((flat[ys, xs] != s + 1).sum())
print('ok', overlapped / n, lost / max(1, labelled))
`

// TestMaskModes writes a small multi-symbol dataset in each mask mode,
// with symbol_mask, and checks it with h5py against the original's
// aggregators (maskCheck). Bounds: in flatten mode at least a tenth of the
// 3–5-symbol scenes overlap (overlap_score > 0) and the label map loses
// some pixels of earlier symbols — else the scenes never overlap and the
// test could not tell a label map from per-symbol masks.
func TestMaskModes(t *testing.T) {
	py := pytest.Python(t)
	lib, at := env(t)
	dir := t.TempDir()
	for _, c := range []struct {
		name      string
		yaml      string     // added to multiSpec
		cfg, mode masks.Mode // Config.Mask; the mode the file must have
	}{
		{"symbols", "", masks.Symbols, masks.Symbols},
		{"flatten", "", masks.Flatten, masks.Flatten},
		{"flatten_except_first", "", masks.FlattenExceptFirst, masks.FlattenExceptFirst},
		{"flatten-from-spec", "mask: flatten\n", masks.Symbols, masks.Flatten},
		{"config-over-spec", "mask: flatten\n", masks.FlattenExceptFirst, masks.FlattenExceptFirst},
	} {
		t.Run(c.name, func(t *testing.T) {
			sp, err := spec.Parse("multi.yaml", []byte(multiSpec+c.yaml))
			if err != nil {
				t.Fatal(err)
			}
			k := sp.MaxSymbols()
			if k < 5 {
				t.Fatalf("MaxSymbols %d, want ≥ 5", k)
			}
			mode := c.mode
			const n = 150
			out := filepath.Join(dir, c.name+".h5py")
			_, err = Run(context.Background(), Config{
				Name: "multi", Spec: sp, N: n, Seed: 9, Out: out, Mask: c.cfg, SymbolMasks: true,
				Fonts: lib, SkipFontChecks: true, Atlas: at, Backend: cpu.New(2), Workers: 2, BatchSize: 64,
			})
			if err != nil {
				t.Fatal(err)
			}
			got := pytest.Run(t, py, maskCheck, out, mode.String(), "150", "64", "64", strconv.Itoa(k))
			f := strings.Fields(got)
			t.Logf("%s: python: %s", mode, strings.TrimSpace(got))
			if len(f) != 3 || f[0] != "ok" {
				t.Fatalf("python said %q", got)
			}
			over, err1 := strconv.ParseFloat(f[1], 64)
			lost, err2 := strconv.ParseFloat(f[2], 64)
			if err1 != nil || err2 != nil {
				t.Fatalf("python said %q", got)
			}
			if mode == masks.Flatten && (over < 0.1 || lost <= 0) {
				t.Errorf("overlapping images %s (want ≥ 0.1), labelled pixels lost %s (want > 0)", f[1], f[2])
			}
		})
	}
}
