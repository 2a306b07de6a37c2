package install

import (
	"testing"

	"github.com/synbols-gpu/synbols-gpu/internal/godeps"
)

// TestStandalone: the installer imports nothing of the module (not even
// fonts), so that only the command line's "fonts install" needs it.
func TestStandalone(t *testing.T) {
	godeps.NoModuleDeps(t, godeps.Module+"/fonts/install")
}
