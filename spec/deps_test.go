package spec

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNoFonts: spec knows the languages from package alphabet and never
// depends on package fonts (or anything below it), so that a spec can be
// parsed and checked without the font loader.
func TestNoFonts(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	args := []string{"list", "-deps", "github.com/synbols-gpu/synbols-gpu/spec"}
	out, err := exec.Command("go", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	alpha := false
	for _, p := range strings.Fields(string(out)) {
		if strings.HasSuffix(p, "/synbols-gpu/fonts") || strings.Contains(p, "/synbols-gpu/fonts/") {
			t.Errorf("go %s: depends on %s", strings.Join(args, " "), p)
		}
		alpha = alpha || strings.HasSuffix(p, "/synbols-gpu/alphabet")
	}
	if !alpha {
		t.Errorf("go %s: no alphabet package among the dependencies", strings.Join(args, " "))
	}
}
