package spec

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// presetList is the original's 21 dataset names plus the paper's variants.
var presetList = []string{
	"all-chars", "balanced-font-chars", "camouflage", "counting", "counting-crowded", "counting-fix-scale",
	"default", "default-bw", "korean-1k", "large-translation", "less-variations", "many-small-occlusion",
	"missing-symbol", "natural-patterns", "non-camou-bw", "non-camou-shade", "pixel-noise", "plain",
	"segmentation", "some-large-occlusion", "tiny",
	"label-noise", "pixel-noise-paper", "counting-overlap", "counting-no-overlap",
}

func TestPresets(t *testing.T) {
	var names []string
	for _, p := range Presets() {
		names = append(names, p.Name)
		if p.Description == "" || strings.ContainsAny(p.Description, "\n\r") || strings.HasPrefix(p.Description, "spec:") {
			t.Errorf("%s: description %q, want one line", p.Name, p.Description)
		}
	}
	if !slices.IsSorted(names) {
		t.Errorf("Presets not sorted: %v", names)
	}
	for _, want := range presetList {
		if !slices.Contains(names, want) {
			t.Errorf("preset %s missing from %v", want, names)
		}
	}
	for _, name := range names {
		s := mustPreset(t, name)
		if s.Name() != name {
			t.Errorf("preset file %s.yaml has name %q", name, s.Name())
		}
		if !s.complete() {
			t.Errorf("%s: incomplete", name)
		}
	}
}

func TestPresetValues(t *testing.T) {
	for _, c := range []struct {
		name       string
		w, h       int
		gray, bold bool
	}{
		{"default", 32, 32, false, false},
		{"default-bw", 32, 32, false, false},
		{"plain", 32, 32, false, false},
		{"tiny", 8, 8, true, false},
	} {
		s := mustPreset(t, c.name)
		w, h := s.Resolution()
		lang, lc := s.Language()
		if w != c.w || h != c.h || s.Gray() != c.gray || s.RequireBoldFace() != c.bold || lang != "english" || lc != "lower" || s.MaxSymbols() != 1 {
			t.Errorf("%s: %dx%d gray %v bold-face %v %s/%s max %d", c.name, w, h, s.Gray(), s.RequireBoldFace(), lang, lc, s.MaxSymbols())
		}
	}
	// No base: defaults.yaml, which draws what base: default draws (a
	// user's file must not silently get another font pool).
	bare, based := mustParse(t, "name: x"), mustParse(t, "name: x\nbase: default")
	by, _ := bare.YAML()
	dy, _ := based.YAML()
	if bare.RequireBoldFace() || string(by) != string(dy) {
		t.Errorf("a spec without base should equal base: default:\n%s\n---\n%s", by, dy)
	}
}

// TestPresetCopies: a preset is a fresh copy each time.
func TestPresetCopies(t *testing.T) {
	a := mustPreset(t, "default")
	if err := a.SetResolution(64, 48); err != nil {
		t.Fatal(err)
	}
	if w, h := a.Resolution(); w != 64 || h != 48 {
		t.Errorf("resolution %dx%d after SetResolution(64, 48)", w, h)
	}
	if w, _ := mustPreset(t, "default").Resolution(); w != 32 {
		t.Error("SetResolution changed the preset itself")
	}
	y, _ := a.YAML()
	if !strings.Contains(string(y), "resolution: [64, 48]") {
		t.Errorf("YAML does not carry the new resolution:\n%s", y)
	}
	for _, r := range [][2]int{{0, 32}, {32, -1}, {MaxResolution + 1, 8}} {
		if err := a.SetResolution(r[0], r[1]); !errors.Is(err, ErrInvalid) {
			t.Errorf("SetResolution(%d, %d): %v", r[0], r[1], err)
		}
	}
}

func TestUnknownPreset(t *testing.T) {
	_, err := Preset("defualt")
	if !errors.Is(err, ErrUnknownPreset) || !strings.Contains(err.Error(), "counting-crowded, counting-fix-scale, counting-no-overlap, counting-overlap, default, default-bw") {
		t.Errorf("error %v, want ErrUnknownPreset listing the presets", err)
	}
}

// everything uses every kind of the language, for the round trip.
const everything = `
name: all-kinds
description: "every kind: 'quoted', ünïcode, #hash"
resolution: [17, 5]
gray: true
alphabet: {language: korean, case: both, first: 7}
fonts: {require_bold_face: true}
n_symbols: {choice: {values: [1, 3, 30], weights: [0.5, 0.25, 0.25]}}
symbol:
  char: {choice: {values: [a, "1", "true", "null", "uniform x", "é"], weights: [1, 2, 3, 4, 5, 0]}}
  font: "Yes"
  bold: true
  slant: {bernoulli: 0.125}
  rotation: {uniform: [-3.14159, 3.14159]}
  scale: {choice: {values: [0.1, 1e-05, 2.5e+01]}}
  translation: [{randint: [-2, 2]}, {normal: {mean: -0.5, std: 0}}]
  foreground: {gradient: {types: [radial], alpha: 0.5}}
background: {solid: {choice: {values: [[0, 0, 1], [0.1, 0.2, 0.3]], weights: [0.8, 0.2]}}}
inverse: false
max_contrast: {bernoulli: 1}
pixel_noise: {lognormal: {median: 0.01, sigma: 0.5}}
`

func TestRoundTrip(t *testing.T) {
	specs := map[string]*Spec{"everything": mustParse(t, everything)}
	for _, name := range presetList {
		specs[name] = mustPreset(t, name)
	}
	for name, s := range specs {
		y, err := s.YAML()
		if err != nil {
			t.Fatal(err)
		}
		back, err := Parse(name+"-resolved.yaml", y)
		if err != nil {
			t.Fatalf("%s: resolved YAML does not parse: %v\n%s", name, err, y)
		}
		if !reflect.DeepEqual(back, s) {
			t.Errorf("%s: Parse(YAML()) differs:\n%#v\n%#v\n%s", name, back, s, y)
		}
		y2, _ := back.YAML()
		if string(y2) != string(y) {
			t.Errorf("%s: YAML not stable:\n%s\n%s", name, y, y2)
		}
		if strings.Contains(string(y), "base:") {
			t.Errorf("%s: resolved YAML names a base", name)
		}
	}
}

// TestBaseOverrides: a file over a base replaces only what it names.
func TestBaseOverrides(t *testing.T) {
	s := mustParse(t, "base: default\nsymbol: {rotation: 0}\nresolution: [64, 64]\n")
	d := mustPreset(t, "default")
	if s.Name() != "test" || s.Description() != "" {
		t.Errorf("name %q description %q: not inherited from the base", s.Name(), s.Description())
	}
	if s.symbol.rotation != (constant[float64]{0}) {
		t.Errorf("rotation %#v", s.symbol.rotation)
	}
	if w, h := s.Resolution(); w != 64 || h != 64 {
		t.Errorf("resolution %dx%d", w, h)
	}
	s.symbol.rotation, d.symbol.rotation = nil, nil
	s.width, s.height, s.name, s.description = d.width, d.height, d.name, d.description
	if !reflect.DeepEqual(s, d) {
		t.Errorf("fields not overridden differ from the base:\n%#v\n%#v", s, d)
	}
	// A cycle of bases is an error (embedded presets have none; force one).
	p := &parser{file: "x.yaml", stack: []string{"default"}}
	if _, err := p.parse([]byte("base: default")); err == nil || !strings.Contains(err.Error(), "cycle") {
		t.Errorf("cycle: %v", err)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "my set.yaml")
	if err := os.WriteFile(f, []byte("base: plain\nresolution: [16, 16]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Load(f)
	if err != nil {
		t.Fatal(err)
	}
	if s.Name() != "my_set" {
		t.Errorf("name %q, want my_set (from the file name)", s.Name())
	}
	if _, err := Load(filepath.Join(dir, "missing.yaml")); err == nil || !strings.HasPrefix(err.Error(), "spec: ") {
		t.Errorf("missing file: %v", err)
	}
	if err := os.WriteFile(f, []byte("symbol: {rotaton: 0}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(f); err == nil || !strings.HasPrefix(err.Error(), "spec: "+f+": symbol.rotaton: unknown field") {
		t.Errorf("error does not name the file and field: %v", err)
	}
}

// TestParseErrors: each bad file gives one line naming the file, the field
// path and the problem.
func TestParseErrors(t *testing.T) {
	cases := []struct{ text, want string }{
		{"nmae: x", "nmae: unknown field (want one of: name, description,"},
		{"symbol: {rotaton: 0}", "symbol.rotaton: unknown field"},
		{"symbol: {rotation: {normal: {mean: 0, std: -1}}}", "symbol.rotation.normal.std: must be ≥ 0, got -1 (line 1)"},
		{"symbol: {rotation: {normal: {mean: 0}}}", "symbol.rotation.normal.std: missing (required)"},
		{"symbol: {rotation: {normal: {mean: 0, std: 1, sd: 2}}}", "symbol.rotation.normal.sd: unknown field"},
		{"symbol: {rotation: {uniform: [0, 1], normal: {mean: 0, std: 1}}}", "symbol.rotation: a distribution is a mapping with one key"},
		{"symbol: {rotation: {gauss: 1}}", "symbol.rotation.gauss: unknown distribution (want one of: uniform, normal, lognormal, choice, randint, mixture)"},
		{`symbol: {rotation: "0.3"}`, `symbol.rotation: must be a number, got string "0.3"`},
		{"symbol: {scale: {lognormal: {median: 0, sigma: 0.2}}}", "symbol.scale.lognormal.median: must be > 0, got 0"},
		{"symbol: {scale: {uniform: [1, 0]}}", "symbol.scale.uniform: must be [lo, hi] with lo ≤ hi"},
		{"symbol: {scale: {uniform: [-.inf, 0]}}", "symbol.scale.uniform[0]: must be finite"},
		{"symbol: {char: {choice: {values: [a, b], weights: [1]}}}", "symbol.char.choice.weights: has 1 weights for 2 values"},
		{"symbol: {char: {choice: {values: [a, b], weights: [1, -1]}}}", "symbol.char.choice.weights[1]: must be ≥ 0, got -1"},
		{"symbol: {char: {choice: {values: [a, b], weights: [0, 0]}}}", "symbol.char.choice.weights: must not all be 0"},
		{"symbol: {char: {choice: {values: []}}}", "symbol.char.choice.values: must not be empty"},
		{"symbol: {char: {choice: {weights: [1]}}}", "symbol.char.choice.values: missing (required)"},
		{"symbol: {char: null}", "symbol.char: must be a non-empty string, got null"},
		{"symbol: {bold: {bernoulli: 1.5}}", "symbol.bold.bernoulli: must be a probability in [0, 1], got 1.5"},
		{"symbol: {bold: yes}", `symbol.bold: must be true or false, got string "yes"`},
		{"symbol: {translation: [0, 0, 0]}", "symbol.translation: must be one distribution for both axes or a list [x, y], got a list of 3"},
		{"symbol: {translation: [0, {uniform: [1, 0]}]}", "symbol.translation[1].uniform: must be [lo, hi]"},
		{"symbol: {foreground: stripes}", `symbol.foreground: must be gradient, none,`},
		{"symbol: {foreground: {gradient: {types: [linear, conic]}}}", "symbol.foreground.gradient.types[1]: must be one of linear, radial"},
		{"symbol: {foreground: {gradient: {types: []}}}", "symbol.foreground.gradient.types: must name at least one of linear, radial"},
		{"symbol: {foreground: {gradient: {alpha: 0}}}", "symbol.foreground.gradient.alpha: must be in (0, 1], got 0"},
		{"background: {solid: [1, 2, 0]}", "background.solid[1]: colour components must be in [0, 1], got 2"},
		{"background: {solid: [1, 1]}", "background.solid: a colour is [r, g, b], got a list of 2"},
		{"background: {solid: {choice: {values: [[0, 0, 0], [1, 1]]}}}", "background.solid.choice.values[1]: a colour is [r, g, b]"},
		{"resolution: [0, 32]", "resolution: width and height must be in [1, 4096], got [0, 32]"},
		{"resolution: big", `resolution: must be a list, got string "big"`},
		{"resolution: [32]", "resolution: must be [width, height], got a list of 1"},
		{"resolution: [32.5, 32]", "resolution[0]: must be an integer, got 32.5"},
		{"n_symbols: 0", "n_symbols: must be in [1, 255], got 0"},
		{"n_symbols: {randint: [1, 1000]}", "n_symbols: must be in [1, 255], got values in [1, 1000]"},
		{"n_symbols: {uniform: [1, 3]}", "n_symbols.uniform: unknown distribution (want one of: randint, choice, mixture)"},
		{"n_symbols: 99999999999", "n_symbols: must be an integer in [-2^30, 2^30]"},
		{"pixel_noise: {normal: {mean: 0.1, std: 0.1}}", "pixel_noise: must be ≥ 0, but a normal distribution can draw negative values"},
		{"pixel_noise: {uniform: [-0.1, 0.1]}", "pixel_noise: must be ≥ 0, got -0.1"},
		{"alphabet: {case: Title}", `alphabet.case: must be one of lower, upper, both, got string "Title"`},
		{"alphabet: {language: English}", `alphabet.language: must be a language name in lower case`},
		{"alphabet: {first: 0}", "alphabet.first: must be in [1, 1048576] (leave it out for the whole alphabet), got 0"},
		{"alphabet: {first: -3}", "alphabet.first: must be in [1, 1048576]"},
		{"alphabet: {first: ten}", `alphabet.first: must be an integer, got string "ten"`},
		{"fonts: {require_bold_face: 1}", "fonts.require_bold_face: must be true or false, got 1"},
		{"gray: true\ngray: false", "gray: field given twice (line 2)"},
		{"base: defualt", `base: unknown preset "defualt" (known: all-chars, balanced-font-chars, camouflage, counting`},
		{"name: ../x", `name: must be letters, digits`},
		{"description: \"two\\nlines\"", "description: must be one line"},
		{"inverse: {bernoulli: 0.5, p: 1}", "inverse: a distribution is a mapping with one key (bernoulli, mixture), got 2 keys"},
		{"- a\n- b", "a spec is a mapping of fields"},
		{"", "the spec is empty"},
		{"symbol: [", "yaml: line 1:"},
		{"symbol: {char: &x [a, *x]}", "symbol.char: must be uniform, a value or {choice"},
		{"1: x", "1: unknown field"},
		{"? [a]\n: x", "field names must be plain strings, got a list of 1"},
		// Distributions whose support leaves the attribute's domain: they
		// drew empty images and wrote Infinity into records.
		{"symbol: {scale: 0}", "symbol.scale: 0 is out of range: scale is the symbol's size"},
		{"symbol: {scale: -1}", "symbol.scale: -1 is out of range"},
		{"symbol: {scale: 1e308}", "symbol.scale: 1e+308 is out of range"},
		{"symbol: {scale: {lognormal: {median: 0.6, sigma: 1e6}}}", "symbol.scale: can draw values in [0, +Inf], out of range"},
		{"symbol: {scale: {lognormal: {median: 0.6, sigma: 2}}}", "symbol.scale: can draw values in"},
		{"symbol: {scale: {normal: {mean: 0.6, std: 0.1}}}", "symbol.scale: can draw values in [-0.25"},
		{"symbol: {scale: {uniform: [0, 1]}}", "symbol.scale: can draw values in [0, 1], out of range"},
		{"symbol: {scale: {choice: {values: [0.5, 0]}}}", "symbol.scale: can draw values in [0, 0.5]"},
		{"symbol: {scale: {randint: [0, 2]}}", "symbol.scale: can draw values in [0, 2]"},
		{"symbol: {rotation: {normal: {mean: 0, std: 1e308}}}", "symbol.rotation: can draw values in [-Inf, +Inf], out of range"},
		{"symbol: {rotation: 1e300}", "symbol.rotation: 1e+300 is out of range"},
		{"symbol: {translation: 1e300}", "symbol.translation: 1e+300 is out of range"},
		{"symbol: {translation: {uniform: [-1e300, 1e300]}}", "symbol.translation: can draw values in [-1e+300, 1e+300]"},
		{"symbol: {translation: [0, -1e300]}", "symbol.translation: -1e+300 is out of range"},
		{"symbol: {translation: [{normal: {mean: 0, std: 1e307}}, 0]}", "symbol.translation: can draw values"},
		{"pixel_noise: 1e300", "pixel_noise: 1e+300 is out of range"},
		{"symbol: {char: {choice: {values: [" + strings.Repeat("a, ", 100_001) + "a]}}}", "symbol.char.choice.values: has 100002 items, more than the 100000"},
	}
	for _, c := range cases {
		_, err := Parse("bad.yaml", []byte(c.text))
		if err == nil {
			t.Errorf("%q: no error, want %q", c.text, c.want)
			continue
		}
		msg := err.Error()
		if !errors.Is(err, ErrInvalid) || !strings.HasPrefix(msg, "spec: bad.yaml: ") || !strings.Contains(msg, c.want) || strings.Contains(msg, "\n") {
			t.Errorf("%q:\n got %s\nwant ErrInvalid, one line, containing %q", c.text, msg, c.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range presetList {
		data, _ := presetFS.ReadFile("presets/" + name + ".yaml")
		f.Add(data)
	}
	f.Add(defaultsYAML)
	f.Add([]byte(everything))
	f.Add([]byte("base: tiny\nn_symbols: {randint: [1, 4]}\nsymbol: {char: {choice: {values: [a, b]}}, translation: [0, {normal: {mean: 0, std: 1}}]}"))
	f.Add([]byte("symbol: {char: &x [a, *x]}\nbackground: {solid: {choice: {values: [[0,0,0]], weights: [1]}}}"))
	// Mixtures, occlusions and the new patterns.
	f.Add([]byte("mixture:\n  - {weight: 1, symbol: {char: a}, occlusion: {n: 2}}\n  - {weight: 2, pixel_noise: {mixture: [{weight: 1, value: 0}, {weight: 1, value: 0.3}]}, background: camouflage}"))
	f.Add([]byte("symbol: {char: {mixture: [{weight: 0.7, value: a}, {weight: 0.3, value: uniform}]}, foreground: {multi_gradient: {n: 3}}}\nmask: flatten\nlabel_noise: 0.1"))
	u := testUniverse()
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse("fuzz.yaml", data)
		if err != nil {
			if !errors.Is(err, ErrInvalid) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %q: not ErrInvalid or not one line", err)
			}
			return
		}
		y, err := s.YAML()
		if err != nil {
			t.Fatal(err)
		}
		back, err := Parse("fuzz.yaml", y)
		if err != nil {
			t.Fatalf("resolved YAML does not parse: %v\n%s", err, y)
		}
		if !reflect.DeepEqual(back, s) {
			t.Fatalf("round trip differs:\n%s", y)
		}
		sm, err := s.Sampler(u)
		if err != nil {
			if !errors.Is(err, ErrUniverse) {
				t.Fatalf("Sampler: %v", err)
			}
			return
		}
		for i := range 3 {
			smp := sm.Sample(1, i)
			if n := len(smp.Symbols); n < 1 || n > s.MaxSymbols() {
				t.Fatalf("%d symbols, MaxSymbols %d", n, s.MaxSymbols())
			}
			// Whatever parses draws finite, drawable attributes: the
			// domain checks hold for every accepted spec.
			for _, sym := range smp.Symbols {
				v := []float64{sym.Scale, sym.Rotation, sym.Translation[0], sym.Translation[1], smp.NoiseScale}
				for _, x := range v {
					if math.IsNaN(x) || math.IsInf(x, 0) {
						t.Fatalf("non-finite attribute in %+v", sym)
					}
				}
				if !(sym.Scale >= scaleDomain.lo && sym.Scale <= scaleDomain.hi) {
					t.Fatalf("scale %g out of its domain", sym.Scale)
				}
			}
		}
	})
}

// TestKorean1k checks the korean-1k preset (the original's first 1,000
// Hangul syllables, see docs/alphabets.md) and that first:
// is written back only when set (the stored specs of whole-alphabet
// datasets must not change).
func TestKorean1k(t *testing.T) {
	s := mustPreset(t, "korean-1k")
	if lang, c := s.Language(); lang != "korean" || c != "lower" || s.FirstSymbols() != 1000 || !s.RequireBoldFace() {
		t.Fatalf("korean-1k: language %q case %q first %d bold %v", lang, c, s.FirstSymbols(), s.RequireBoldFace())
	}
	y, err := s.YAML()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(y), "alphabet: {language: korean, case: lower, first: 1000}") {
		t.Errorf("korean-1k YAML lacks first: 1000:\n%s", y)
	}
	d := mustPreset(t, "default")
	if y, _ := d.YAML(); strings.Contains(string(y), "first") || d.FirstSymbols() != 0 {
		t.Errorf("default writes first: or has FirstSymbols %d:\n%s", d.FirstSymbols(), y)
	}
	found := false
	for _, p := range Presets() {
		found = found || p.Name == "korean-1k" && strings.Contains(p.Description, "Hangul")
	}
	if !found {
		t.Errorf("Presets() does not list korean-1k: %v", Presets())
	}
}

// TestSetLanguage checks the --language override: names are checked
// against alphabet.Languages(), case and first: are kept.
func TestSetLanguage(t *testing.T) {
	s := mustPreset(t, "korean-1k")
	if err := s.SetLanguage("Russian"); err != nil {
		t.Fatal(err)
	}
	if lang, c := s.Language(); lang != "russian" || c != "lower" || s.FirstSymbols() != 1000 {
		t.Errorf("after SetLanguage: %q %q first %d", lang, c, s.FirstSymbols())
	}
	err := s.SetLanguage("klingon")
	if err == nil || !errors.Is(err, ErrInvalid) || strings.Contains(err.Error(), "\n") ||
		!strings.Contains(err.Error(), `unknown language "klingon" (known: english, telugu,`) {
		t.Errorf("SetLanguage(klingon): %v", err)
	}
	if lang, _ := s.Language(); lang != "russian" {
		t.Errorf("a failed SetLanguage changed the language to %q", lang)
	}
}

// TestLoadLimits: a spec file larger than MaxSpecBytes is refused after
// reading at most one byte past the limit, and a folder is not a spec.
func TestLoadLimits(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.yaml")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(1 << 30); err != nil { // sparse: costs no disk
		t.Fatal(err)
	}
	f.Close()
	if _, err := Load(big); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "larger than 4 MiB") {
		t.Errorf("1 GiB spec: got %v", err)
	}
	if _, err := Load(dir); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "directory") {
		t.Errorf("folder as spec: got %v", err)
	}
}

func TestCharsDrawn(t *testing.T) {
	u := Universe{Alphabet: "english", Chars: strings.Split("abcdefghijklmnopqrstuvwxyz", ""), Fonts: []string{"F"}}
	for _, c := range []struct {
		text string
		want int
	}{
		{"base: default", 26},
		{"base: default\nsymbol: {char: q}", 1},
		{"base: default\nsymbol: {char: {choice: {values: [a, b, c]}}}", 3},
		{"base: default\nsymbol: {char: {choice: {values: [a, b, c, a], weights: [1, 0, 1, 1]}}}", 2},
		{"base: default\nsymbol: {char: {choice: {values: [a, Z]}}}", 1}, // Z is not in the alphabet
	} {
		s, err := Parse("t.yaml", []byte(c.text))
		if err != nil {
			t.Fatal(err)
		}
		if got := s.CharsDrawn(u); got != c.want {
			t.Errorf("%q: %d symbols drawn, want %d", c.text, got, c.want)
		}
	}
}
