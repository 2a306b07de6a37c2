package output

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/internal/hdf5"
)

// resumeSample fills sample i of the resume tests: every byte depends on
// i, so a sample written twice or at the wrong row shows.
func resumeSamples(lo, hi int) Samples {
	var s Samples
	s.Columns = make([][]byte, 1)
	for i := lo; i < hi; i++ {
		for b := range 16 {
			s.X = append(s.X, byte(i*7+b))
			s.Mask = append(s.Mask, byte(i*3+b))
		}
		s.Y = append(s.Y, fmt.Appendf(nil, `{"i": %d}`, i))
		s.Columns[0] = binary.LittleEndian.AppendUint32(s.Columns[0], uint32(i*11))
	}
	return s
}

func resumeOptions(path, seed string, resume bool) Options {
	return Options{Path: path, N: 5000, H: 4, W: 4, C: 1, K: 1, ChunkSamples: 100,
		Columns:    []Column{{Name: "attr/v", Type: Int32}},
		Attrs:      map[string]string{"spec": "s"},
		Checkpoint: &Checkpointing{Key: map[string]string{"seed": seed}, Every: 1100, Resume: resume, State: func() []byte { return []byte("st") }}}
}

// TestSuspendResume: a Writer suspended after 3,000 of 5,000 samples
// keeps 2,200 (its checkpoints fall every 1,100: y's chunk, 11 of x's);
// a resume writes the rest, and the file holds every sample once, in
// place; a resume with another key is refused naming it, and a fresh run
// refuses to drop the state.
func TestSuspendResume(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "r.h5py")
	w, err := Create(resumeOptions(path, "1", false))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3000; i += 300 {
		if err := w.WriteSamples(resumeSamples(i, i+300)); err != nil {
			t.Fatal(err)
		}
	}
	done, err := w.Suspend()
	if err != nil || done != 2200 {
		t.Fatalf("Suspend = %d, %v; want 2200", done, err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("target exists after Suspend: %v", err)
	}
	if !hasJournal(Partial(path)) {
		t.Fatalf("no journal in %s", Partial(path))
	}
	if _, err := Create(resumeOptions(path, "2", true)); !errors.Is(err, ErrResume) || !strings.Contains(err.Error(), "seed (1 then, 2 now)") {
		t.Fatalf("resume with another seed: %v", err)
	}
	if _, err := Create(resumeOptions(path, "1", false)); !errors.Is(err, ErrPartial) {
		t.Fatalf("fresh run over the state: %v", err)
	}
	w, err = Create(resumeOptions(path, "1", true))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	from, st := w.Resumed()
	if from != 2200 || string(st) != "st" {
		t.Fatalf("Resumed = %d, %q", from, st)
	}
	v, err := w.ReadInt32("attr/v", from)
	if err != nil || len(v) != from || v[from-1] != int32((from-1)*11) {
		t.Fatalf("ReadInt32: %d rows, %v", len(v), err)
	}
	for i := from; i < 5000; i += 700 {
		if err := w.WriteSamples(resumeSamples(i, min(i+700, 5000))); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(Partial(path)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("state left after Close: %v", err)
	}
	f, err := hdf5.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := resumeSamples(0, 5000)
	x, _ := f.OpenDataset("x")
	got, err := x.ReadUint8([]uint64{0, 0, 0, 0}, []uint64{5000, 4, 4, 1})
	if err != nil || string(got) != string(want.X) {
		t.Fatalf("x differs (%v)", err)
	}
	y, _ := f.OpenDataset("y")
	recs, err := y.ReadStrings(0, 5000)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range recs {
		if r != string(want.Y[i]) {
			t.Fatalf("y[%d] = %q, want %q", i, r, want.Y[i])
		}
	}
	c, _ := f.OpenDataset("attr/v")
	vals, err := c.ReadInt32([]uint64{0}, []uint64{5000})
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range vals {
		if v != int32(i*11) {
			t.Fatalf("attr/v[%d] = %d", i, v)
		}
	}
}

// TestResumeDamaged: a state whose file does not check out (cut short, as
// a kill during a checkpoint's close could leave it, or with a chunk that
// differs from the journal's CRC) is noted and replaced by a fresh file,
// which then holds every sample.
func TestResumeDamaged(t *testing.T) {
	for _, damage := range []string{"truncate", "crc"} {
		t.Run(damage, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "d.h5py")
			w, err := Create(resumeOptions(path, "1", false))
			if err != nil {
				t.Fatal(err)
			}
			if err := w.WriteSamples(resumeSamples(0, 2500)); err != nil {
				t.Fatal(err)
			}
			if done, err := w.Suspend(); err != nil || done != 2200 {
				t.Fatalf("Suspend = %d, %v", done, err)
			}
			file := filepath.Join(Partial(path), "d.h5py")
			switch damage {
			case "truncate":
				fi, err := os.Stat(file)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.Truncate(file, fi.Size()/2); err != nil {
					t.Fatal(err)
				}
			case "crc":
				j, err := readJournal(Partial(path))
				if err != nil {
					t.Fatal(err)
				}
				j.XCRC[0]++
				b, _ := json.Marshal(j)
				if err := os.WriteFile(filepath.Join(Partial(path), journalName), b, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			var notes []string
			o := resumeOptions(path, "1", true)
			o.Checkpoint.Notify = func(s string) { notes = append(notes, s) }
			w, err = Create(o)
			if err != nil {
				t.Fatal(err)
			}
			defer w.Abort()
			if len(notes) != 1 || !strings.Contains(notes[0], "does not check out") || !strings.Contains(notes[0], "starting from the beginning") {
				t.Fatalf("notes %q", notes)
			}
			if done, _ := w.Resumed(); done != 0 {
				t.Fatalf("Resumed %d from a damaged state", done)
			}
			if err := w.WriteSamples(resumeSamples(0, 5000)); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			f, err := hdf5.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			x, _ := f.OpenDataset("x")
			got, err := x.ReadUint8([]uint64{0, 0, 0, 0}, []uint64{5000, 4, 4, 1})
			if err != nil || string(got) != string(resumeSamples(0, 5000).X) {
				t.Fatalf("x differs (%v)", err)
			}
		})
	}
}

// TestCheckpointEvery: with Every 0 a checkpoint falls every
// autoCheckpointBytes of x (lowered here to 1,100 samples of 16 bytes, y's
// chunk): 18 in 20,000 samples, 8 in 9,000, where a suspend keeps the
// last (8,800: no checkpoint of its own is left to make).
func TestCheckpointEvery(t *testing.T) {
	defer func(b int) { autoCheckpointBytes = b }(autoCheckpointBytes)
	autoCheckpointBytes = 1100 * 16
	for _, tc := range []struct{ n, want, kept int }{{20000, 18, 0}, {9000, 8, 8800}} {
		o := resumeOptions(filepath.Join(t.TempDir(), "g.h5py"), "1", false)
		o.N = tc.n
		calls := 0
		o.Checkpoint.Every = 0
		o.Checkpoint.State = func() []byte { calls++; return nil }
		w, err := Create(o)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < tc.n; i += 500 {
			if err := w.WriteSamples(resumeSamples(i, min(i+500, tc.n))); err != nil {
				t.Fatal(err)
			}
		}
		if tc.n == 20000 {
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
		} else {
			done, err := w.Suspend()
			if err != nil || done != tc.kept {
				t.Fatalf("n %d: Suspend = %d, %v; want %d", tc.n, done, err, tc.kept)
			}
		}
		if calls != tc.want {
			t.Errorf("n %d: %d checkpoints, want %d", tc.n, calls, tc.want)
		}
	}
}
