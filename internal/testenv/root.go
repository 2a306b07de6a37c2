package testenv

import (
	"os"
	"strings"
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

// RequireAVX2 is for tests of the vector build's loops (engine/cpu),
// which need a CPU with AVX2: CI's has it, so there a CPU without it
// fails the test; elsewhere it is a skip that says why.
func RequireAVX2(t testing.TB, what string) {
	t.Helper()
	cpuinfo, err := os.ReadFile("/proc/cpuinfo")
	if err == nil && strings.Contains(string(cpuinfo), " avx2") {
		return
	}
	msg := what + " needs a CPU with AVX2 (none in /proc/cpuinfo)"
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}
