package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/internal/pytest"
	"github.com/synbols-gpu/synbols-gpu/internal/testenv"
)

// splitCheck is the h5py side of TestSplitAdd. It recomputes the
// percentile strata with numpy (valid below the 100·valid percentile,
// test above the 100·(train+valid) one, train between) and checks the
// added splits against them: the boundaries, the counts (within 2 of
// n·ratio), the compositional split as the Latin square of two strata
// ((a − b) mod 3), every held-out combination's strata present in train,
// the ratios of r80, the seed and timestamp attributes, split_index, and
// that the original four are unchanged.
const splitCheck = `
import sys, h5py, numpy as np
path, before, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
def strata(v, r):
    lo, hi = np.percentile(v, [100 * r[1], 100 * (r[0] + r[1])])
    s = np.zeros(len(v), dtype=int)
    s[v < lo] = 1
    s[v > hi] = 2
    return s
with h5py.File(path, 'r') as f, h5py.File(before, 'r') as b:
    n = len(f['y'])
    names = sorted(f['split'])
    assert names == sorted(list(b['split']) + ['stratified_scale', 'compositional_rotation_scale', 'r80', 'stratified_translation-x']), names
    for k in b['split']:
        assert (f['split'][k][...] == b['split'][k][...]).all(), k
    part = {}
    for k in names:
        s = f['split'][k][...]
        assert s.shape == (n, 3) and s.dtype == bool and (s.sum(1) == 1).all(), k
        assert f['split'][k].attrs['seed'] == seed and isinstance(f['split'][k].attrs['timestamp'], str), dict(f['split'][k].attrs)
        part[k] = s.argmax(1)
        for p, pn in enumerate(['train', 'valid', 'test']):
            idx = f['split_index/%s/%s' % (k, pn)][...]
            assert idx.dtype == np.int64 and (idx == np.where(s[:, p])[0]).all(), (k, pn)
    sc, rot, tx = f['attr/scale'][...], f['attr/rotation'][...], f['attr/translation'][:, 0]
    R = (0.6, 0.2, 0.2)
    for k, v in (('stratified_scale', sc), ('stratified_translation-x', tx)):
        p = part[k]
        assert (p == strata(v, R)).all(), k
        assert v[p == 1].max() < v[p == 0].min() and v[p == 0].max() < v[p == 2].min(), k
        for q in range(3):
            assert abs((p == q).sum() - n * R[q]) <= 2, (k, q, (p == q).sum())
    a, b2 = strata(rot, R), strata(sc, R)
    c = part['compositional_rotation_scale']
    assert (c == (a - b2) % 3).all()
    for i in np.where(c != 0)[0]:
        assert ((c == 0) & (a == a[i])).any() and ((c == 0) & (b2 == b2[i])).any(), i
    # Stored as the run stores its own: chunked, compressed split_index.
    for k in ('stratified_scale', 'r80'):
        for pn in ('train', 'valid', 'test'):
            d, ref = f['split_index/%s/%s' % (k, pn)], f['split_index/random/%s' % pn]
            assert (d.chunks is None) == (ref.chunks is None) and d.compression == ref.compression, (k, pn, d.chunks, d.compression)
    assert list(np.bincount(part['r80'], minlength=3)) == [int(n - 2 * (n // 10)), n // 10, n // 10], np.bincount(part['r80'])
print('ok')
`

func gen300(t *testing.T, dir, name string, extra ...string) string {
	t.Helper()
	args := append([]string{"generate", "--dataset", "default", "--n_samples", "300", "--seed", "7", "--out", name, "--system-fonts=false", "--quiet", "--preview=false"}, extra...)
	if code, _, errs := command(t, dir, args...); code != 0 {
		t.Fatalf("generate: exit %d: %s", code, errs)
	}
	return filepath.Join(dir, name)
}

func copyTo(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestSplitAdd: split --add on a small generated file (300 samples),
// read back with h5py (splitCheck); and the same requests given to
// generate --split give the same arrays.
func TestSplitAdd(t *testing.T) {
	py := pytest.Python(t)
	dir := t.TempDir()
	path := gen300(t, dir, "a.h5py")
	copyTo(t, path, filepath.Join(dir, "before.h5py"))
	if err := os.Chmod(path, 0o640); err != nil {
		t.Fatal(err)
	}
	adds := []string{"stratified:scale", "compositional:rotation,scale", "r80=random@0.8,0.1,0.1", "stratified:translation.x"}
	args := []string{"split", "a.h5py"}
	for _, a := range adds {
		args = append(args, "--add", a)
	}
	code, out, errs := command(t, dir, args...)
	if code != 0 {
		t.Fatalf("split: exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "split/stratified_scale") || !strings.Contains(out, "seed 7") {
		t.Errorf("split printed %q", out)
	}
	if l := leftovers(t, dir); len(l) > 0 {
		t.Errorf("split left %v", l)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o640 {
		t.Errorf("mode after split: %v, %v (want 0640 kept)", fi.Mode(), err)
	}
	pytest.Run(t, py, splitCheck, path, filepath.Join(dir, "before.h5py"), "7")

	gargs := []string{"--split", "default"}
	for _, a := range adds {
		gargs = append(gargs, "--split", a)
	}
	g := gen300(t, dir, "g.h5py", gargs...)
	pytest.Run(t, py, `
import sys, h5py
with h5py.File(sys.argv[1], 'r') as a, h5py.File(sys.argv[2], 'r') as g:
    assert sorted(a['split']) == sorted(g['split']), (sorted(a['split']), sorted(g['split']))
    for k in a['split']:
        assert (a['split'][k][...] == g['split'][k][...]).all(), k
`, path, g)

	// --force replaces a split: other ratios, read back by h5py.
	if code, _, errs := command(t, dir, "split", "a.h5py", "--add", "stratified:scale@0.5,0.25,0.25", "--force"); code != 0 {
		t.Fatalf("split --force: exit %d: %s", code, errs)
	}
	pytest.Run(t, py, `
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], 'r') as f:
    s = f['split/stratified_scale'][...]
    c = s.sum(0)
    n = len(s)
    assert all(abs(c - n * np.array([0.5, 0.25, 0.25])) <= 2), c
    assert (f['split_index/stratified_scale/valid'][...] == np.where(s[:, 1])[0]).all()
`, path)
}

// TestSplitAddBadInput: each refused request is one line on stderr,
// names what is wrong, exits non-zero, and leaves the file's bytes as
// they were and nothing beside it.
func TestSplitAddBadInput(t *testing.T) {
	dir := t.TempDir()
	path := gen300(t, dir, "a.h5py")
	pytest.Run(t, pytest.Python(t), originalPy, filepath.Join(dir, "orig.h5py"))
	if err := os.WriteFile(filepath.Join(dir, "junk.h5py"), []byte("not an HDF5 file"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"a.h5py", "--add", "stratified:nope"}, 2, []string{`"nope"`, "unknown attribute"}},
		{[]string{"a.h5py", "--add", "random"}, 2, []string{"split/random", "--force"}},
		{[]string{"a.h5py", "--add", "stratified:scale", "--add", "stratified:scale"}, 2, []string{"stratified_scale", "twice"}},
		{[]string{"a.h5py", "--add", "random@1,2"}, 2, []string{"ratios"}},
		{[]string{"a.h5py"}, 2, []string{"--add"}},
		{[]string{"--add", "random"}, 2, []string{"FILE"}},
		{[]string{"orig.h5py", "--add", "stratified:scale", "--seed", "1"}, 1, []string{"orig.h5py", "attr/scale"}},
		{[]string{"orig.h5py", "--add", "r2=random"}, 1, []string{"orig.h5py", "--seed"}},
		{[]string{"junk.h5py", "--add", "random"}, 1, []string{"junk.h5py", "HDF5"}},
		{[]string{"missing.h5py", "--add", "random"}, 1, []string{"missing.h5py"}},
	} {
		before := map[string][]byte{}
		for _, f := range []string{"a.h5py", "orig.h5py", "junk.h5py"} {
			before[f], _ = os.ReadFile(filepath.Join(dir, f))
		}
		code, _, errs := command(t, dir, append([]string{"split"}, c.args...)...)
		if code != c.code {
			t.Errorf("%v: exit %d, want %d: %s", c.args, code, c.code, errs)
		}
		oneLine(t, errs, c.want...)
		for f, b := range before {
			if now, _ := os.ReadFile(filepath.Join(dir, f)); !bytes.Equal(now, b) {
				t.Errorf("%v: %s changed", c.args, f)
			}
		}
		if l := leftovers(t, dir); len(l) > 0 {
			t.Errorf("%v: left %v", c.args, l)
		}
	}
	// The original's file takes a random split once given a seed: the
	// typed columns are needed only by the attributes.
	if code, _, errs := command(t, dir, "split", "orig.h5py", "--add", "r2=random", "--seed", "3"); code != 0 {
		t.Errorf("orig.h5py r2=random --seed 3: exit %d: %s", code, errs)
	}
	_ = path
}

// TestSplitAddReadOnly: a file on a read-only file system is refused in
// one line, unchanged (root: it mounts a tmpfs and remounts it read-only).
func TestSplitAddReadOnly(t *testing.T) {
	testenv.RequireRoot(t, "mounting a read-only tmpfs")
	dir := t.TempDir()
	src := gen300(t, dir, "a.h5py")
	ro := mountTmpfs(t, dir, "ro", "size=8m")
	copyTo(t, src, filepath.Join(ro, "a.h5py"))
	if out, err := exec.Command("mount", "-o", "remount,ro", ro).CombinedOutput(); err != nil {
		t.Fatalf("remount read-only: %v: %s", err, out)
	}
	want, _ := os.ReadFile(src)
	code, _, errs := command(t, ro, "split", "a.h5py", "--add", "stratified:scale")
	if code != 1 {
		t.Errorf("read-only: exit %d, want 1: %s", code, errs)
	}
	oneLine(t, errs, "a.h5py")
	if got, _ := os.ReadFile(filepath.Join(ro, "a.h5py")); !bytes.Equal(got, want) {
		t.Error("read-only: the file changed")
	}
	if l := leftovers(t, ro); len(l) > 0 {
		t.Errorf("read-only: left %v", l)
	}
}

// TestGenerateSplitBadInput: a bad --split is refused in one line before
// any file is written: unknown attribute (usage, exit 2), a name twice,
// and an attribute the format has no column for (exit 1).
func TestGenerateSplitBadInput(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"--split", "stratified:nope"}, 2, []string{"--split", `"nope"`}},
		{[]string{"--split", "default", "--split", "random"}, 2, []string{`"random" requested twice`}},
		{[]string{"--format", "npz", "--split", "stratified:scale"}, 1, []string{"scale", "typed columns"}},
		{[]string{"--split", "stratified:overlap_score"}, 1, []string{"overlap_score"}},
	} {
		args := append([]string{"generate", "--n_samples", "20", "--system-fonts=false", "--quiet"}, c.args...)
		code, _, errs := command(t, dir, args...)
		if code != c.code {
			t.Errorf("%v: exit %d, want %d: %s", c.args, code, c.code, errs)
		}
		oneLine(t, errs, c.want...)
		if ents, _ := os.ReadDir(dir); len(ents) != 0 {
			t.Errorf("%v: left %v", c.args, ents)
		}
	}
}

// TestSplitAddInPlace: --in-place gives the file the splits the copy does
// (h5py: every split and split index equal, and splitCheck), keeps its
// inode, and leaves nothing beside it. On a file system without room for
// the copy (root: a 2 MiB tmpfs), the copy is refused in one line that
// names --in-place, the file unchanged, and --in-place then succeeds.
func TestSplitAddInPlace(t *testing.T) {
	py := pytest.Python(t)
	dir := t.TempDir()
	a := gen300(t, dir, "a.h5py")
	b := filepath.Join(dir, "b.h5py")
	copyTo(t, a, b)
	copyTo(t, a, filepath.Join(dir, "before.h5py"))
	var before, after syscall.Stat_t
	must(t, syscall.Stat(b, &before))
	adds := []string{"--add", "stratified:scale", "--add", "compositional:rotation,scale", "--add", "r80=random@0.8,0.1,0.1", "--add", "stratified:translation.x"}
	for _, args := range [][]string{append([]string{"split", "a.h5py"}, adds...), append([]string{"split", "b.h5py", "--in-place"}, adds...)} {
		if code, _, errs := command(t, dir, args...); code != 0 {
			t.Fatalf("%q: exit %d: %s", args, code, errs)
		}
	}
	must(t, syscall.Stat(b, &after))
	if after.Ino != before.Ino {
		t.Errorf("--in-place replaced the file (inode %d → %d)", before.Ino, after.Ino)
	}
	if l := leftovers(t, dir); len(l) > 0 {
		t.Errorf("left %v", l)
	}
	pytest.Run(t, py, splitCheck, b, filepath.Join(dir, "before.h5py"), "7")
	pytest.Run(t, py, `
import sys, h5py
with h5py.File(sys.argv[1], 'r') as a, h5py.File(sys.argv[2], 'r') as b:
    for g in ('split', 'split_index'):
        names = []
        a[g].visit(names.append)
        names2 = []
        b[g].visit(names2.append)
        assert names == names2, (g, names, names2)
        for k in names:
            if isinstance(a[g][k], h5py.Dataset):
                assert (a[g][k][...] == b[g][k][...]).all(), (g, k)
print('ok')
`, a, b)

	testenv.RequireRoot(t, "mounting a small tmpfs")
	small := mountTmpfs(t, dir, "small", "size=2m")
	full := gen300(t, small, "c.h5py")
	want, _ := os.ReadFile(full)
	code, _, errs := command(t, small, "split", "c.h5py", "--add", "stratified:scale")
	if code != 1 {
		t.Errorf("copy on a full file system: exit %d, want 1: %s", code, errs)
	}
	oneLine(t, errs, "c.h5py", "no space left", "--in-place")
	if got, _ := os.ReadFile(full); !bytes.Equal(got, want) {
		t.Error("the refused copy changed the file")
	}
	if l := leftovers(t, small); len(l) > 0 {
		t.Errorf("the refused copy left %v", l)
	}
	if code, _, errs := command(t, small, "split", "c.h5py", "--add", "stratified:scale", "--in-place"); code != 0 {
		t.Fatalf("--in-place on a full file system: exit %d: %s", code, errs)
	}
	pytest.Run(t, py, `
import sys, h5py
with h5py.File(sys.argv[1], 'r') as f:
    assert f['split/stratified_scale'].shape == (300, 3)
    assert f['split/stratified_scale'][...].sum() == 300
print('ok')
`, full)
}

// TestSplitInPlaceKilled: a split --in-place SIGKILLed in the middle of
// its close (the fault hook, after its 3rd guarded overwrite) makes info
// warn where the undo log is and what undoes it; the next split --in-place
// undoes it first and adds the split, and info is silent again.
func TestSplitInPlaceKilled(t *testing.T) {
	py := pytest.Python(t)
	dir := t.TempDir()
	gen300(t, dir, "a.h5py")
	cmd := child(dir, []string{"SYNBOLS_TEST_KILL_IN_GUARD=3"}, "split", "a.h5py", "--add", "stratified:scale", "--in-place")
	if err := cmd.Run(); err == nil {
		t.Fatal("split --in-place was not killed: the hook is never reached")
	} else if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != -1 {
		t.Fatalf("split --in-place: %v, want a kill", err)
	}
	_, _, errs := command(t, dir, "info", "a.h5py")
	if !strings.Contains(errs, "warning: a.h5py: a split --in-place was killed") || !strings.Contains(errs, ".a.h5py.tmp-") {
		t.Errorf("info after the kill: stderr %q, want the warning naming the undo log", errs)
	}
	if code, _, errs := command(t, dir, "split", "a.h5py", "--add", "stratified:scale", "--in-place"); code != 0 {
		t.Fatalf("split after the kill: exit %d: %s", code, errs)
	}
	if code, _, errs := command(t, dir, "info", "a.h5py"); code != 0 || errs != "" {
		t.Errorf("info after the repair: exit %d, stderr %q", code, errs)
	}
	if l := leftovers(t, dir); len(l) > 0 {
		t.Errorf("left %v", l)
	}
	pytest.Run(t, py, `
import sys, h5py
with h5py.File(sys.argv[1], 'r') as f:
    assert f['split/stratified_scale'][...].sum() == 300
print('ok')
`, filepath.Join(dir, "a.h5py"))
}
