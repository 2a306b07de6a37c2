package fonts_test

import (
	"bytes"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/atlas"
	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/fonts"
	"github.com/synbols-gpu/synbols-gpu/scene"
)

// The wght instance of a variable font flows through the atlas (its own
// tiles, wider ink) and the planner (drawn as bold, no synthetic bias).
func TestVariableBoldAtlasAndPlanner(t *testing.T) {
	lib, err := fonts.Load(fonts.Options{Dirs: []string{"testdata/variable"}})
	if err != nil {
		t.Fatal(err)
	}
	fam, ok := lib.Family("Karla")
	if !ok || fam.Bold == nil {
		t.Fatal("Karla has no bold face")
	}
	a, err := atlas.New(atlas.DefaultParams(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range "lH" {
		ir, err1 := a.Glyph(fam.Regular, r)
		ib, err2 := a.Glyph(fam.Bold, r)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if ir == ib {
			t.Fatalf("%c: regular and bold share tile %d", r, ir)
		}
		g := a.Glyphs()
		gr, gb := g[ir], g[ib]
		if bytes.Equal(gr.Tile, gb.Tile) {
			t.Errorf("%c: identical tiles", r)
		}
		if wr, wb := gr.Ink[2]-gr.Ink[0], gb.Ink[2]-gb.Ink[0]; wb <= wr {
			t.Errorf("%c: bold ink width %g em, regular %g em", r, wb, wr)
		}
	}
	p := &engine.Planner{Fonts: lib, Atlas: a}
	f, bias, err := p.Face(&scene.Symbol{Font: "Karla", Bold: true})
	if err != nil || f != fam.Bold || bias != 0 {
		t.Errorf("bold symbol: face %v, synthetic bias %g, err %v", f, bias, err)
	}
	f, bias, err = p.Face(&scene.Symbol{Font: "Karla"})
	if err != nil || f != fam.Regular || bias != 0 {
		t.Errorf("regular symbol: face %v, bias %g, err %v", f, bias, err)
	}
}
