package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/internal/pytest"
)

// TestFormatFlag: --format npz and wds write <dataset>.npz and the
// manifest <dataset>.json with its shards by default, each with its
// preview and splits file, numpy reading the npz with the original's
// loader; an existing output is refused without --force; bad flags are
// usage errors.
func TestFormatFlag(t *testing.T) {
	py := pytest.Python(t)
	// One folder each: NAME.npz and NAME.json share the preview's and
	// the splits' names.
	dirs := map[string]string{"npz": t.TempDir(), "wds": t.TempDir()}
	for _, f := range []string{"npz", "wds"} {
		dir := dirs[f]
		args := append([]string{"generate", "--dataset", "tiny", "--n_samples", "25", "--format", f}, fastArgs...)
		if f == "wds" {
			args = append(args, "--shard-size", "10")
		}
		if code, _, errs := run1(t, dir, nil, args...); code != 0 {
			t.Fatalf("--format %s: exit %d: %s", f, code, errs)
		}
		code, _, errs := run1(t, dir, nil, args...)
		if code != 2 {
			t.Errorf("--format %s again: exit %d, want 2", f, code)
		}
		oneLine(t, errs, "exists", "--force")
		if code, _, errs := run1(t, dir, nil, append(args, "--force")...); code != 0 {
			t.Errorf("--format %s --force: exit %d: %s", f, code, errs)
		}
	}
	for f, want := range map[string]string{
		"npz": "tiny.npz,tiny_preview.png,tiny_splits.npz",
		"wds": "tiny-000000.tar,tiny-000001.tar,tiny-000002.tar,tiny.json,tiny_preview.png,tiny_splits.npz",
	} {
		var names []string
		ents, _ := os.ReadDir(dirs[f])
		for _, e := range ents {
			names = append(names, e.Name())
		}
		if strings.Join(names, ",") != want {
			t.Errorf("%s: folder holds %v, want %s", f, names, want)
		}
	}
	out := pytest.Run(t, py, `
import sys, json, numpy as np
dataset = np.load(sys.argv[1], allow_pickle=True)
x, mask, y = dataset["x"], dataset["mask"], dataset["y"]
print(x.shape, mask.shape, y.shape, json.loads(y[0])["char"] != "")
`, filepath.Join(dirs["npz"], "tiny.npz"))
	if !strings.HasPrefix(out, "(25, 8, 8, 1) (25, 8, 8, 1) (25,) True") {
		t.Errorf("numpy: %q", out)
	}
	for _, c := range []struct{ args, want []string }{
		{[]string{"--format", "zarr"}, []string{"--format"}},
		{[]string{"--format", "wds", "--out", "x.tar"}, []string{"NAME.json"}},
		{[]string{"--format", "npz", "--shard-size", "5"}, []string{"--shard-size"}},
		{[]string{"--format", "wds", "--shard-size", "0"}, []string{"--shard-size"}},
	} {
		code, _, errs := run1(t, t.TempDir(), nil, append(append([]string{"generate", "--dataset", "tiny", "--n_samples", "5"}, c.args...), fastArgs...)...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2", c.args, code)
		}
		oneLine(t, errs, c.want...)
	}
}

// TestFormatPeakRSS: an npz or wds run's peak memory does not grow with
// n: 12,000 samples (about 50 MiB of x, mask and y) peak within 28 MiB of
// 1,000 samples, batches of 128 in both.
func TestFormatPeakRSS(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	for _, f := range []string{"npz", "wds"} {
		var peak [2]int64
		for i, n := range []int{1000, 12000} {
			dir := t.TempDir()
			args := append([]string{"generate", "--n_samples", strconv.Itoa(n), "--batch", "128", "--format", f, "--preview=false"}, fastArgs...)
			cmd := child(dir, nil, args...)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%v: %v\n%s", args, err, out)
			}
			peak[i] = cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss << 10
		}
		if d := peak[1] - peak[0]; d > 28<<20 {
			t.Errorf("%s: peak %d MiB at 12,000 samples, %d MiB at 1,000: grows with n", f, peak[1]>>20, peak[0]>>20)
		}
	}
}
