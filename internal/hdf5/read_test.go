package hdf5

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOpenAttrString writes string attributes, reads them back through
// Open, and reads the attributes h5py writes itself (variable-length str,
// fixed-length bytes), so the read path is checked against both writers.
func TestOpenAttrString(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.h5")
	f, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat(`{"family": "Noto Sans 한국어"}`, 2000) // > 64 KiB: dense attribute storage
	if err := f.SetAttrString("fonts", long); err != nil {
		t.Fatal(err)
	}
	if err := f.SetAttrString("empty", ""); err != nil {
		t.Fatal(err)
	}
	if err := f.SetAttrInt64("n", 3); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}

	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if got, err := r.AttrString("fonts"); err != nil || got != long {
		t.Errorf("fonts: %d bytes, %v; want %d bytes", len(got), err, len(long))
	}
	if got, err := r.AttrString("empty"); err != nil || got != "" {
		t.Errorf("empty: %q, %v", got, err)
	}
	if _, err := r.AttrString("missing"); !errors.Is(err, ErrNotFound) || strings.Contains(err.Error(), "\n") {
		t.Errorf("missing attribute: %v, want ErrNotFound on one line", err)
	}
	if _, err := r.AttrString("n"); !errors.Is(err, ErrInvalid) {
		t.Errorf("integer attribute: %v, want ErrInvalid", err)
	}
	if err := r.SetAttrString("x", "y"); !errors.Is(err, ErrHDF5) {
		t.Errorf("writing a read-only file: %v, want ErrHDF5", err)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := Open(filepath.Join(dir, "nope.h5")); !errors.Is(err, fs.ErrNotExist) || strings.Contains(err.Error(), "\n") {
		t.Errorf("missing file: %v, want fs.ErrNotExist on one line", err)
	}
	junk := filepath.Join(dir, "junk.h5")
	if err := os.WriteFile(junk, []byte("not an HDF5 file at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(junk); !errors.Is(err, ErrHDF5) || strings.Contains(err.Error(), "\n") {
		t.Errorf("junk file: %v, want ErrHDF5 on one line", err)
	}
}

// TestAttrStringFromH5py reads attributes written by h5py.
func TestAttrStringFromH5py(t *testing.T) {
	path := filepath.Join(t.TempDir(), "py.h5")
	runPython(t, `
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], 'w') as f:
    f.attrs['s'] = 'héllo'
    f.attrs['b'] = np.bytes_(b'fixed')
`, path)
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if got, err := r.AttrString("s"); err != nil || got != "héllo" {
		t.Errorf("s: %q, %v", got, err)
	}
	if got, err := r.AttrString("b"); err != nil || got != "fixed" {
		t.Errorf("b: %q, %v", got, err)
	}
}
