package hdf5

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/internal/testenv"
)

// guardScenario builds a file as a checkpointing writer does: a first
// part closed (the checkpoint), then reopened guarded, extended and
// partly rewritten (chunks of the same dataset, y's strings, a new group,
// held metadata), and closed again. It writes the checkpoint's bytes to
// path+".want" before reopening it. The second close rewrites the first
// part's metadata in place: that is what the undo log must cover.
func guardScenario(path string) error {
	f, err := Create(path)
	if err != nil {
		return err
	}
	d, err := f.CreateChunkedUint8("x", []uint64{400, 64}, []uint64{4, 64}, 1)
	if err != nil {
		return err
	}
	y, err := f.CreateStrings("y", 400, 40, 1)
	if err != nil {
		return err
	}
	chunk := func(r uint64) []byte { return bytes.Repeat([]byte{byte(r), byte(r >> 8), 7}, 4*64/3+1)[:4*64] }
	for r := uint64(0); r < 200; r += 4 {
		if err := d.WriteChunkUnfiltered([]uint64{r, 0}, chunk(r)); err != nil {
			return err
		}
	}
	recs := make([][]byte, 200)
	for i := range recs {
		recs[i] = fmt.Appendf(nil, `{"i": %d, "pad": "%0*d"}`, i, i%50, 0)
	}
	if err := y.WriteStrings(0, recs); err != nil {
		return err
	}
	if err := errors.Join(d.Close(), y.Close(), f.Close()); err != nil {
		return err
	}
	want, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := os.WriteFile(path+".want", want, 0o600); err != nil {
		return err
	}

	if f, err = OpenGuarded(path, path+".undo"); err != nil {
		return err
	}
	if err := f.HoldMetadata(); err != nil {
		return err
	}
	if d, err = f.OpenDataset("x"); err != nil {
		return err
	}
	if y, err = f.OpenDataset("y"); err != nil {
		return err
	}
	for r := uint64(0); r < 400; r += 4 {
		// The first 20 chunks again (same size: rewritten where they
		// lie), then new ones.
		if r >= 80 && r < 200 {
			continue
		}
		if err := d.WriteChunkUnfiltered([]uint64{r, 0}, chunk(r+1)); err != nil {
			return err
		}
	}
	more := make([][]byte, 200)
	for i := range more {
		more[i] = fmt.Appendf(nil, `{"i": %d}`, 200+i)
	}
	if err := y.WriteStrings(200, more); err != nil {
		return err
	}
	g, err := f.CreateGroup("split")
	if err != nil {
		return err
	}
	return errors.Join(g.Close(), d.Close(), y.Close(), f.Close())
}

func TestMain(m *testing.M) {
	if p := os.Getenv("SYNBOLS_GUARD_CHILD"); p != "" {
		if err := guardScenario(p); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestGuardRollBack: the undo log of a guarded reopen turns the file back
// into its bytes at the open, byte for byte, after a whole second
// close, and again the same after a second roll-back; a torn last record
// is skipped; a damaged record before the last is refused with ErrUndoLog
// and the file is left as it is.
func TestGuardRollBack(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "g.h5")
	if err := guardScenario(path); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(path + ".want")
	if err != nil {
		t.Fatal(err)
	}
	changed, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(changed) <= len(want) || bytes.Equal(changed[:len(want)], want) {
		t.Fatal("the second part neither grew the file nor rewrote any of the first part's bytes: nothing to undo")
	}
	undo, err := os.ReadFile(path + ".undo")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("file %d → %d bytes, undo log %d bytes", len(want), len(changed), len(undo))

	// A damaged record before the last: refused, file untouched.
	bad := bytes.Clone(undo)
	bad[len(undoMagic)+24] ^= 1
	must(t, os.WriteFile(path+".bad", bad, 0o600))
	if err := RollBack(path, uint64(len(want)), path+".bad"); !errors.Is(err, ErrUndoLog) {
		t.Errorf("damaged log: got %v, want ErrUndoLog", err)
	}
	if now, _ := os.ReadFile(path); !bytes.Equal(now, changed) {
		t.Error("a refused roll-back changed the file")
	}

	// A torn record after the whole ones (a kill while it was appended,
	// so before its overwrite): skipped.
	torn := append(bytes.Clone(undo), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25)
	must(t, os.WriteFile(path+".undo", torn, 0o600))
	if err := RollBack(path, uint64(len(want)), path+".undo", filepath.Join(dir, "missing.undo")); err != nil {
		t.Fatal(err)
	}
	if now, _ := os.ReadFile(path); !bytes.Equal(now, want) {
		t.Fatal("rolled back file differs from the bytes at the open")
	}
	// Again, as a resume killed after its roll-back (before removing the
	// log) does: the same bytes.
	if err := RollBack(path, uint64(len(want)), path+".undo"); err != nil {
		t.Fatal(err)
	}
	if now, _ := os.ReadFile(path); !bytes.Equal(now, want) {
		t.Fatal("a second roll-back changed the file")
	}
	if err := verifyReadable(path, 200); err != nil {
		t.Error(err)
	}
}

// TestGuardKilled kills a child process (SYNBOLS_TEST_KILL_IN_GUARD)
// right after each of the guarded overwrites in turn, the metadata
// rewrites of the second close included, until a run finishes unkilled;
// after every kill, the roll-back gives the checkpoint's bytes exactly,
// and the file reads back.
func TestGuardKilled(t *testing.T) {
	var path string
	killed := testenv.KillAtEachGuardedWrite(t, 500, "^$", func(k int) []string {
		path = filepath.Join(t.TempDir(), "g.h5")
		return []string{"SYNBOLS_GUARD_CHILD=" + path}
	}, func(k int) {
		want, err := os.ReadFile(path + ".want")
		if err != nil {
			t.Fatal(err)
		}
		if err := RollBack(path, uint64(len(want)), path+".undo"); err != nil {
			t.Fatalf("killed after overwrite %d: %v", k, err)
		}
		if now, _ := os.ReadFile(path); !bytes.Equal(now, want) {
			t.Fatalf("killed after overwrite %d: the rolled back file differs from the checkpoint", k)
		}
		if err := verifyReadable(path, 200); err != nil {
			t.Fatalf("killed after overwrite %d: %v", k, err)
		}
	})
	if killed < 3 {
		t.Errorf("only %d kill points: the second close rewrote (almost) nothing in place", killed)
	}
	t.Logf("rolled back after a kill at each of %d guarded overwrites", killed)
}

// verifyReadable opens the file read-only (the sec2 driver of readers)
// and reads x's and y's first rows.
func verifyReadable(path string, rows uint64) error {
	f, err := Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	d, err := f.OpenDataset("x")
	if err != nil {
		return err
	}
	defer d.Close()
	b, err := d.ReadUint8([]uint64{0, 0}, []uint64{rows, 64})
	if err != nil {
		return err
	}
	if b[64*8] != 8 || b[64*8+1] != 0 || b[64*8+2] != 7 {
		return fmt.Errorf("x row 8 starts %v", b[64*8:64*8+3])
	}
	y, err := f.OpenDataset("y")
	if err != nil {
		return err
	}
	defer y.Close()
	s, err := y.ReadStrings(0, rows)
	if err != nil {
		return err
	}
	if s[199] != fmt.Sprintf(`{"i": 199, "pad": "%0*d"}`, 199%50, 0) {
		return fmt.Errorf("y[199] = %q", s[199])
	}
	return nil
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// FuzzRollBack: whatever an undo log holds, RollBack refuses it with
// ErrUndoLog and leaves the file as it was, or applies it and leaves the
// file exactly limit bytes long; it never writes past limit.
func FuzzRollBack(f *testing.F) {
	rec := func(addr uint64, data []byte) []byte {
		b := make([]byte, 24, 24+len(data))
		binary.LittleEndian.PutUint64(b, addr)
		binary.LittleEndian.PutUint64(b[8:], uint64(len(data)))
		h := fnv.New64a()
		h.Write(b[:16])
		h.Write(data)
		binary.LittleEndian.PutUint64(b[16:], h.Sum64())
		return append(b, data...)
	}
	f.Add([]byte(undoMagic))
	f.Add(append([]byte(undoMagic), rec(10, []byte("abc"))...))
	f.Add(append(append([]byte(undoMagic), rec(0, []byte("xyz"))...), rec(4000, bytes.Repeat([]byte{9}, 96))...))
	f.Add(append([]byte(undoMagic), rec(4090, []byte("too far"))...))
	f.Add([]byte("SYNB"))
	f.Add([]byte("not a log at all"))
	f.Fuzz(func(t *testing.T, log []byte) {
		dir := t.TempDir()
		path, undo := filepath.Join(dir, "f"), filepath.Join(dir, "undo")
		orig := bytes.Repeat([]byte("0123456789abcdef"), 300) // 4,800 bytes
		must(t, os.WriteFile(path, orig, 0o600))
		must(t, os.WriteFile(undo, log, 0o600))
		const limit = 4096
		err := RollBack(path, limit, undo)
		now, rerr := os.ReadFile(path)
		must(t, rerr)
		switch {
		case errors.Is(err, ErrUndoLog):
			if !bytes.Equal(now, orig) {
				t.Fatal("a refused log changed the file")
			}
		case err != nil:
			t.Fatalf("RollBack: %v", err)
		case len(now) != limit:
			t.Fatalf("rolled back to %d bytes, want %d", len(now), limit)
		}
	})
}

// TestGuardDurable: OpenGuardedDurable syncs each undo record (one
// fdatasync per record of the log it leaves), and OpenGuarded none; both
// logs roll the file back to its bytes at the open.
func TestGuardDurable(t *testing.T) {
	for _, durable := range []bool{false, true} {
		dir := t.TempDir()
		path := filepath.Join(dir, "g.h5")
		f, err := Create(path)
		must(t, err)
		g, err := f.CreateGroup("a")
		must(t, err)
		must(t, errors.Join(g.Close(), f.Close()))
		want, _ := os.ReadFile(path)
		open := OpenGuarded
		if durable {
			open = OpenGuardedDurable
		}
		before := guardSyncs()
		f, err = open(path, path+".undo")
		must(t, err)
		must(t, f.HoldMetadata())
		for _, name := range []string{"b", "c", "a/d"} {
			g, err := f.CreateGroup(name)
			must(t, err)
			must(t, g.Close())
		}
		must(t, f.Close())
		synced := guardSyncs() - before
		log, err := os.ReadFile(path + ".undo")
		must(t, err)
		records := 0
		for off := len(undoMagic); off+24 <= len(log); records++ {
			off += 24 + int(binary.LittleEndian.Uint64(log[off+8:]))
		}
		if records == 0 {
			t.Fatalf("durable %v: no undo record: nothing was overwritten", durable)
		}
		if wantSyncs := map[bool]int{false: 0, true: records}[durable]; synced != int64(wantSyncs) {
			t.Errorf("durable %v: %d syncs for %d records, want %d", durable, synced, records, wantSyncs)
		}
		must(t, RollBack(path, uint64(len(want)), path+".undo"))
		if now, _ := os.ReadFile(path); !bytes.Equal(now, want) {
			t.Errorf("durable %v: rolled back file differs", durable)
		}
	}
	if _, err := OpenGuardedDurable("x.h5", ""); !errors.Is(err, ErrInvalid) {
		t.Errorf("no undo log: got %v, want ErrInvalid", err)
	}
}
