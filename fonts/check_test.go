package fonts

import (
	"context"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"
)

// replaceTable returns a copy of an sfnt file whose table tag points at
// body, appended at the end (checksums are not checked by the parser).
func replaceTable(font []byte, tag string, body []byte) []byte {
	be := binary.BigEndian
	out := append([]byte(nil), font...)
	for len(out)%4 != 0 {
		out = append(out, 0)
	}
	off := uint32(len(out))
	out = append(out, body...)
	for j := range int(be.Uint16(out[4:])) {
		rec := out[12+16*j:]
		if string(rec[:4]) == tag {
			be.PutUint32(rec[8:], off)
			be.PutUint32(rec[12:], uint32(len(body)))
			return out
		}
	}
	panic("no table " + tag)
}

// withFamilyName renames a font: a new name table with only Windows
// English family (IDs 1, 16) and style (IDs 2, 17) names.
func withFamilyName(font []byte, family, style string) []byte {
	be := binary.BigEndian
	recs := []struct {
		id uint16
		s  string
	}{{1, family}, {2, style}, {16, family}, {17, style}}
	head := make([]byte, 6+12*len(recs))
	be.PutUint16(head[2:], uint16(len(recs)))
	be.PutUint16(head[4:], uint16(len(head)))
	var strs []byte
	for i, r := range recs {
		u := utf16.Encode([]rune(r.s))
		rec := head[6+12*i:]
		be.PutUint16(rec[0:], 3)
		be.PutUint16(rec[2:], 1)
		be.PutUint16(rec[4:], 0x409)
		be.PutUint16(rec[6:], r.id)
		be.PutUint16(rec[8:], uint16(2*len(u)))
		be.PutUint16(rec[10:], uint16(len(strs)))
		for _, c := range u {
			strs = be.AppendUint16(strs, c)
		}
	}
	return replaceTable(font, "name", append(head, strs...))
}

// withWeight sets OS/2 usWeightClass (700: the face counts as bold).
func withWeight(font []byte, w uint16) []byte {
	out := append([]byte(nil), font...)
	be := binary.BigEndian
	for j := range int(be.Uint16(out[4:])) {
		rec := out[12+16*j:]
		if string(rec[:4]) == "OS/2" {
			be.PutUint16(out[be.Uint32(rec[8:])+4:], w)
			return out
		}
	}
	panic("no OS/2 table")
}

// glyphIDs maps each rune of s to its glyph in a font file.
func glyphIDs(t testing.TB, font []byte, s string) map[rune]uint16 {
	t.Helper()
	faces, err := parseFile(font, "x.ttf", "")
	if err != nil {
		t.Fatal(err)
	}
	m := map[rune]uint16{}
	for _, r := range s {
		g, err := faces[0].Font().GlyphIndex(nil, r)
		if err != nil || g == 0 {
			t.Fatalf("glyph for %q: %d, %v", r, g, err)
		}
		m[r] = uint16(g)
	}
	return m
}

const az = "abcdefghijklmnopqrstuvwxyz"

// remapped returns DejaVu Sans renamed to family, with a-z mapped to the
// glyphs f(letter) gives (as letters of DejaVu Sans) and A-Z kept.
func remapped(t testing.TB, family string, f func(r rune) rune) []byte {
	t.Helper()
	src := embeddedBytes(t, "dejavu/DejaVuSans.ttf")
	ids := glyphIDs(t, src, az+strings.ToUpper(az)+"■ ")
	m := map[rune]uint16{}
	for _, r := range az + strings.ToUpper(az) {
		m[r] = ids[f(r)]
	}
	return withFamilyName(withCmap(src, m), family, "Regular")
}

func writeFont(t testing.TB, dir, name string, data []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// buildDir builds the catalogue of one folder (no system or embedded
// fonts, no cache).
func buildDir(t testing.TB, dir string, block []string) *Catalog {
	t.Helper()
	c, err := OpenCatalog(CatalogOptions{Sources: Options{Dirs: []string{dir}}, NoCache: true, BlockList: block})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// verdict finds a family among the kept (nil reasons) or dropped ones of
// a language.
func verdict(t testing.TB, c *Catalog, lang, family string) (kept bool, f LanguageFamily) {
	t.Helper()
	lc, ok := c.Language(lang)
	if !ok {
		t.Fatalf("no language %s", lang)
	}
	for _, f := range lc.Families {
		if f.Name == family {
			return true, f
		}
	}
	for _, f := range lc.Dropped {
		if f.Name == family {
			return false, f
		}
	}
	t.Fatalf("%s: family %q neither kept nor dropped", lang, family)
	return false, LanguageFamily{}
}

func checks(f LanguageFamily) []string {
	var out []string
	for _, r := range f.Reasons {
		out = append(out, r.Check)
	}
	return out
}

// TestChecksCraftedFonts: one folder holding a good font and crafted bad
// ones; each bad one is dropped for its own reason, the good one kept.
func TestChecksCraftedFonts(t *testing.T) {
	dir := t.TempDir()
	id := func(r rune) rune { return r }
	writeFont(t, dir, "good.ttf", remapped(t, "Good Sans", id))
	// a-z all drawn as one filled box.
	writeFont(t, dir, "box.ttf", remapped(t, "Box Font", func(r rune) rune {
		if r >= 'a' && r <= 'z' {
			return '■'
		}
		return r
	}))
	// a-z all drawn as one letter: not a box, still one shape.
	writeFont(t, dir, "onex.ttf", remapped(t, "One X", func(r rune) rune {
		if r >= 'a' && r <= 'z' {
			return 'x'
		}
		return r
	}))
	// a-z drawn as other letters (rot13): 26 distinct real glyphs whose
	// shapes do not depend on the char, like a dingbat font.
	writeFont(t, dir, "rot.ttf", remapped(t, "Rot Thirteen", func(r rune) rune {
		if r >= 'a' && r <= 'z' {
			return 'a' + (r-'a'+13)%26
		}
		return r
	}))
	// 'e' mapped to the (empty) space glyph.
	writeFont(t, dir, "empty.ttf", remapped(t, "Empty E", func(r rune) rune {
		if r == 'e' {
			return ' '
		}
		return r
	}))
	// A near-duplicate pair: the same design under two names (the
	// content differs, so Load keeps both).
	writeFont(t, dir, "dup.ttf", remapped(t, "Zed Sans", id))
	// A truncated file: skipped with one warning.
	full := embeddedBytes(t, "dejavu/DejaVuSans.ttf")
	writeFont(t, dir, "truncated.ttf", full[:len(full)/3])

	c := buildDir(t, dir, nil)
	if kept, f := verdict(t, c, "english", "Good Sans"); !kept {
		t.Errorf("Good Sans dropped: %v", f.Reasons)
	} else if f.Stats == nil || f.Stats.Distinct < 24 || f.Stats.Recognised < 24 || f.Stats.Boxes > 2 {
		t.Errorf("Good Sans stats %+v", f.Stats)
	}
	for _, c2 := range []struct {
		family string
		want   []string
	}{
		{"Box Font", []string{CheckSameShape, CheckBoxes, CheckFramed, CheckUnrecognised}},
		{"One X", []string{CheckSameShape, CheckUnrecognised}},
		{"Rot Thirteen", []string{CheckUnrecognised}},
		{"Empty E", []string{CheckCoverage}},
		{"Zed Sans", []string{CheckDuplicate}},
	} {
		kept, f := verdict(t, c, "english", c2.family)
		if kept || !slices.Equal(checks(f), c2.want) {
			t.Errorf("%s: kept %v, reasons %v, want dropped for %v", c2.family, kept, f.Reasons, c2.want)
		}
	}
	if _, f := verdict(t, c, "english", "Empty E"); !strings.Contains(f.Reasons[0].Detail, "1 empty") {
		t.Errorf("Empty E: %v", f.Reasons)
	}
	if _, f := verdict(t, c, "english", "Zed Sans"); !strings.Contains(f.Reasons[0].Detail, "similar to Good Sans, distance 0.0000") {
		t.Errorf("Zed Sans: %v", f.Reasons)
	}
	lc, _ := c.Language("english")
	if len(lc.Duplicates) != 1 || lc.Duplicates[0] != (Duplicate{Kept: "Good Sans", Dropped: "Zed Sans", Distance: 0}) {
		t.Errorf("duplicates %+v", lc.Duplicates)
	}
	if len(c.Warnings) != 1 || !strings.Contains(c.Warnings[0], "truncated.ttf") {
		t.Errorf("warnings %q", c.Warnings)
	}
	if lc.Symbols != 26 || len(lc.Families) != 1 {
		t.Errorf("english: %d families, %d symbols", len(lc.Families), lc.Symbols)
	}
}

// TestDuplicatePrefersBold: of two near-duplicates the one with a real
// bold face is kept, even when its name sorts after the other's.
func TestDuplicatePrefersBold(t *testing.T) {
	dir := t.TempDir()
	writeFont(t, dir, "a.ttf", remapped(t, "Alpha", func(r rune) rune { return r }))
	writeFont(t, dir, "z.ttf", remapped(t, "Zulu", func(r rune) rune { return r }))
	writeFont(t, dir, "zb.ttf", withFamilyName(embeddedBytes(t, "dejavu/DejaVuSans-Bold.ttf"), "Zulu", "Bold"))
	c := buildDir(t, dir, nil)
	if kept, f := verdict(t, c, "english", "Zulu"); !kept || f.Bold != BoldReal || !f.InBold {
		t.Errorf("Zulu: kept %v %+v", kept, f)
	}
	if kept, f := verdict(t, c, "english", "Alpha"); kept || !slices.Equal(checks(f), []string{CheckDuplicate}) {
		t.Errorf("Alpha: kept %v %+v", kept, f)
	}
	lc, _ := c.Language("english")
	if lc.BoldFamilies != 1 || lc.BoldSymbols != 26 {
		t.Errorf("bold counts %d %d", lc.BoldFamilies, lc.BoldSymbols)
	}
}

// TestBoldCapability: real bold, no bold face (synthetic), and a "bold"
// face that is the regular outlines with weight 700 (identical).
func TestBoldCapability(t *testing.T) {
	dir := t.TempDir()
	writeFont(t, dir, "r.ttf", withFamilyName(embeddedBytes(t, "liberation/LiberationMono-Regular.ttf"), "Mono Real", "Regular"))
	writeFont(t, dir, "b.ttf", withFamilyName(embeddedBytes(t, "liberation/LiberationMono-Bold.ttf"), "Mono Real", "Bold"))
	writeFont(t, dir, "s.ttf", withFamilyName(embeddedBytes(t, "caladea/Caladea-Regular.ttf"), "Serif Alone", "Regular"))
	reg := embeddedBytes(t, "open-sans/OpenSans-Regular.ttf")
	writeFont(t, dir, "i.ttf", withFamilyName(reg, "Fake Bold", "Regular"))
	writeFont(t, dir, "ib.ttf", withWeight(withFamilyName(reg, "Fake Bold", "Bold"), 700))
	c := buildDir(t, dir, nil)
	for fam, want := range map[string]string{"Mono Real": BoldReal, "Serif Alone": BoldSynthetic, "Fake Bold": BoldIdentical} {
		kept, f := verdict(t, c, "english", fam)
		if !kept || f.Bold != want || f.InBold != (want == BoldReal) {
			t.Errorf("%s: kept %v bold %q in-bold %v, want %q", fam, kept, f.Bold, f.InBold, want)
		}
	}
	if lc, _ := c.Language("english"); lc.BoldFamilies != 1 || len(lc.Families) != 3 {
		t.Errorf("english: %d families, %d with bold", len(lc.Families), lc.BoldFamilies)
	}
}

func TestBlockList(t *testing.T) {
	got, err := parseBlockList(strings.NewReader("# fonts found wrong\nGood Sans  # renders boxes\n\n  other one \n#x\n"))
	if err != nil || !slices.Equal(got, []string{"Good Sans", "other one"}) {
		t.Fatalf("parse: %q %v", got, err)
	}
	if _, err := ReadBlockList(filepath.Join(t.TempDir(), "none")); err == nil || !strings.HasPrefix(err.Error(), "fonts: block-list") {
		t.Errorf("missing file: %v", err)
	}
	dir := t.TempDir()
	writeFont(t, dir, "good.ttf", remapped(t, "Good Sans", func(r rune) rune { return r }))
	writeFont(t, dir, "other.ttf", withFamilyName(embeddedBytes(t, "caladea/Caladea-Regular.ttf"), "Other", "Regular"))
	c := buildDir(t, dir, []string{"good sans"})
	if kept, f := verdict(t, c, "english", "Good Sans"); kept || !slices.Equal(checks(f), []string{CheckBlocked}) {
		t.Errorf("Good Sans: kept %v %+v", kept, f)
	}
	if kept, _ := verdict(t, c, "english", "Other"); !kept {
		t.Error("Other dropped")
	}
}

// TestDingbatsCaught: URW D050000L maps a-z to pictures. It declares
// itself a symbol font, and with that declaration erased from its OS/2
// table the recognition check still drops it.
func TestDingbatsCaught(t *testing.T) {
	const p = "/usr/share/fonts/opentype/urw-base35/D050000L.otf"
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (CI installs fonts-urw-base35)", err)
	}
	dir := t.TempDir()
	writeFont(t, dir, "D050000L.otf", data)
	writeFont(t, dir, "good.ttf", remapped(t, "Good Sans", func(r rune) rune { return r }))
	c := buildDir(t, dir, nil)
	if kept, f := verdict(t, c, "english", "D050000L"); kept || !slices.Equal(checks(f), []string{CheckSymbolFont}) {
		t.Errorf("D050000L: kept %v %+v, want dropped as a symbol font", kept, f)
	}
	dir = t.TempDir()
	writeFont(t, dir, "D050000L.otf", withTextClass(data))
	writeFont(t, dir, "good.ttf", remapped(t, "Good Sans", func(r rune) rune { return r }))
	c = buildDir(t, dir, nil)
	if kept, f := verdict(t, c, "english", "D050000L"); kept || !slices.Contains(checks(f), CheckUnrecognised) {
		t.Errorf("D050000L declared a text font: kept %v %+v, want dropped as unrecognised", kept, f)
	}
}

// withTextClass rewrites a font's OS/2 family class and PANOSE family kind
// to those of a text face (class 0, PANOSE 2), as a font that does not
// declare what it is would have them.
func withTextClass(font []byte) []byte {
	out := append([]byte(nil), font...)
	be := binary.BigEndian
	for j := range int(be.Uint16(out[4:])) {
		rec := out[12+16*j:]
		if string(rec[:4]) == "OS/2" {
			off := be.Uint32(rec[8:])
			out[off+30], out[off+31], out[off+32] = 0, 0, 2
			return out
		}
	}
	panic("no OS/2 table")
}

// TestRecognitionDebianFamilies: on real Debian fonts, the two families
// that drew wrong or odd labels in the default dataset are dropped — URW's
// Standard Symbols PS (Greek and signs at a-z: a symbol font) and Linux
// Biolinum Keyboard O (every letter inside a key-cap) — while the text
// and display faces of the same packages are kept.
func TestRecognitionDebianFamilies(t *testing.T) {
	files := map[string]string{
		"Standard Symbols PS":       "/usr/share/fonts/opentype/urw-base35/StandardSymbolsPS.otf",
		"Linux Biolinum Keyboard O": "/usr/share/fonts/opentype/linux-libertine/LinBiolinum_K.otf",
		"Linux Biolinum O":          "/usr/share/fonts/opentype/linux-libertine/LinBiolinum_R.otf",
		"Linux Libertine O":         "/usr/share/fonts/opentype/linux-libertine/LinLibertine_R.otf",
		"Linux Libertine Display O": "/usr/share/fonts/opentype/linux-libertine/LinLibertine_DR.otf",
		"URW Gothic":                "/usr/share/fonts/opentype/urw-base35/URWGothic-Book.otf",
		"Nimbus Sans":               "/usr/share/fonts/opentype/urw-base35/NimbusSans-Regular.otf",
		"C059":                      "/usr/share/fonts/opentype/urw-base35/C059-Roman.otf",
	}
	dir := t.TempDir()
	for fam, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("%s: %v (CI installs fonts-urw-base35 and fonts-linuxlibertine)", fam, err)
		}
		writeFont(t, dir, filepath.Base(p), data)
	}
	c := buildDir(t, dir, nil)
	for fam, want := range map[string]string{"Standard Symbols PS": CheckSymbolFont, "Linux Biolinum Keyboard O": CheckFramed} {
		if kept, f := verdict(t, c, "english", fam); kept || !slices.Contains(checks(f), want) {
			t.Errorf("%s: kept %v, reasons %v, want dropped for %s", fam, kept, f.Reasons, want)
		} else {
			t.Logf("%s dropped: %v (stats %+v)", fam, f.Reasons, f.Stats)
		}
	}
	for _, fam := range []string{"Linux Biolinum O", "Linux Libertine O", "Linux Libertine Display O", "URW Gothic", "Nimbus Sans", "C059"} {
		if kept, f := verdict(t, c, "english", fam); !kept {
			t.Errorf("%s dropped: %v", fam, f.Reasons)
		}
	}
}

// TestBoxDetector: a filled square, a framed square and letters.
func TestBoxDetector(t *testing.T) {
	cfg := DefaultCheckConfig()
	var filled, frame glyphBitmap
	for y := 1; y < glyphSize-1; y++ {
		for x := 1; x < glyphSize-1; x++ {
			filled[y*glyphSize+x] = 255
			if x <= 2 || y <= 2 || x >= glyphSize-3 || y >= glyphSize-3 {
				frame[y*glyphSize+x] = 255
			}
		}
	}
	if !isBox(&filled, cfg) || !isBox(&frame, cfg) {
		t.Error("squares are not boxes")
	}
	lib := loadEmbedded(t)
	fam, _ := lib.Family("DejaVu Sans")
	rd := newRenderer()
	n := 0
	for _, r := range az {
		bm, err := rd.glyph(fam.Regular, r, true)
		if err != nil {
			t.Fatal(err)
		}
		if isBox(bm, cfg) {
			n++
		}
	}
	if n > 2 {
		t.Errorf("%d DejaVu Sans letters are boxes", n)
	}
}

// failDraw is a DrawChecker that fails the families it names.
type failDraw map[string]bool

func (failDraw) ID() string { return "test" }
func (d failDraw) Check(fam *Family, symbols []rune) DrawStats {
	st := DrawStats{Mean: map[int]float64{24: 0.01}, Ink: map[int]float64{24: 1}}
	if d[fam.Name] {
		st.Failure = "painted glyphs differ (test)"
	}
	return st
}

// TestDrawCheckDrops: the catalogue runs the drawing check on the
// families the other checks keep, drops those it fails with the figure,
// and records its measurements for the kept ones.
func TestDrawCheckDrops(t *testing.T) {
	dir := t.TempDir()
	writeFont(t, dir, "good.ttf", remapped(t, "Good Sans", func(r rune) rune { return r }))
	writeFont(t, dir, "open.ttf", embeddedBytes(t, "open-sans/OpenSans-Regular.ttf"))
	c, err := OpenCatalog(CatalogOptions{Sources: Options{Dirs: []string{dir}}, NoCache: true, Draw: failDraw{"Good Sans": true}})
	if err != nil {
		t.Fatal(err)
	}
	kept, f := verdict(t, c, "english", "Good Sans")
	if kept || !slices.Equal(checks(f), []string{CheckDrawing}) || f.Draw == nil || f.Draw.Failure == "" {
		t.Errorf("Good Sans: kept %v %+v, want dropped by the drawing check", kept, f)
	}
	kept, f = verdict(t, c, "english", "Open Sans")
	if !kept || f.Draw == nil || f.Draw.Mean[24] != 0.01 {
		t.Errorf("Open Sans: kept %v %+v, want kept with its figures", kept, f)
	}
}

// TestCatalogStops: building a catalogue stops once its context is done
// (Ctrl-C while a large pool is judged), and so does loading.
func TestCatalogStops(t *testing.T) {
	lib, err := Load(Options{Embedded: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if c, err := buildCatalog(ctx, lib, nil, DefaultCheckConfig(), nil); !errors.Is(err, context.Canceled) || c != nil {
		t.Errorf("buildCatalog after cancel: %v, %v", c, err)
	}
	if _, err := OpenCatalog(CatalogOptions{Sources: Options{Embedded: true, Context: ctx}, NoCache: true}); !errors.Is(err, context.Canceled) {
		t.Errorf("OpenCatalog after cancel: %v", err)
	}
}
