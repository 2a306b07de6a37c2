package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestMain lets the tests run the real command, exit status included: a
// child process re-executes this test binary with SYNBOLS_GPU_MAIN=1.
func TestMain(m *testing.M) {
	if os.Getenv("SYNBOLS_GPU_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	// One cache folder (glyph tiles, font catalogues) for every run of
	// the suite: both caches are keyed by content and written atomically,
	// so sharing is what users do, and the catalogue's drawing check is
	// then paid once, not by every run. Tests that need a cold cache set
	// XDG_CACHE_HOME themselves.
	dir, err := os.MkdirTemp("", "synbols-test-cache-")
	if err != nil {
		panic(err)
	}
	sharedCache = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

var sharedCache string

// command runs synbols-gpu with args in dir and returns its exit status,
// stdout and stderr (see run1).
func command(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	return run1(t, dir, nil, args...)
}

// outputs lists the dataset files (and temporaries) in dir.
func outputs(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if n := e.Name(); strings.Contains(n, ".h5py") || strings.HasSuffix(n, ".png") {
			names = append(names, n)
		}
	}
	return names
}

// TestGenerateStats: --stats prints the per-stage table to stderr.
func TestGenerateStats(t *testing.T) {
	dir := t.TempDir()
	code, _, errs := command(t, dir, "generate", "--n_samples", "500", "--system-fonts=false", "--quiet", "--stats")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"sample + plan", "paint (cpu)", "compress", "libhdf5 writes", "close, fsync, rename", "run (after set-up)"} {
		if !strings.Contains(errs, want) {
			t.Errorf("--stats output lacks %q:\n%s", want, errs)
		}
	}
}

func TestGenerateSmall(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := command(t, dir, "generate", "--dataset", "default", "--n_samples", "200", "--seed", "1", "--system-fonts=false", "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"default: 200 samples", "images/s", "default.h5py", "backend cpu"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary %q lacks %q", out, want)
		}
	}
	if got := outputs(t, dir); len(got) != 2 {
		t.Errorf("outputs %v, want default.h5py and default_preview.png", got)
	}
}

// TestBadInput: each mistake gives a one-line error naming what is wrong,
// a non-zero exit status, and no file in the output folder.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	notDir := filepath.Join(dir, "afile")
	if err := os.WriteFile(notDir, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	emptyFonts := t.TempDir()
	badSpec := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(badSpec, []byte("symbol:\n  rotaton: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	base := []string{"generate", "--n_samples", "50", "--system-fonts=false", "--quiet"}
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown preset", []string{"--dataset", "nope"}, "nope"},
		{"zero samples", []string{"--n_samples", "0"}, "n_samples"},
		{"negative samples", []string{"--n_samples", "-3"}, "n_samples"},
		{"bad resolution", []string{"--resolution", "32by32"}, "resolution"},
		{"zero resolution", []string{"--resolution", "0x32"}, "resolution"},
		{"unwritable folder", []string{"--out", filepath.Join(notDir, "x.h5py")}, "afile"},
		{"missing folder", []string{"--out", filepath.Join(dir, "no", "x.h5py")}, "no"},
		{"no usable font", []string{"--embedded-fonts=false", "--font-dir", emptyFonts}, "font"},
		{"unknown backend", []string{"--backend", "vulkan"}, "vulkan"},
		// SYNBOLS_EGL_LIBRARY (set below) simulates a machine without libEGL.
		{"gpu absent", []string{"--backend", "gpu"}, "libEGL"},
		{"bad spec", []string{"--spec", badSpec}, "rotaton"},
		{"unknown flag", []string{"--colour", "red"}, "colour"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.name == "gpu absent" {
				t.Setenv("SYNBOLS_EGL_LIBRARY", "/nonexistent/libEGL.so.1")
			}
			code, _, errs := command(t, dir, append(append([]string{}, base...), c.args...)...)
			if code == 0 {
				t.Fatalf("exit 0, want non-zero")
			}
			msg := strings.TrimSpace(errs)
			last := msg[strings.LastIndex(msg, "\n")+1:]
			if !strings.Contains(last, c.want) || !strings.HasPrefix(last, "synbols-gpu:") {
				t.Errorf("error %q does not name %q", last, c.want)
			}
			if got := outputs(t, dir); len(got) != 0 {
				t.Errorf("files left behind: %v", got)
			}
		})
	}
}

// TestCorruptFontSkipped: a broken file in --font-dir is skipped with a
// warning that names it, and the run succeeds with the other fonts.
func TestCorruptFontSkipped(t *testing.T) {
	dir, fontDir := t.TempDir(), t.TempDir()
	bad := filepath.Join(fontDir, "broken.ttf")
	if err := os.WriteFile(bad, bytes.Repeat([]byte("not a font "), 100), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs := command(t, dir, "generate", "--n_samples", "20", "--system-fonts=false", "--quiet", "--font-dir", fontDir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(errs, "warning") || !strings.Contains(errs, "broken.ttf") {
		t.Errorf("stderr %q does not warn about broken.ttf", errs)
	}
}

func TestHelpListsPresets(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"generate", "--help"}} {
		var out, errb bytes.Buffer
		_ = run(context.Background(), args, &out, &errb)
		text := out.String() + errb.String()
		for _, p := range []string{"default", "default-bw", "plain", "tiny"} {
			if !strings.Contains(text, "  "+p+" ") {
				t.Errorf("%v: help does not list preset %q:\n%s", args, p, text)
			}
		}
	}
}

// TestSpecFile runs the README's example spec file end to end.
func TestSpecFile(t *testing.T) {
	dir := t.TempDir()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	start := strings.Index(text, "```yaml\n")
	end := strings.Index(text[start+8:], "```")
	if start < 0 || end < 0 {
		t.Fatal("README has no yaml example")
	}
	specPath := filepath.Join(dir, "rotated-serif.yaml")
	if err := os.WriteFile(specPath, []byte(text[start+8:start+8+end]), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := command(t, dir, "generate", "--spec", specPath, "--n_samples", "30", "--system-fonts=false", "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "rotated-serif: 30 samples") {
		t.Errorf("summary %q", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "rotated-serif.h5py")); err != nil {
		t.Error(err)
	}
}

// TestBenchBackends: bench prints a CPU row and either a GPU row or one
// line saying why there is none; bad lists are usage errors.
func TestBenchBackends(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := command(t, dir, "bench", "--backends", "cpu,gpu", "--sizes", "8", "--n_samples", "40",
		"--time", "1ms", "--batch", "16", "--system-fonts=false", "--cache-dir", "")
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	if !strings.Contains(out, " cpu ") || !(strings.Contains(out, " gpu ") || strings.Contains(out, "gpu: not measured: ")) {
		t.Errorf("want a cpu row and a gpu row or note:\n%s", out)
	}
	for _, args := range [][]string{{"--backends", "cpu,tpu"}, {"--sizes", "32,x"}, {"--backend", "gpu"}} {
		if code, _, errs := command(t, dir, append([]string{"bench"}, args...)...); code != 2 {
			t.Errorf("bench %v: exit %d (%s), want 2", args, code, errs)
		}
	}
}

// TestProgressLine: the bar shows the fraction, the rate and an ETA, and
// finish ends the line.
func TestProgressLine(t *testing.T) {
	var buf bytes.Buffer
	p := &progress{w: &buf, total: 1000, on: true, start: time.Now().Add(-2 * time.Second)}
	p.update(500)
	p.finish()
	line := buf.String()
	for _, want := range []string{"\r[", "50%", "500/1000", "images/s", "ETA 2s", "\n"} {
		if !strings.Contains(line, want) {
			t.Errorf("progress %q lacks %q", line, want)
		}
	}
	var off bytes.Buffer
	q := newProgress(&off, 10, true, 0) // a bytes.Buffer is no terminal
	q.update(5)
	q.finish()
	if off.Len() != 0 {
		t.Errorf("progress drawn on a non-terminal: %q", off.String())
	}
	// In a log: plain lines, at most one per interval, none for the end.
	var log bytes.Buffer
	l := newProgress(&log, 1000, true, time.Hour)
	l.start = time.Now().Add(-2 * time.Hour)
	l.last = l.start
	l.update(400) // an interval has passed: a line
	l.update(500) // within the interval: none
	l.update(1000)
	l.finish()
	lines := strings.Split(strings.TrimSuffix(log.String(), "\n"), "\n")
	if len(lines) != 1 || strings.Contains(log.String(), "\r") {
		t.Fatalf("log progress %q: want one line without carriage returns", log.String())
	}
	for _, want := range []string{"400/1000 samples (40%)", "images/s", "2h0m0s elapsed", "ETA 3h0m0s"} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("log progress %q lacks %q", lines[0], want)
		}
	}
}

// TestProgressInLog: generate with stderr in a pipe prints progress
// lines at --progress-every while the run goes on, and none with --quiet.
func TestProgressInLog(t *testing.T) {
	dir := t.TempDir()
	args := []string{"generate", "--dataset", "default", "--n_samples", "40000", "--batch", "256", "--progress-every", "1ms", "--out", "p.h5py", "--system-fonts=false"}
	code, _, errs := run1(t, dir, nil, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	n := strings.Count(errs, "/40000 samples (")
	if n < 2 || strings.Contains(errs, "\r") {
		t.Errorf("stderr has %d progress lines (want several, no carriage returns):\n%s", n, errs)
	}
	code, _, errs = run1(t, dir, nil, append(args, "--force", "--quiet")...)
	if code != 0 || errs != "" {
		t.Errorf("--quiet: exit %d, stderr %q", code, errs)
	}
	code, _, errs = run1(t, dir, nil, "generate", "--progress-every", "-1s")
	if code != 2 {
		t.Errorf("--progress-every -1s: exit %d, want 2", code)
	}
	oneLine(t, errs, "--progress-every")
}

// TestConventions: the command line's spellings, table-driven: the
// original's --n_samples and --n-samples, --no-X for every boolean --X,
// the output named by the spec's name:, and a summary with set-up and
// total time and the number of symbols the spec really draws.
func TestConventions(t *testing.T) {
	three := filepath.Join(t.TempDir(), "file-name.yaml")
	if err := os.WriteFile(three, []byte("name: three-letters\nbase: default\nsymbol: {char: {choice: {values: [a, b, c]}}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		args  []string
		files []string // in the output folder afterwards
		out   []string // in the summary line
	}{
		{"n_samples", []string{"--n_samples", "20"}, []string{"default.h5py", "default_preview.png"}, []string{"default: 20 samples", "26 symbols"}},
		{"n-samples", []string{"--n-samples", "20"}, []string{"default.h5py", "default_preview.png"}, []string{"default: 20 samples"}},
		{"no-preview", []string{"--n-samples", "20", "--no-preview"}, []string{"default.h5py"}, nil},
		{"preview=false", []string{"--n-samples", "20", "--preview=false"}, []string{"default.h5py"}, nil},
		{"spec name", []string{"--n-samples", "20", "--spec", three}, []string{"three-letters.h5py", "three-letters_preview.png"}, []string{"three-letters: 20 samples", "(13 fonts, 3 symbols)"}},
		{"times", []string{"--n-samples", "20"}, []string{"default.h5py", "default_preview.png"}, []string{"(set-up ", " s, total ", " s)"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			code, out, errs := command(t, dir, append([]string{"generate", "--no-system-fonts", "--quiet"}, c.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			if got := outputs(t, dir); strings.Join(got, ",") != strings.Join(c.files, ",") {
				t.Errorf("files %v, want %v", got, c.files)
			}
			for _, w := range c.out {
				if !strings.Contains(out, w) {
					t.Errorf("summary %q lacks %q", out, w)
				}
			}
		})
	}
	// --help lists --flag spellings and no --no-X clutter.
	var help bytes.Buffer
	_ = run(context.Background(), []string{"generate", "--help"}, &help, io.Discard)
	if !strings.Contains(help.String(), "  --n_samples int") || strings.Contains(help.String(), "  --no-preview") || !strings.Contains(help.String(), "--no-preview turns it off") {
		t.Errorf("generate --help:\n%s", help.String())
	}
}

// TestFlagMessages: package flag's mistakes in the tool's words, two
// dashes and what the flag wants, for each kind of flag the commands use.
func TestFlagMessages(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--seed", "-1"}, `--seed "-1": want a whole number ≥ 0`},
		{[]string{"--seed", "1e30"}, `--seed "1e30": want a whole number ≥ 0`},
		{[]string{"--seed", "99999999999999999999"}, `--seed "99999999999999999999": out of range: at most 18446744073709551615`},
		{[]string{"--n", "2.5"}, `--n "2.5": want a whole number`},
		{[]string{"--n", "99999999999999999999"}, `--n "99999999999999999999": out of range for a 64-bit integer`},
		{[]string{"--ratio", "half"}, `--ratio "half": want a number`},
		{[]string{"--time", "5"}, `--time "5": want a duration, e.g. 2s or 500ms`},
		{[]string{"--quiet=maybe"}, `--quiet "maybe": want true or false`},
		{[]string{"--nope"}, "unknown flag --nope"},
		{[]string{"-nope"}, "unknown flag --nope"},
		{[]string{"--n"}, "--n needs a value"},
	} {
		fs := flag.NewFlagSet("demo", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		fs.Uint64("seed", 0, "")
		fs.Int("n", 0, "")
		fs.Float64("ratio", 0, "")
		fs.Duration("time", 0, "")
		fs.Bool("quiet", false, "")
		err := fs.Parse(c.args)
		if err == nil {
			t.Errorf("%v: parsed", c.args)
			continue
		}
		if got := flagMessage(fs, err); got != c.want {
			t.Errorf("%v: %q, want %q (package flag said %q)", c.args, got, c.want, err)
		}
	}
}
