package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/internal/pytest"
)

// digestScript prints the font_pool attribute and a SHA-256 over x, mask
// and y of a dataset.
const digestScript = `
import h5py, hashlib, sys
with h5py.File(sys.argv[1], "r") as f:
    h = hashlib.sha256()
    h.update(f["x"][...].tobytes()); h.update(f["mask"][...].tobytes())
    for r in f["y"]: h.update(r if isinstance(r, bytes) else r.encode())
    print(f.attrs["font_pool"], h.hexdigest())
`

var poolRe = regexp.MustCompile(`font pool (sha256:[0-9a-f]{12})`)

// TestFontPool: two "machines" — the second with a variable font
// installed in its user font folder (XDG_DATA_HOME/fonts) — give the same
// pool digest and the same bytes with --fonts embedded, and different
// digests with --fonts all; the digest is in the summary line and in the
// file.
func TestFontPool(t *testing.T) {
	py := pytest.Python(t)
	karla, err := filepath.Abs(filepath.Join("..", "..", "fonts", "testdata", "variable", "Karla-wght.ttf"))
	must(t, err)
	data := t.TempDir()
	must(t, os.Mkdir(filepath.Join(data, "fonts"), 0o755))
	b, err := os.ReadFile(karla)
	must(t, err)
	must(t, os.WriteFile(filepath.Join(data, "fonts", "Karla-wght.ttf"), b, 0o644))
	machines := [][]string{{"XDG_DATA_HOME=" + t.TempDir()}, {"XDG_DATA_HOME=" + data}}
	result := func(env []string, pool string) (string, string) {
		dir := t.TempDir()
		code, out, errs := run1(t, dir, env, "generate", "--fonts", pool, "--n_samples", "300", "--seed", "5", "--quiet", "--out", "e.h5py")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		m := poolRe.FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("summary %q has no font pool digest", out)
		}
		got := strings.Fields(pytest.Run(t, py, digestScript, filepath.Join(dir, "e.h5py")))
		if len(got) != 2 || !strings.HasPrefix(got[0], m[1]) {
			t.Fatalf("file says %v, summary %s", got, m[1])
		}
		return got[0], got[1]
	}
	p0, s0 := result(machines[0], "embedded")
	p1, s1 := result(machines[1], "embedded")
	if p0 != p1 || s0 != s1 {
		t.Errorf("--fonts embedded on two machines: pools %s %s, data %s %s", p0, p1, s0, s1)
	}
	a0, _ := result(machines[0], "all")
	a1, _ := result(machines[1], "all")
	if a0 == a1 {
		t.Errorf("--fonts all: the machine with Karla installed has the same pool digest %s", a0)
	}
}
