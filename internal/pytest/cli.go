package pytest

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// Has reports whether python imports module; without it, under CI (CI
// set) the test fails naming the Debian package, elsewhere Has logs that
// and returns false, for the caller to skip what needs it.
func Has(t testing.TB, python, module, debianPackage string) bool {
	t.Helper()
	if exec.Command(python, "-c", "import "+module).Run() == nil {
		return true
	}
	msg := "python3 has no " + module + " (Debian: apt-get install " + debianPackage + ")"
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Log(msg)
	return false
}

// BuildCLI builds the synbols-gpu command of the module into dir and
// returns its path, for tests that drive it from Python.
func BuildCLI(t testing.TB, dir string) string {
	t.Helper()
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "synbols-gpu")
	build := exec.Command(goTool(), "build", "-o", bin, "./cmd/synbols-gpu")
	build.Dir = root
	// The README's build: the vector painting loops where the CPU has
	// AVX2 (engine/cpu).
	build.Env = append(os.Environ(), "GOEXPERIMENT=simd")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("GOEXPERIMENT=simd go build ./cmd/synbols-gpu: %v\n%s", err, out)
	}
	return bin
}

// moduleRoot is the folder above the test's working directory that holds
// go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", os.ErrNotExist
		}
		dir = up
	}
}

// goTool is the go command that runs the test (its GOROOT's), else "go".
func goTool() string {
	if runtime.GOROOT() != "" {
		if p := filepath.Join(runtime.GOROOT(), "bin", "go"); fileExists(p) {
			return p
		}
	}
	return "go"
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
