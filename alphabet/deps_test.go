package alphabet

import (
	"testing"

	"github.com/synbols-gpu/synbols-gpu/internal/godeps"
)

// TestNoFonts: the dependency arrow points one way, fonts → alphabet
// (and spec → alphabet): this package imports nothing of the module.
func TestNoFonts(t *testing.T) {
	godeps.NoModuleDeps(t, godeps.Module+"/alphabet")
}
