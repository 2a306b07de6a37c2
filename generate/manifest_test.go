package generate

import (
	"errors"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/fonts"
)

// TestManifestVariableBold: a variable font's bold instance is recorded
// with its wght coordinate, and --fonts-from insists on the same one.
func TestManifestVariableBold(t *testing.T) {
	lib, err := fonts.Load(fonts.Options{Dirs: []string{"../fonts/testdata/variable"}})
	if err != nil {
		t.Fatal(err)
	}
	fam, ok := lib.Family("Karla")
	if !ok || fam.Bold == nil || fam.Bold.Wght() == 0 {
		t.Fatalf("Karla with a variable bold not loaded: %+v", fam)
	}
	recs := FontManifest(lib, []string{"Karla"})
	if len(recs) != 2 || recs[0].Wght != 0 || recs[1].Wght != fam.Bold.Wght() || !recs[1].Bold {
		t.Fatalf("manifest %+v", recs)
	}
	if got, err := FontsFrom(lib, recs); err != nil || len(got.Families) != 1 || got.Families[0].Bold != fam.Bold {
		t.Fatalf("FontsFrom(own manifest) = %+v, %v", got, err)
	}
	recs[1].Wght = 600
	if _, err := FontsFrom(lib, recs); !errors.Is(err, ErrMissingFont) {
		t.Errorf("a manifest asking wght 600 of a wght-%v bold: err %v, want ErrMissingFont", fam.Bold.Wght(), err)
	}
}
