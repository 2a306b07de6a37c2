package output

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// createTemp creates a new file named prefix+<random> in dir. Unlike
// os.CreateTemp it asks for mode 0666, so the finished file gets the
// permissions the umask gives any new file rather than 0600.
func createTemp(dir, prefix string) (*os.File, error) {
	var b [8]byte
	for range 100 {
		rand.Read(b[:])
		name := filepath.Join(dir, prefix+hex.EncodeToString(b[:]))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, err
	}
	return nil, &os.PathError{Op: "createtemp", Path: filepath.Join(dir, prefix+"*"), Err: fs.ErrExist}
}
