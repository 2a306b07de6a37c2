package output

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/internal/pytest"
)

const maskShapeCheck = `
import sys, h5py, numpy as np
path, d, N, H, W, C, K, CS = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:9])
mshape = tuple(int(v) for v in sys.argv[9].split(','))
with h5py.File(path, 'r') as f:
    want = ['mask', 'split', 'x', 'y'] + (['symbol_mask'] if sys.argv[10] == '1' else [])
    assert sorted(f.keys()) == sorted(want), list(f.keys())
    shapes = {'x': (N, H, W, C), 'mask': (N,) + mshape}
    if 'symbol_mask' in f:
        shapes['symbol_mask'] = (N, H, W, K)
    for name, shape in shapes.items():
        ds = f[name]
        assert ds.shape == shape and ds.dtype == np.uint8, (name, ds.shape, ds.dtype)
        assert ds.chunks == (CS,) + shape[1:] and ds.compression == 'gzip', (name, ds.chunks, ds.compression)
        got = np.ascontiguousarray(ds[...]).tobytes()
        assert got == open(d + '/' + name + '.bin', 'rb').read(), name + ' differs'
print('ok')
`

// TestWriterMaskShapes writes a label map (N, H, W), a two-channel mask
// (N, H, W, 2) and the per-symbol masks beside them (symbol_mask), in
// calls that straddle chunks, and reads every byte back with h5py.
func TestWriterMaskShapes(t *testing.T) {
	py := pytest.Python(t)
	const n, h, w, c, k, cs = 23, 5, 6, 3, 4, 4
	for _, tc := range []struct {
		name   string
		shape  []int
		symbol bool
	}{
		{"labels", []int{h, w}, true},
		{"two", []int{h, w, 2}, true},
		{"two-alone", []int{h, w, 2}, false},
		{"default-with-symbols", nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "m.h5py")
			per := h * w
			if len(tc.shape) == 3 {
				per *= tc.shape[2]
			} else if tc.shape == nil {
				per *= k
			}
			x, sym, y := sample(n, h, w, c, k, 3)
			mask := bytes.Repeat([]byte{0}, n*per)
			for i := range mask {
				mask[i] = byte(i*7 + i/per)
			}
			wr, err := Create(Options{Path: path, N: n, H: h, W: w, C: c, K: k, ChunkSamples: cs, Workers: 2, MaskShape: tc.shape, SymbolMask: tc.symbol})
			if err != nil {
				t.Fatal(err)
			}
			defer wr.Abort()
			var symArg []byte
			for i := 0; i < n; {
				m := min(3, n-i)
				if tc.symbol {
					symArg = sym[i*h*w*k : (i+m)*h*w*k]
				}
				if err := wr.WriteSamples(Samples{X: x[i*h*w*c : (i+m)*h*w*c], Mask: mask[i*per : (i+m)*per], SymbolMask: symArg, Y: y[i : i+m]}); err != nil {
					t.Fatal(err)
				}
				i += m
			}
			must(t, wr.Close())
			must(t, os.WriteFile(filepath.Join(dir, "x.bin"), x, 0o644))
			must(t, os.WriteFile(filepath.Join(dir, "mask.bin"), mask, 0o644))
			must(t, os.WriteFile(filepath.Join(dir, "symbol_mask.bin"), sym, 0o644))
			shape := tc.shape
			if shape == nil {
				shape = []int{h, w, k}
			}
			flag := "0"
			if tc.symbol {
				flag = "1"
			}
			out := pytest.Run(t, py, maskShapeCheck, path, dir, fmt.Sprint(n), fmt.Sprint(h), fmt.Sprint(w), fmt.Sprint(c), fmt.Sprint(k), fmt.Sprint(cs),
				strings.Trim(strings.Join(strings.Fields(fmt.Sprint(shape)), ","), "[]"), flag)
			if !strings.HasPrefix(out, "ok") {
				t.Fatalf("python said %q", out)
			}
		})
	}
}

// TestWriterMaskSizes: a mask of the wrong size for its shape, or
// per-symbol masks missing or unasked for, are refused.
func TestWriterMaskSizes(t *testing.T) {
	dir := t.TempDir()
	const h, w, k = 4, 4, 3
	x, sym, y := sample(2, h, w, 3, k, 1)
	wr, err := Create(Options{Path: filepath.Join(dir, "a.h5py"), N: 2, H: h, W: w, C: 3, K: k, MaskShape: []int{h, w}, SymbolMask: true})
	if err != nil {
		t.Fatal(err)
	}
	defer wr.Abort()
	labels := make([]byte, 2*h*w)
	for name, s := range map[string]Samples{
		"per-symbol-sized mask": {X: x, Mask: sym, SymbolMask: sym, Y: y},
		"no symbol_mask":        {X: x, Mask: labels, Y: y},
		"short symbol_mask":     {X: x, Mask: labels, SymbolMask: sym[1:], Y: y},
	} {
		if err := wr.WriteSamples(s); !errors.Is(err, ErrInput) {
			t.Errorf("%s: %v, want ErrInput", name, err)
		}
	}
	must(t, wr.WriteSamples(Samples{X: x, Mask: labels, SymbolMask: sym, Y: y}))
	must(t, wr.Close())

	wr2, err := Create(Options{Path: filepath.Join(dir, "b.h5py"), N: 2, H: h, W: w, C: 3, K: k})
	if err != nil {
		t.Fatal(err)
	}
	defer wr2.Abort()
	if err := wr2.WriteSamples(Samples{X: x, Mask: sym, SymbolMask: sym, Y: y}); !errors.Is(err, ErrInput) {
		t.Errorf("symbol_mask without SymbolMask: %v, want ErrInput", err)
	}
}
