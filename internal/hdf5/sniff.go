package hdf5

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
)

// ErrNotHDF5 is wrapped by the error of an open whose file has no HDF5
// signature where libhdf5 looks for one: a file of another format, which
// the message names when it is one a user of this tool has at hand (the
// npz and WebDataset outputs, a preview picture).
var ErrNotHDF5 = errors.New("hdf5: not an HDF5 file")

// signature is the format signature that starts an HDF5 superblock, at
// byte 0 or after a user block of 512, 1024, 2048… bytes.
var signature = []byte("\x89HDF\r\n\x1a\n")

// notHDF5 returns err (a failed open of path) as an ErrNotHDF5 naming the
// file's format when the file has no HDF5 signature, and err unchanged
// when it has one (a damaged HDF5 file: libhdf5's message says more) or
// cannot be read.
func notHDF5(path string, err error) error {
	if what, other := sniff(path); other {
		return fmt.Errorf("%w: %q is %s (%w)", ErrNotHDF5, path, what, err)
	}
	return err
}

// checkHDF5 is an ErrNotHDF5 for a file without an HDF5 signature, before
// libhdf5 opens it for writing: opened so, an empty file is given a
// superblock and opens as an empty HDF5 file.
func checkHDF5(path, op string) error {
	if what, other := sniff(path); other {
		return fmt.Errorf("%w: %s %q: it is %s", ErrNotHDF5, op, path, what)
	}
	return nil
}

// sniff reports whether path is a readable file without an HDF5 signature
// at byte 0 or at 512, 1024, 2048… (after a user block), and if so what
// it is.
func sniff(path string) (what string, other bool) {
	f, err := os.Open(path)
	if err != nil {
		return "", false
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", false
	}
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	if bytes.HasPrefix(head, signature) {
		return "", false
	}
	b := make([]byte, len(signature))
	for off := int64(512); off+int64(len(signature)) <= fi.Size(); off *= 2 {
		if _, err := f.ReadAt(b, off); err == nil && bytes.Equal(b, signature) {
			return "", false
		}
	}
	return formatOf(head), true
}

// formatOf names the format of a file that starts with head, for a user
// who gave it where an HDF5 file was wanted.
func formatOf(head []byte) string {
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	switch {
	case len(head) == 0:
		return "empty"
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return "a zip archive, as numpy's .npz files are"
	case len(head) >= 262 && string(head[257:262]) == "ustar":
		return "a tar archive, as WebDataset shards are"
	case bytes.HasPrefix(head, []byte("\x93NUMPY")):
		return "a numpy .npy file"
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return "a PNG picture"
	case len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '['):
		return "JSON text, as a WebDataset manifest is"
	}
	return "of another format (no HDF5 signature at its start)"
}
