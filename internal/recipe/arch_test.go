package recipe

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/engine/cpu"
	"github.com/synbols-gpu/synbols-gpu/fonts"
	"github.com/synbols-gpu/synbols-gpu/internal/modsrc"
	"github.com/synbols-gpu/synbols-gpu/internal/testenv"
	"github.com/synbols-gpu/synbols-gpu/spec"
)

// digestEnv names the file TestPaintDigest writes its digests to when
// TestSameBytesOnArm64 runs it under emulation.
const digestEnv = "SYNBOLS_DIGEST_OUT"

// paintDigests plans and paints (CPU backend, one worker) the first n
// samples of every preset but those that need files from outside
// (natural-patterns) or whose alphabets take minutes to rasterise under
// emulation (all-chars, korean-1k, balanced-font-chars), and returns one
// line per preset: the SHA-256 of the plan (every image's and symbol's
// record, floats in full) and of the painted x and masks; and first a
// line for the catalogue that BuildCatalog makes of the embedded fonts,
// and one for its decisions over the installed fonts.
func paintDigests(t testing.TB, n int) string {
	lib, at := testenv.Embedded(t)
	var out strings.Builder
	// The catalogue's shape checks (which families each language keeps,
	// and the measurements that decided it) over the embedded fonts.
	cat := fonts.BuildCatalog(lib, nil, fonts.DefaultCheckConfig())
	js, err := json.Marshal(cat.Languages)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&out, "catalogue %x\n", sha256.Sum256(js))
	// The installed fonts' catalogue: its decisions only (which families
	// each language keeps and drops, for which checks). The measurements
	// that decided them are not equal on arm64: x/image/vector, which the
	// shape checks rasterise with, computes there with fused
	// multiply-adds (and on amd64 in SIMD assembly), so a distance can
	// move in its last digits (DejaVu Math TeX Gyre to DejaVu Serif:
	// 0.0012 here, 0.0011 there). A family sitting on a threshold would
	// change the pool; none of the installed ones does.
	sys, err := fonts.Load(fonts.Options{System: true})
	if errors.Is(err, fonts.ErrNoFonts) {
		sys, err = &fonts.Library{}, nil // no installed fonts: nothing to decide
	}
	if err != nil {
		t.Fatal(err)
	}
	decisions := sha256.New()
	for _, l := range fonts.BuildCatalog(sys, nil, fonts.DefaultCheckConfig()).Languages {
		fmt.Fprintf(decisions, "%s %d %d %d %d\n", l.Language, l.Exemplars, l.Symbols, l.BoldFamilies, l.BoldSymbols)
		for _, f := range l.Families {
			fmt.Fprintf(decisions, "keep %s %s %v\n", f.Name, f.Bold, f.InBold)
		}
		for _, f := range l.Dropped {
			fmt.Fprintf(decisions, "drop %s:", f.Name)
			for _, r := range f.Reasons {
				fmt.Fprintf(decisions, " %s", r.Check)
			}
			fmt.Fprintln(decisions)
		}
	}
	fmt.Fprintf(&out, "installed fonts' catalogue (%d families) %x\n", len(sys.Families), decisions.Sum(nil))
	for _, p := range spec.Presets() {
		switch p.Name {
		case "natural-patterns", "all-chars", "korean-1k", "balanced-font-chars":
			continue
		}
		sp, err := spec.Preset(p.Name)
		if err != nil {
			t.Fatal(err)
		}
		m := n
		if w, _ := sp.Resolution(); w >= 128 {
			m = max(1, n/8) // 16× the pixels: an eighth of the samples
		}
		b, err := Batch(sp, lib, at, 5, 0, m)
		if err != nil {
			t.Fatalf("%s: %v", p.Name, err)
		}
		plan := sha256.New()
		fmt.Fprintf(plan, "%v\n%v\n%v\n", b.Images, b.Symbols, b.Layers)
		o := engine.Output{X: make([]byte, m*b.Width*b.Height*b.Channels), Mask: make([]byte, m*b.Width*b.Height*b.MaskChannels)}
		if err := cpu.New(1).Paint(b, o); err != nil {
			t.Fatalf("%s: paint: %v", p.Name, err)
		}
		fmt.Fprintf(&out, "%s plan %x x %x mask %x\n", p.Name, plan.Sum(nil), sha256.Sum256(o.X), sha256.Sum256(o.Mask))
	}
	return out.String()
}

// nativeDigests is paintDigests(t, 32), computed once per test binary: both
// tests below want this machine's.
func nativeDigests(t testing.TB) string {
	digestOnce.Do(func() { digestMemo = paintDigests(t, 32) })
	if digestMemo == "" {
		t.Fatal("paintDigests failed in an earlier test")
	}
	return digestMemo
}

var (
	digestOnce sync.Once
	digestMemo string
)

// TestPaintDigest computes paintDigests (the catalogue and at least a
// dozen presets) and, with SYNBOLS_DIGEST_OUT set, writes them there: the
// half of TestSameBytesOnArm64 that runs on the other architecture.
func TestPaintDigest(t *testing.T) {
	d := nativeDigests(t)
	if n := strings.Count(d, "\n"); n < 14 {
		t.Fatalf("%d presets digested:\n%s", n, d)
	}
	if path := os.Getenv(digestEnv); path != "" {
		if err := os.WriteFile(path, []byte(d), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestSameBytesOnArm64 cross-compiles this package's tests for arm64,
// runs TestPaintDigest there under user-mode emulation (qemu-aarch64,
// which executes the real arm64 instructions, FMA included) and compares
// its digests with this machine's: every preset must sample, plan and
// paint the same bytes on both. Go fuses multiply-adds on arm64 and the
// math package's functions differ there; this is the check that neither
// reaches a dataset (internal/detmath, TestNoFusedMultiplyAdd).
func TestSameBytesOnArm64(t *testing.T) {
	if runtime.GOARCH == "arm64" {
		t.Skip("this is an arm64 machine: TestPaintDigest's digests are its own; compare them with an amd64 run's")
	}
	qemu, err := exec.LookPath("qemu-aarch64")
	if err != nil {
		if qemu, err = exec.LookPath("qemu-aarch64-static"); err != nil {
			msg := "qemu-aarch64 not found (apt-get install qemu-user)"
			if os.Getenv("CI") != "" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
	}
	sameDigests(t, "arm64", []string{"GOARCH=arm64", "CGO_ENABLED=0"}, qemu)
}

// TestSameBytesVectorized is TestSameBytesOnArm64 for the build with
// vector painting loops (GOEXPERIMENT=simd, engine/cpu's AVX2 form, which
// the README's build uses): the test binary built that way runs
// TestPaintDigest here and must write this build's digests, for every
// preset. Needs a CPU with AVX2 (CI's has it).
func TestSameBytesVectorized(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("not an amd64 machine: the vector loops are amd64's")
	}
	if simdBuild {
		t.Skip("this test binary is the vector build: run the tests without GOEXPERIMENT=simd to compare the two")
	}
	testenv.RequireAVX2(t, "comparing the vector build's digests")
	sameDigests(t, "the vector build", []string{"GOEXPERIMENT=simd"}, "")
}

// sameDigests builds this package's tests with env added, runs their
// TestPaintDigest (under runner, when not ""), and compares the digests
// it writes with this binary's.
func sameDigests(t *testing.T, name string, env []string, runner string) {
	// The other build's sources are not all in this binary: look at them
	// all, so that go test's cache reruns this when any changes.
	root, err := modsrc.Root()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "recipe.other.test")
	build := exec.Command("go", "test", "-c", "-o", bin, "./internal/recipe")
	build.Dir = root
	build.Env = append(os.Environ(), env...)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the tests for %s (%s): %v\n%s", name, strings.Join(env, " "), err, out)
	}
	digests := filepath.Join(dir, "digests.txt")
	args := []string{bin, "-test.run", "^TestPaintDigest$", "-test.count", "1"}
	if runner != "" {
		args = append([]string{runner}, args...)
	}
	run := exec.Command(args[0], args[1:]...)
	run.Env = append(os.Environ(), digestEnv+"="+digests)
	if out, err := run.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
	got, err := os.ReadFile(digests)
	if err != nil {
		t.Fatal(err)
	}
	want := nativeDigests(t)
	if !bytes.Equal(got, []byte(want)) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(want, "\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Errorf("%s: %s\n this build: %s", name, gl[i], wl[i])
			}
		}
		if len(gl) != len(wl) {
			t.Errorf("%s digested %d lines, this build %d", name, len(gl)-1, len(wl)-1)
		}
	}
	t.Logf("the catalogues and %d presets, the same in %s:\n%s", strings.Count(want, "\n")-2, name, want)
}
