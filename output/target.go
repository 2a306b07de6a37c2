package output

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/synbols-gpu/synbols-gpu/internal/atomicfile"
	"github.com/synbols-gpu/synbols-gpu/internal/filekind"
)

var (
	// ErrTarget is wrapped when the output path names something a dataset
	// must not replace: a device, a fifo, a socket, a directory, or "-".
	ErrTarget = errors.New("output: unusable output path")
	// ErrLocked is wrapped when another live process is writing the same
	// output file.
	ErrLocked = errors.New("output: another run is writing this output")
)

// maxSymlinks bounds the symlink chain followed from an output path, as
// the kernel's own limit (ELOOP after 40) does.
const maxSymlinks = 40

// Target is the file a run replaces, resolved and checked before any work:
//
//   - "-" is refused (there is no streaming output);
//   - a symlink is followed to the file it names, so the file is updated
//     and the link stays a link;
//   - an existing target that is not a regular file (device node, fifo,
//     socket, directory) is refused: renaming over it would replace the
//     node itself, which for /dev/null as root breaks the machine;
//   - an existing regular file keeps its permission bits (and its owner,
//     where the process may set it).
type Target struct {
	Given string      // the path as the user gave it
	Path  string      // the regular file to replace or create, symlinks resolved
	Exist bool        // Path exists now
	Mode  fs.FileMode // permission bits of the existing file
	uid   int         // owner of the existing file, -1 if none
	gid   int
}

// ResolveTarget checks that path can receive a dataset and resolves it.
// It creates nothing.
func ResolveTarget(path string) (Target, error) {
	t := Target{Given: path, uid: -1, gid: -1}
	if path == "" {
		return t, fmt.Errorf("%w: empty path", ErrTarget)
	}
	if path == "-" {
		return t, fmt.Errorf("%w: %q: writing a dataset to standard output is not supported; give a file name", ErrTarget, path)
	}
	p := path
	for hops := 0; ; hops++ {
		fi, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			break // a new file (possibly at the end of a dangling link)
		}
		if err != nil {
			return t, fmt.Errorf("%w: %w", ErrDir, err)
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			if hops == maxSymlinks {
				return t, fmt.Errorf("%w: %s: too many levels of symbolic links", ErrTarget, path)
			}
			dest, err := os.Readlink(p)
			if err != nil {
				return t, fmt.Errorf("%w: %w", ErrTarget, err)
			}
			if !filepath.IsAbs(dest) {
				dest = filepath.Join(filepath.Dir(p), dest)
			}
			p = dest
			continue
		}
		if !fi.Mode().IsRegular() {
			what := filekind.Name(fi.Mode())
			if p != path {
				what += " (" + p + ")"
			}
			return t, fmt.Errorf("%w: %s is %s, not a regular file: refusing to replace it", ErrTarget, path, what)
		}
		t.Exist, t.Mode = true, fi.Mode().Perm()
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			t.uid, t.gid = int(st.Uid), int(st.Gid)
		}
		break
	}
	t.Path = filepath.Clean(p)
	dir := filepath.Dir(t.Path)
	fi, err := os.Stat(dir)
	if err != nil {
		return t, fmt.Errorf("%w: %s: %w", ErrDir, path, err)
	}
	if !fi.IsDir() {
		return t, fmt.Errorf("%w: %s: %s is not a directory", ErrDir, path, dir)
	}
	return t, nil
}

// tempPrefix is the prefix of the private temporary folders (and, from
// earlier versions, files) of the output base: ".<base>.tmp-".
func tempPrefix(base string) string { return "." + base + ".tmp-" }

// lockName is the lock file beside an output: ".<base>.lock".
func lockName(base string) string { return "." + base + ".lock" }

// A lock is an exclusive flock(2) on the lock file beside an output. flock
// rather than an O_EXCL file with a pid: the kernel drops it when its
// holder dies, by SIGKILL or an out-of-memory kill too, so a lock is never
// stale and the next run needs no guess about whether a pid still lives.
// The pid is still written into the file, for the message of the run that
// finds it taken.
type lock struct {
	f    *os.File
	path string
}

// acquireLock takes the lock of the output at path, or fails at once with
// ErrLocked naming the holder's pid.
func acquireLock(path string) (*lock, error) {
	lp := filepath.Join(filepath.Dir(path), lockName(filepath.Base(path)))
	for range 10 {
		// The lock file is truncated and written: a symlink or a device
		// planted under its name must not carry that to another file (as
		// root, a link to /etc/passwd). Lstat first, so that no device is
		// even opened; O_NOFOLLOW and the fstat below close the race.
		if fi, err := os.Lstat(lp); err == nil && !fi.Mode().IsRegular() {
			return nil, fmt.Errorf("%w: %s: its lock file %s is %s, not a regular file: refusing to use it", ErrTarget, path, lp, filekind.Name(fi.Mode()))
		}
		f, err := os.OpenFile(lp, os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0o644)
		if err != nil {
			if errors.Is(err, syscall.ELOOP) {
				return nil, fmt.Errorf("%w: %s: its lock file %s is a symbolic link: refusing to follow it", ErrTarget, path, lp)
			}
			return nil, fmt.Errorf("%w: %s: lock: %w", ErrDir, path, err)
		}
		if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
			f.Close()
			if err != nil {
				return nil, fmt.Errorf("%w: %s: lock %s: %w", ErrDir, path, lp, err)
			}
			return nil, fmt.Errorf("%w: %s: its lock file %s is %s, not a regular file: refusing to use it", ErrTarget, path, lp, filekind.Name(fi.Mode()))
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
			b := make([]byte, 32)
			n, _ := f.ReadAt(b, 0)
			f.Close()
			if errors.Is(err, syscall.EWOULDBLOCK) {
				holder := "another process"
				if pid, perr := strconv.Atoi(strings.TrimSpace(string(b[:n]))); perr == nil && pid > 0 {
					holder = "process " + strconv.Itoa(pid)
				}
				return nil, fmt.Errorf("%w: %s is being written by %s (lock %s)", ErrLocked, path, holder, lp)
			}
			return nil, fmt.Errorf("%w: %s: lock %s: %w", ErrDir, path, lp, err)
		}
		// The holder before us may have removed the file between our open
		// and our flock: then we hold a lock on an unlinked inode that no
		// one else will see, so start again.
		var a, b syscall.Stat_t
		if syscall.Fstat(int(f.Fd()), &a) == nil && syscall.Stat(lp, &b) == nil && a.Ino == b.Ino && a.Dev == b.Dev {
			f.Truncate(0)
			f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
			return &lock{f: f, path: lp}, nil
		}
		f.Close()
	}
	return nil, fmt.Errorf("%w: %s: lock %s keeps changing", ErrLocked, path, lp)
}

// release removes the lock file, then drops the lock: in that order, so a
// waiter never takes a lock on a file that is about to vanish without
// noticing (acquireLock's inode check).
func (l *lock) release() {
	if l == nil || l.f == nil {
		return
	}
	os.Remove(l.path)
	l.f.Close()
	l.f = nil
}

// removeStale deletes what earlier runs on the same output left behind
// when they were killed (SIGKILL, power loss): temporary folders and files
// named ".<base>.tmp-*" beside it. It runs only under the output's lock,
// so none of them can belong to a live run. A folder with a checkpoint
// journal is a resumable run's state (resume.go) and is kept.
//
// A folder of an in-place change that was killed (AddSplitsInPlace) is
// first undone in the file it names, from its undo log: if that fails the
// folder stays and the error says so (the file may not read until then).
func removeStale(dir string, bases ...string) error {
	for _, base := range bases {
		matches, _ := filepath.Glob(filepath.Join(dir, globEscape(tempPrefix(base))+"*"))
		for _, m := range matches {
			if hasJournal(m) {
				continue
			}
			if fi, err := os.Lstat(m); err == nil && fi.IsDir() {
				if _, err := recoverInPlace(m, filepath.Join(dir, base)); err != nil {
					return fmt.Errorf("%w: %s: an interrupted split --in-place left its undo log in %s, which could not be applied: %w", ErrIO, filepath.Join(dir, base), m, err)
				}
			}
			os.RemoveAll(m) // does not follow symlinks
		}
	}
	return nil
}

// globEscape quotes the glob metacharacters of a literal file name.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// applyMode gives the new file at tmp the permissions (and owner) of the
// file it replaces; a new file keeps what the umask gave it.
func (t Target) applyMode(tmp string) error {
	if !t.Exist {
		return nil
	}
	if err := os.Chmod(tmp, t.Mode); err != nil {
		return err
	}
	if t.uid >= 0 && (t.uid != os.Geteuid() || t.gid != os.Getegid()) {
		os.Lchown(tmp, t.uid, t.gid) // best effort: only root may give files away
	}
	return nil
}

// WriteFile writes data, a small file made from a dataset (view's
// picture, a contact sheet), to path with the checks and care of a
// dataset's output: ResolveTarget refuses a device, fifo, socket or
// directory; a symlink's file is updated and the link kept; an existing
// file keeps its mode; the bytes go in place by a rename, whole or not at
// all.
func WriteFile(path string, data []byte) error {
	t, err := ResolveTarget(path)
	if err != nil {
		return err
	}
	f, err := atomicfile.CreateTemp(filepath.Dir(t.Path), tempPrefix(filepath.Base(t.Path)), 0)
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrDir, path, err)
	}
	if err := t.applyMode(f.Name()); err != nil {
		f.Close()
		os.Remove(f.Name())
		return fmt.Errorf("%w: %s: %w", ErrDir, path, err)
	}
	if err := atomicfile.Commit(f, data, t.Path, true); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrIO, path, err)
	}
	return nil
}
