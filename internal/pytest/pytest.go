// Package pytest finds the Python that has h5py and numpy, for tests that
// check our files the way Synbols users read them.
//
// Debian's python3-h5py installs into /usr/bin/python3; the python3 first on
// PATH may be another build without it. Under CI (CI set) a missing h5py is
// a failure, elsewhere the test is skipped with the reason.
package pytest

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Python returns the path of a python3 that imports h5py and numpy.
func Python(t testing.TB) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		path, err := exec.LookPath(p)
		if err != nil {
			continue
		}
		if exec.Command(path, "-c", "import h5py, numpy").Run() == nil {
			return path
		}
	}
	msg := "no python3 with h5py and numpy (Debian: apt-get install python3-h5py)"
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// Run runs script with python and the given arguments, failing the test
// with the script's output if it exits non-zero. It returns stdout.
func Run(t testing.TB, python, script string, args ...string) string {
	t.Helper()
	cmd := exec.Command(python, append([]string{"-c", script}, args...)...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("python check failed: %v\nstdout:\n%s\nstderr:\n%s", err, out.String(), errb.String())
	}
	return out.String()
}
