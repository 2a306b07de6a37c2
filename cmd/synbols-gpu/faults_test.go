package main

// The fault-injection suite: the command run as a user would run it (this
// test binary re-executed as synbols-gpu, see TestMain), given bad input
// and hit by faults. For every case it asserts the exit status, a one-line
// message naming what is wrong, no temporary file or lock left, and an
// existing output byte-identical after a failed run.

import (
	"bytes"
	"fmt"
	"github.com/synbols-gpu/synbols-gpu/internal/testenv"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// fastArgs make runs start quickly and independently of the machine's
// fonts.
var fastArgs = []string{"--system-fonts=false", "--quiet"}

// mountTmpfs mounts a tmpfs with options opts ("size=2m", "ro,size=1m")
// on a new folder dir/name and unmounts it when the test ends (before
// t.TempDir's removal: cleanups run last-registered first). Root only.
func mountTmpfs(t *testing.T, dir, name, opts string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	must(t, os.Mkdir(p, 0o755))
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", opts, "tmpfs", p).CombinedOutput(); err != nil {
		t.Fatalf("mount a tmpfs (%s) on %s (the suite runs as root): %v: %s", opts, p, err, out)
	}
	t.Cleanup(func() { exec.Command("umount", p).Run() })
	return p
}

// run1 runs the command and returns its exit status and stdout, stderr.
func run1(t *testing.T, dir string, env []string, args ...string) (int, string, string) {
	t.Helper()
	cmd := child(dir, env, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			t.Fatalf("%v: killed by %v (a crash, not an error exit): %s", args, ws.Signal(), errb.String())
		}
	} else if err != nil {
		t.Fatal(err)
	}
	return code, out.String(), errb.String()
}

func child(dir string, env []string, args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "SYNBOLS_GPU_MAIN=1", "XDG_CACHE_HOME="+sharedCache), env...)
	return cmd
}

// oneLine fails unless stderr is exactly one line starting with
// "synbols-gpu:" and containing every want.
func oneLine(t *testing.T, stderr string, want ...string) {
	t.Helper()
	msg := strings.TrimRight(stderr, "\n")
	if strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "synbols-gpu: ") {
		t.Errorf("stderr is not one synbols-gpu line:\n%s", stderr)
		return
	}
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("message %q does not name %q", msg, w)
		}
	}
}

// leftovers lists what a run must never leave in dir: temporary files or
// folders and lock files (ours are hidden ".NAME.tmp-*" and ".NAME.lock").
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var bad []string
	for _, e := range ents {
		if n := e.Name(); strings.Contains(n, ".tmp-") || strings.HasSuffix(n, ".lock") {
			bad = append(bad, n)
		}
	}
	return bad
}

func noLeftovers(t *testing.T, dir string) {
	t.Helper()
	if bad := leftovers(t, dir); len(bad) > 0 {
		t.Errorf("left behind in %s: %v", dir, bad)
	}
}

// snapshot is the content of the files of dir (not the cache), to prove a
// failed run changed nothing.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if e.Name() == ".cache" {
			continue
		}
		fi, _ := e.Info()
		v := fi.Mode().String()
		if fi.Mode().IsRegular() {
			b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
			v += fmt.Sprintf(" %x", b)
		}
		m[e.Name()] = v
	}
	return m
}

func sameSnapshot(t *testing.T, dir string, before map[string]string) {
	t.Helper()
	after := snapshot(t, dir)
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s changed by a failed run", k)
		}
	}
	for k := range after {
		if _, ok := before[k]; !ok {
			t.Errorf("%s created by a failed run", k)
		}
	}
}

// makeOld writes a small finished dataset (and its preview) at dir/out.h5py.
func makeOld(t *testing.T, dir string) {
	t.Helper()
	code, _, errs := run1(t, dir, nil, append([]string{"generate", "--n_samples", "20", "--seed", "7", "--out", "out.h5py"}, fastArgs...)...)
	if code != 0 {
		t.Fatalf("making the old output: exit %d: %s", code, errs)
	}
}

// TestFaultTargets: --out naming something that is not a regular file is
// refused in one line, and the thing stays as it was (device nodes are made
// with mknod here, never the real /dev).
func TestFaultTargets(t *testing.T) {
	testenv.RequireRoot(t, "mknod")
	dir := t.TempDir()
	null := filepath.Join(dir, "null")
	if err := syscall.Mknod(null, syscall.S_IFCHR|0o666, 1<<8|3); err != nil {
		t.Fatalf("mknod (the suite runs as root): %v", err)
	}
	full := filepath.Join(dir, "full")
	if err := syscall.Mknod(full, syscall.S_IFCHR|0o666, 1<<8|7); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	must(t, syscall.Mkfifo(fifo, 0o644))
	l, err := net.Listen("unix", filepath.Join(dir, "sock"))
	must(t, err)
	defer l.Close()
	must(t, os.Mkdir(filepath.Join(dir, "folder"), 0o755))
	must(t, os.Symlink("null", filepath.Join(dir, "stdout")))
	before := snapshot(t, dir)
	for _, c := range []struct{ out, want string }{
		{"null", "character device"},
		{"full", "character device"},
		{"fifo", "named pipe"},
		{"sock", "socket"},
		{"folder", "directory"},
		{"stdout", "character device"},
		{"-", "standard output"},
	} {
		code, _, errs := run1(t, dir, nil, append([]string{"generate", "--n_samples", "10", "--out", c.out}, fastArgs...)...)
		if code == 0 {
			t.Errorf("--out %s: exit 0", c.out)
		}
		oneLine(t, errs, c.out, c.want)
	}
	sameSnapshot(t, dir, before)
	for _, n := range []string{null, full} {
		if fi, err := os.Lstat(n); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
			t.Errorf("%s is no longer a device: %v %v", n, fi.Mode(), err)
		}
	}
}

// TestFaultSymlinkAndMode: a symlink at --out is written through and an
// existing file's mode is kept.
func TestFaultSymlinkAndMode(t *testing.T) {
	dir := t.TempDir()
	must(t, os.Mkdir(filepath.Join(dir, "data"), 0o755))
	real := filepath.Join(dir, "data", "real.h5py")
	must(t, os.WriteFile(real, []byte("old"), 0o600))
	must(t, os.Chmod(real, 0o600))
	must(t, os.Symlink("data/real.h5py", filepath.Join(dir, "link.h5py")))
	code, _, errs := run1(t, dir, nil, append([]string{"generate", "--n_samples", "10", "--out", "link.h5py", "--force"}, fastArgs...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if fi, err := os.Lstat(filepath.Join(dir, "link.h5py")); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v", err)
	}
	fi, err := os.Stat(real)
	must(t, err)
	if fi.Mode().Perm() != 0o600 || fi.Size() < 1000 {
		t.Errorf("target mode %v size %d: want 0600 kept and the dataset written", fi.Mode().Perm(), fi.Size())
	}
	noLeftovers(t, dir)
	noLeftovers(t, filepath.Join(dir, "data"))
}

// TestFaultSizes: sizes the machine cannot hold fail before anything is
// created, in one line naming the resource; a large resolution previews in
// a bounded image.
func TestFaultSizes(t *testing.T) {
	dir := t.TempDir()
	makeOld(t, dir)
	before := snapshot(t, dir)
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"--n_samples", "1000000000000"}, []string{"1000000000000 samples need", "memory"}},
		{[]string{"--n_samples", "9223372036854775807"}, []string{"memory"}},
		{[]string{"--n_samples", "20000000", "--batch", "20000000"}, []string{"batch of 20000000", "at most"}},
		{[]string{"--n_samples", "99999999999999999999"}, []string{"n_samples", "out of range"}},
	} {
		args := append(append([]string{"generate", "--out", "out.h5py", "--force"}, c.args...), fastArgs...)
		code, _, errs := run1(t, dir, nil, args...)
		if code == 0 {
			t.Errorf("%v: exit 0", c.args)
		}
		oneLine(t, errs, c.want...)
		sameSnapshot(t, dir, before)
	}

	code, _, errs := run1(t, dir, nil, append([]string{"generate", "--n_samples", "12", "--resolution", "1024x1024", "--out", "big.h5py"}, fastArgs...)...)
	if code != 0 {
		t.Fatalf("1024x1024: exit %d: %s", code, errs)
	}
	f, err := os.Open(filepath.Join(dir, "big_preview.png"))
	must(t, err)
	defer f.Close()
	var hdr [24]byte
	_, err = f.Read(hdr[:])
	must(t, err)
	w := int(hdr[16])<<24 | int(hdr[17])<<16 | int(hdr[18])<<8 | int(hdr[19])
	if w > 2560 {
		t.Errorf("preview %d px wide, want it shrunk to ≤ 2560", w)
	}
	noLeftovers(t, dir)
}

// TestFaultSignals: SIGINT, SIGTERM and SIGHUP at random points of a long
// run: exit 128+signal with "interrupted", the old output intact, nothing
// left but, after a checkpoint, the resumable state (".out.h5py.partial",
// which the message names --resume for; resume_test.go resumes it).
// SIGKILL leaves a private temporary folder, which the next run on the
// same output with --force removes.
func TestFaultSignals(t *testing.T) {
	dir := t.TempDir()
	makeOld(t, dir)
	before := snapshot(t, dir)
	seed := uint64(time.Now().UnixNano())
	t.Logf("delays from seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 1))
	long := append([]string{"generate", "--n_samples", "400000", "--out", "out.h5py", "--force"}, fastArgs...)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP} {
		// From 150 ms: before main installs its handler a signal kills
		// the process the default way, which is not what is tested.
		delay := time.Duration(150+r.IntN(1500)) * time.Millisecond
		cmd := child(dir, nil, long...)
		var errb bytes.Buffer
		cmd.Stderr = &errb
		must(t, cmd.Start())
		time.Sleep(delay)
		must(t, cmd.Process.Signal(sig))
		err := cmd.Wait()
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("%v after %v: run finished (%v) before the signal; make the run longer", sig, delay, err)
		}
		if ee.ExitCode() != 128+int(sig) {
			t.Errorf("%v after %v: exit %d, want %d: %s", sig, delay, ee.ExitCode(), 128+int(sig), errb.String())
		}
		oneLine(t, errb.String(), "interrupted", signalName(sig))
		partial := filepath.Join(dir, ".out.h5py.partial")
		if strings.Contains(errb.String(), "--resume") {
			if _, err := os.Stat(filepath.Join(partial, "journal.json")); err != nil {
				t.Errorf("%v after %v: the message says --resume, but no state: %v", sig, delay, err)
			}
			// Only the state is new; the next run's --force drops it.
			must(t, os.RemoveAll(partial))
		} else if _, err := os.Lstat(partial); err == nil {
			t.Errorf("%v after %v: state kept without saying so: %s", sig, delay, errb.String())
		}
		sameSnapshot(t, dir, before)
		noLeftovers(t, dir)
	}

	// SIGKILL cannot be handled: what it leaves is cleaned by the next run.
	cmd := child(dir, nil, long...)
	must(t, cmd.Start())
	deadline := time.Now().Add(20 * time.Second)
	for len(leftovers(t, dir)) < 2 && time.Now().Before(deadline) { // temp folder and lock
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(time.Duration(r.IntN(300)) * time.Millisecond)
	must(t, cmd.Process.Kill())
	cmd.Wait()
	left := leftovers(t, dir)
	if len(left) == 0 {
		t.Fatal("SIGKILL left nothing to clean: the test did not kill mid-run")
	}
	t.Logf("SIGKILL left %v", left)
	for _, n := range left {
		before[n] = snapshot(t, dir)[n]
	}
	sameSnapshot(t, dir, before) // the old output itself is intact
	code, _, errs := run1(t, dir, nil, append([]string{"generate", "--n_samples", "10", "--out", "out.h5py", "--force"}, fastArgs...)...)
	if code != 0 {
		t.Fatalf("run after SIGKILL: exit %d: %s", code, errs)
	}
	noLeftovers(t, dir)
}

// TestFaultDiskFull: the disk fills mid-run (RLIMIT_FSIZE, and a 2 MiB
// tmpfs): one line with the cause first, the old output intact, nothing
// left.
func TestFaultDiskFull(t *testing.T) {
	dir := t.TempDir()
	makeOld(t, dir)
	before := snapshot(t, dir)
	sh := fmt.Sprintf(`ulimit -f 2000; exec %q "$@"`, os.Args[0])
	cmd := exec.Command("bash", append([]string{"-c", sh, "x", "generate", "--n_samples", "20000", "--out", "out.h5py", "--force"}, fastArgs...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "SYNBOLS_GPU_MAIN=1", "XDG_CACHE_HOME="+sharedCache)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("RLIMIT_FSIZE: %v, want exit 1: %s", err, errb.String())
	}
	oneLine(t, errb.String(), "File too large", "out.h5py")
	if msg := errb.String(); strings.Index(msg, "File too large") > strings.Index(msg, "hdf5:") {
		t.Errorf("cause not first: %s", errb.String())
	}
	sameSnapshot(t, dir, before)
	noLeftovers(t, dir)

	testenv.RequireRoot(t, "mounting a small tmpfs")
	small := mountTmpfs(t, dir, "small", "size=2m")
	code, _, errs := run1(t, dir, nil, append([]string{"generate", "--n_samples", "20000", "--out", "small/x.h5py"}, fastArgs...)...)
	if code != 1 {
		t.Fatalf("full tmpfs: exit %d: %s", code, errs)
	}
	oneLine(t, errs, "No space left on device", "x.h5py")
	if ents, _ := os.ReadDir(small); len(ents) != 0 {
		t.Errorf("full tmpfs holds %v after the failed run", ents)
	}
	// A run that cannot fit even at deflate's best ratio is refused
	// before it starts.
	code, _, errs = run1(t, dir, nil, append([]string{"generate", "--n_samples", "1000000", "--out", "small/y.h5py"}, fastArgs...)...)
	if code != 1 {
		t.Fatalf("1e6 samples on 2 MiB: exit %d: %s", code, errs)
	}
	oneLine(t, errs, "on disk", "free")
	if ents, _ := os.ReadDir(small); len(ents) != 0 {
		t.Errorf("tmpfs holds %v after the refused run", ents)
	}

	// A read-only file system: refused before any work.
	mountTmpfs(t, dir, "ro", "ro,size=1m")
	code, _, errs = run1(t, dir, nil, append([]string{"generate", "--n_samples", "10", "--out", "ro/x.h5py"}, fastArgs...)...)
	if code != 1 {
		t.Fatalf("read-only folder: exit %d: %s", code, errs)
	}
	oneLine(t, errs, "read-only file system", "x.h5py")
}

// TestFaultConcurrent: a second run on the same output fails at once,
// naming the first one's pid; the first finishes with its own preview.
func TestFaultConcurrent(t *testing.T) {
	dir := t.TempDir()
	first := child(dir, nil, append([]string{"generate", "--n_samples", "300000", "--seed", "1", "--out", "out.h5py"}, fastArgs...)...)
	var errA bytes.Buffer
	first.Stderr = &errA
	must(t, first.Start())
	deadline := time.Now().Add(20 * time.Second)
	for len(leftovers(t, dir)) < 2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	code, _, errs := run1(t, dir, nil, append([]string{"generate", "--n_samples", "10", "--seed", "2", "--out", "out.h5py"}, fastArgs...)...)
	if code != 1 {
		t.Errorf("second run: exit %d, want 1", code)
	}
	oneLine(t, errs, "out.h5py", "being written by process", fmt.Sprint(first.Process.Pid))
	if err := first.Wait(); err != nil {
		t.Fatalf("first run: %v: %s", err, errA.String())
	}
	for _, f := range []string{"out.h5py", "out_preview.png"} {
		if fi, err := os.Stat(filepath.Join(dir, f)); err != nil || fi.Size() < 1000 {
			t.Errorf("%s: %v", f, err)
		}
	}
	noLeftovers(t, dir)

	// --preview=false replacing the dataset removes its old preview.
	code, _, errs = run1(t, dir, nil, append([]string{"generate", "--n_samples", "10", "--out", "out.h5py", "--force", "--preview=false"}, fastArgs...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "out_preview.png")); err == nil {
		t.Error("stale preview of the replaced dataset kept")
	}
}

// TestFaultFontTruncated: a --font-dir font truncated while a run uses
// it (as cp over it does) fails the run with a line naming it, or leaves
// it unharmed if the glyphs were already read — never a crash (SIGBUS).
func TestFaultFontTruncated(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "..", "fonts", "embedded", "dejavu", "DejaVuSans.ttf"))
	must(t, err)
	for _, delay := range []time.Duration{0, 30 * time.Millisecond, 150 * time.Millisecond, 400 * time.Millisecond} {
		dir, fontDir := t.TempDir(), t.TempDir()
		font := filepath.Join(fontDir, "DejaVuSans.ttf")
		must(t, os.WriteFile(font, src, 0o644))
		// A cold cache of its own: tiles of the same font content cached
		// by other tests would spare the run from reading the file.
		cmd := child(dir, []string{"XDG_CACHE_HOME=" + filepath.Join(dir, ".cache")}, "generate", "--n_samples", "3000", "--embedded-fonts=false", "--font-dir", fontDir, "--system-fonts=false", "--quiet", "--font-checks=false")
		var errb bytes.Buffer
		cmd.Stderr = &errb
		must(t, cmd.Start())
		time.Sleep(delay)
		must(t, os.Truncate(font, 1000))
		err := cmd.Wait()
		if ee, ok := err.(*exec.ExitError); ok {
			if ws := ee.Sys().(syscall.WaitStatus); ws.Signaled() {
				t.Fatalf("truncated after %v: killed by %v: %s", delay, ws.Signal(), errb.String())
			}
			// Truncated before it was loaded, the font is skipped with a
			// warning naming it and the run has no font left; truncated
			// later, the run fails naming it. Either way the last line is
			// the error.
			msg := strings.TrimSpace(errb.String())
			last := msg[strings.LastIndex(msg, "\n")+1:]
			if !strings.HasPrefix(last, "synbols-gpu: ") || !strings.Contains(msg, "DejaVuSans.ttf") {
				t.Errorf("truncated after %v: stderr does not end in an error naming the font:\n%s", delay, msg)
			}
		} else if err != nil {
			t.Fatal(err)
		}
		t.Logf("truncated after %v: %v %s", delay, err, strings.TrimSpace(errb.String()))
		noLeftovers(t, dir)
	}
}

// TestFaultFlags: every flag mistake is one line and exit 2.
func TestFaultFlags(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "block.bin")
	must(t, os.WriteFile(bin, []byte("\x00\x01\x02ELF\xff\xfe"), 0o644))
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"generate", "--colour", "red"}, 2, "colour"},
		{[]string{"generate", "--n_samples", "ten"}, 2, "n_samples"},
		{[]string{"generate", "--resolution", "32X+16"}, 2, "resolution"},
		{[]string{"generate", "--resolution", " 32"}, 2, "resolution"},
		{[]string{"generate", "--language", ""}, 2, "language"},
		{[]string{"generate", "--language", "klingon"}, 2, "klingon"},
		{[]string{"generate", "--block-list", bin}, 1, "not text"},
		{[]string{"bench", "--time", "-5s"}, 2, "--time"},
		{[]string{"bench", "--bogus"}, 2, "bogus"},
		{[]string{"fonts", "list", "--language", "klingon"}, 2, "klingon"},
		{[]string{"fonts", "frobnicate"}, 2, "frobnicate"},
		{[]string{"frobnicate"}, 2, "frobnicate"},
	} {
		args := c.args
		if args[0] == "generate" {
			args = append(args, fastArgs...)
		}
		code, _, errs := run1(t, dir, nil, args...)
		if code != c.code {
			t.Errorf("%v: exit %d, want %d", c.args, code, c.code)
		}
		oneLine(t, errs, c.want)
	}
	noLeftovers(t, dir)
}

// TestFaultSpecs: malformed spec files, the distribution-support cases
// among them: exit 1, one line naming the file and the field path.
func TestFaultSpecs(t *testing.T) {
	dir := t.TempDir()
	makeOld(t, dir)
	before := snapshot(t, dir)
	specs := []struct{ text, want string }{
		{"nmae: x", "nmae"},
		{"symbol: {rotaton: 0}", "symbol.rotaton"},
		{"symbol: {rotation: {normal: {mean: 0, std: -1}}}", "symbol.rotation.normal.std"},
		{"symbol: {rotation: {normal: {mean: 0}}}", "symbol.rotation.normal.std"},
		{"symbol: {rotation: {gauss: 1}}", "symbol.rotation.gauss"},
		{`symbol: {rotation: "0.3"}`, "symbol.rotation"},
		{"symbol: {scale: {lognormal: {median: 0, sigma: 0.2}}}", "symbol.scale.lognormal.median"},
		{"symbol: {scale: {uniform: [1, 0]}}", "symbol.scale.uniform"},
		{"symbol: {scale: {uniform: [-.inf, 0]}}", "symbol.scale.uniform[0]"},
		{"symbol: {char: {choice: {values: [a, b], weights: [1]}}}", "symbol.char.choice.weights"},
		{"symbol: {char: {choice: {values: []}}}", "symbol.char.choice.values"},
		{"symbol: {bold: {bernoulli: 1.5}}", "symbol.bold.bernoulli"},
		{"symbol: {translation: [0, 0, 0]}", "symbol.translation"},
		{"symbol: {foreground: stripes}", "symbol.foreground"},
		{"symbol: {foreground: {gradient: {alpha: 0}}}", "symbol.foreground.gradient.alpha"},
		{"background: {solid: [1, 2, 0]}", "background.solid[1]"},
		{"resolution: [0, 32]", "resolution"},
		{"resolution: [32.5, 32]", "resolution[0]"},
		{"n_symbols: 0", "n_symbols"},
		{"n_symbols: {randint: [1, 1000]}", "n_symbols"},
		{"pixel_noise: {uniform: [-0.1, 0.1]}", "pixel_noise"},
		{"alphabet: {case: Title}", "alphabet.case"},
		{"alphabet: {first: 0}", "alphabet.first"},
		{"gray: true\ngray: false", "gray"},
		{"base: defualt", "base"},
		{"name: ../x", "name"},
		{"symbol: [", "yaml"},
		{"- a\n- b", "mapping"},
		{"", "empty"},
		// The support of the distribution leaves the attribute's domain.
		{"symbol: {scale: 0}", "symbol.scale"},
		{"symbol: {scale: -1}", "symbol.scale"},
		{"symbol: {scale: 1e308}", "symbol.scale"},
		{"symbol: {scale: {lognormal: {median: 0.6, sigma: 1e6}}}", "symbol.scale"},
		{"symbol: {rotation: {normal: {mean: 0, std: 1e308}}}", "symbol.rotation"},
		{"symbol: {translation: 1e300}", "symbol.translation"},
		{"symbol: {translation: [0, {uniform: [-1e300, 1e300]}]}", "symbol.translation"},
		{"symbol: {char: {choice: {values: [" + strings.Repeat("a, ", 100_001) + "a]}}}", "100000"},
	}
	for i, c := range specs {
		f := filepath.Join(dir, fmt.Sprintf("s%02d.yaml", i))
		must(t, os.WriteFile(f, []byte(c.text), 0o644))
		code, _, errs := run1(t, dir, nil, append([]string{"generate", "--spec", f, "--n_samples", "10", "--out", "out.h5py", "--force"}, fastArgs...)...)
		os.Remove(f)
		if code == 0 {
			t.Errorf("%.60q: exit 0", c.text)
		}
		oneLine(t, errs, filepath.Base(f), c.want)
	}
	// A huge spec file (sparse, 1 GiB) is refused without reading it.
	big := filepath.Join(dir, "big.yaml")
	must(t, os.WriteFile(big, nil, 0o644))
	must(t, os.Truncate(big, 1<<30))
	code, _, errs := run1(t, dir, nil, append([]string{"generate", "--spec", big, "--out", "out.h5py", "--force"}, fastArgs...)...)
	os.Remove(big)
	if code == 0 {
		t.Errorf("1 GiB spec: exit %d", code)
	}
	oneLine(t, errs, "big.yaml", "larger than")
	sameSnapshot(t, dir, before)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestFaultSignalDuringLoad: Ctrl-C while a large font pool is loaded
// (2,000 hard links to a 4 MB font: every file is read and hashed, about
// 8 GB) ends the run at once, not when loading is done.
func TestFaultSignalDuringLoad(t *testing.T) {
	dir, fontDir := t.TempDir(), t.TempDir()
	data, err := os.ReadFile(filepath.Join("..", "..", "fonts", "embedded", "droid", "DroidSansFallback.ttf"))
	must(t, err)
	// One copy in the scratch folder, then links to it: links need the
	// same file system, which the checkout and the scratch folder may not
	// share.
	src := filepath.Join(t.TempDir(), "DroidSansFallback.ttf")
	must(t, os.WriteFile(src, data, 0o644))
	for i := range 2000 {
		must(t, os.Link(src, filepath.Join(fontDir, fmt.Sprintf("f%04d.ttf", i))))
	}
	cmd := child(dir, nil, "generate", "--n_samples", "10", "--font-dir", fontDir, "--system-fonts=false", "--quiet", "--out", "x.h5py")
	var errb bytes.Buffer
	cmd.Stderr = &errb
	must(t, cmd.Start())
	time.Sleep(500 * time.Millisecond)
	must(t, cmd.Process.Signal(syscall.SIGINT))
	sent := time.Now()
	err = cmd.Wait()
	took := time.Since(sent)
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 130 {
		t.Fatalf("exit %v, want 130: %s", err, errb.String())
	}
	// Loading takes 15 s here without cancellation, about 10 ms with it:
	// a bound far from both keeps a loaded machine from failing the test.
	if took > 5*time.Second {
		t.Errorf("exited %v after SIGINT, want < 5 s", took)
	}
	t.Logf("exited %v after SIGINT", took.Round(time.Millisecond))
	oneLine(t, errb.String(), "interrupted (SIGINT)")
	noLeftovers(t, dir)
}

// TestFaultCacheUnusable: the caches only save time — with the cache
// folder unusable (a regular file where the folder should be) a run warns
// and writes its dataset.
func TestFaultCacheUnusable(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "not-a-folder")
	must(t, os.WriteFile(file, []byte("x"), 0o644))
	code, _, errs := run1(t, dir, []string{"XDG_CACHE_HOME=" + file}, append([]string{"generate", "--n_samples", "20", "--out", "out.h5py"}, fastArgs...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(errs, "warning: glyph cache") {
		t.Errorf("no warning about the glyph cache: %q", errs)
	}
	if fi, err := os.Stat(filepath.Join(dir, "out.h5py")); err != nil || fi.Size() < 1000 {
		t.Errorf("no dataset: %v", err)
	}
	noLeftovers(t, dir)
}

// TestFaultFontDirs: a --font-dir that is a symbolic link to a folder is
// followed; one that is missing, empty or a file fails in one line naming
// it, before any work.
func TestFaultFontDirs(t *testing.T) {
	dir := t.TempDir()
	dejavu, err := filepath.Abs(filepath.Join("..", "..", "fonts", "embedded", "dejavu"))
	must(t, err)
	link := filepath.Join(dir, "fonts-link")
	must(t, os.Symlink(dejavu, link))
	base := []string{"generate", "--n_samples", "20", "--embedded-fonts=false", "--system-fonts=false", "--quiet", "--out", "out.h5py"}
	code, out, errs := run1(t, dir, nil, append(base, "--font-dir", link)...)
	if code != 0 || !strings.Contains(out, "(1 fonts, 26 symbols)") {
		t.Fatalf("--font-dir through a symlink: exit %d, %q, %s", code, out, errs)
	}
	os.Remove(filepath.Join(dir, "out.h5py"))
	os.Remove(filepath.Join(dir, "out_preview.png"))
	before := snapshot(t, dir)
	for _, d := range []string{filepath.Join(dir, "missing"), "", filepath.Join(dejavu, "DejaVuSans.ttf")} {
		code, _, errs := run1(t, dir, nil, append(base, "--font-dir", d)...)
		if code == 0 {
			t.Errorf("--font-dir %q: exit 0", d)
		}
		oneLine(t, errs, "--font-dir")
	}
	sameSnapshot(t, dir, before)
	noLeftovers(t, dir)

	// In the user's folder, a font's name that holds no font is said
	// (and a fifo is not opened: that would block); the real font loads.
	mixed := filepath.Join(dir, "mixed")
	must(t, os.Mkdir(mixed, 0o755))
	must(t, os.Symlink(filepath.Join(dejavu, "DejaVuSans.ttf"), filepath.Join(mixed, "DejaVuSans.ttf")))
	must(t, syscall.Mkfifo(filepath.Join(mixed, "pipe.ttf"), 0o644))
	must(t, os.Symlink(filepath.Join(dir, "nothing.otf"), filepath.Join(mixed, "gone.otf")))
	code, out, errs = run1(t, dir, nil, append(base, "--font-dir", mixed)...)
	if code != 0 || !strings.Contains(out, "(1 fonts, 26 symbols)") {
		t.Fatalf("--font-dir with a fifo and a dangling link: exit %d, %q, %s", code, out, errs)
	}
	for _, w := range []string{"pipe.ttf: it is a named pipe (fifo), not a font file", "gone.otf: a symbolic link to nothing"} {
		if !strings.Contains(errs, w) {
			t.Errorf("stderr lacks %q:\n%s", w, errs)
		}
	}
}

// TestFaultPictureAndInputPaths: the paths beside --out get its checks.
// view's and fonts show's pictures refuse device nodes (mknod here), fifos,
// folders, names that do not end in .png and an empty --out, before any
// work, and keep a symlink a link; generate refuses an empty --out (an
// unset "$OUT") and a --cpuprofile device; the readers of a dataset (info,
// view, split, merge, --resume) refuse a fifo at once, where libhdf5's
// open blocked until a writer came (the test kills such a run after 60 s).
func TestFaultPictureAndInputPaths(t *testing.T) {
	testenv.RequireRoot(t, "mknod")
	dir := t.TempDir()
	makeOld(t, dir)
	if err := syscall.Mknod(filepath.Join(dir, "null.png"), syscall.S_IFCHR|0o666, 1<<8|3); err != nil {
		t.Fatalf("mknod (the suite runs as root): %v", err)
	}
	must(t, syscall.Mkfifo(filepath.Join(dir, "fifo.png"), 0o644))
	must(t, syscall.Mkfifo(filepath.Join(dir, "fifo.h5py"), 0o644))
	must(t, os.Mkdir(filepath.Join(dir, "folder.png"), 0o755))
	must(t, os.Symlink("null.png", filepath.Join(dir, "link.png")))
	before := snapshot(t, dir)
	hist := []string{"view", "out.h5py", "--attr", "scale", "--hist"}
	for _, c := range []struct {
		args []string
		code int
		want []string
	}{
		{append(hist, "-o", "null.png"), 1, []string{"null.png", "character device"}},
		{append(hist, "-o", "fifo.png"), 1, []string{"fifo.png", "named pipe"}},
		{append(hist, "-o", "folder.png"), 1, []string{"folder.png", "directory"}},
		{append(hist, "-o", "link.png"), 1, []string{"link.png", "character device"}},
		{append(hist, "-o", "grid.jpg"), 2, []string{"grid.jpg", "only PNG"}},
		{append(hist, "--out", ""), 2, []string{"--out is empty"}},
		{[]string{"fonts", "show", "Comic Neue", "--fonts", "embedded", "--out", "null.png"}, 1, []string{"null.png", "character device"}},
		{[]string{"fonts", "show", "Comic Neue", "--fonts", "embedded", "--out", "sheet.gif"}, 2, []string{"sheet.gif", "only PNG"}},
		{append([]string{"generate", "--n_samples", "10", "--out", ""}, fastArgs...), 2, []string{"--out is empty", "default.h5py"}},
		{append([]string{"generate", "--n_samples", "10", "--out", "new.h5py", "--cpuprofile", "null.png"}, fastArgs...), 2, []string{"--cpuprofile", "character device"}},
		{[]string{"info", "fifo.h5py"}, 1, []string{"fifo.h5py", "named pipe"}},
		{[]string{"view", "fifo.h5py", "--attr", "scale", "--hist", "-o", "h.png"}, 1, []string{"fifo.h5py", "named pipe"}},
		{[]string{"split", "fifo.h5py", "--add", "stratified:scale"}, 1, []string{"fifo.h5py", "named pipe"}},
		{[]string{"merge", "merged.h5py", "fifo.h5py"}, 1, []string{"fifo.h5py", "named pipe"}},
		{append([]string{"generate", "--n_samples", "10", "--out", "fifo.h5py", "--resume"}, fastArgs...), 1, []string{"fifo.h5py", "named pipe"}},
	} {
		cmd := child(dir, nil, c.args...)
		var errb bytes.Buffer
		cmd.Stderr = &errb
		must(t, cmd.Start())
		timer := time.AfterFunc(60*time.Second, func() { cmd.Process.Kill() })
		err := cmd.Wait()
		if !timer.Stop() {
			t.Errorf("%q: still running after 60 s (killed)", c.args)
			continue
		}
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		if code != c.code {
			t.Errorf("%q: exit %d, want %d: %s", c.args, code, c.code, errb.String())
		}
		oneLine(t, errb.String(), c.want...)
	}
	sameSnapshot(t, dir, before)
	noLeftovers(t, dir)
}
