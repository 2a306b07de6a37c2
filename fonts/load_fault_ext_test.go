package fonts_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/atlas"
	"github.com/synbols-gpu/synbols-gpu/fonts"
)

// A --font-dir font truncated after Load fails the atlas' glyph build
// with an error naming the file (it used to raise SIGBUS).
func TestAtlasGlyphFontTruncated(t *testing.T) {
	data, err := os.ReadFile("testdata/variable/Karla-wght.ttf")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "Karla.ttf")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	lib, err := fonts.Load(fonts.Options{Dirs: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	fam, ok := lib.Family("Karla")
	if !ok || fam.Bold == nil {
		t.Fatal("no Karla with its wght bold")
	}
	a, err := atlas.New(atlas.DefaultParams(), "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Glyph(fam.Regular, 'a'); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(p, 1000); err != nil {
		t.Fatal(err)
	}
	for _, f := range []*fonts.Face{fam.Regular, fam.Bold} {
		_, err := a.Glyph(f, 'b')
		if !errors.Is(err, fonts.ErrFontChanged) || !strings.Contains(err.Error(), p) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: Glyph after truncation: %v, want a one-line ErrFontChanged naming %s", f, err, p)
		}
		t.Log(err)
	}
	if err := lib.Err(); !errors.Is(err, fonts.ErrFontChanged) {
		t.Errorf("Library.Err: %v", err)
	}
}
