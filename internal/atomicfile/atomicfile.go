// Package atomicfile replaces a file's contents atomically: the bytes go
// to a new temporary file in the target's folder, which a rename puts in
// place once complete, so a reader sees the old contents or the new, never
// part of them, and a failed write leaves nothing behind.
package atomicfile

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// Options tune Write. The zero value is a durable write of a file created
// with mode 0666 (before the umask) under the name ".<base>.tmp-<random>".
type Options struct {
	// Prefix starts the temporary file's name ("": "." + the target's
	// base name + ".tmp-"); 16 random hex digits follow it.
	Prefix string
	// Perm is the mode the file is created with, before the umask (0:
	// 0666, the mode any new file gets). The rename keeps it: an existing
	// target's mode is not carried over.
	Perm fs.FileMode
	// NoSync skips the fsyncs of the file and of its folder: for caches,
	// where a file lost in a crash is only computed again.
	NoSync bool
}

// Write writes data to path atomically: to a new temporary file in path's
// folder (see CreateTemp), then fsync, close, rename over path and fsync
// the folder (the fsyncs unless o.NoSync). On any error the temporary file
// is removed and path is as it was; the error is the os package's.
func Write(path string, data []byte, o Options) error {
	prefix := o.Prefix
	if prefix == "" {
		prefix = "." + filepath.Base(path) + ".tmp-"
	}
	f, err := CreateTemp(filepath.Dir(path), prefix, o.Perm)
	if err != nil {
		return err
	}
	return Commit(f, data, path, !o.NoSync)
}

// CreateTemp creates a new file prefix+<16 random hex digits> in dir,
// opened for reading and writing. Unlike os.CreateTemp it creates it with
// mode perm (0: 0666) before the umask, so that a file renamed into place
// gets the permissions any new file would rather than always 0600.
func CreateTemp(dir, prefix string, perm fs.FileMode) (*os.File, error) {
	if perm == 0 {
		perm = 0o666
	}
	var b [8]byte
	for range 100 {
		rand.Read(b[:])
		name := filepath.Join(dir, prefix+hex.EncodeToString(b[:]))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, err
	}
	return nil, &os.PathError{Op: "createtemp", Path: filepath.Join(dir, prefix+"*"), Err: fs.ErrExist}
}

// Fill writes data to the new file f, fsyncs it (if sync) and closes it;
// on an error it removes the file, so nothing partial stays.
func Fill(f *os.File, data []byte, sync bool) error {
	_, err := f.Write(data)
	if err == nil && sync {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// Commit fills the new temporary file f with data (Fill) and renames it
// to path, then fsyncs path's folder (if sync; best effort, as the file is
// complete and in place by then). On an error f's file is removed.
func Commit(f *os.File, data []byte, path string, sync bool) error {
	if err := Fill(f, data, sync); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		os.Remove(f.Name())
		return err
	}
	if sync {
		SyncDir(filepath.Dir(path))
	}
	return nil
}

// SyncDir fsyncs the folder dir, making the renames into it durable. It
// is best effort: a failure is not reported.
func SyncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
