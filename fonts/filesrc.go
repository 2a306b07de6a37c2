package fonts

import (
	"container/list"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// ErrFontChanged is wrapped (with the file's path) by every error that
// comes from a font file that no longer is what Load read: truncated,
// rewritten, replaced, removed or unreadable since.
var ErrFontChanged = errors.New("fonts: font file changed since it was loaded")

// errReopen wraps a failure to reopen a font file that is not the file's
// doing (too many open files, say). Face.Covers does not cache it.
var errReopen = errors.New("fonts: reopening a font file")

// fontSrc is where a face's bytes come from after Load: memSrc for the
// embedded set and for bytes handed to parseFile, fileSrc for files.
type fontSrc interface {
	io.ReaderAt
	// check returns an error wrapping ErrFontChanged when the bytes are
	// no longer those Load hashed, nil otherwise. Cheap (one fstat).
	check() error
}

// memSrc is a font already in memory (compiled into the binary, or a
// test's bytes): it cannot change.
type memSrc []byte

func (m memSrc) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 || off > int64(len(m)) {
		return 0, io.EOF
	}
	n := copy(p, m[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (memSrc) check() error { return nil }

// fileSrc reads a font file with pread(2) on demand: no mmap, and no copy
// of the file on the heap.
//
// Why: the file used to be mmap'ed (MAP_SHARED). A file truncated under
// the mapping (cp over it, a package upgrade) makes the next touch of a
// page past the new end raise SIGBUS, which kills the process; with
// pread the same event is a short read, reported as an error wrapping
// ErrFontChanged. Copying files to the heap instead would avoid SIGBUS
// too, but Library.Usable asks every face for a-z, so "lazily, on first
// use" means every file of the pool (4 GB for a full Debian pool), and
// reading them all peaked at 6.4 GB. golang.org/x/image/font/sfnt reads
// a font from an io.ReaderAt in small views (it caches the cmap itself),
// so a glyph costs a few preads from the page cache: cheap next to
// building its distance field.
//
// A fileSrc records the file's identity when Load opened it (device and
// inode, size, modification and, on Linux, change time) and check
// compares the open handle's fstat with it before each outline, so a
// file rewritten in place (same inode) is caught too, not only one that
// shrank; a file replaced by rename is caught when its handle is
// reopened. Content is hashed only once, at Load: the identity, which a
// write cannot leave unchanged (change time), stands in for the hash
// afterwards, so a reopen does not re-read the whole file.
//
// At most maxOpenFonts handles are open at a time (openFiles, least
// recently used closed first): a pool has thousands of files and the
// descriptor limit may be 1024.
type fileSrc struct {
	path  string
	size  int64
	stamp fileStamp

	// Guarded by openFiles.mu.
	f    *os.File
	refs int
	elem *list.Element

	failed atomic.Pointer[error] // first ErrFontChanged, sticky

	// mem holds the whole file while Load parses it (loadSrc): the
	// parse then reads exactly the bytes that were hashed, without
	// hundreds of small preads. nil once Load is done with the file;
	// only Load's goroutine sees it set.
	mem []byte
}

// maxOpenFonts bounds the font files kept open between reads (a var for
// tests).
var maxOpenFonts = 64

var openFiles struct {
	mu  sync.Mutex
	lru list.List // of *fileSrc with an open handle, most recent first
}

// loadBytesRead counts the bytes read from font files, for tests that
// check a rejected file was not read.
var loadBytesRead atomic.Int64

// fileStamp is what identifies a file's content without reading it.
type fileStamp struct {
	fi    os.FileInfo // for os.SameFile (device and inode)
	size  int64
	mod   time.Time
	ctime int64 // change time in ns where the platform has it, else 0
}

func stampOf(fi os.FileInfo) fileStamp {
	return fileStamp{fi: fi, size: fi.Size(), mod: fi.ModTime(), ctime: changeTime(fi)}
}

// diff says how b differs from a, "" when it does not.
func (a fileStamp) diff(b fileStamp) string {
	switch {
	case a.size != b.size:
		return fmt.Sprintf("size was %d bytes, now %d", a.size, b.size)
	case !os.SameFile(a.fi, b.fi):
		return "replaced by another file"
	case !a.mod.Equal(b.mod), a.ctime != b.ctime:
		return "modified"
	}
	return ""
}

// openFileSrc opens path for Load and returns its source with the handle
// held (release it when done).
func openFileSrc(path string) (*fileSrc, error) {
	fontOpens.Add(1)
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("not a regular file")
	}
	s := &fileSrc{path: path, size: st.Size(), stamp: stampOf(st), f: f, refs: 1}
	openFiles.mu.Lock()
	s.elem = openFiles.lru.PushFront(s)
	evictLocked()
	openFiles.mu.Unlock()
	return s, nil
}

func (s *fileSrc) err() error {
	if p := s.failed.Load(); p != nil {
		return *p
	}
	return nil
}

// fail records the first failure and returns it; later calls return the
// first one, so a face that failed once keeps failing the same way.
func (s *fileSrc) fail(err error) error {
	s.failed.CompareAndSwap(nil, &err)
	return s.err()
}

// changed fails s with ErrFontChanged, naming the file and what changed.
// format is fmt.Errorf's: a %w in it keeps the cause (fs.ErrNotExist for
// a removed file) visible to errors.Is beside ErrFontChanged.
func (s *fileSrc) changed(format string, a ...any) error {
	return s.fail(fmt.Errorf("%w (%s: "+format+")", append([]any{ErrFontChanged, s.path}, a...)...))
}

// acquire returns the open handle, reopening the file (and checking its
// identity) if it was closed. Each acquire needs a release.
func (s *fileSrc) acquire() (*os.File, error) {
	if err := s.err(); err != nil {
		return nil, err
	}
	openFiles.mu.Lock()
	defer openFiles.mu.Unlock()
	if s.f != nil {
		s.refs++
		openFiles.lru.MoveToFront(s.elem)
		return s.f, nil
	}
	fontOpens.Add(1)
	f, err := os.Open(s.path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
			return nil, s.changed("reopening: %w", err)
		}
		// Out of descriptors, say: not the file's fault, and not
		// sticky (the next outline tries again).
		return nil, fmt.Errorf("%w: %w", errReopen, err)
	}
	st, err := f.Stat()
	if err == nil {
		if d := s.stamp.diff(stampOf(st)); d != "" {
			err = errors.New(d)
		}
	}
	if err != nil {
		f.Close()
		return nil, s.changed("%w", err)
	}
	s.f, s.refs = f, 1
	s.elem = openFiles.lru.PushFront(s)
	evictLocked()
	return f, nil
}

func (s *fileSrc) release() {
	openFiles.mu.Lock()
	s.refs--
	evictLocked()
	openFiles.mu.Unlock()
}

// close drops the handle now (a file Load rejected or did not keep).
func (s *fileSrc) close() {
	openFiles.mu.Lock()
	if s.f != nil && s.refs == 0 {
		s.closeLocked()
	}
	openFiles.mu.Unlock()
}

func (s *fileSrc) closeLocked() {
	openFiles.lru.Remove(s.elem)
	s.f.Close()
	s.f, s.elem = nil, nil
}

// evictLocked closes idle handles, least recently used first, until at
// most maxOpenFonts are open. Handles in use are never closed (there
// are at most as many as concurrent reads), so the bound may be passed
// for a moment.
func evictLocked() {
	for e := openFiles.lru.Back(); e != nil && openFiles.lru.Len() > maxOpenFonts; {
		prev := e.Prev()
		if s := e.Value.(*fileSrc); s.refs == 0 {
			s.closeLocked()
		}
		e = prev
	}
}

// ReadAt implements io.ReaderAt with pread. A short read inside the size
// the file had at Load means it shrank: an error wrapping ErrFontChanged
// (sticky: the face fails from then on).
func (s *fileSrc) ReadAt(p []byte, off int64) (int, error) {
	if s.mem != nil {
		return memSrc(s.mem).ReadAt(p, off)
	}
	f, err := s.acquire()
	if err != nil {
		return 0, err
	}
	n, err := f.ReadAt(p, off)
	s.release()
	loadBytesRead.Add(int64(n))
	if n < len(p) {
		if off >= 0 && off+int64(len(p)) <= s.size {
			// %v, not %w: the cause is io.EOF or alike, and a reader
			// that took this for the end of the data would hide the
			// change.
			return n, s.changed("read %d of %d bytes at offset %d: %v", n, len(p), off, err)
		}
		if err == nil {
			err = io.EOF
		}
	}
	return n, err
}

// check compares the file's identity now with the one recorded at Load.
func (s *fileSrc) check() error {
	f, err := s.acquire()
	if err != nil {
		return err
	}
	st, err := f.Stat()
	s.release()
	if err != nil {
		return s.changed("%w", err)
	}
	if d := s.stamp.diff(stampOf(st)); d != "" {
		return s.changed("%s", d)
	}
	return nil
}
