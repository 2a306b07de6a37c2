package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/internal/pytest"
)

// TestCompressionFlag: --compression none, gzip and gzip:9 and
// --chunk-samples set what h5py reports for x, mask, y and a typed column,
// the datasets' contents do not change with them, and the stored file is
// the largest; bad values are one-line usage errors.
func TestCompressionFlag(t *testing.T) {
	py := pytest.Python(t)
	dir := t.TempDir()
	cases := []struct{ name, flag, chunk string }{
		{"none", "none", "7"}, {"gzip", "gzip", "0"}, {"gzip9", "gzip:9", "64"},
	}
	var files []string
	for _, c := range cases {
		out := filepath.Join(dir, c.name+".h5py")
		args := append([]string{"generate", "--dataset", "default", "--n_samples", "300", "--out", out,
			"--compression", c.flag, "--chunk-samples", c.chunk}, fastArgs...)
		if code, _, errs := run1(t, dir, nil, args...); code != 0 {
			t.Fatalf("--compression %s: exit %d: %s", c.flag, code, errs)
		}
		files = append(files, out)
	}
	got := pytest.Run(t, py, `
import sys, os, h5py, numpy as np
files = sys.argv[1:]
ref = None
for p in files:
    with h5py.File(p, "r") as f:
        x, m, y, s = f["x"], f["mask"], f["y"], f["attr/scale"]
        print(os.path.basename(p), x.compression, x.compression_opts, m.compression, y.compression, s.compression, x.chunks[0], m.chunks[0])
        data = [x[:], m[:], y[:], s[:]]
        if ref is None:
            ref = data
        else:
            assert all(np.array_equal(a, b) for a, b in zip(ref, data)), p
sizes = [os.path.getsize(p) for p in files]
assert sizes[0] > 1.1 * sizes[1] and sizes[1] >= sizes[2], sizes
print("same")
`, files...)
	// The default chunk of a 32×32 RGB image is 32 KiB / 3 KiB = 10 samples.
	for _, want := range []string{
		"none.h5py None None None None None 7 7",
		"gzip.h5py gzip 1 gzip gzip gzip 10 10",
		"gzip9.h5py gzip 9 gzip gzip gzip 64 64",
		"same",
	} {
		if !strings.Contains(got, want+"\n") {
			t.Errorf("h5py printed\n%s\nwant a line %q", got, want)
		}
	}
	for _, c := range []struct{ args, want []string }{
		{[]string{"--compression", "zstd"}, []string{"--compression", "gzip"}},
		{[]string{"--compression", "gzip:0"}, []string{"--compression"}},
		{[]string{"--compression", "gzip:10"}, []string{"--compression"}},
		{[]string{"--compression", ""}, []string{"--compression"}},
		{[]string{"--chunk-samples", "-1"}, []string{"--chunk-samples"}},
		{[]string{"--format", "npz", "--compression", "none"}, []string{"--compression", "h5"}},
	} {
		code, _, errs := run1(t, t.TempDir(), nil, append(append([]string{"generate", "--dataset", "tiny", "--n_samples", "5"}, c.args...), fastArgs...)...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2", c.args, code)
		}
		oneLine(t, errs, c.want...)
	}
}
