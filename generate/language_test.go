package generate

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/alphabet"
	"github.com/synbols-gpu/synbols-gpu/engine/cpu"
	"github.com/synbols-gpu/synbols-gpu/fonts"
	"github.com/synbols-gpu/synbols-gpu/internal/pytest"
	"github.com/synbols-gpu/synbols-gpu/output"
	"github.com/synbols-gpu/synbols-gpu/spec"
)

// runSpec generates n samples of sp with lib into out.
func runSpec(t *testing.T, sp *spec.Spec, lib *fonts.Library, n int, out string) Result {
	t.Helper()
	_, at := env(t)
	res, err := Run(context.Background(), Config{
		Name: sp.Name(), Spec: sp, N: n, Seed: 7, Out: out,
		Fonts: lib, SkipFontChecks: true, Atlas: at, Backend: cpu.New(2), Workers: 2, BatchSize: 64,
	})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func presetWithLanguage(t *testing.T, name, lang string) *spec.Spec {
	t.Helper()
	sp, err := spec.Preset(name)
	if err != nil {
		t.Fatal(err)
	}
	if lang != "" {
		if err := sp.SetLanguage(lang); err != nil {
			t.Fatal(err)
		}
	}
	return sp
}

// TestEveryLanguageEmbedded: with the embedded fonts alone, every language
// has an alphabet and fonts (fonts/embedded/README.md lists the sizes);
// English keeps the a-z rule and its 26 letters.
func TestEveryLanguageEmbedded(t *testing.T) {
	lib, _ := env(t)
	for _, lang := range alphabet.Languages() {
		u, err := Universe(presetWithLanguage(t, "default", lang), lib)
		if err != nil {
			t.Errorf("%s: %v", lang, err)
			continue
		}
		if u.Alphabet != lang || len(u.Chars) < 20 || len(u.Fonts) == 0 {
			t.Errorf("%s: alphabet %q, %d symbols, fonts %v", lang, u.Alphabet, len(u.Chars), u.Fonts)
		}
		t.Logf("%s: %d symbols, %d fonts", lang, len(u.Chars), len(u.Fonts))
	}
	az, _ := alphabet.Alphabet("english", "lower")
	u, _ := Universe(presetWithLanguage(t, "default", ""), lib)
	if len(u.Chars) != 26 || len(u.Fonts) != len(lib.Usable(az, false)) {
		t.Errorf("english: %d symbols, %d fonts; want 26 and the a-z families", len(u.Chars), len(u.Fonts))
	}
	for _, f := range u.Fonts {
		if strings.HasPrefix(f, "Noto Sans") || f == "Droid Sans Fallback" {
			t.Errorf("english uses %s, which has no a-z", f)
		}
	}
}

// TestKorean1kUniverse: the first 1,000 symbols of the filtered Korean
// alphabet are U+AC00..U+AFE7, drawn only by families with a bold face.
func TestKorean1kUniverse(t *testing.T) {
	lib, _ := env(t)
	u, err := Universe(presetWithLanguage(t, "korean-1k", ""), lib)
	if err != nil {
		t.Fatal(err)
	}
	if len(u.Chars) != 1000 || u.Chars[0] != "가" || u.Chars[999] != string(rune(0xAFE7)) {
		t.Fatalf("%d chars, first %q last %q", len(u.Chars), u.Chars[0], u.Chars[len(u.Chars)-1])
	}
	for i, c := range u.Chars {
		if c != string(rune(0xAC00+i)) {
			t.Fatalf("char %d is %q, want U+%04X", i, c, 0xAC00+i)
		}
	}
	for _, name := range u.Fonts {
		if f, _ := lib.Family(name); f.Bold == nil {
			t.Errorf("korean-1k uses %s, which has no bold face", name)
		}
	}
}

// checkRecords is the h5py side: every record's symbols are of the given
// alphabet with chars in [lo, hi], and the font manifest is JSON with the
// documented keys, naming every font the records use.
const checkRecords = `
import sys, json, h5py
path, alphabet, lo, hi = sys.argv[1], sys.argv[2], int(sys.argv[3], 16), int(sys.argv[4], 16)
with h5py.File(path, 'r') as f:
    recs = [json.loads(r) for r in f['y']]
    man = json.loads(f.attrs['fonts'])
keys = {'family', 'style', 'bold', 'file', 'index', 'source', 'sha256', 'license'}
assert isinstance(man, list) and man, man
for m in man:
    assert set(m) == keys, sorted(m)
    assert len(m['sha256']) == 64 and int(m['sha256'], 16) >= 0, m
    assert isinstance(m['bold'], bool) and '/' not in m['file'], m
fams = {m['family'] for m in man}
for r in recs:
    for s in r['symbols']:
        assert s['alphabet'] == alphabet, s['alphabet']
        assert len(s['char']) == 1 and lo <= ord(s['char']) <= hi, s['char']
        assert s['font'] in fams, (s['font'], fams)
print('ok', len(recs), len(man), len({r['char'] for r in recs}))
`

func TestKorean1kAndRussianDatasets(t *testing.T) {
	py := pytest.Python(t)
	lib, _ := env(t)
	dir := t.TempDir()
	for _, c := range []struct {
		preset, lang, alphabet, lo, hi string
	}{
		{"korean-1k", "", "korean", "AC00", "AFE7"},
		{"default", "russian", "russian", "0400", "04FF"},
	} {
		out := filepath.Join(dir, c.preset+c.lang+".h5py")
		runSpec(t, presetWithLanguage(t, c.preset, c.lang), lib, 200, out)
		got := pytest.Run(t, py, checkRecords, out, c.alphabet, c.lo, c.hi)
		if !strings.HasPrefix(got, "ok 200") {
			t.Errorf("%s %s: python said %q", c.preset, c.lang, got)
		}
	}
}

// TestFontsFrom: dataset B made with --fonts-from A uses exactly A's
// fonts, even from a pool where more families are eligible; a manifest
// naming a font that is not loaded fails with its name.
func TestFontsFrom(t *testing.T) {
	lib, _ := env(t)
	dir := t.TempDir()
	a := filepath.Join(dir, "a.h5py")
	// A: only families with a bold face (Inconsolata has none).
	spA, err := spec.Parse("a.yaml", []byte("base: default\nfonts: {require_bold_face: true}\n"))
	if err != nil {
		t.Fatal(err)
	}
	resA := runSpec(t, spA, lib, 50, a)
	man, err := output.ReadFontManifest(a)
	if err != nil {
		t.Fatal(err)
	}
	if len(man) != 2*len(resA.Universe.Fonts) {
		t.Errorf("manifest has %d faces for %d families with bold faces", len(man), len(resA.Universe.Fonts))
	}
	restricted, err := FontsFrom(lib, man)
	if err != nil {
		t.Fatal(err)
	}
	// B: the default preset would take Inconsolata too.
	full, _ := Universe(presetWithLanguage(t, "default", ""), lib)
	if len(full.Fonts) <= len(resA.Universe.Fonts) {
		t.Fatalf("test needs a pool larger than A's: %v vs %v", full.Fonts, resA.Universe.Fonts)
	}
	b := filepath.Join(dir, "b.h5py")
	resB := runSpec(t, presetWithLanguage(t, "default", ""), restricted, 50, b)
	if !slices.Equal(resA.Universe.Fonts, resB.Universe.Fonts) {
		t.Errorf("B fonts %v, want A's %v", resB.Universe.Fonts, resA.Universe.Fonts)
	}
	manB, err := output.ReadFontManifest(b)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(man, manB) {
		t.Errorf("B's manifest differs from A's")
	}

	missing := slices.Clone(man)
	for i := range missing {
		if missing[i].Family == man[0].Family {
			missing[i].Family = "Nope Sans"
		}
	}
	if _, err := FontsFrom(lib, missing); !errors.Is(err, ErrMissingFont) || !strings.Contains(err.Error(), `"Nope Sans"`) || strings.Contains(err.Error(), "\n") {
		t.Errorf("missing family: %v", err)
	}
	changed := slices.Clone(man)
	changed[1].SHA256 = strings.Repeat("0", 64)
	if _, err := FontsFrom(lib, changed); !errors.Is(err, ErrMissingFont) || !strings.Contains(err.Error(), changed[1].Family) {
		t.Errorf("changed face: %v", err)
	}
	// A family without a bold face in the manifest loses the loaded one.
	noBold := []output.FontRecord{man[0]}
	r, err := FontsFrom(lib, noBold)
	if err != nil || len(r.Families) != 1 || r.Families[0].Bold != nil {
		t.Errorf("regular-only manifest: %v, %+v", err, r)
	}
}

func TestFontsFromBadFile(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{filepath.Join(dir, "nope.h5py"), "language_test.go"} {
		if _, err := output.ReadFontManifest(p); !errors.Is(err, output.ErrManifest) || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: %v", p, err)
		}
	}
}
