package output

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/synbols-gpu/synbols-gpu/internal/atomicfile"
)

// staging is what every dataset writer (HDF5, npz, WebDataset) shares to
// replace its output atomically: the resolved target, the output's lock,
// the private temporary folder beside the target where the new files are
// written, and the side files (the preview, the splits) committed with
// the target, just before it.
type staging struct {
	target Target
	lock   *lock
	tmpDir string // private folder (0700, random name) beside target
	sides  []side
}

// side is a file that belongs to the dataset and is replaced with it.
type side struct {
	given  string
	t      Target
	staged string // the complete temporary, renamed at commit; "" none
}

// openStaging resolves the target at path and the side files (ResolveTarget),
// takes the output's lock, removes what killed runs on the same output
// left behind, and creates the private temporary folder: that is also
// the writability check, which fails on permissions and read-only file
// systems alike, as root too. what names a side file in errors. adopt, if
// not nil, runs under the lock before anything is removed: it may return
// an existing private folder (an interrupted run's, to resume) to write
// in instead of a new one.
func openStaging(path string, adopt func(dir, base string) (string, error), sides ...string) (*staging, error) {
	t, err := ResolveTarget(path)
	if err != nil {
		return nil, err
	}
	s := &staging{target: t}
	for _, p := range sides {
		st, err := ResolveTarget(p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Base(p), err)
		}
		s.sides = append(s.sides, side{given: p, t: st})
	}
	if s.lock, err = acquireLock(t.Path); err != nil {
		return nil, err
	}
	dir, base := filepath.Dir(t.Path), filepath.Base(t.Path)
	if adopt != nil {
		if s.tmpDir, err = adopt(dir, base); err != nil {
			s.lock.release()
			return nil, err
		}
	}
	if err := removeStale(dir, base); err != nil {
		s.lock.release()
		return nil, err
	}
	for _, sd := range s.sides {
		// A side file is never changed in place: nothing to recover.
		removeStale(filepath.Dir(sd.t.Path), filepath.Base(sd.t.Path))
	}
	if s.tmpDir != "" {
		return s, nil
	}
	if s.tmpDir, err = os.MkdirTemp(dir, tempPrefix(base)); err != nil {
		s.lock.release()
		return nil, fmt.Errorf("%w: %s: %w", ErrDir, path, err)
	}
	return s, nil
}

// temp is the path of a new file named base in the private folder.
func (s *staging) temp(base string) string { return filepath.Join(s.tmpDir, base) }

// createSide creates the temporary of side i: in the private folder when
// it lives beside the target, else beside the side file (named so that a
// later run's removeStale finds it if this one is killed). The caller
// fills and closes it, then calls setStaged.
func (s *staging) createSide(i int) (*os.File, error) {
	sd := &s.sides[i]
	dir := filepath.Dir(sd.t.Path)
	if dir == filepath.Dir(s.target.Path) {
		return os.OpenFile(filepath.Join(s.tmpDir, filepath.Base(sd.t.Path)), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
	}
	return atomicfile.CreateTemp(dir, tempPrefix(filepath.Base(sd.t.Path)), 0)
}

// stageSide writes data as side i's temporary (synced).
func (s *staging) stageSide(i int, data []byte) error {
	f, err := s.createSide(i)
	if err != nil {
		return err
	}
	if err := atomicfile.Fill(f, data, true); err != nil {
		return err
	}
	s.sides[i].staged = f.Name()
	return nil
}

// commit makes the complete temporary tmp durable and gives it the
// target's mode, renames the staged side files into place, runs between
// (nil: nothing; the WebDataset shards), and renames tmp to the target
// last: everything that can fail for want of space or permission has
// happened before the first rename. A side file with nothing staged that
// exists as a regular file is removed after the rename: it described the
// dataset just replaced.
func (s *staging) commit(tmp string, between func() error) error {
	if err := syncFile(tmp); err != nil {
		return fmt.Errorf("%w: %s: sync: %w", ErrIO, s.target.Given, err)
	}
	if err := s.target.applyMode(tmp); err != nil {
		return fmt.Errorf("%w: %s: keep mode: %w", ErrIO, s.target.Given, err)
	}
	for i := range s.sides {
		sd := &s.sides[i]
		if sd.staged == "" {
			continue
		}
		if err := sd.t.applyMode(sd.staged); err != nil {
			return fmt.Errorf("%w: %s: %w", ErrIO, sd.given, err)
		}
		if err := os.Rename(sd.staged, sd.t.Path); err != nil {
			return fmt.Errorf("%w: %s: rename: %w", ErrIO, sd.given, err)
		}
		if filepath.Dir(sd.t.Path) != filepath.Dir(s.target.Path) {
			atomicfile.SyncDir(filepath.Dir(sd.t.Path))
		}
		sd.staged = "-" // committed
	}
	if between != nil {
		if err := between(); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp, s.target.Path); err != nil {
		return fmt.Errorf("%w: %s: rename: %w", ErrIO, s.target.Given, err)
	}
	for _, sd := range s.sides {
		if sd.staged == "" {
			if fi, err := os.Lstat(sd.t.Path); err == nil && fi.Mode().IsRegular() {
				os.Remove(sd.t.Path)
			}
		}
	}
	// Best effort: make the renames themselves durable. The files are
	// complete and in place either way, so a failure is not reported.
	atomicfile.SyncDir(filepath.Dir(s.target.Path))
	return nil
}

// cleanup removes the private folder (whatever is still in it) and the
// side temporaries outside it, and releases the output's lock.
func (s *staging) cleanup() {
	if s == nil {
		return
	}
	for i := range s.sides {
		if st := s.sides[i].staged; st != "" && st != "-" {
			os.Remove(st)
			s.sides[i].staged = ""
		}
	}
	if s.tmpDir != "" {
		os.RemoveAll(s.tmpDir)
		s.tmpDir = ""
	}
	s.lock.release()
}
