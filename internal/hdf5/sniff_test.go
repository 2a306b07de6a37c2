package hdf5

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOpenNotHDF5: a file of another format is ErrNotHDF5 naming the
// format, through Open and OpenRW, on one line, and the file is
// unchanged (libhdf5 opening an empty file for writing gave it an 800-byte
// superblock); an HDF5 file behind a user block opens, read-only and for
// writing, and a damaged HDF5 file is libhdf5's error, not ErrNotHDF5.
func TestOpenNotHDF5(t *testing.T) {
	dir := t.TempDir()
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	if w, err := zw.Create("x.npy"); err != nil {
		t.Fatal(err)
	} else {
		w.Write([]byte("\x93NUMPY"))
	}
	zw.Close()
	var tb bytes.Buffer
	tw := tar.NewWriter(&tb)
	tw.WriteHeader(&tar.Header{Name: "000000.png", Mode: 0o644, Size: 3})
	tw.Write([]byte("abc"))
	tw.Close()
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"a.npz", zb.Bytes(), "a zip archive"},
		{"a.tar", tb.Bytes(), "a tar archive"},
		{"a.npy", []byte("\x93NUMPY\x01\x00v\x00{'descr': '|u1'}"), "a numpy .npy file"},
		{"a.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "a PNG picture"},
		{"a.json", []byte("\n  {\"shards\": []}\n"), "JSON text"},
		{"empty.h5", nil, "empty"},
		{"text.h5", []byte("not an HDF5 file at all"), "of another format"},
	}
	for _, c := range cases {
		path := filepath.Join(dir, c.name)
		if err := os.WriteFile(path, c.data, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, open := range []struct {
			name string
			fn   func(string) (*File, error)
		}{{"Open", Open}, {"OpenRW", OpenRW}} {
			f, err := open.fn(path)
			if err == nil {
				f.Close()
				t.Errorf("%s(%s) opened", open.name, c.name)
				continue
			}
			msg := err.Error()
			if !errors.Is(err, ErrNotHDF5) || !strings.Contains(msg, c.want) || !strings.Contains(msg, c.name) || strings.Contains(msg, "\n") {
				t.Errorf("%s(%s): %v, want ErrNotHDF5 naming %q, one line", open.name, c.name, err, c.want)
			}
			// Open carries libhdf5's own message; OpenRW refuses before
			// libhdf5 sees the file (which gives an empty one a superblock).
			if carried := errors.Is(err, ErrHDF5) && strings.Contains(msg, "signature"); carried != (open.name == "Open") {
				t.Errorf("%s(%s): %v: libhdf5's message carried %v", open.name, c.name, err, carried)
			}
			if b, _ := os.ReadFile(path); !bytes.Equal(b, c.data) {
				t.Errorf("%s(%s) changed the file", open.name, c.name)
			}
		}
	}

	// An HDF5 file whose superblock follows a 512-byte user block.
	ub := filepath.Join(dir, "userblock.h5")
	runPython(t, `
import sys, h5py
with h5py.File(sys.argv[1], "w", userblock_size=512) as f:
    f["x"] = [1, 2, 3]
with open(sys.argv[1], "r+b") as f:
    f.write(b"PK\x03\x04 a user block that looks like a zip")
`, ub)
	for _, open := range []func(string) (*File, error){Open, OpenRW} {
		f, err := open(ub)
		if err != nil {
			t.Fatalf("HDF5 behind a user block: %v", err)
		}
		f.Close()
	}

	// A truncated HDF5 file has the signature: libhdf5's own error.
	whole, err := os.ReadFile(ub)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(dir, "cut.h5")
	if err := os.WriteFile(cut, whole[:700], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(cut); err == nil || errors.Is(err, ErrNotHDF5) || !errors.Is(err, ErrHDF5) {
		t.Errorf("truncated HDF5 file: %v, want libhdf5's error, not ErrNotHDF5", err)
	}
}
