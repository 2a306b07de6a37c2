package spec

import (
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/scene"
)

// englishUniverse is a stand-in universe: 26 letters, 10 families.
func englishUniverse() Universe {
	u := Universe{Alphabet: "english"}
	for c := 'a'; c <= 'z'; c++ {
		u.Chars = append(u.Chars, string(c))
	}
	for i := range 10 {
		u.Fonts = append(u.Fonts, "Family "+string(rune('A'+i)))
	}
	return u
}

func samplesOf(t *testing.T, name string, u Universe, n int) []scene.Sample {
	t.Helper()
	s := mustPreset(t, name)
	sm, err := s.Sampler(u)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	out := make([]scene.Sample, n)
	for i := range out {
		out[i] = sm.Sample(7, i)
	}
	return out
}

// within fails unless got is within bound of want; bound is stated per
// check as about 5 standard deviations of the estimate at its sample size.
func near(t *testing.T, what string, got, want, bound float64) {
	t.Helper()
	if math.Abs(got-want) > bound {
		t.Errorf("%s = %.4f, want %.4f ± %.4f", what, got, want, bound)
	}
}

// TestFamilyDistributions checks each scene preset's distinguishing
// statistics over 20,000 samples (5σ bounds, σ = √(p(1−p)/n)).
func TestFamilyDistributions(t *testing.T) {
	const n = 20000
	u := englishUniverse()
	sigma := func(p float64, m int) float64 { return 5 * math.Sqrt(p*(1-p)/float64(m)) }

	t.Run("counting", func(t *testing.T) {
		ss := samplesOf(t, "counting", u, n)
		var a, total int
		counts := map[int]int{}
		for _, s := range ss {
			counts[len(s.Symbols)]++
			for _, y := range s.Symbols {
				total++
				if y.Char == "a" {
					a++
				}
				if y.Bold {
					t.Fatal("counting draws no bold")
				}
			}
		}
		// The original's code: uniform over the alphabet with
		// probability 0.3, else 'a'.
		p := 0.7 + 0.3/26
		near(t, "share of 'a'", float64(a)/float64(total), p, sigma(p, total))
		for k := 3; k <= 9; k++ {
			near(t, "P(n_symbols = k)", float64(counts[k])/n, 1.0/7, sigma(1.0/7, n))
		}
		if len(counts) != 7 {
			t.Errorf("n_symbols took %d values, want 3..9: %v", len(counts), counts)
		}
	})
	t.Run("counting-crowded", func(t *testing.T) {
		ss := samplesOf(t, "counting-crowded", u, 4000)
		lo, hi := 1000, 0
		for _, s := range ss {
			lo, hi = min(lo, len(s.Symbols)), max(hi, len(s.Symbols))
		}
		if lo != 30 || hi != 49 {
			t.Errorf("n_symbols in [%d, %d], want [30, 49]", lo, hi)
		}
	})
	t.Run("missing-symbol", func(t *testing.T) {
		ss := samplesOf(t, "missing-symbol", u, n)
		missing := 0
		for _, s := range ss {
			tr := s.Symbols[0].Translation
			switch {
			case tr == [2]float64{10, 10}:
				missing++
			case math.Abs(tr[0]) > 1 || math.Abs(tr[1]) > 1:
				t.Fatalf("translation %v is neither out (10) nor in [-1, 1]", tr)
			}
			if s.Background.Style != scene.MultiGradient {
				t.Fatalf("background %v, want MultiGradient", s.Background.Style)
			}
		}
		near(t, "share moved out", float64(missing)/n, 0.1, sigma(0.1, n))
	})
	t.Run("some-large-occlusion", func(t *testing.T) {
		ss := samplesOf(t, "some-large-occlusion", u, n)
		one := 0
		for _, s := range ss {
			switch s.Occluders {
			case 0:
			case 1:
				one++
				o := s.Symbols[len(s.Symbols)-1]
				if o.Font != DefaultOccluderFont || !strings.Contains("\u25a0\u25b2\u25cf", o.Char) || o.Bold || o.Slant {
					t.Fatalf("occluder %+v", o)
				}
				if math.Abs(o.Translation[0]) > 3 || math.Abs(o.Translation[1]) > 3 {
					t.Fatalf("occluder translation %v beyond ±3", o.Translation)
				}
			default:
				t.Fatalf("%d occluders, want 0 or 1", s.Occluders)
			}
			if len(s.Symbols) != 1+s.Occluders {
				t.Fatalf("%d symbols with %d occluders", len(s.Symbols), s.Occluders)
			}
		}
		near(t, "share with one occluder", float64(one)/n, 0.2, sigma(0.2, n))
	})
	t.Run("many-small-occlusion", func(t *testing.T) {
		ss := samplesOf(t, "many-small-occlusion", u, n)
		counts := map[int]int{}
		for _, s := range ss {
			counts[s.Occluders]++
		}
		for k := 0; k <= 4; k++ {
			near(t, "P(occluders = k)", float64(counts[k])/n, 0.2, sigma(0.2, n))
		}
	})
	t.Run("label-noise", func(t *testing.T) {
		ss := samplesOf(t, "label-noise", u, n)
		noisy := 0
		other := map[string]int{}
		for _, s := range ss {
			y := s.Symbols[0]
			if y.TrueChar == "" {
				continue
			}
			noisy++
			if y.TrueChar == y.Char {
				t.Fatal("a replaced label equals the true symbol")
			}
			// The offset of the recorded symbol from the true one, mod
			// 26, is uniform over 1..25 when the replacement is.
			d := (int(y.Char[0]) - int(y.TrueChar[0]) + 26) % 26
			other[string(rune('a'+d))]++
		}
		near(t, "share mislabelled", float64(noisy)/n, 0.1, sigma(0.1, n))
		// Uniform over the 25 others: a χ² of 24 degrees of freedom
		// exceeds 51.2 with probability 0.001.
		chi := 0.0
		exp := float64(noisy) / 25
		for d := 1; d < 26; d++ {
			o := float64(other[string(rune('a'+d))])
			chi += (o - exp) * (o - exp) / exp
		}
		if chi > 51.2 {
			t.Errorf("replacement offsets χ² = %.1f > 51.2: not uniform over the other symbols (%v)", chi, other)
		}
	})
	t.Run("pixel-noise", func(t *testing.T) {
		for _, c := range []struct {
			name  string
			sigma float64
			p     float64
		}{{"pixel-noise", 0.3, 0.1}, {"pixel-noise-paper", 0.7, 0.5}} {
			ss := samplesOf(t, c.name, u, n)
			k := 0
			for _, s := range ss {
				switch s.NoiseScale {
				case c.sigma:
					k++
				case 0:
				default:
					t.Fatalf("%s: noise %g", c.name, s.NoiseScale)
				}
			}
			near(t, c.name+" share noisy", float64(k)/n, c.p, sigma(c.p, n))
		}
	})
	t.Run("camouflage", func(t *testing.T) {
		for _, s := range samplesOf(t, "camouflage", u, 2000) {
			y := s.Symbols[0]
			if !y.Bold || y.Slant || y.Foreground.Style != scene.Camouflage || s.Background.Style != scene.Camouflage {
				t.Fatalf("%+v", s)
			}
			if d := s.Background.Camo.Angle - y.Foreground.Camo.Angle; math.Abs(d-math.Pi/2) > 1e-12 {
				t.Fatalf("orientations %g apart, want π/2", d)
			}
			if y.Foreground.Camo.Width != s.Background.Camo.Width || y.Foreground.Camo.Length != s.Background.Camo.Length {
				t.Fatal("foreground and background textures differ in more than orientation")
			}
		}
	})
}

// TestMixtureWeights: a top-level mixture draws each component with its
// weight (20,000 samples, 5σ), and a component overrides only what it says.
func TestMixtureWeights(t *testing.T) {
	s := mustParse(t, `
base: default
symbol: {bold: false}
mixture:
  - {weight: 1, symbol: {char: a, foreground: {solid: [1, 0, 0]}}}
  - {weight: 3, symbol: {char: b, foreground: {solid: {choice: {values: [[0, 1, 0], [0, 0, 1]], weights: [0.8, 0.2]}}}}}
`)
	sm, err := s.Sampler(englishUniverse())
	if err != nil {
		t.Fatal(err)
	}
	const n = 20000
	var comp [3]int
	green := 0
	for i := range n {
		smp := sm.Sample(1, i)
		y := smp.Symbols[0]
		comp[smp.Component]++
		if y.Bold {
			t.Fatal("the base's bold: false was lost")
		}
		switch smp.Component {
		case 1:
			if y.Char != "a" || y.Foreground.Color != [3]float64{1, 0, 0} {
				t.Fatalf("component 1 drew %+v", y)
			}
		case 2:
			if y.Char != "b" {
				t.Fatalf("component 2 drew %q", y.Char)
			}
			if y.Foreground.Color == [3]float64{0, 1, 0} {
				green++
			}
		default:
			t.Fatalf("component %d", smp.Component)
		}
	}
	near(t, "share of component 1", float64(comp[1])/n, 0.25, 5*math.Sqrt(0.25*0.75/n))
	near(t, "share of green in component 2", float64(green)/float64(comp[2]), 0.8, 5*math.Sqrt(0.16/float64(comp[2])))
}

// TestSeveralLanguages: font-first and char-first draws over two
// languages keep each symbol's char, font and alphabet consistent, and the
// font-first component is uniform over the (language, font) pairs.
func TestSeveralLanguages(t *testing.T) {
	s := mustPreset(t, "balanced-font-chars")
	en := englishUniverse()
	ru := Universe{Alphabet: "russian", Chars: []string{"а", "б", "в"}, Fonts: []string{"Cyr One", "Family A"}}
	u := Universe{Alphabet: "english", Languages: []Universe{en, ru}}
	sm, err := s.Sampler(u)
	if err != nil {
		t.Fatal(err)
	}
	const n = 20000
	ruFontFirst, fontFirst := 0, 0
	for i := range n {
		smp := sm.Sample(3, i)
		y := smp.Symbols[0]
		lang := en
		if y.Alphabet == "russian" {
			lang = ru
		}
		if !contains(lang.Chars, y.Char) || !contains(lang.Fonts, y.Font) {
			t.Fatalf("%s symbol %q in %q", y.Alphabet, y.Char, y.Font)
		}
		if smp.Component == 1 { // order: font_first
			fontFirst++
			if y.Alphabet == "russian" {
				ruFontFirst++
			}
		}
	}
	// Font-first: 2 of the 12 (language, font) pairs are Russian.
	p := 2.0 / 12
	near(t, "Russian share, font first", float64(ruFontFirst)/float64(fontFirst), p, 5*math.Sqrt(p*(1-p)/float64(fontFirst)))
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// TestFamilyRoundTrip: every preset's YAML parses back to a spec with the
// same YAML, and draws the same samples.
func TestFamilyRoundTrip(t *testing.T) {
	u := englishUniverse()
	for _, p := range Presets() {
		s := mustPreset(t, p.Name)
		y, err := s.YAML()
		if err != nil {
			t.Fatal(err)
		}
		s2, err := Parse(p.Name+".yaml", y)
		if err != nil {
			t.Fatalf("%s: %v\n%s", p.Name, err, y)
		}
		y2, _ := s2.YAML()
		if string(y) != string(y2) {
			t.Errorf("%s: YAML not stable:\n%s\n---\n%s", p.Name, y, y2)
		}
		if len(s.Languages()) > 1 {
			continue
		}
		a, err1 := s.Sampler(u)
		b, err2 := s2.Sampler(u)
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: %v %v", p.Name, err1, err2)
		}
		for i := range 50 {
			if x, z := a.Sample(5, i), b.Sample(5, i); string(x.AppendRecord(nil)) != string(z.AppendRecord(nil)) {
				t.Fatalf("%s: sample %d differs after the round trip", p.Name, i)
			}
		}
	}
}

// TestFamilyErrors: broken specs of the family's fields fail with the
// field path and the line.
func TestFamilyErrors(t *testing.T) {
	for _, c := range []struct{ yaml, want string }{
		{"mixture: []", "mixture: must be a non-empty list"},
		{"mixture: [{weight: 0, pixel_noise: 0}]", "mixture[0].weight: must be > 0, got 0"},
		{"mixture: [{weight: -1, pixel_noise: 0}]", "mixture[0].weight: must be > 0, got -1"},
		{"mixture: [{pixel_noise: 0}]", "mixture[0].weight: missing"},
		{"mixture: [{weight: 1, colour: red}]", "mixture[0].colour: unknown field"},
		{"mixture: [{weight: 1, resolution: [8, 8]}]", "mixture[0].resolution: unknown field"},
		{"mixture: [{weight: 1, mixture: [{weight: 1}]}]", "mixture[0].mixture: mixtures do not nest"},
		{"mixture: [{weight: 1, symbol: {scale: -1}}]", "mixture[0].symbol.scale: -1 is out of range"},
		{"pixel_noise: {mixture: [{weight: 1, value: {mixture: [{weight: 1, value: 0}]}}]}", "pixel_noise.mixture[0].value.mixture: mixtures do not nest"},
		{"pixel_noise: {mixture: [{weight: 1}]}", "pixel_noise.mixture[0].value: missing"},
		{"pixel_noise: {mixture: [{weight: 1, value: -0.5}]}", "pixel_noise: must be ≥ 0, got -0.5"},
		{"symbol: {char: {mixture: [{weight: 1, value: a, extra: 1}]}}", "symbol.char.mixture[0].extra: unknown field"},
		{"occlusion: {n: 256}", "occlusion.n: must be in [0, 255], got 256"},
		{"occlusion: {char: uniform}", "occlusion.char: must be a character or"},
		{"occlusion: {char: ab}", "occlusion.char: occluders are single characters"},
		{"occlusion: {colour: 1}", "occlusion.colour: unknown field"},
		{"mask: label", "mask: must be one of symbols, flatten, flatten_except_first"},
		{"label_noise: 1.5", "label_noise: must be a probability in [0, 1], got 1.5"},
		{"background: {camouflage: {strokes: 0}}", "background.camouflage.strokes: must be in [1, 4096], got 0"},
		{"background: {camouflage: {angel: 1}}", "background.camouflage.angel: unknown field"},
		{"background: {multi_gradient: {n: 40}}", "background.multi_gradient.n: must be in [1, 16], got 40"},
		{"background: {image: {min_crop: 0}}", "background.image.min_crop: must be the crop's smallest side"},
		{"background: stripes", "background: must be gradient, none, multi_gradient"},
		{"alphabet: {languages: [english, klingon]}", "alphabet.languages[1]: unknown language \"klingon\""},
		{"alphabet: {languages: [english, english]}", "alphabet.languages[1]: \"english\" is listed twice"},
		{"alphabet: {languages: [english, russian]}\nsymbol: {char: a}", "symbol: with several languages, char and font must be uniform"},
		{"fonts: {first: 0}", "fonts.first: must be ≥ 1"},
		{"symbol: {order: random}", "symbol.order: must be one of char_first, font_first"},
		{"n_symbols: 200\nocclusion: {n: 100}", "occlusion.n: n_symbols and occlusion.n together can draw 300 symbols"},
	} {
		_, err := Parse("bad.yaml", []byte(c.yaml))
		if err == nil {
			t.Errorf("%q: parsed", c.yaml)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, c.want) || !strings.Contains(msg, "(line ") || strings.Contains(msg, "\n") {
			t.Errorf("%q:\n got %s\nwant one line with the line number, containing %q", c.yaml, msg, c.want)
		}
	}
}

func TestUsesImages(t *testing.T) {
	for name, want := range map[string]bool{"natural-patterns": true, "default": false, "camouflage": false} {
		if got := mustPreset(t, name).UsesImages(); got != want {
			t.Errorf("%s: UsesImages %v, want %v", name, got, want)
		}
	}
	if !mustParse(t, "background: {mixture: [{weight: 1, value: none}, {weight: 1, value: image}]}").UsesImages() {
		t.Error("an image inside a mixture is not seen")
	}
}

// TestDocExamples: the YAML examples of docs/spec-language.md parse, and
// the joint-distribution example makes colour depend on the char.
func TestDocExamples(t *testing.T) {
	doc, err := os.ReadFile("../docs/spec-language.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := strings.Split(string(doc), "```yaml\n")[1:]
	if len(blocks) < 4 {
		t.Fatalf("found %d YAML examples, want at least 4", len(blocks))
	}
	var joint *Spec
	for i, b := range blocks {
		text := b[:strings.Index(b, "```")]
		if strings.HasPrefix(text, "{") {
			continue // the list of distribution forms
		}
		s, err := Parse(fmt.Sprintf("example%d.yaml", i), []byte(text))
		if err != nil {
			t.Errorf("example %d: %v\n%s", i, err, text)
			continue
		}
		if s.Name() == "joint" {
			joint = s
		}
	}
	if joint == nil {
		t.Fatal("no joint example")
	}
	sm, err := joint.Sampler(englishUniverse())
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2000 {
		y := sm.Sample(1, i).Symbols[0]
		c := y.Foreground.Color
		switch y.Char {
		case "a":
			if c[0] != 0 || (c[1] == 0) == (c[2] == 0) {
				t.Fatalf("'a' drawn in %v", c)
			}
		case "b", "c":
			if c[2] != 0 && y.Char == "b" || c[1] != 0 && y.Char == "c" {
				t.Fatalf("%q drawn in %v", y.Char, c)
			}
		default:
			t.Fatalf("char %q", y.Char)
		}
	}
}
