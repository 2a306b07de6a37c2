package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/spec"
)

// TestSheetsCurrent: the committed contact sheets are what the program
// draws today, so a change to how presets look shows up here until the
// sheets are redrawn (go run ./docs/presets). Two presets, a flat one and
// a scene one, keep the test short; every preset must have a sheet.
func TestSheetsCurrent(t *testing.T) {
	for _, p := range spec.Presets() {
		if _, err := os.Stat(p.Name + ".png"); err != nil {
			t.Errorf("preset %s has no contact sheet: %v", p.Name, err)
		}
	}
	dir := t.TempDir()
	names := []string{"tiny", "some-large-occlusion"}
	if err := run(dir, "", names); err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		got, err := os.ReadFile(filepath.Join(dir, n+".png"))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(n + ".png")
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s.png is stale: redraw the sheets with go run ./docs/presets", n)
		}
	}
}
