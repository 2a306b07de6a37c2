package output

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/internal/testenv"
)

// inPlaceSplits are two splits of the 6-sample writeSmall file, with
// fixed timestamps so that two runs write the same bytes.
func inPlaceSplits(name string) []Split {
	return []Split{
		{Name: name, Part: []uint8{0, 1, 2, 0, 0, 1}, Seed: 3, Timestamp: "2026-12-02T00:00:00Z"},
		{Name: name + "2", Part: []uint8{2, 2, 1, 0, 1, 0}, Seed: 4, Timestamp: "2026-12-02T00:00:01Z"},
	}
}

// TestAddSplitsInPlaceEqualsCopy: the in-place addition writes the very
// bytes the copy does (the same libhdf5 calls on the same file), keeps the
// file's inode and mode, leaves nothing beside it, and refuses an existing
// split or a cancelled context with the file's bytes unchanged.
func TestAddSplitsInPlaceEqualsCopy(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.h5py"), filepath.Join(dir, "b.h5py")
	must(t, writeSmall(t, a, "", false))
	orig, err := os.ReadFile(a)
	must(t, err)
	must(t, os.WriteFile(b, orig, 0o640))
	must(t, os.Chmod(b, 0o640))
	var before syscall.Stat_t
	must(t, syscall.Stat(b, &before))

	must(t, AddSplits(context.Background(), a, inPlaceSplits("s"), false))
	must(t, AddSplitsInPlace(context.Background(), b, inPlaceSplits("s"), false))
	wa, _ := os.ReadFile(a)
	wb, _ := os.ReadFile(b)
	if !bytes.Equal(wa, wb) || bytes.Equal(wb, orig) {
		t.Fatalf("in place: %d bytes, copy: %d bytes, original %d: want the copy's bytes", len(wb), len(wa), len(orig))
	}
	var after syscall.Stat_t
	must(t, syscall.Stat(b, &after))
	if after.Ino != before.Ino || after.Mode&0o777 != 0o640 {
		t.Errorf("inode %d → %d, mode %o: want the same file, 0640", before.Ino, after.Ino, after.Mode&0o777)
	}
	assertOnly(t, dir, "a.h5py", "b.h5py")

	// Refused after the open (the name exists): undone, nothing left.
	if err := AddSplitsInPlace(context.Background(), b, inPlaceSplits("s")[:1], false); !errors.Is(err, ErrSplitExists) {
		t.Errorf("existing split: got %v, want ErrSplitExists", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := AddSplitsInPlace(ctx, b, inPlaceSplits("t"), false); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: got %v, want context.Canceled", err)
	}
	if now, _ := os.ReadFile(b); !bytes.Equal(now, wb) {
		t.Error("a refused or cancelled in-place addition changed the file")
	}
	assertOnly(t, dir, "a.h5py", "b.h5py")
	// --force's replacement in place equals the copy's too.
	must(t, AddSplits(context.Background(), a, inPlaceSplits("s")[1:], true))
	must(t, AddSplitsInPlace(context.Background(), b, inPlaceSplits("s")[1:], true))
	wa, _ = os.ReadFile(a)
	wb, _ = os.ReadFile(b)
	if !bytes.Equal(wa, wb) {
		t.Error("replacing a split: the in-place bytes differ from the copy's")
	}
}

// TestAddSplitsInPlaceKilled kills a child process right after each
// guarded overwrite of an in-place addition in turn (the close's metadata
// rewrites), until one finishes unkilled. After every kill the next
// writer of the same output (here a second AddSplitsInPlace, under the
// lock) first undoes the killed change from its undo log, so the file it
// leaves is byte for byte the one an uninterrupted run leaves, and
// nothing is left beside it.
func TestAddSplitsInPlaceKilled(t *testing.T) {
	if p := os.Getenv("SYNBOLS_INPLACE_CHILD"); p != "" {
		if err := AddSplitsInPlace(context.Background(), p, inPlaceSplits("k"), false); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		os.Exit(0)
	}
	dir := t.TempDir()
	orig := filepath.Join(dir, "orig.h5py")
	must(t, writeSmall(t, orig, "", false))
	clean := filepath.Join(dir, "clean.h5py")
	copyFileT(t, orig, clean)
	must(t, AddSplitsInPlace(context.Background(), clean, inPlaceSplits("k"), false))
	want, _ := os.ReadFile(clean)
	origBytes, _ := os.ReadFile(orig)
	var p string
	killed := testenv.KillAtEachGuardedWrite(t, 200, "^TestAddSplitsInPlaceKilled$", func(k int) []string {
		p = filepath.Join(t.TempDir(), "d.h5py")
		copyFileT(t, orig, p)
		return []string{"SYNBOLS_INPLACE_CHILD=" + p}
	}, func(k int) {
		// Readers are told; a held lock means a live change, not a kill.
		if InterruptedInPlace(p) == "" {
			t.Fatalf("after the kill at overwrite %d: InterruptedInPlace finds nothing", k)
		}
		l, err := acquireLock(p)
		must(t, err)
		if d := InterruptedInPlace(p); d != "" {
			t.Fatalf("with the lock held: InterruptedInPlace = %s, want \"\"", d)
		}
		l.release()
		// Any writer's lock undoes it: the original bytes again.
		st, err := openStaging(p, nil)
		if err != nil {
			t.Fatalf("after the kill at overwrite %d: %v", k, err)
		}
		st.cleanup()
		if now, _ := os.ReadFile(p); !bytes.Equal(now, origBytes) {
			t.Fatalf("after the kill at overwrite %d: the recovered file differs from the original", k)
		}
		if d := InterruptedInPlace(p); d != "" {
			t.Fatalf("after the recovery: InterruptedInPlace = %s", d)
		}
		if err := AddSplitsInPlace(context.Background(), p, inPlaceSplits("k"), false); err != nil {
			t.Fatalf("after the kill at overwrite %d: %v", k, err)
		}
		if now, _ := os.ReadFile(p); !bytes.Equal(now, want) {
			t.Fatalf("after the kill at overwrite %d and a second run: the file differs from an uninterrupted run's", k)
		}
		assertOnly(t, filepath.Dir(p), "d.h5py")
	})
	if killed < 2 {
		t.Fatalf("killed %d times: the close rewrote less than expected", killed)
	}
	t.Logf("killed after each of %d guarded overwrites", killed)
}

func copyFileT(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	must(t, err)
	must(t, os.WriteFile(dst, b, 0o644))
}
