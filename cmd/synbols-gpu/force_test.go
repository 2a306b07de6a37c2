package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestForce: an existing output — the file, the file a symlink at --out
// names, or the preview beside it — is not replaced without --force: a
// one-line usage error (exit 2) naming the file and the flag, nothing
// touched. With --force the dataset replaces it, a link staying a link.
func TestForce(t *testing.T) {
	const old = "previous dataset"
	for _, c := range []struct {
		name  string
		out   string // --out
		old   string // the existing regular file, relative to the folder
		link  bool   // out is a symlink to old
		force bool
	}{
		{"file refused", "x.h5py", "x.h5py", false, false},
		{"file replaced", "x.h5py", "x.h5py", false, true},
		{"link refused", "link.h5py", "data/real.h5py", true, false},
		{"link replaced", "link.h5py", "data/real.h5py", true, true},
		{"preview refused", "x.h5py", "x_preview.png", false, false},
		{"preview replaced", "x.h5py", "x_preview.png", false, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			must(t, os.MkdirAll(filepath.Join(dir, filepath.Dir(c.old)), 0o755))
			must(t, os.WriteFile(filepath.Join(dir, c.old), []byte(old), 0o644))
			if c.link {
				must(t, os.Symlink(c.old, filepath.Join(dir, c.out)))
			}
			before := snapshot(t, dir)
			args := append([]string{"generate", "--n_samples", "10", "--out", c.out}, fastArgs...)
			if c.force {
				args = append(args, "--force")
			}
			code, _, errs := run1(t, dir, nil, args...)
			b, _ := os.ReadFile(filepath.Join(dir, c.old))
			if !c.force {
				if code != 2 {
					t.Errorf("exit %d, want 2: %s", code, errs)
				}
				named := filepath.Base(c.old) // the file, or the preview
				if c.link {
					named = c.out // as the user wrote it
				}
				oneLine(t, errs, named, "--force")
				sameSnapshot(t, dir, before)
				return
			}
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			if string(b) == old {
				t.Errorf("%s not replaced with --force", c.old)
			}
			if fi, err := os.Lstat(filepath.Join(dir, c.out)); c.link && (err != nil || fi.Mode()&os.ModeSymlink == 0) {
				t.Errorf("the link was replaced by a file: %v", err)
			}
			noLeftovers(t, dir)
		})
	}
}
