package main

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/internal/pytest"
)

// TestNaturalPatterns: natural-patterns needs --image-dir (one line naming
// the flag, exit 2); with a folder holding one good image, one corrupt
// one and a text file, it warns once about the corrupt one, draws from the
// good one, and records the image's relative path and the pool's digest.
func TestNaturalPatterns(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := command(t, dir, "generate", "--dataset", "natural-patterns", "--n_samples", "10", "--backend", "cpu")
	if code != 2 || !strings.Contains(stderr, "--image-dir") || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
		t.Fatalf("without --image-dir: exit %d, stderr %q; want 2 and one line naming --image-dir", code, stderr)
	}
	imgs := filepath.Join(dir, "photos", "sub")
	if err := os.MkdirAll(imgs, 0o755); err != nil {
		t.Fatal(err)
	}
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7)
	}
	img.Set(0, 0, color.RGBA{255, 0, 0, 255})
	f, err := os.Create(filepath.Join(imgs, "good.png"))
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := os.WriteFile(filepath.Join(imgs, "broken.jpg"), []byte("not a jpeg"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "photos", "notes.txt"), []byte("hi"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = command(t, dir, "generate", "--dataset", "natural-patterns", "--n_samples", "20", "--backend", "cpu",
		"--image-dir", filepath.Join(dir, "photos"), "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.Count(stderr, "warning") != 1 || !strings.Contains(stderr, "broken.jpg") {
		t.Errorf("want one warning naming broken.jpg, got:\n%s", stderr)
	}
	py := pytest.Python(t)
	out := pytest.Run(t, py, `
import h5py, json, sys
f = h5py.File(sys.argv[1], "r")
paths = set()
for y in f["y"]:
    r = json.loads(y)
    for p in (r["background"], r["foreground"]):
        assert p["style"] == "ImagePattern", p
        paths.add(p["path"])
print(sorted(paths), f.attrs["image_pool"])
`, filepath.Join(dir, "natural-patterns.h5py"))
	if !strings.Contains(out, "['sub/good.png'] sha256:") {
		t.Errorf("records and attribute: %s", out)
	}
}
