package hdf5

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestCheckChunks: chunks written directly are found, a row range with a
// chunk never written or an end of file before a chunk is reported; the
// file reopens read-write with its metadata held.
func TestCheckChunks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.h5")
	f, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	d, err := f.CreateChunkedUint8("x", []uint64{10, 3}, []uint64{2, 3}, 0)
	if err != nil {
		t.Fatal(err)
	}
	for r := uint64(0); r < 6; r += 2 {
		if err := d.WriteChunk([]uint64{r, 0}, []byte{1, 2, 3, 4, 5, 6}); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	f, err = OpenRW(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.HoldMetadata(); err != nil {
		t.Fatal(err)
	}
	d, err = f.OpenDataset("x")
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	eof := uint64(fi.Size())
	if err := d.CheckChunks(6, eof); err != nil {
		t.Errorf("3 chunks written: %v", err)
	}
	if err := d.CheckChunks(8, eof); !errors.Is(err, ErrInvalid) {
		t.Errorf("4th chunk never written: %v", err)
	}
	if err := d.CheckChunks(6, 100); !errors.Is(err, ErrInvalid) {
		t.Errorf("file cut to 100 bytes: %v", err)
	}
	if err := d.WriteChunk([]uint64{6, 0}, []byte{1, 2, 3, 4, 5, 6}); err != nil {
		t.Fatal(err)
	}
	if err := d.CheckChunks(8, ^uint64(0)); err != nil {
		t.Errorf("after writing the 4th chunk: %v", err)
	}
}
