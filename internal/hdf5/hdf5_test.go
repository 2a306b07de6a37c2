package hdf5

import (
	"bytes"
	"compress/zlib"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/synbols-gpu/synbols-gpu/internal/pytest"
	"github.com/synbols-gpu/synbols-gpu/internal/testenv"
)

// python returns the interpreter that has h5py and numpy; without it the
// test fails under CI and skips elsewhere.
func python(t testing.TB) string { return pytest.Python(t) }

func runPython(t *testing.T, script string, args ...string) string {
	t.Helper()
	py := python(t)
	cmd := exec.Command(py, append([]string{"-c", script}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("python check failed: %v\n%s", err, out)
	}
	return string(out)
}

func zlibBytes(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, err := zlib.NewWriterLevel(&buf, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestVersion(t *testing.T) {
	maj, min, _ := Version()
	if maj != 1 || min < 10 {
		t.Fatalf("libhdf5 %d.%d: need 1.10 or later for H5Dwrite_chunk", maj, min)
	}
}

// TestRoundTrip writes every kind of object this package can make and reads
// them back with h5py.
func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.h5")
	f, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	// (5, 2, 3) uint8 in chunks of (2, 2, 3): three chunks, the last one an
	// edge chunk padded to full size.
	d, err := f.CreateChunkedUint8("x", []uint64{5, 2, 3}, []uint64{2, 2, 3}, 4)
	if err != nil {
		t.Fatal(err)
	}
	data := make([]byte, 30)
	for i := range data {
		data[i] = byte(i * 7)
	}
	for c := 0; c < 3; c++ {
		chunk := make([]byte, 12)
		copy(chunk, data[c*12:])
		if err := d.WriteChunk([]uint64{uint64(2 * c), 0, 0}, zlibBytes(t, chunk)); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.WriteChunk([]uint64{1, 0, 0}, []byte{1}); !errors.Is(err, ErrInvalid) {
		t.Errorf("WriteChunk at a non-origin: got %v, want ErrInvalid", err)
	}
	if err := d.SetAttrInt64("answer", 42); err != nil {
		t.Fatal(err)
	}
	if err := d.SetAttrInt64("answer", -7); err != nil { // replaces
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if err := d.WriteChunk([]uint64{0, 0, 0}, []byte{1}); !errors.Is(err, ErrClosed) {
		t.Errorf("WriteChunk after Close: got %v, want ErrClosed", err)
	}

	s, err := f.CreateStrings("y", 5, 2, 4)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.WriteStrings(0, [][]byte{[]byte(`{"a": 1}`), []byte("")}); err != nil {
		t.Fatal(err)
	}
	if err := s.WriteStrings(2, [][]byte{[]byte("two"), []byte("three"), []byte("four")}); err != nil {
		t.Fatal(err)
	}
	if err := s.WriteStrings(4, [][]byte{[]byte("x"), []byte("y")}); !errors.Is(err, ErrInvalid) {
		t.Errorf("WriteStrings past the end: got %v, want ErrInvalid", err)
	}
	if err := s.WriteStrings(0, [][]byte{[]byte("a\x00b")}); !errors.Is(err, ErrInvalid) {
		t.Errorf("WriteStrings with NUL: got %v, want ErrInvalid", err)
	}
	s.Close()

	g, err := f.CreateGroup("split")
	if err != nil {
		t.Fatal(err)
	}
	g.Close()
	b, err := f.CreateBool("split/b", []uint64{2, 3}, []bool{true, false, false, false, false, true})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.SetAttrInt64("seed", 1<<40); err != nil {
		t.Fatal(err)
	}
	if err := b.SetAttrString("timestamp", "2026-Nov-27_04:59:19"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetAttrString("spec", "name: ü\nn: 3\n"); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil { // closes b too (strong close degree)
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}

	out := runPython(t, `
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], 'r')
x = f['x']
assert x.dtype == np.uint8 and x.shape == (5, 2, 3) and x.chunks == (2, 2, 3), (x.dtype, x.shape, x.chunks)
assert x.compression == 'gzip' and x.compression_opts == 4, (x.compression, x.compression_opts)
assert (x[...].ravel() == (np.arange(30) * 7 % 256)).all(), x[...]
assert x.attrs['answer'] == -7
y = f['y']
info = h5py.check_string_dtype(y.dtype)
assert info is not None and info.encoding == 'ascii' and info.length is None, info
assert y.chunks == (2,) and y.compression == 'gzip'
assert list(y[...]) == [b'{"a": 1}', b'', b'two', b'three', b'four'], list(y[...])
b = f['split/b']
assert b.dtype == np.bool_ and b.shape == (2, 3) and b.chunks is None, (b.dtype, b.chunks)
assert (b[...] == np.array([[1, 0, 0], [0, 0, 1]], bool)).all()
seed = b.attrs['seed']
assert isinstance(seed, (int, np.integer)) and seed == 1 << 40, repr(seed)
ts = b.attrs['timestamp']
assert type(ts) is str and ts == '2026-Nov-27_04:59:19', repr(ts)
assert f.attrs['spec'] == 'name: \u00fc\nn: 3\n', repr(f.attrs['spec'])
print('ok')
`, path)
	if strings.TrimSpace(out) != "ok" {
		t.Fatalf("python said %q", out)
	}
}

// TestErrors checks that failures of libhdf5 come back as ErrHDF5 with the
// library's own message, and that nothing is printed by the library.
func TestErrors(t *testing.T) {
	dir := t.TempDir()
	_, err := Create(filepath.Join(dir, "missing", "t.h5"))
	if !errors.Is(err, ErrHDF5) {
		t.Fatalf("Create in a missing directory: got %v, want ErrHDF5", err)
	}
	// The cause first (the system call's error), then the API call; the
	// whole stack from H5Fcreate down to the system call is kept.
	if !strings.HasPrefix(err.Error(), "No such file or directory (errno 2)") || !strings.Contains(err.Error(), "H5Fcreate failed") {
		t.Errorf("error %q: want the errno text first and the API call named", err)
	}
	var he *Error
	if !errors.As(err, &he) || !strings.Contains(he.Stack, "unable to") || !strings.Contains(he.Stack, "synb_open") {
		t.Errorf("stack %+v lacks the library's entries", he)
	}

	f, err := Create(filepath.Join(dir, "t.h5"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.CreateGroup("a/b"); !errors.Is(err, ErrHDF5) || !strings.Contains(err.Error(), "H5Gcreate2") {
		t.Errorf("CreateGroup without parent: got %v", err)
	}
	if _, err := f.CreateChunkedUint8("x", []uint64{4}, []uint64{2}, 1); err != nil {
		t.Fatal(err)
	}
	_, err = f.CreateChunkedUint8("x", []uint64{4}, []uint64{2}, 1)
	if !errors.Is(err, ErrHDF5) || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("duplicate dataset: got %v", err)
	}
	if _, err := f.CreateChunkedUint8("z", []uint64{4}, []uint64{8}, 1); !errors.Is(err, ErrInvalid) {
		t.Errorf("chunk larger than dims: got %v, want ErrInvalid", err)
	}
	if _, err := f.CreateBool("b", []uint64{2, 3}, make([]bool, 5)); !errors.Is(err, ErrInvalid) {
		t.Errorf("CreateBool with short data: got %v, want ErrInvalid", err)
	}
}

// TestQuiet checks that libhdf5 prints nothing when calls fail, on any OS
// thread (its automatic printing is a per-thread setting), by provoking
// errors from fresh threads in a child process and reading its stderr.
func TestQuiet(t *testing.T) {
	if os.Getenv("HDF5_TEST_QUIET_CHILD") != "" {
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				runtime.LockOSThread() // never unlocked: the thread dies with the goroutine
				if _, err := Create("/nonexistent/dir/x.h5"); !errors.Is(err, ErrHDF5) {
					panic(err)
				}
			}()
		}
		wg.Wait()
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestQuiet$")
	cmd.Env = append(os.Environ(), "HDF5_TEST_QUIET_CHILD=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("child: %v\n%s", err, stderr.String())
	}
	if s := stderr.String(); s != "" {
		t.Fatalf("libhdf5 printed to stderr:\n%s", s)
	}
}

// TestWriteCStrings: NUL-terminated strings written from one arena read
// back as written (ReadStrings), empty ones included; starts that do not
// delimit one NUL-terminated string each, or strings past the dataset's
// end, are refused with ErrInvalid and write nothing.
func TestWriteCStrings(t *testing.T) {
	f, err := Create(filepath.Join(t.TempDir(), "c.h5"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := f.CreateStrings("y", 6, 2, 4)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	want := []string{`{"a": 1}`, "", "two", "three", strings.Repeat("z", 5000)}
	var arena []byte
	var starts []int
	for _, w := range want {
		starts = append(starts, len(arena))
		arena = append(append(arena, w...), 0)
	}
	if err := s.WriteCStrings(1, arena, starts); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		start  uint64
		arena  string
		starts []int
	}{
		{"no NUL at the end", 0, "ab", []int{0}},
		{"a NUL inside", 0, "a\x00b\x00", []int{0}},
		{"starts out of order", 0, "a\x00b\x00", []int{2, 0}},
		{"a start past the arena", 0, "a\x00", []int{0, 5}},
		{"past the dataset", 5, "a\x00b\x00", []int{0, 2}},
	} {
		if err := s.WriteCStrings(c.start, []byte(c.arena), c.starts); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: got %v, want ErrInvalid", c.name, err)
		}
	}
	got, err := s.ReadStrings(1, 5)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("read back %q, want %q", got, want)
	}
}

// TestOpenNotRegular: Open and OpenRW refuse a named pipe, a device node
// (mknod in a scratch folder) and a folder in one line naming what the
// path is, and report a missing file as fs.ErrNotExist. A pipe is the
// case that matters: libhdf5's open(2) of one blocks until a writer comes,
// inside a cgo call no signal interrupts, so the process hung; here the
// opens run on a goroutine and the test fails after 20 s instead.
func TestOpenNotRegular(t *testing.T) {
	testenv.RequireRoot(t, "mknod")
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.h5")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	null := filepath.Join(dir, "null.h5")
	if err := syscall.Mknod(null, syscall.S_IFCHR|0o666, 1<<8|3); err != nil {
		t.Fatalf("mknod (the suite runs as root in CI): %v", err)
	}
	sub := filepath.Join(dir, "sub.h5")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.h5")
	if err := os.Symlink("fifo.h5", link); err != nil {
		t.Fatal(err)
	}
	type result struct {
		name string
		err  error
	}
	done := make(chan result)
	cases := []struct{ path, want string }{
		{fifo, "named pipe"}, {null, "character device"}, {sub, "directory"}, {link, "named pipe"},
	}
	go func() {
		for _, c := range cases {
			for _, open := range []struct {
				name string
				f    func(string) (*File, error)
			}{{"Open", Open}, {"OpenRW", OpenRW}} {
				f, err := open.f(c.path)
				if err == nil {
					f.Close()
				}
				done <- result{open.name + " " + c.path, err}
			}
		}
		close(done)
	}()
	timeout := time.After(20 * time.Second)
	for i := 0; i < 2*len(cases); i++ {
		select {
		case r := <-done:
			c := cases[i/2]
			if !errors.Is(r.err, ErrInvalid) || !strings.Contains(r.err.Error(), c.want) || strings.Contains(r.err.Error(), "\n") {
				t.Errorf("%s: got %v, want ErrInvalid naming %q on one line", r.name, r.err, c.want)
			}
		case <-timeout:
			t.Fatalf("an open of %s still blocks after 20 s", cases[i/2].path)
		}
	}
	_, err := Open(filepath.Join(dir, "missing.h5"))
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), `"`+filepath.Join(dir, "missing.h5")+`": no such file or directory`) {
		t.Errorf("missing file: got %v, want fs.ErrNotExist naming the path once", err)
	}
	if fi, err := os.Lstat(null); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		t.Errorf("device node changed: %v", err)
	}
}
