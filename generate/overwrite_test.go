package generate

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/engine/cpu"
	"github.com/synbols-gpu/synbols-gpu/spec"
)

// TestOverwrite: an existing output (or preview), also through a
// symbolic link, is refused with ErrExists and left as it was unless
// Config.Overwrite; with it the dataset replaces the file, the link kept.
func TestOverwrite(t *testing.T) {
	lib, at := env(t)
	sp, err := spec.Preset("default")
	if err != nil {
		t.Fatal(err)
	}
	const old = "previous dataset"
	for _, c := range []struct {
		name      string
		overwrite bool
		preview   bool
		// setup makes what exists in dir; it returns the --out path and
		// the regular file that must keep old or receive the dataset.
		setup func(t *testing.T, dir string) (out, file string)
	}{
		{"file kept", false, false, oldFile("x.h5py")},
		{"file replaced", true, false, oldFile("x.h5py")},
		{"link kept", false, false, oldLink},
		{"link replaced", true, true, oldLink},
		{"preview kept", false, true, oldPreview},
		{"preview replaced", true, true, oldPreview},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			out, file := c.setup(t, dir)
			_, err := Run(context.Background(), Config{Spec: sp, N: 20, Seed: 1, Out: out, Preview: c.preview, Overwrite: c.overwrite,
				Fonts: lib, SkipFontChecks: true, Atlas: at, Backend: cpu.New(1)})
			b, _ := os.ReadFile(file)
			switch {
			case !c.overwrite && !errors.Is(err, ErrExists):
				t.Fatalf("err %v, want ErrExists", err)
			case !c.overwrite && string(b) != old:
				t.Errorf("%s changed without Overwrite: %.20q", file, b)
			case c.overwrite && err != nil:
				t.Fatal(err)
			case c.overwrite && string(b) == old:
				t.Errorf("%s not replaced with Overwrite", file)
			}
			if fi, err := os.Lstat(out); c.name == "link replaced" && (err != nil || fi.Mode()&os.ModeSymlink == 0) {
				t.Errorf("the link was replaced by a file: %v", err)
			}
		})
	}
}

func oldFile(name string) func(t *testing.T, dir string) (string, string) {
	return func(t *testing.T, dir string) (string, string) {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("previous dataset"), 0o644); err != nil {
			t.Fatal(err)
		}
		return p, p
	}
}

// oldLink is link.h5py → data/real.h5py, an existing file.
func oldLink(t *testing.T, dir string) (string, string) {
	if err := os.Mkdir(filepath.Join(dir, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, real := oldFile(filepath.Join("data", "real.h5py"))(t, dir)
	link := filepath.Join(dir, "link.h5py")
	if err := os.Symlink("data/real.h5py", link); err != nil {
		t.Fatal(err)
	}
	return link, real
}

// oldPreview is a preview left beside a dataset that is not there.
func oldPreview(t *testing.T, dir string) (string, string) {
	out := filepath.Join(dir, "x.h5py")
	_, p := oldFile("x_preview.png")(t, dir)
	return out, p
}
