package gl

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// childEnv makes the test binary run TestHardwareOnlyLoadsNoDriver's
// child half: a fresh process, so that no other test's context has
// loaded a driver before it looks.
const childEnv = "SYNBOLS_GL_TEST_HARDWARE_ONLY_CHILD"

// TestHardwareOnlyLoadsNoDriver: on a machine whose EGL lists only
// software devices (CI's and this one's, Mesa's llvmpipe), Open with
// HardwareOnly fails with ErrSoftwareOnly and maps no GL driver: the
// device platform tells software apart without a display, and
// surfaceless, which could find nothing else, is skipped instead of
// initialised (which loads Mesa's driver and LLVM, tens of milliseconds
// and 50 MB on every "auto" run that ends on the CPU). Without HardwareOnly
// the same process then does open llvmpipe, so the driver can be seen in
// the maps when it is loaded: the test could tell.
func TestHardwareOnlyLoadsNoDriver(t *testing.T) {
	if os.Getenv(childEnv) != "" {
		hardwareOnlyChild(t)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run", "^TestHardwareOnlyLoadsNoDriver$", "-test.v")
	cmd.Env = append(os.Environ(), childEnv+"=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}

func hardwareOnlyChild(t *testing.T) {
	_, hwErr := Open(Options{HardwareOnly: true})
	if err := hwErr; !errors.Is(err, ErrSoftwareOnly) {
		t.Fatalf("Open(HardwareOnly) = %v, want ErrSoftwareOnly (a machine with only software EGL devices)", err)
	}
	if !strings.Contains(hwErr.Error(), "surfaceless: skipped") {
		t.Errorf("Open(HardwareOnly): %v; want surfaceless skipped", hwErr)
	}
	if d := driverMaps(t); len(d) > 0 {
		t.Fatalf("Open(HardwareOnly) failed as it should, but mapped %v", d)
	}
	c, err := Open(Options{})
	if err != nil {
		t.Fatalf("Open without HardwareOnly: %v", err)
	}
	defer c.Close()
	d := driverMaps(t)
	if len(d) == 0 {
		t.Fatalf("%s open, yet no driver in /proc/self/maps: the check sees nothing", c.Renderer())
	}
	t.Logf("HardwareOnly: %v; then %s maps %v", hwErr, c.Renderer(), d)
}

// driverMaps returns the GL driver libraries mapped into this process:
// Mesa's DRI drivers, its gallium library and LLVM.
func driverMaps(t *testing.T) []string {
	b, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var libs []string
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) < 6 {
			continue
		}
		p := f[len(f)-1]
		base := p[strings.LastIndex(p, "/")+1:]
		if (strings.HasSuffix(base, "_dri.so") || strings.HasPrefix(base, "libgallium") || strings.HasPrefix(base, "libLLVM")) && !seen[base] {
			seen[base] = true
			libs = append(libs, base)
		}
	}
	return libs
}
