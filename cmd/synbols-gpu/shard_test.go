package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/internal/pytest"
)

// sameFiles is a Python check: every dataset of the files argv[2:] equals
// the one of the single run argv[1] — the same names, dtypes, shapes and
// bytes (y and the value lists compared as lists) — and their root
// attributes are equal; "virtual" or "real" (argv[0] of the list) says
// what x must be in each.
const sameFiles = `
import h5py, sys
def datasets(f):
    out = {}
    f.visititems(lambda n, o: out.__setitem__(n, o) if isinstance(o, h5py.Dataset) else None)
    return out
want_kind, ref = sys.argv[1], h5py.File(sys.argv[2], "r")
want = datasets(ref)
assert not ref["x"].is_virtual
for path in sys.argv[3:]:
    f = h5py.File(path, "r")
    got = datasets(f)
    assert sorted(got) == sorted(want), (path, sorted(set(got) ^ set(want)))
    assert f["x"].is_virtual == (want_kind == "virtual"), (path, f["x"].is_virtual)
    for name, d in want.items():
        a, b = d[()], got[name][()]
        assert a.dtype == b.dtype and a.shape == b.shape, (path, name, a.dtype, b.dtype, a.shape, b.shape)
        if a.dtype == object:
            assert list(a.ravel()) == list(b.ravel()), (path, name)
        else:
            assert a.tobytes() == b.tobytes(), (path, name)
    ra, rb = dict(ref.attrs), dict(f.attrs)
    assert ra == rb, (path, sorted(set(ra.items()) ^ set(rb.items())))
    assert f["x"][:].any(), (path, "x is all zeros: sources not found")
print(len(want), "datasets equal")
`

// TestShardMergeSameAsSingle: a dataset made as three shards of uneven
// sizes by three processes at once, merged (virtual and --copy), equals a
// single run of the same spec and seed in every dataset, byte for byte,
// as h5py reads them; the virtual file moved to another folder with its
// shards still reads the same.
func TestShardMergeSameAsSingle(t *testing.T) {
	py := pytest.Python(t)
	for _, c := range []struct {
		name string
		args []string
	}{
		{"default", []string{"--dataset", "default"}},
		// Multi-symbol scenes, a label map and per-symbol masks, and
		// splits other than the default four: merge computes the
		// shards' requests from their joined typed columns.
		{"counting", []string{"--dataset", "counting", "--resolution", "48x48", "--symbol-masks",
			"--split", "default", "--split", "stratified:scale", "--split", "compositional:n_symbols,translation.x@0.5,0.25,0.25"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			base := append(append([]string{"generate", "--n_samples", "37", "--seed", "11"}, c.args...), fastArgs...)
			code, _, errs := command(t, dir, append(base, "--out", "single.h5py")...)
			if code != 0 {
				t.Fatalf("single run: exit %d: %s", code, errs)
			}
			shardDir := filepath.Join(dir, "run")
			must(t, os.Mkdir(shardDir, 0o755))
			// 37 = 12 + 12 + 13 rows: three processes, as three machines.
			var cmds []*exec.Cmd
			var outs []*strings.Builder
			for k := range 3 {
				cmd := child(shardDir, nil, append(base, "--shard", []string{"0/3", "1/3", "2/3"}[k], "--out", []string{"s0.h5py", "s1.h5py", "s2.h5py"}[k])...)
				var b strings.Builder
				cmd.Stderr = &b
				must(t, cmd.Start())
				cmds, outs = append(cmds, cmd), append(outs, &b)
			}
			for k, cmd := range cmds {
				if err := cmd.Wait(); err != nil {
					t.Fatalf("shard %d/3: %v: %s", k, err, outs[k])
				}
			}
			// Given out of order: merge sorts them by their rows.
			code, out, errs := command(t, shardDir, "merge", "merged.h5py", "s2.h5py", "s0.h5py", "s1.h5py")
			if code != 0 {
				t.Fatalf("merge: exit %d: %s", code, errs)
			}
			if !strings.Contains(out, "37 samples from 3 shards") {
				t.Errorf("merge says %q", out)
			}
			code, _, errs = command(t, dir, "merge", "--copy", "copied.h5py", "run/s1.h5py", "run/s0.h5py", "run/s2.h5py")
			if code != 0 {
				t.Fatalf("merge --copy: exit %d: %s", code, errs)
			}
			single := filepath.Join(dir, "single.h5py")
			// The previews too: the single run's first 100 images.
			want, err := os.ReadFile(filepath.Join(dir, "single_preview.png"))
			must(t, err)
			for _, p := range []string{"run/merged_preview.png", "copied_preview.png"} {
				if got, err := os.ReadFile(filepath.Join(dir, p)); err != nil || !bytes.Equal(got, want) {
					t.Errorf("%s differs from the single run's preview (%v)", p, err)
				}
			}
			pytest.Run(t, py, sameFiles, "virtual", single, filepath.Join(shardDir, "merged.h5py"))
			pytest.Run(t, py, sameFiles, "real", single, filepath.Join(dir, "copied.h5py"))
			// The copy stands alone; the virtual file travels with its
			// shards.
			moved := filepath.Join(t.TempDir(), "elsewhere")
			must(t, os.Rename(shardDir, moved))
			pytest.Run(t, py, sameFiles, "real", single, filepath.Join(dir, "copied.h5py"))
			cmd := exec.Command(py, "-c", sameFiles, "virtual", single, filepath.Join(moved, "merged.h5py"))
			cmd.Dir = t.TempDir() // neither folder: sources found beside the file
			if b, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("moved virtual file: %v: %s", err, b)
			}
		})
	}
}

// TestShardFiles: a shard holds its rows and the attributes that place
// it, no splits; the single run's file records its seed.
func TestShardFiles(t *testing.T) {
	py := pytest.Python(t)
	dir := t.TempDir()
	code, _, errs := command(t, dir, append([]string{"generate", "--n_samples", "10", "--seed", "4", "--range", "3:7", "--out", "s.h5py"}, fastArgs...)...)
	if code != 0 {
		t.Fatalf("--range 3:7: exit %d: %s", code, errs)
	}
	code, _, errs = command(t, dir, append([]string{"generate", "--n_samples", "10", "--seed", "4", "--out", "full.h5py", "--no-preview"}, fastArgs...)...)
	if code != 0 {
		t.Fatalf("full: exit %d: %s", code, errs)
	}
	pytest.Run(t, py, `
import h5py, sys
s, f = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
assert s["x"].shape[0] == 4 and len(s["y"]) == 4, s["x"].shape
assert (s["x"][:] == f["x"][3:7]).all() and list(s["y"][:]) == list(f["y"][3:7])
assert len(s["split"]) == 0 and "split_index" not in s, list(s["split"])
assert (s.attrs["n_total"], s.attrs["shard_start"], s.attrs["shard_end"], s.attrs["seed"]) == ("10", "3", "7", "4"), dict(s.attrs)
assert f.attrs["seed"] == "4" and "shard_start" not in f.attrs and len(f["split"]) == 4
`, filepath.Join(dir, "s.h5py"), filepath.Join(dir, "full.h5py"))
	if _, err := os.Stat(filepath.Join(dir, "s_preview.png")); err == nil {
		t.Error("a shard wrote a preview")
	}
}

// TestShardFlags: bad --shard and --range values are one-line usage
// errors (exit 2) that write nothing.
func TestShardFlags(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--shard", "3/3"}, "--shard"},
		{[]string{"--shard", "a/b"}, "--shard"},
		{[]string{"--shard", "1"}, "--shard"},
		{[]string{"--shard", "-1/3"}, "--shard"},
		{[]string{"--shard", "0/12"}, "empty"}, // 10 samples, 12 shards: rows [0, 0)
		{[]string{"--range", "5:5"}, "--range"},
		{[]string{"--range", "0:11"}, "--n_samples"},
		{[]string{"--range", "x:3"}, "--range"},
		{[]string{"--shard", "0/2", "--range", "0:5"}, "give one"},
		{[]string{"--shard", "0/2", "--format", "npz"}, "h5"},
		{[]string{"--shard", "0/2", "--preview"}, "preview"},
		{[]string{"--shard", "0/2", "--dry-run"}, "dry-run"},
	} {
		args := append(append([]string{"generate", "--n_samples", "10"}, c.args...), fastArgs...)
		code, _, errs := command(t, dir, args...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2: %s", c.args, code, errs)
			continue
		}
		oneLine(t, errs, c.want)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("refused runs left %v", ents)
	}
}
