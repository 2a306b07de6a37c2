package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/internal/testenv"
)

// TestMergeBadInput: shards that do not make one dataset, a missing shard,
// an output that cannot or may not be written — each a one-line error
// naming the problem, a non-zero exit, nothing at OUT (an existing OUT
// unchanged) and the shards' bytes as they were.
func TestMergeBadInput(t *testing.T) {
	dir := t.TempDir()
	gen := func(out string, args ...string) {
		t.Helper()
		a := append(append([]string{"generate", "--n_samples", "30", "--seed", "7", "--out", out}, args...), fastArgs...)
		if code, _, errs := command(t, dir, a...); code != 0 {
			t.Fatalf("%s: exit %d: %s", out, code, errs)
		}
	}
	gen("a.h5py", "--range", "0:15")
	gen("b.h5py", "--range", "15:30")
	gen("late.h5py", "--range", "20:30")
	gen("wide.h5py", "--range", "10:30")
	gen("plain.h5py", "--range", "15:30", "--dataset", "plain")
	gen("seed8.h5py", "--range", "15:30", "--seed", "8")
	gen("n40.h5py", "--range", "15:30", "--n_samples", "40")
	gen("whole.h5py", "--no-preview")
	must(t, os.WriteFile(filepath.Join(dir, "old.h5py"), []byte("an earlier file"), 0o644))

	ro := filepath.Join(dir, "ro")
	must(t, os.Mkdir(ro, 0o755))
	roMounted := false
	if os.Geteuid() == 0 {
		if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", ro).CombinedOutput(); err != nil {
			t.Fatalf("mount a read-only tmpfs: %v: %s", err, out)
		}
		roMounted = true
		defer exec.Command("umount", ro).Run()
	}

	for _, c := range []struct {
		name string
		args []string
		exit int
		want []string
	}{
		{"overlap", []string{"out.h5py", "a.h5py", "wide.h5py"}, 1, []string{"a.h5py", "wide.h5py", "overlap", "[10, 15)"}},
		{"gap", []string{"out.h5py", "a.h5py", "late.h5py"}, 1, []string{"[15, 20)", "missing", "a.h5py", "late.h5py"}},
		{"missing end", []string{"out.h5py", "a.h5py"}, 1, []string{"[15, 30)", "missing"}},
		{"missing start", []string{"out.h5py", "b.h5py"}, 1, []string{"[0, 15)", "missing"}},
		{"missing file", []string{"out.h5py", "a.h5py", "nope.h5py"}, 1, []string{"nope.h5py", "no such file"}},
		{"other spec", []string{"out.h5py", "a.h5py", "plain.h5py"}, 1, []string{"plain.h5py", "specs"}},
		{"other seed", []string{"out.h5py", "a.h5py", "seed8.h5py"}, 1, []string{"seed8.h5py", "seed 8", "seed 7"}},
		{"other size", []string{"out.h5py", "a.h5py", "n40.h5py"}, 1, []string{"n40.h5py", "n_total 40"}},
		{"not a shard", []string{"out.h5py", "a.h5py", "whole.h5py"}, 1, []string{"whole.h5py", "not a shard"}},
		{"not hdf5", []string{"out.h5py", "a.h5py", "old.h5py"}, 1, []string{"old.h5py", "not an HDF5 file"}},
		{"exists", []string{"old.h5py", "a.h5py", "b.h5py"}, 2, []string{"old.h5py", "--force"}},
		{"no folder", []string{"no/out.h5py", "a.h5py", "b.h5py"}, 1, []string{"no/out.h5py"}},
		{"read-only folder", []string{"ro/out.h5py", "a.h5py", "b.h5py"}, 1, []string{"ro/out.h5py", "read-only"}},
		{"shard as out", []string{"--force", "a.h5py", "a.h5py", "b.h5py"}, 1, []string{"a.h5py", "both the output and a shard"}},
		{"no shard", []string{"out.h5py"}, 2, []string{"OUT and at least one SHARD"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.name == "read-only folder" && !roMounted {
				testenv.RequireRoot(t, "mounting a read-only tmpfs")
			}
			before := snapshot(t, dir)
			code, _, errs := command(t, dir, append([]string{"merge"}, c.args...)...)
			if code != c.exit {
				t.Fatalf("exit %d, want %d: %s", code, c.exit, errs)
			}
			oneLine(t, errs, c.want...)
			sameSnapshot(t, dir, before) // no OUT, no temporary, shards and old.h5py unchanged
			if ents, _ := os.ReadDir(ro); len(ents) != 0 {
				t.Errorf("read-only folder holds %v", ents)
			}
		})
	}
	// The same shards, good: the merge then succeeds, and --force
	// replaces old.h5py.
	if code, _, errs := command(t, dir, "merge", "--force", "old.h5py", "b.h5py", "a.h5py"); code != 0 {
		t.Fatalf("good merge: exit %d: %s", code, errs)
	}
	noLeftovers(t, dir)
}
