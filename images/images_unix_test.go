//go:build unix

package images

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
)

func TestSymlinks(t *testing.T) {
	dir := t.TempDir()
	other := t.TempDir()
	write(t, dir, "sub/a.png", gray(2, 2, 5))
	write(t, other, "b.png", gray(3, 3, 6))
	write(t, other, "c.png", gray(1, 1, 7))
	for link, target := range map[string]string{
		"linked.PNG":    filepath.Join(other, "b.png"), // a file: followed
		"sub/loop":      dir,                           // a folder: not followed
		"elsewhere":     other,                         // nor this one
		"dangling.png":  filepath.Join(other, "missing.png"),
		"sub/rel.png":   "a.png", // relative to its folder
		"not-image.txt": filepath.Join(other, "c.png"),
	} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Skip("no symlinks:", err)
		}
	}
	var warns []string
	p := mustLoad(t, dir, Options{Warn: collect(&warns)})
	want := []string{"linked.PNG", "sub/a.png", "sub/rel.png"}
	if !reflect.DeepEqual(p.Paths, want) {
		t.Errorf("Paths = %q, want %q", p.Paths, want)
	}
	if p.Images[0].Width != 3 {
		t.Errorf("linked.PNG is %d wide, want b.png's 3", p.Images[0].Width)
	}
	if len(warns) != 1 || !strings.Contains(warns[0], "dangling.png") {
		t.Errorf("warnings = %q, want one for dangling.png", warns)
	}

	// The folder given may itself be a link.
	root := filepath.Join(t.TempDir(), "root")
	if err := os.Symlink(other, root); err != nil {
		t.Fatal(err)
	}
	if p := mustLoad(t, root, Options{}); !reflect.DeepEqual(p.Paths, []string{"b.png", "c.png"}) {
		t.Errorf("through a linked root: Paths = %q", p.Paths)
	}
}

// TestFIFO: a FIFO named like an image is refused without being opened,
// which would block.
func TestFIFO(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "a.png", gray(2, 2, 5))
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.png"), 0o644); err != nil {
		t.Skip("no FIFOs:", err)
	}
	var warns []string
	p := mustLoad(t, dir, Options{Warn: collect(&warns)})
	if len(p.Paths) != 1 || len(warns) != 1 || !strings.Contains(warns[0], "pipe.png") || !strings.Contains(warns[0], "not a regular file") {
		t.Errorf("Paths %q, warnings %q", p.Paths, warns)
	}
}

func TestUnreadableFolders(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads any folder")
	}
	dir := t.TempDir()
	write(t, dir, "a.png", gray(2, 2, 5))
	write(t, dir, "locked/b.png", gray(2, 2, 5))
	locked := filepath.Join(dir, "locked")
	if err := os.Chmod(locked, 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(locked, 0o755) })
	var warns []string
	p := mustLoad(t, dir, Options{Warn: collect(&warns)})
	if len(p.Paths) != 1 || len(warns) != 1 || !strings.Contains(warns[0], locked) {
		t.Errorf("Paths %q, warnings %q", p.Paths, warns)
	}
	// An unreadable root is an error.
	if _, err := Load(context.Background(), locked, Options{}); err == nil || !strings.Contains(err.Error(), "permission") {
		t.Errorf("unreadable root: err = %v", err)
	}
}
