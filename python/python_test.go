package python

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/internal/pytest"
)

// TestPython builds synbols-gpu and runs the Python package's unittest
// suite (python/tests) with SYNBOLS_GPU set to it and PYTHONPATH=python.
// Without a python3 that has h5py and numpy, or torch, the test is skipped
// (the torch cases alone for torch), and fails under CI (CI set).
func TestPython(t *testing.T) {
	python := pytest.Python(t)
	if !pytest.Has(t, python, "torch", "python3-torch") {
		t.Log("the torch cases are skipped")
	}
	here, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	bin := pytest.BuildCLI(t, dir)
	tmp := filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(python, "-m", "unittest", "discover", "-s", "tests", "-v")
	cmd.Dir = here
	cmd.Env = append(os.Environ(), "SYNBOLS_GPU="+bin, "PYTHONPATH="+here, "PYTHONDONTWRITEBYTECODE=1",
		"TMPDIR="+tmp, "XDG_CACHE_HOME="+filepath.Join(dir, "cache"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("python -m unittest discover -s python/tests: %v\n%s", err, out)
	}
	// The verdicts (skips say why), without the generator's summary lines.
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, " ... ") || strings.HasPrefix(line, "Ran ") || strings.HasPrefix(line, "OK") {
			t.Log(line)
		}
	}
}
