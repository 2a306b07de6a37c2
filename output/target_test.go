package output

import (
	"bytes"
	"errors"
	"github.com/synbols-gpu/synbols-gpu/internal/testenv"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// writeSmall writes a complete 6-sample dataset to path with the given
// preview path ("" none) and preview image (nil: no SetPreview).
func writeSmall(t *testing.T, path, preview string, withPreview bool) error {
	t.Helper()
	w, err := Create(Options{Path: path, N: 6, H: 4, W: 4, C: 3, K: 1, ChunkSamples: 4, Workers: 2, Preview: preview})
	if err != nil {
		return err
	}
	defer w.Abort()
	x, m, y := sample(6, 4, 4, 3, 1, 1)
	must(t, w.Write(x, m, y))
	if withPreview {
		p, err := NewPreview(6, 4, 4, 3)
		must(t, err)
		p.Add(x)
		must(t, w.SetPreview(p))
	}
	return w.Close()
}

// TestTargetNotRegular: device nodes (made with mknod in a scratch folder,
// never the real /dev), fifos, sockets, folders and "-" are refused before
// anything is created, and stay what they were.
func TestTargetNotRegular(t *testing.T) {
	testenv.RequireRoot(t, "mknod")
	dir := t.TempDir()
	null := filepath.Join(dir, "null")
	if err := syscall.Mknod(null, syscall.S_IFCHR|0o666, 1<<8|3); err != nil {
		t.Fatalf("mknod (the suite runs as root in CI): %v", err)
	}
	fifo := filepath.Join(dir, "fifo")
	must(t, syscall.Mkfifo(fifo, 0o644))
	sock := filepath.Join(dir, "sock")
	l, err := net.Listen("unix", sock)
	must(t, err)
	defer l.Close()
	sub := filepath.Join(dir, "sub")
	must(t, os.Mkdir(sub, 0o755))
	link := filepath.Join(dir, "link-to-null")
	must(t, os.Symlink("null", link))
	before := listDir(t, dir)
	for _, c := range []struct{ path, want string }{
		{null, "character device"},
		{fifo, "named pipe"},
		{sock, "socket"},
		{sub, "directory"},
		{link, "character device"},
		{"-", "standard output"},
	} {
		err := writeSmall(t, c.path, c.path+"_preview.png", true)
		if !errors.Is(err, ErrTarget) || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: got %v, want ErrTarget naming %q on one line", c.path, err, c.want)
		}
	}
	if got := listDir(t, dir); got != before {
		t.Errorf("folder changed: %s, was %s", got, before)
	}
	fi, err := os.Lstat(null)
	must(t, err)
	if fi.Mode()&os.ModeCharDevice == 0 {
		t.Errorf("device node replaced: %v", fi.Mode())
	}
}

func listDir(t *testing.T, dir string) string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	must(t, err)
	var s []string
	for _, e := range ents {
		s = append(s, e.Name()+":"+e.Type().String())
	}
	return strings.Join(s, ",")
}

// TestTargetSymlinkAndMode: a symlink is written through (the link stays,
// the file it names is replaced) and an existing file keeps its mode.
func TestTargetSymlinkAndMode(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "data", "real.h5py")
	must(t, os.Mkdir(filepath.Dir(real), 0o755))
	must(t, os.WriteFile(real, []byte("old"), 0o600))
	must(t, os.Chmod(real, 0o600))
	link := filepath.Join(dir, "link.h5py")
	must(t, os.Symlink("data/real.h5py", link))
	must(t, writeSmall(t, link, "", false))
	fi, err := os.Lstat(link)
	must(t, err)
	if fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("link replaced by %v", fi.Mode())
	}
	fi, err = os.Stat(real)
	must(t, err)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600 kept", fi.Mode().Perm())
	}
	if b, _ := os.ReadFile(real); !bytes.HasPrefix(b, []byte("\x89HDF")) {
		t.Errorf("target not replaced by the dataset")
	}
	assertOnly(t, filepath.Join(dir, "data"), "real.h5py")

	// A dangling link creates the file it names.
	dangling := filepath.Join(dir, "dangling.h5py")
	must(t, os.Symlink("data/new.h5py", dangling))
	must(t, writeSmall(t, dangling, "", false))
	if _, err := os.Stat(filepath.Join(dir, "data", "new.h5py")); err != nil {
		t.Errorf("dangling link: %v", err)
	}
}

// TestLock: a second writer of the same output fails at once naming the
// first one's pid; after the first finishes (or dies: the kernel drops a
// flock with its process) the output is free again.
func TestLock(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.h5py")
	w1, err := Create(Options{Path: path, N: 6, H: 4, W: 4, C: 3, K: 1})
	must(t, err)
	_, err = Create(Options{Path: path, N: 6, H: 4, W: 4, C: 3, K: 1})
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "process ") {
		t.Fatalf("second writer: got %v, want ErrLocked naming the pid", err)
	}
	// A symlink to the same file shares the lock.
	link := filepath.Join(dir, "alias.h5py")
	must(t, os.Symlink("out.h5py", link))
	if _, err := Create(Options{Path: link, N: 6, H: 4, W: 4, C: 3, K: 1}); !errors.Is(err, ErrLocked) {
		t.Fatalf("writer through a symlink: got %v, want ErrLocked", err)
	}
	w1.Abort()
	must(t, writeSmall(t, path, "", false))
	assertOnly(t, dir, "alias.h5py", "out.h5py")
}

// TestStaleTemporaries: what a killed run left (a private folder, and the
// hidden file of earlier versions) is removed by the next run on the same
// output, and only that: other outputs' temporaries stay.
func TestStaleTemporaries(t *testing.T) {
	dir := t.TempDir()
	stale := filepath.Join(dir, ".out.h5py.tmp-1234abcd")
	must(t, os.Mkdir(stale, 0o700))
	must(t, os.WriteFile(filepath.Join(stale, "out.h5py"), make([]byte, 1000), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, ".out.h5py.tmp-0011223344556677"), nil, 0o644))
	must(t, os.WriteFile(filepath.Join(dir, ".out_preview.png.tmp-99"), nil, 0o644))
	must(t, os.WriteFile(filepath.Join(dir, ".other.h5py.tmp-55"), nil, 0o644))
	must(t, writeSmall(t, filepath.Join(dir, "out.h5py"), filepath.Join(dir, "out_preview.png"), true))
	assertOnly(t, dir, ".other.h5py.tmp-55", "out.h5py", "out_preview.png")
}

// TestPreviewCommittedAndRemoved: the preview is replaced with the
// dataset; a run without a preview removes the old one; a preview that
// cannot be written fails the run before the dataset replaces anything.
func TestPreviewCommittedAndRemoved(t *testing.T) {
	dir := t.TempDir()
	path, prev := filepath.Join(dir, "out.h5py"), filepath.Join(dir, "out_preview.png")
	must(t, writeSmall(t, path, prev, true))
	if b, _ := os.ReadFile(prev); !bytes.HasPrefix(b, []byte("\x89PNG")) {
		t.Fatal("no preview written")
	}
	must(t, writeSmall(t, path, prev, false))
	assertOnly(t, dir, "out.h5py")
	if now, _ := os.ReadFile(path); !bytes.HasPrefix(now, []byte("\x89HDF")) {
		t.Fatal("the run without a preview wrote no dataset")
	}

	// The preview's folder is missing: the run fails at Create, and the
	// dataset from before stays byte for byte.
	before, _ := os.ReadFile(path)
	err := writeSmall(t, path, filepath.Join(dir, "gone", "p.png"), true)
	if !errors.Is(err, ErrDir) {
		t.Fatalf("preview in a missing folder: got %v", err)
	}
	if now, _ := os.ReadFile(path); !bytes.Equal(now, before) {
		t.Error("failed run changed the dataset")
	}
	assertOnly(t, dir, "out.h5py")
}

// TestPreviewLarge: a 1024×1024 run's preview is shrunk into its cells
// (box filter), not built at 2× from 100 full images.
func TestPreviewLarge(t *testing.T) {
	p, err := NewPreview(12, 1024, 768, 3)
	must(t, err)
	if p.cellH != 256 || p.cellW != 192 {
		t.Fatalf("cell %dx%d, want 256x192 (÷4)", p.cellH, p.cellW)
	}
	x := make([]byte, 1024*768*3)
	for i := range x {
		x[i] = byte(i / 3 % 768 / 4 * 4) // columns of constant value in 4-wide blocks
	}
	p.Add(x)
	b, err := p.PNG()
	must(t, err)
	if len(b) > 4<<20 {
		t.Errorf("preview PNG %d bytes", len(b))
	}
	// Cell pixel (0, j) averages columns 4j..4j+3, all equal to 4j mod 256.
	for j := range p.cellW {
		if got, want := p.pix[j*3], byte(4*j); got != want {
			t.Fatalf("cell pixel (0,%d) = %d, want %d", j, got, want)
		}
	}
}

// TestLockNotRegular: a symlink, a fifo or a device planted under the
// lock file's name is refused, and what it names is untouched. The lock
// file is truncated and gets the pid: through a link as root, that would
// rewrite any file on the machine (it did: a link to a "victim" file left
// it holding the pid).
func TestLockNotRegular(t *testing.T) {
	testenv.RequireRoot(t, "mknod")
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	must(t, os.WriteFile(victim, []byte("precious\n"), 0o644))
	must(t, os.Symlink("victim", filepath.Join(dir, ".a.h5py.lock")))
	must(t, syscall.Mkfifo(filepath.Join(dir, ".b.h5py.lock"), 0o644))
	if err := syscall.Mknod(filepath.Join(dir, ".c.h5py.lock"), syscall.S_IFCHR|0o666, 1<<8|3); err != nil {
		t.Fatalf("mknod (the suite runs as root in CI): %v", err)
	}
	before := listDir(t, dir)
	for _, c := range []struct{ out, want string }{
		{"a.h5py", "symbolic link"}, {"b.h5py", "named pipe"}, {"c.h5py", "character device"},
	} {
		err := writeSmall(t, filepath.Join(dir, c.out), "", false)
		if !errors.Is(err, ErrTarget) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "lock file") || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: got %v, want ErrTarget naming the lock file as %q on one line", c.out, err, c.want)
		}
	}
	if got := listDir(t, dir); got != before {
		t.Errorf("folder changed: %s, was %s", got, before)
	}
	if b, _ := os.ReadFile(victim); string(b) != "precious\n" {
		t.Errorf("the link's target now holds %q", b)
	}
}

// TestWriteFile: view's pictures get a dataset's care. Device nodes (mknod
// in a scratch folder), fifos and folders are refused and stay; a symlink
// stays a link and its file is replaced, keeping its mode; nothing
// temporary is left.
func TestWriteFile(t *testing.T) {
	testenv.RequireRoot(t, "mknod")
	dir := t.TempDir()
	null := filepath.Join(dir, "null.png")
	if err := syscall.Mknod(null, syscall.S_IFCHR|0o666, 1<<8|3); err != nil {
		t.Fatalf("mknod (the suite runs as root in CI): %v", err)
	}
	must(t, syscall.Mkfifo(filepath.Join(dir, "fifo.png"), 0o644))
	must(t, os.Mkdir(filepath.Join(dir, "sub.png"), 0o755))
	must(t, os.Symlink("null.png", filepath.Join(dir, "link-null.png")))
	before := listDir(t, dir)
	for _, c := range []struct{ name, want string }{
		{"null.png", "character device"}, {"fifo.png", "named pipe"}, {"sub.png", "directory"}, {"link-null.png", "character device"},
	} {
		err := WriteFile(filepath.Join(dir, c.name), []byte("png"))
		if !errors.Is(err, ErrTarget) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want ErrTarget naming %q", c.name, err, c.want)
		}
	}
	if got := listDir(t, dir); got != before {
		t.Errorf("folder changed: %s, was %s", got, before)
	}
	if fi, err := os.Lstat(null); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		t.Errorf("device node replaced: %v", err)
	}

	sub := t.TempDir()
	real := filepath.Join(sub, "real.png")
	must(t, os.WriteFile(real, []byte("old"), 0o600))
	must(t, os.Chmod(real, 0o640))
	link := filepath.Join(sub, "link.png")
	must(t, os.Symlink("real.png", link))
	must(t, WriteFile(link, []byte("new")))
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v", err)
	}
	fi, err := os.Stat(real)
	must(t, err)
	if b, _ := os.ReadFile(real); string(b) != "new" || fi.Mode().Perm() != 0o640 {
		t.Errorf("target holds %q with mode %v, want \"new\" with 0640 kept", b, fi.Mode().Perm())
	}
	must(t, WriteFile(filepath.Join(sub, "fresh.png"), []byte("x")))
	assertOnly(t, sub, "fresh.png", "link.png", "real.png")
	if err := WriteFile(filepath.Join(sub, "missing", "x.png"), nil); !errors.Is(err, ErrDir) {
		t.Errorf("missing folder: got %v, want ErrDir", err)
	}
}
