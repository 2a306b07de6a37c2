package hdf5

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestReadDatasetsFromH5py reads hyperslabs of every element type the
// dataset tools meet, written by h5py, against the values numpy wrote.
func TestReadDatasetsFromH5py(t *testing.T) {
	path := filepath.Join(t.TempDir(), "py.h5")
	runPython(t, `
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], 'w') as f:
    f.create_dataset('g/x', data=np.arange(3*4*5, dtype=np.uint8).reshape(3, 4, 5), chunks=(1, 4, 5), compression='gzip')
    f.create_dataset('g/i', data=np.array([-5, 7, 300], dtype=np.int16))
    f.create_dataset('g/f', data=np.array([[0.5, -1.25], [2.0, 3.5]], dtype=np.float32))
    f.create_dataset('g/b', data=np.array([True, False, True]))
    f.create_dataset('s', data=['a', 'héllo', ''], dtype=h5py.string_dtype())
    f.create_dataset('fs', data=np.array([b'ab', b'cde'], dtype='S4'))
`, path)
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if m, err := f.Members("g"); err != nil || !slices.Equal(m, []string{"b", "f", "i", "x"}) {
		t.Errorf("Members(g) = %v, %v", m, err)
	}
	if m, err := f.Members("/"); err != nil || !slices.Equal(m, []string{"fs", "g", "s"}) {
		t.Errorf("Members(/) = %v, %v", m, err)
	}
	for p, want := range map[string]bool{"g/x": true, "g": true, "g/nope": false, "nope/x": false} {
		if got, err := f.Exists(p); err != nil || got != want {
			t.Errorf("Exists(%s) = %v, %v", p, got, err)
		}
	}
	x, err := f.OpenDataset("g/x")
	if err != nil {
		t.Fatal(err)
	}
	if x.Type() != Uint8 || !slices.Equal(x.Dims(), []uint64{3, 4, 5}) || !slices.Equal(x.Chunk(), []uint64{1, 4, 5}) {
		t.Errorf("x: type %v dims %v chunk %v", x.Type(), x.Dims(), x.Chunk())
	}
	got, err := x.ReadUint8([]uint64{1, 2, 1}, []uint64{2, 1, 3})
	if err != nil {
		t.Fatal(err)
	}
	if want := []byte{31, 32, 33, 51, 52, 53}; !slices.Equal(got, want) {
		t.Errorf("x slab %v, want %v", got, want)
	}
	if _, err := x.ReadUint8([]uint64{2, 0, 0}, []uint64{2, 4, 5}); !errors.Is(err, ErrInvalid) {
		t.Errorf("slab past the end: %v, want ErrInvalid", err)
	}
	i, err := f.OpenDataset("g/i")
	if err != nil {
		t.Fatal(err)
	}
	if v, err := i.ReadInt32([]uint64{0}, []uint64{3}); err != nil || !slices.Equal(v, []int32{-5, 7, 300}) {
		t.Errorf("int16 as int32: %v, %v", v, err)
	}
	if v, err := i.ReadFloat64([]uint64{1}, []uint64{2}); err != nil || !slices.Equal(v, []float64{7, 300}) {
		t.Errorf("int16 as float64: %v, %v", v, err)
	}
	fl, err := f.OpenDataset("g/f")
	if err != nil {
		t.Fatal(err)
	}
	if v, err := fl.ReadFloat64([]uint64{1, 0}, []uint64{1, 2}); err != nil || !slices.Equal(v, []float64{2, 3.5}) || !fl.IsFloat() {
		t.Errorf("float32 as float64: %v, %v", v, err)
	}
	if _, err := fl.ReadInt32([]uint64{0, 0}, []uint64{1, 1}); !errors.Is(err, ErrInvalid) {
		t.Errorf("float as int32: %v, want ErrInvalid", err)
	}
	b, err := f.OpenDataset("g/b")
	if err != nil {
		t.Fatal(err)
	}
	if v, err := b.ReadUint8([]uint64{0}, []uint64{3}); err != nil || !slices.Equal(v, []byte{1, 0, 1}) || b.Type() != Bool {
		t.Errorf("bool: %v, %v (type %v)", v, err, b.Type())
	}
	s, err := f.OpenDataset("s")
	if err != nil {
		t.Fatal(err)
	}
	if v, err := s.ReadStrings(1, 2); err != nil || !slices.Equal(v, []string{"héllo", ""}) || !s.IsString() {
		t.Errorf("vlen strings: %q, %v", v, err)
	}
	fs, err := f.OpenDataset("fs")
	if err != nil {
		t.Fatal(err)
	}
	if v, err := fs.ReadStrings(0, 2); err != nil || !slices.Equal(v, []string{"ab", "cde"}) {
		t.Errorf("fixed strings: %q, %v", v, err)
	}
	if _, err := f.OpenDataset("g/nope"); !errors.Is(err, ErrNotFound) || strings.Contains(err.Error(), "\n") {
		t.Errorf("missing dataset: %v, want ErrNotFound", err)
	}
	if _, err := f.OpenDataset("g"); !errors.Is(err, ErrHDF5) {
		t.Errorf("a group as dataset: %v, want ErrHDF5", err)
	}
}

// TestReadBackWritten reads what this package writes: strings and a
// numeric dataset.
func TestReadBackWritten(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.h5")
	f, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.CreateUTF8Strings("names", []string{"a", "Noto Sans 한국어"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.CreateNumeric("n", Int32, []uint64{2}, nil, 0, []byte{1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff}); err != nil {
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
	d, err := r.OpenDataset("names")
	if err != nil {
		t.Fatal(err)
	}
	if v, err := d.ReadStrings(0, 2); err != nil || v[1] != "Noto Sans 한국어" {
		t.Errorf("names: %q, %v", v, err)
	}
	n, err := r.OpenDataset("n")
	if err != nil {
		t.Fatal(err)
	}
	if v, err := n.ReadInt32([]uint64{0}, []uint64{2}); err != nil || !slices.Equal(v, []int32{1, -1}) || n.Type() != Int32 {
		t.Errorf("n: %v, %v", v, err)
	}
}
