// Package godeps lists a package's dependencies with the go command, for
// tests that keep the module's dependency arrows pointing one way. It
// imports nothing of the module, so any package's tests can use it.
package godeps

import (
	"os/exec"
	"strings"
	"testing"
)

// Module is this module's import path.
const Module = "github.com/synbols-gpu/synbols-gpu"

// Deps returns the packages `go list -deps [-test] pkg` lists, for tests
// that keep a dependency arrow pointing one way. It skips without a go
// command (tests always run with one).
func Deps(t testing.TB, test bool, pkg string) []string {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	args := []string{"list", "-deps"}
	if test {
		args = append(args, "-test")
	}
	args = append(args, pkg)
	out, err := exec.Command("go", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.Fields(string(out))
}

// NoModuleDeps fails unless pkg imports nothing of the module.
func NoModuleDeps(t testing.TB, pkg string) {
	t.Helper()
	for _, p := range Deps(t, false, pkg) {
		if strings.HasPrefix(p, Module+"/") && p != pkg {
			t.Errorf("%s depends on %s", pkg, p)
		}
	}
}
