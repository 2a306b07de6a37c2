package testenv

import (
	"os"
	"testing"
)

// RequireRoot is for tests that need root: device nodes made with mknod
// in a scratch folder, small tmpfs mounts. CI runs as root, so there
// (CI set) a missing privilege fails the test; a developer running the
// suite as another user gets a skip that says why.
func RequireRoot(t testing.TB, what string) {
	t.Helper()
	if os.Geteuid() == 0 {
		return
	}
	msg := what + " needs root (run the suite as root, as CI does)"
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}
