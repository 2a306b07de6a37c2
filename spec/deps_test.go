package spec

import (
	"strings"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/internal/godeps"
)

// TestNoFonts: spec knows the languages from package alphabet and never
// depends on package fonts (or anything below it), so that a spec can be
// parsed and checked without the font loader.
func TestNoFonts(t *testing.T) {
	alpha := false
	for _, p := range godeps.Deps(t, false, godeps.Module+"/spec") {
		if strings.HasSuffix(p, "/synbols-gpu/fonts") || strings.Contains(p, "/synbols-gpu/fonts/") {
			t.Errorf("spec depends on %s", p)
		}
		alpha = alpha || strings.HasSuffix(p, "/synbols-gpu/alphabet")
	}
	if !alpha {
		t.Error("no alphabet package among spec's dependencies")
	}
}
