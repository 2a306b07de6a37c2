package atomicfile

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// only fails unless dir holds exactly the names want.
func only(t *testing.T, dir string, want ...string) {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range es {
		got = append(got, e.Name())
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("%s holds %q, want %q", dir, got, want)
	}
}

func TestWriteReplaces(t *testing.T) {
	for _, o := range []Options{{}, {NoSync: true}, {Prefix: ".tmp-", Perm: 0o600}} {
		dir := t.TempDir()
		p := filepath.Join(dir, "f.json")
		if err := Write(p, []byte("first"), o); err != nil {
			t.Fatal(err)
		}
		// A reader holding the old file keeps the old contents: the new
		// bytes arrive by rename, not by overwriting.
		old, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		defer old.Close()
		if err := Write(p, []byte("second, longer"), o); err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(p); string(b) != "second, longer" {
			t.Fatalf("%+v: contents %q", o, b)
		}
		var b bytes.Buffer
		b.ReadFrom(old)
		if b.String() != "first" {
			t.Fatalf("%+v: the old file now reads %q", o, b.String())
		}
		only(t, dir, "f.json")
	}
}

// TestWriteMode checks that the file gets Perm under the umask, whatever
// the mode of the file it replaces.
func TestWriteMode(t *testing.T) {
	umask := syscall.Umask(0o022)
	defer syscall.Umask(umask)
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	if err := os.WriteFile(p, nil, 0o640); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		perm, want fs.FileMode
	}{{0, 0o644}, {0o600, 0o600}, {0o666, 0o644}, {0o755, 0o755}} {
		if err := Write(p, []byte("x"), Options{Perm: tc.perm}); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != tc.want {
			t.Fatalf("Perm %v: mode %v, want %v", tc.perm, fi.Mode().Perm(), tc.want)
		}
	}
}

// TestWriteFailsClean checks that a failed write leaves the target as it
// was and no temporary file.
func TestWriteFailsClean(t *testing.T) {
	dir := t.TempDir()
	// The target is a non-empty directory: the rename fails after the
	// temporary file is complete.
	target := filepath.Join(dir, "d")
	if err := os.MkdirAll(filepath.Join(target, "inside"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, o := range []Options{{}, {NoSync: true}} {
		if err := Write(target, []byte("x"), o); err == nil {
			t.Fatalf("%+v: renamed over a directory", o)
		}
		only(t, dir, "d")
		only(t, target, "inside")
	}
	// A folder that does not exist: nothing to create the file in.
	if err := Write(filepath.Join(dir, "none", "f"), []byte("x"), Options{}); err == nil {
		t.Fatal("wrote into a missing folder")
	}
	only(t, dir, "d")
	if os.Geteuid() == 0 {
		t.Log("root: the unwritable-folder case is skipped")
		return
	}
	ro := filepath.Join(dir, "ro")
	if err := os.Mkdir(ro, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(ro, "f")
	if err := os.WriteFile(p, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(ro, 0o555)
	defer os.Chmod(ro, 0o755)
	if err := Write(p, []byte("new"), Options{}); err == nil {
		t.Fatal("wrote into an unwritable folder")
	}
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Fatalf("target now %q", b)
	}
	only(t, ro, "f")
}

// TestFillRemovesOnError checks Fill's clean-up when the write fails (a
// file opened read-only).
func TestFillRemovesOnError(t *testing.T) {
	dir := t.TempDir()
	f, err := CreateTemp(dir, ".x-", 0)
	if err != nil {
		t.Fatal(err)
	}
	name := f.Name()
	if !strings.HasPrefix(filepath.Base(name), ".x-") || len(filepath.Base(name)) != len(".x-")+16 {
		t.Fatalf("temporary name %q", name)
	}
	f.Close()
	ro, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := Fill(ro, []byte("data"), true); err == nil {
		t.Fatal("wrote to a read-only file")
	}
	only(t, dir)
}
