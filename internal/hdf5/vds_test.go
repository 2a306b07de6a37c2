package hdf5

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestVirtualMoved builds a virtual dataset over two source files named
// relative to its folder, moves the folder, and reads the rows back: the
// sources are found beside the moved file.
func TestVirtualMoved(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "a")
	if err := os.Mkdir(src, 0o755); err != nil {
		t.Fatal(err)
	}
	rows := [][]byte{{1, 2, 3, 4, 5, 6}, {7, 8, 9, 10}} // 3 and 2 rows of 2
	var want []byte
	for i, r := range rows {
		f, err := Create(filepath.Join(src, []string{"s0.h5", "s1.h5"}[i]))
		if err != nil {
			t.Fatal(err)
		}
		n := uint64(len(r) / 2)
		d, err := f.CreateNumeric("x", Uint8, []uint64{n, 2}, nil, 0, r)
		if err != nil {
			t.Fatal(err)
		}
		d.Close()
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		want = append(want, r...)
	}
	f, err := Create(filepath.Join(src, "v.h5"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := f.CreateVirtualUint8("x", []uint64{5, 2}, []VirtualSource{{"s0.h5", "x", 0, 3}, {"s1.h5", "x", 3, 2}})
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	moved := filepath.Join(dir, "b")
	if err := os.Rename(src, moved); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir) // not the sources' folder: found through the file's
	r, err := Open(filepath.Join(moved, "v.h5"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if v, err := r.IsVirtual("x"); err != nil || !v {
		t.Fatalf("IsVirtual = %v, %v", v, err)
	}
	rd, err := r.OpenDataset("x")
	if err != nil {
		t.Fatal(err)
	}
	got, err := rd.ReadRaw([]uint64{0, 0}, []uint64{5, 2})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("moved virtual dataset reads %v, want %v", got, want)
	}
	if _, err := r.CreateVirtualUint8("y", []uint64{5, 2}, []VirtualSource{{"s0.h5", "x", 0, 3}}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("sources covering 3 of 5 rows: %v, want ErrInvalid", err)
	}
}
