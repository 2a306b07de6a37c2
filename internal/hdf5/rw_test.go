package hdf5

import (
	"errors"
	"io/fs"
	"path/filepath"
	"testing"
)

// TestOpenRW: a created file reopened for writing takes a new dataset,
// loses a deleted one (group and all), and its integer attributes read
// back with AttrInt64, which refuses strings and missing names.
func TestOpenRW(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rw.h5")
	f, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	g, err := f.CreateGroup("g")
	if err != nil {
		t.Fatal(err)
	}
	g.Close()
	d, err := f.CreateBool("g/b", []uint64{2}, []bool{true, false})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.SetAttrInt64("seed", -5); err != nil {
		t.Fatal(err)
	}
	d.Close()
	if err := f.SetAttrString("s", "x"); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}

	// Read-only: writes fail.
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Delete("g"); err == nil {
		t.Error("Delete on a read-only file succeeded")
	}
	r.Close()

	w, err := OpenRW(path)
	if err != nil {
		t.Fatal(err)
	}
	db, err := w.OpenDataset("g/b")
	if err != nil {
		t.Fatal(err)
	}
	if v, err := db.AttrInt64("seed"); err != nil || v != -5 {
		t.Errorf("AttrInt64(seed) = %d, %v; want -5", v, err)
	}
	if _, err := db.AttrInt64("none"); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing attribute: %v, want ErrNotFound", err)
	}
	db.Close()
	if _, err := w.AttrInt64("s"); !errors.Is(err, ErrInvalid) {
		t.Errorf("string attribute: %v, want ErrInvalid", err)
	}
	if err := w.Delete("g"); err != nil {
		t.Fatal(err)
	}
	if err := w.Delete("g"); !errors.Is(err, ErrHDF5) {
		t.Errorf("deleting twice: %v, want ErrHDF5", err)
	}
	nd, err := w.CreateNumeric("n", Int64, []uint64{1}, nil, 0, make([]byte, 8))
	if err != nil {
		t.Fatal(err)
	}
	nd.Close()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	r, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if ok, err := r.Exists("g/b"); err != nil || ok {
		t.Errorf("g/b after Delete: exists %v, %v", ok, err)
	}
	if ok, err := r.Exists("n"); err != nil || !ok {
		t.Errorf("n after OpenRW: exists %v, %v", ok, err)
	}
	if _, err := OpenRW(filepath.Join(t.TempDir(), "missing.h5")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("OpenRW of a missing file: %v", err)
	}
}
