package detmath

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/internal/modsrc"
)

// goCmd runs the go command in the module's root with env added, and
// returns its combined output.
func goCmd(t *testing.T, env []string, args ...string) ([]byte, error) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = moduleRoot(t)
	cmd.Env = append(os.Environ(), env...)
	return cmd.CombinedOutput()
}

// moduleRoot returns the module's root, having looked at every Go file
// under it so that go test's cache reruns these tests when any changes
// (modsrc).
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := modsrc.Root()
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// fusedSites lists file:line, within the module's root, of the fused
// multiply-add instructions matching fused in the compiler's assembly
// listing out (go build -gcflags=-S).
func fusedSites(root string, out []byte, fused *regexp.Regexp) []string {
	pos := regexp.MustCompile(`\((` + regexp.QuoteMeta(root) + `/[^)]+:\d+)\)\s+(\S+)`)
	seen := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		m := pos.FindSubmatch(sc.Bytes())
		if m != nil && fused.Match(m[2]) {
			seen[strings.TrimPrefix(string(m[1]), root+"/")] = true
		}
	}
	return slices.Sorted(func(yield func(string) bool) {
		for s := range seen {
			if !yield(s) {
				return
			}
		}
	})
}

// TestNoFusedMultiplyAdd compiles every package of the module for the
// targets where Go fuses x·y + z into one instruction, arm64 (pure-Go
// packages, cross-compiled without cgo) and amd64 with GOAMD64=v3 (every
// package), and fails on any fused multiply-add in the module's own code:
// each would round a sum once where the baseline amd64 build rounds
// twice, so a sample's attributes or pixels would depend on how the
// binary was built. The fix is an explicit conversion of the product,
// float32(x*y) + z, which the language does not let the compiler fuse
// across (package doc).
func TestNoFusedMultiplyAdd(t *testing.T) {
	root := moduleRoot(t)
	arm := regexp.MustCompile(`^F(N?M(ADD|SUB))[SD]$`)
	x86 := regexp.MustCompile(`^VF(N?M(ADD|SUB))`)
	// arm64: the packages that need no cgo, themselves or through their
	// imports (cross-compiling cgo needs the target's C compiler).
	list, err := goCmd(t, nil, "list", "-f", "{{.ImportPath}} {{if .CgoFiles}}cgo{{end}} {{join .Deps \" \"}}", "./...")
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, list)
	}
	lines := strings.Split(strings.TrimSpace(string(list)), "\n")
	cgo := map[string]bool{}
	for _, l := range lines {
		if f := strings.Fields(l); len(f) > 1 && f[1] == "cgo" {
			cgo[f[0]] = true
		}
	}
	var pure []string
	for _, l := range lines {
		f := strings.Fields(l)
		if !slices.ContainsFunc(f, func(p string) bool { return cgo[p] || p == "runtime/cgo" || p == "cgo" }) {
			pure = append(pure, f[0])
		}
	}
	if len(pure) < 10 || len(cgo) == 0 {
		t.Fatalf("%d packages without cgo, %d with: %q", len(pure), len(cgo), pure)
	}
	// amd64.v3: every package where cgo builds natively; from another
	// host, cross-compiling, the pure ones.
	v3 := []string{"./..."}
	if runtime.GOARCH != "amd64" {
		v3 = pure
	}
	for _, c := range []struct {
		name  string
		env   []string
		pkgs  []string
		fused *regexp.Regexp
	}{
		{"arm64", []string{"CGO_ENABLED=0", "GOARCH=arm64"}, pure, arm},
		{"amd64.v3", []string{"GOARCH=amd64", "GOAMD64=v3"}, v3, x86},
		// The vector painting loops (engine/cpu, engine/internal/paint):
		// archsimd's Mul and Add are separate instructions, unless
		// the compiler learns to fuse them.
		{"amd64.v3.simd", []string{"GOARCH=amd64", "GOAMD64=v3", "GOEXPERIMENT=simd"}, v3, x86},
	} {
		out, err := goCmd(t, c.env, append([]string{"build", "-gcflags=-S"}, c.pkgs...)...)
		if err != nil {
			t.Fatalf("%s: go build: %v\n%s", c.name, err, out)
		}
		if !bytes.Contains(out, []byte("TEXT")) {
			t.Fatalf("%s: no assembly listing in go build -gcflags=-S's output", c.name)
		}
		sites := fusedSites(root, out, c.fused)
		if len(sites) > 0 {
			t.Errorf("%s: %d fused multiply-adds in the module's code (round the product: float32(x*y) + z):\n%s", c.name, len(sites), strings.Join(sites, "\n"))
		}
	}
}

// TestSameBytesOnAmd64V3 runs the tests that pin sampled attributes and
// painted bytes (the sampler's draw order, the painter's reference
// images, this package's agreement with math) in binaries built with
// GOAMD64=v3, where the compiler may fuse: they must pass there as they
// do here. Needs a CPU with the v3 instructions (CI's has them).
func TestSameBytesOnAmd64V3(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("not an amd64 machine: GOAMD64=v3 binaries cannot run here")
	}
	cpuinfo, err := os.ReadFile("/proc/cpuinfo")
	if err != nil || !hasFlags(cpuinfo, "avx2", "fma", "bmi2", "movbe", "f16c") {
		msg := "this CPU cannot run GOAMD64=v3 binaries (no AVX2, FMA, BMI2, MOVBE or F16C in /proc/cpuinfo)"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	out, err := goCmd(t, []string{"GOARCH=amd64", "GOAMD64=v3"}, "test", "-count=1",
		"-run", "^(TestDrawOrder|TestDrawOrderPinned|TestMatchesReference|TestAgainstMath)$",
		"./spec", "./engine/cpu", "./internal/detmath")
	if err != nil {
		t.Fatalf("GOAMD64=v3 go test: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}

// hasFlags reports whether the first "flags" line of cpuinfo lists all of
// flags.
func hasFlags(cpuinfo []byte, flags ...string) bool {
	for _, line := range strings.Split(string(cpuinfo), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "flags" {
			have := strings.Fields(v)
			for _, f := range flags {
				if !slices.Contains(have, f) {
					return false
				}
			}
			return true
		}
	}
	return false
}
