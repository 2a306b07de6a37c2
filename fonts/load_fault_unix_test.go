//go:build unix

package fonts

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// An unreadable --font-dir is fs.ErrPermission. Root reads a mode-000
// folder anyway, so as root the check runs in a child process of this
// test binary whose user is nobody (65534).
func TestUnreadableUserDir(t *testing.T) {
	if dir := os.Getenv("SYNBOLS_FONTS_UNREADABLE_CHILD"); dir != "" {
		_, err := Load(Options{Dirs: []string{dir}, Embedded: true})
		fmt.Printf("child: permission=%v named=%v err=%v\n", errors.Is(err, fs.ErrPermission), err != nil && strings.Contains(err.Error(), dir), err)
		return
	}
	// Not t.TempDir: its parent folder is private (0700) to root.
	base, err := os.MkdirTemp("", "synbols-fonts-unreadable-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(base, "locked")
	mkdirs(t, dir)
	writeFont(t, dir, "a.ttf", embeddedBytes(t, "dejavu/DejaVuSans.ttf"))
	if err := os.Chmod(dir, 0); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(dir, 0o755) // so that the cleanup can remove it
	if os.Geteuid() != 0 {
		_, err := Load(Options{Dirs: []string{dir}, Embedded: true})
		if !errors.Is(err, fs.ErrPermission) || !strings.Contains(err.Error(), dir) {
			t.Fatalf("got %v, want fs.ErrPermission naming %s", err, dir)
		}
		return
	}
	// The test binary's own folder is private to root: copy it where
	// nobody can run it.
	exe := filepath.Join(base, "fonts.test")
	if err := copyFile(os.Args[0], exe); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^TestUnreadableUserDir$", "-test.count=1")
	cmd.Dir = base
	cmd.Env = append(os.Environ(), "SYNBOLS_FONTS_UNREADABLE_CHILD="+dir, "HOME="+base)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child as nobody: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "child: permission=true named=true") {
		t.Fatalf("unreadable folder not an fs.ErrPermission naming it:\n%s", out)
	}
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
