package alphabet

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNoFonts: the dependency arrow points one way, fonts → alphabet
// (and spec → alphabet): this package imports nothing of the module.
func TestNoFonts(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	for _, pkg := range []string{"github.com/synbols-gpu/synbols-gpu/alphabet"} {
		out, err := exec.Command("go", "list", "-deps", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		for _, p := range strings.Fields(string(out)) {
			if strings.HasPrefix(p, "github.com/synbols-gpu/synbols-gpu/") && p != pkg {
				t.Errorf("%s depends on %s", pkg, p)
			}
		}
	}
}
