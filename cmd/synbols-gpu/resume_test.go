package main

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/synbols-gpu/synbols-gpu/internal/pytest"
	"github.com/synbols-gpu/synbols-gpu/internal/testenv"
)

// sameDatasets compares two dataset files the way a loader sees them:
// the same tree, and every dataset with the same dtype, shape, chunks
// and bytes (strings as values), every attribute equal but the splits'
// timestamps, which say when each run finished.
const sameDatasets = `
import sys, h5py, numpy as np
a, b = h5py.File(sys.argv[1], 'r'), h5py.File(sys.argv[2], 'r')
names, other = [], []
a.visit(names.append)
b.visit(other.append)
assert names == other, sorted(set(names) ^ set(other))
n = 0
for k in names:
    x, y = a[k], b[k]
    assert type(x) == type(y), k
    if isinstance(x, h5py.Dataset):
        assert (x.dtype, x.shape, x.chunks) == (y.dtype, y.shape, y.chunks), (k, x.dtype, y.dtype, x.shape, y.shape)
        if x.dtype.kind == 'O':
            assert list(x[...]) == list(y[...]), k
        else:
            assert x[...].tobytes() == y[...].tobytes(), k
        n += 1
    for at in set(x.attrs) | set(y.attrs):
        if at != 'timestamp':
            assert np.array_equal(x.attrs[at], y.attrs[at]), (k, at)
for at in set(a.attrs) | set(b.attrs):
    assert a.attrs[at] == b.attrs[at], at
print(n)
`

// resumeArgs is a run long enough to be interrupted after a few of its
// checkpoints (every 2,060 samples: --checkpoint rounded up to y's
// chunk, 1,030) on a slow machine too.
func resumeArgs(extra ...string) []string {
	args := []string{"generate", "--n_samples", "50000", "--seed", "3", "--checkpoint", "2000", "--out", "out.h5py"}
	return append(append(args, fastArgs...), extra...)
}

// waitJournal waits until the run writing dir/out.h5py has checkpointed
// at least done samples (its journal says so), whatever the machine's
// speed.
func waitJournal(t *testing.T, dir string, cmd *exec.Cmd, done int) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		m, _ := filepath.Glob(filepath.Join(dir, ".out.h5py.tmp-*"))
		if len(m) == 1 && journalDone(t, m[0]) >= done {
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
	cmd.Process.Kill()
	t.Fatalf("no checkpoint of %d samples within 60 s", done)
}

// hiddenOnly fails unless dir holds no file at the output path (or its
// preview) and exactly one resumable state folder, which it returns.
func hiddenOnly(t *testing.T, dir string) string {
	t.Helper()
	for _, n := range []string{"out.h5py", "out_preview.png"} {
		if _, err := os.Lstat(filepath.Join(dir, n)); err == nil {
			t.Errorf("%s exists after the interruption", n)
		}
	}
	var states []string
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if n := e.Name(); n == ".out.h5py.partial" || strings.HasPrefix(n, ".out.h5py.tmp-") {
			states = append(states, n)
		}
	}
	if len(states) != 1 {
		t.Fatalf("want one state folder, got %v", states)
	}
	if _, err := os.Stat(filepath.Join(dir, states[0], "journal.json")); err != nil {
		t.Fatalf("state %s without journal: %v", states[0], err)
	}
	return states[0]
}

// journalDone is the samples the journal in the state folder dir keeps
// (0 while there is none).
func journalDone(t *testing.T, dir string) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "journal.json"))
	if err != nil {
		return 0
	}
	var j struct{ Done int }
	if err := json.Unmarshal(b, &j); err != nil {
		t.Fatalf("journal: %v", err)
	}
	return j.Done
}

// TestResumeSignals: for SIGINT, SIGTERM and SIGKILL, at a random point
// after one of the first checkpoints (the points' seed is logged), the run leaves
// only its hidden state; SIGINT and SIGTERM say how many samples are kept
// and to run the command again with --resume; the resumed run's file and
// preview equal an uninterrupted run's, every dataset byte for byte. The
// SIGTERM case interrupts the resumed run once more before resuming it.
func TestResumeSignals(t *testing.T) {
	py := pytest.Python(t)
	refDir := t.TempDir()
	code, _, errs := run1(t, refDir, nil, resumeArgs()...)
	if code != 0 {
		t.Fatalf("uninterrupted run: exit %d: %s", code, errs)
	}
	ref := filepath.Join(refDir, "out.h5py")
	refPreview, err := os.ReadFile(filepath.Join(refDir, "out_preview.png"))
	must(t, err)

	seed := uint64(time.Now().UnixNano())
	t.Logf("interruption points from seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 2))
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGKILL} {
		dir := t.TempDir()
		cmd := child(dir, nil, resumeArgs()...)
		var errb bytes.Buffer
		cmd.Stderr = &errb
		must(t, cmd.Start())
		// A random point: past a random checkpoint in the first half,
		// then a random delay of up to 40 ms (about 1,000 samples here).
		after := 2210 * (1 + r.IntN(11))
		waitJournal(t, dir, cmd, after)
		delay := time.Duration(r.IntN(40)) * time.Millisecond
		time.Sleep(delay)
		must(t, cmd.Process.Signal(sig))
		err := cmd.Wait()
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("%v after %v: the run finished (%v) before the signal; make it longer", sig, delay, err)
		}
		state := hiddenOnly(t, dir)
		t.Logf("%v after the checkpoint of %d samples + %v: left %s; %s", sig, after, delay, state, strings.TrimSpace(errb.String()))
		if sig != syscall.SIGKILL {
			if ee.ExitCode() != 128+int(sig) {
				t.Errorf("%v: exit %d, want %d", sig, ee.ExitCode(), 128+int(sig))
			}
			oneLine(t, errb.String(), "interrupted ("+signalName(sig)+") after ", " of 50,000 samples", "--resume")
			if state != ".out.h5py.partial" {
				t.Errorf("%v left %s, want .out.h5py.partial", sig, state)
			}
		}
		if sig == syscall.SIGTERM {
			// The resumed run, interrupted again after its own next
			// checkpoint, keeps more and resumes as well.
			kept := journalDone(t, filepath.Join(dir, state))
			cmd := child(dir, nil, resumeArgs("--resume")...)
			errb.Reset()
			cmd.Stderr = &errb
			must(t, cmd.Start())
			deadline := time.Now().Add(60 * time.Second)
			for journalDone(t, filepath.Join(dir, state)) <= kept && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			must(t, cmd.Process.Signal(sig))
			if err := cmd.Wait(); err == nil {
				t.Fatal("the resumed run finished before the second SIGTERM; make it longer")
			}
			if again := journalDone(t, filepath.Join(dir, hiddenOnly(t, dir))); again <= kept {
				t.Errorf("second interruption kept %d samples, the first %d", again, kept)
			}
			oneLine(t, errb.String(), "interrupted (SIGTERM) after ", "--resume")
			t.Logf("the resumed run, interrupted again: %s", strings.TrimSpace(errb.String()))
		}
		code, out, errs := run1(t, dir, nil, resumeArgs("--resume")...)
		if code != 0 {
			t.Fatalf("resume after %v: exit %d: %s", sig, code, errs)
		}
		if strings.Contains(errs, "starting from the beginning") {
			// Not even a kill in the middle of a checkpoint's close:
			// the undo log rolls the file back to the journal's
			// checkpoint (TestResumeKilledInClose).
			t.Errorf("resume after %v started over: %s", sig, errs)
		} else if !strings.Contains(out, "resumed after ") {
			t.Errorf("the resumed run does not say so: %s", out)
		}
		if ents, _ := os.ReadDir(dir); len(ents) != 2 { // out.h5py, out_preview.png
			var names []string
			for _, e := range ents {
				names = append(names, e.Name())
			}
			t.Errorf("after the resume %s holds %v", dir, names)
		}
		n := strings.TrimSpace(pytest.Run(t, py, sameDatasets, ref, filepath.Join(dir, "out.h5py")))
		if n == "" || n == "0" {
			t.Errorf("compared %q datasets", n)
		}
		prev, err := os.ReadFile(filepath.Join(dir, "out_preview.png"))
		if err != nil || !bytes.Equal(prev, refPreview) {
			t.Errorf("resumed preview differs from the uninterrupted run's (%v)", err)
		}
	}
}

// interruptedRun leaves a SIGINT-interrupted run's state in a new folder
// and returns the folder.
func interruptedRun(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	cmd := child(dir, nil, resumeArgs()...)
	must(t, cmd.Start())
	waitJournal(t, dir, cmd, 1)
	must(t, cmd.Process.Signal(syscall.SIGINT))
	if err := cmd.Wait(); err == nil {
		t.Fatal("the run finished before SIGINT")
	}
	hiddenOnly(t, dir)
	return dir
}

// TestResumeMismatch: a resume with another seed, n, resolution or
// dataset is refused in one line naming the difference, and a run
// without --resume refuses to drop the state; the state stays untouched
// by all of them and still resumes.
func TestResumeMismatch(t *testing.T) {
	dir := interruptedRun(t)
	state := filepath.Join(dir, ".out.h5py.partial")
	before := snapshot(t, state)
	withSeed := resumeArgs("--resume")
	for i, a := range withSeed {
		if a == "--seed" {
			withSeed[i+1] = "4"
		}
	}
	withN := resumeArgs("--resume")
	for i, a := range withN {
		if a == "--n_samples" {
			withN[i+1] = "60000"
		}
	}
	for _, c := range []struct {
		args []string
		want []string
	}{
		{withSeed, []string{"cannot resume", "out.h5py", "another seed (3 then, 4 now)"}},
		{withN, []string{"cannot resume", "another n_samples (50000 then, 60000 now)"}},
		{resumeArgs("--resume", "--resolution", "16x16"), []string{"cannot resume", "another shape (32x32x3 then, 16x16x3 now)"}},
		{resumeArgs("--resume", "--dataset", "camouflage"), []string{"cannot resume", "another spec"}},
		{resumeArgs("--resume", "--symbol-masks"), []string{"cannot resume", "another symbol_mask (false then, true now)"}},
		{resumeArgs(), []string{"interrupted run", "--resume", "--force"}},
		{resumeArgs("--resume", "--format", "npz"), []string{"--resume is for --format h5"}},
	} {
		code, _, errs := run1(t, dir, nil, c.args...)
		if code == 0 {
			t.Fatalf("%v: exit 0", c.args)
		}
		oneLine(t, errs, c.want...)
		sameSnapshot(t, state, before)
		if _, err := os.Lstat(filepath.Join(dir, "out.h5py")); err == nil {
			t.Fatalf("%v left out.h5py", c.args)
		}
	}
	if code, _, errs := run1(t, dir, nil, resumeArgs("--resume")...); code != 0 {
		t.Fatalf("resume after the refusals: exit %d: %s", code, errs)
	}
	// --force without --resume discards a state.
	dir = interruptedRun(t)
	if code, _, errs := run1(t, dir, nil, resumeArgs("--force", "--n_samples", "100")...); code != 0 {
		t.Fatalf("--force over a state: exit %d: %s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, ".out.h5py.partial")); err == nil {
		t.Error("--force kept the interrupted run's state")
	}
}

// TestResumeNothing: --resume without a state says so in a note and
// makes the whole dataset.
func TestResumeNothing(t *testing.T) {
	dir := t.TempDir()
	code, _, errs := run1(t, dir, nil, "generate", "--n_samples", "300", "--out", "out.h5py", "--resume", "--system-fonts=false", "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	oneLine(t, errs, "no interrupted run to resume", "starting from the beginning")
	if _, err := os.Stat(filepath.Join(dir, "out.h5py")); err != nil {
		t.Fatal(err)
	}
	noLeftovers(t, dir)
}

// TestResumeFaults: the disk fills after the first checkpoints of a
// resumable run (a 6 MiB tmpfs): one line naming the disk's error and the
// output, nothing left on it; an unwritable output folder (read-only
// tmpfs) is refused for --resume as for any run.
func TestResumeFaults(t *testing.T) {
	testenv.RequireRoot(t, "mounting small tmpfs")
	dir := t.TempDir()
	small := mountTmpfs(t, dir, "small", "size=6m")
	args := []string{"generate", "--n_samples", "20000", "--checkpoint", "1000", "--out", "small/x.h5py", "--system-fonts=false", "--quiet"}
	code, _, errs := run1(t, dir, nil, args...)
	if code != 1 {
		t.Fatalf("full tmpfs: exit %d: %s", code, errs)
	}
	oneLine(t, errs, "No space left on device", "x.h5py")
	if ents, _ := os.ReadDir(small); len(ents) != 0 {
		t.Errorf("full tmpfs holds %v after the failed run", ents)
	}
	code, _, errs = run1(t, dir, nil, append(args, "--resume")...)
	if code != 1 {
		t.Fatalf("full tmpfs, --resume: exit %d: %s", code, errs)
	}
	if !strings.Contains(errs, "No space left on device") {
		t.Errorf("full tmpfs, --resume: %s", errs)
	}
	if ents, _ := os.ReadDir(small); len(ents) != 0 {
		t.Errorf("full tmpfs holds %v after the failed resume", ents)
	}

	mountTmpfs(t, dir, "ro", "ro,size=1m")
	code, _, errs = run1(t, dir, nil, "generate", "--n_samples", "10", "--out", "ro/x.h5py", "--resume", "--system-fonts=false", "--quiet")
	if code != 1 {
		t.Fatalf("read-only folder: exit %d: %s", code, errs)
	}
	oneLine(t, errs, "read-only file system", "x.h5py")
}

// TestResumeKilledInClose: a run killed in the middle of a checkpoint's
// close, right after the k-th write over bytes of the last checkpoint
// (SYNBOLS_TEST_KILL_IN_GUARD; the first lands while the first journal
// may not be written yet, the later ones in the second and third
// checkpoints' closes), leaves a file that the resume rolls back to the
// journal's checkpoint: it continues from there (it does not start over)
// and its datasets equal an uninterrupted run's, byte for byte.
func TestResumeKilledInClose(t *testing.T) {
	py := pytest.Python(t)
	args := func(extra ...string) []string {
		a := []string{"generate", "--n_samples", "12000", "--seed", "3", "--checkpoint", "2000", "--out", "out.h5py"}
		return append(append(a, fastArgs...), extra...)
	}
	refDir := t.TempDir()
	if code, _, errs := run1(t, refDir, nil, args()...); code != 0 {
		t.Fatalf("uninterrupted run: exit %d: %s", code, errs)
	}
	ref := filepath.Join(refDir, "out.h5py")
	kept := map[int]bool{}
	for _, k := range []int{2, 3, 5, 8, 13, 21, 34} {
		dir := t.TempDir()
		cmd := child(dir, []string{"SYNBOLS_TEST_KILL_IN_GUARD=" + strconv.Itoa(k)}, args()...)
		var errb bytes.Buffer
		cmd.Stderr = &errb
		err := cmd.Run()
		ee, ok := err.(*exec.ExitError)
		if !ok || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			t.Fatalf("k=%d: the run was not killed (%v): fewer guarded writes than that? %s", k, err, errb.String())
		}
		state := filepath.Join(dir, hiddenOnly(t, dir))
		done := journalDone(t, state)
		kept[done] = true
		code, out, errs := run1(t, dir, nil, args("--resume")...)
		if code != 0 {
			t.Fatalf("k=%d: resume: exit %d: %s", k, code, errs)
		}
		if strings.Contains(errs, "starting from the beginning") || !strings.Contains(out, "resumed after ") {
			t.Errorf("k=%d: the resume of a checkpoint of %d samples did not continue it: %s %s", k, done, errs, out)
		}
		if n := strings.TrimSpace(pytest.Run(t, py, sameDatasets, ref, filepath.Join(dir, "out.h5py"))); n == "" || n == "0" {
			t.Errorf("k=%d: compared %q datasets", k, n)
		}
		t.Logf("killed after guarded write %d, journal at %d samples: %s", k, done, strings.TrimSpace(out))
	}
	if len(kept) < 2 {
		t.Errorf("every kill came after the same checkpoint (%v): the kill points do not reach a second close", kept)
	}
}
