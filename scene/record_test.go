package scene

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/internal/pytest"
)

func testSamples() []Sample {
	sym := Symbol{Alphabet: "english", Char: "f", Font: "Open Sans", Bold: true, Scale: 0.7594125197014407,
		Translation: [2]float64{-0.8613594457025092, 0.3925571371045581}, Rotation: -0.00579993524832577,
		Foreground: Pattern{Style: Gradient, Seed: 1119786704}}
	odd := Symbol{Alphabet: "korean", Char: "가\"\\\n😀", Font: "Noto \u00e9", Scale: 1, Translation: [2]float64{1e-05, 123456789012345678},
		Rotation: 0, Foreground: Pattern{Style: SolidColor}}
	return []Sample{
		{Seed: 1570198172, Width: 32, Height: 32, NoiseScale: 0.01, Background: Pattern{Style: Gradient, Seed: 478168918}, Symbols: []Symbol{sym}},
		{Seed: 0, Width: 8, Height: 8, NoiseScale: 0, Background: Pattern{Style: NoPattern}, Symbols: []Symbol{odd, sym}},
		{Seed: math.MaxUint32, Width: 128, Height: 64, NoiseScale: 0.3, Background: Pattern{Style: SolidColor}},
	}
}

// TestRecordMatchesPython checks the record byte for byte against Python's
// own json.dumps of the parsed record: same keys, order, separators,
// escaping and float spelling as the original implementation wrote.
func TestRecordMatchesPython(t *testing.T) {
	var lines []string
	for _, s := range testSamples() {
		rec := s.AppendRecord(nil)
		if !json.Valid(rec) {
			t.Fatalf("invalid JSON: %s", rec)
		}
		for _, c := range rec {
			if c >= 0x80 {
				t.Fatalf("non-ASCII byte in record %s", rec)
			}
		}
		lines = append(lines, string(rec))
	}
	py := pytest.Python(t)
	file := filepath.Join(t.TempDir(), "records.txt")
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	out := pytest.Run(t, py, `
import json, sys
for line in open(sys.argv[1]).read().split("\n"):
    obj = json.loads(line)
    print(json.dumps(obj))
`, file)
	got := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(got) != len(lines) {
		t.Fatalf("python printed %d records, want %d", len(got), len(lines))
	}
	for i := range lines {
		if got[i] != lines[i] {
			t.Errorf("record %d differs from Python's json.dumps:\n ours:   %s\n python: %s", i, lines[i], got[i])
		}
	}
}

func TestRecordKeys(t *testing.T) {
	s := testSamples()[0]
	var m map[string]any
	if err := json.Unmarshal(s.AppendRecord(nil), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"resolution", "pixel_noise_scale", "seed", "background", "alphabet", "char", "font",
		"is_bold", "is_slant", "scale", "translation", "rotation", "foreground", "symbols"} {
		if _, ok := m[k]; !ok {
			t.Errorf("missing key %q", k)
		}
	}
	if len(m) != 14 {
		t.Errorf("record has %d keys, want 14: %v", len(m), m)
	}
	if m["is_bold"] != "True" || m["is_slant"] != "False" {
		t.Errorf("is_bold/is_slant = %v/%v, want the strings True/False", m["is_bold"], m["is_slant"])
	}
}

func TestGradientFromSeed(t *testing.T) {
	p := Pattern{Style: Gradient, Seed: 7}
	a, b := p.Gradient(), p.Gradient()
	if a != b {
		t.Fatal("same seed gave different gradients")
	}
	if c := (Pattern{Style: Gradient, Seed: 8}).Gradient(); c == a {
		t.Fatal("different seeds gave the same gradient")
	}
	// Over many seeds: both types, colours in [0,1), radial radii 2 → 0.1.
	radial := 0
	const n = 4000
	for s := range uint32(n) {
		g := Pattern{Style: Gradient, Seed: s}.Gradient()
		if g.Radial {
			radial++
			if g.R0 != 2 || g.R1 != 0.1 {
				t.Fatalf("radii %v %v", g.R0, g.R1)
			}
		}
		for _, c := range g.Stops {
			for _, v := range c {
				if v < 0 || v >= 1 {
					t.Fatalf("colour %v outside [0,1)", v)
				}
			}
		}
		if g.Alpha != 1 {
			t.Fatalf("alpha %v, want 1", g.Alpha)
		}
	}
	// Binomial(4000, ½): σ ≈ 31.6; allow 4σ.
	if math.Abs(float64(radial)-n/2) > 4*math.Sqrt(n/4) {
		t.Errorf("radial %d of %d, want about half", radial, n)
	}
	if g := (Pattern{Style: Gradient, Seed: 3, Types: Linear}).Gradient(); g.Radial {
		t.Error("Types=Linear gave a radial gradient")
	}
}

// TestRecordUnchanged pins the records of samples without the later keys
// byte for byte, as the code before true_char, bbox and overlap_score
// wrote them — but for the "color" a SolidColor now records (the
// original wrote only its style; readers take keys by name).
func TestRecordUnchanged(t *testing.T) {
	want := []string{
		`{"resolution": [32, 32], "pixel_noise_scale": 0.01, "seed": 1570198172, "background": {"style": "Gradient", "seed": 478168918}, "alphabet": "english", "char": "f", "font": "Open Sans", "is_bold": "True", "is_slant": "False", "scale": 0.7594125197014407, "translation": [-0.8613594457025092, 0.3925571371045581], "rotation": -0.00579993524832577, "foreground": {"style": "Gradient", "seed": 1119786704}, "symbols": [{"alphabet": "english", "char": "f", "font": "Open Sans", "is_bold": "True", "is_slant": "False", "scale": 0.7594125197014407, "translation": [-0.8613594457025092, 0.3925571371045581], "rotation": -0.00579993524832577, "foreground": {"style": "Gradient", "seed": 1119786704}}]}`,
		`{"resolution": [8, 8], "pixel_noise_scale": 0.0, "seed": 0, "background": {"style": "NoPattern"}, "alphabet": "korean", "char": "\uac00\"\\\n\ud83d\ude00", "font": "Noto \u00e9", "is_bold": "False", "is_slant": "False", "scale": 1.0, "translation": [1e-05, 1.2345678901234568e+17], "rotation": 0.0, "foreground": {"style": "SolidColor", "color": [0.0, 0.0, 0.0]}, "symbols": [{"alphabet": "korean", "char": "\uac00\"\\\n\ud83d\ude00", "font": "Noto \u00e9", "is_bold": "False", "is_slant": "False", "scale": 1.0, "translation": [1e-05, 1.2345678901234568e+17], "rotation": 0.0, "foreground": {"style": "SolidColor", "color": [0.0, 0.0, 0.0]}}, {"alphabet": "english", "char": "f", "font": "Open Sans", "is_bold": "True", "is_slant": "False", "scale": 0.7594125197014407, "translation": [-0.8613594457025092, 0.3925571371045581], "rotation": -0.00579993524832577, "foreground": {"style": "Gradient", "seed": 1119786704}}]}`,
		`{"resolution": [128, 64], "pixel_noise_scale": 0.3, "seed": 4294967295, "background": {"style": "SolidColor", "color": [0.0, 0.0, 0.0]}, "symbols": []}`,
	}
	for i, s := range testSamples() {
		if got := string(s.AppendRecord(nil)); got != want[i] {
			t.Errorf("record %d changed:\n got  %s\n want %s", i, got, want[i])
		}
	}
}

// newSample has every later key: true_char, bbox (also in the top-level
// copy), the seeds of every random style, an image's path, overlap_score.
func newSample() Sample {
	a := Symbol{Alphabet: "english", Char: "a", TrueChar: "b", Font: "F", Scale: 0.5,
		Foreground: Pattern{Style: Camouflage, Seed: 11}, Box: [4]int{1, 2, 30, 31}, HasBox: true}
	b := Symbol{Alphabet: "english", Char: "c", Font: "F", Scale: 0.5,
		Foreground: Pattern{Style: ImagePattern, Seed: 12, Image: ImageParams{Path: "dir/\u00e9.jpg"}}, HasBox: true}
	return Sample{Seed: 5, Width: 32, Height: 32, NoiseScale: 0.01, Background: Pattern{Style: MultiGradient, Seed: 13},
		Symbols: []Symbol{a, b}, Overlap: 0.0234375, HasOverlap: true}
}

func TestRecordNewKeys(t *testing.T) {
	s := newSample()
	rec := string(s.AppendRecord(nil))
	want := `{"resolution": [32, 32], "pixel_noise_scale": 0.01, "seed": 5, "background": {"style": "MultiGradient", "seed": 13}, ` +
		`"alphabet": "english", "char": "a", "true_char": "b", "font": "F", "is_bold": "False", "is_slant": "False", "scale": 0.5, "translation": [0.0, 0.0], "rotation": 0.0, "foreground": {"style": "Camouflage", "seed": 11}, "bbox": [1, 2, 30, 31], ` +
		`"symbols": [{"alphabet": "english", "char": "a", "true_char": "b", "font": "F", "is_bold": "False", "is_slant": "False", "scale": 0.5, "translation": [0.0, 0.0], "rotation": 0.0, "foreground": {"style": "Camouflage", "seed": 11}, "bbox": [1, 2, 30, 31]}, ` +
		`{"alphabet": "english", "char": "c", "font": "F", "is_bold": "False", "is_slant": "False", "scale": 0.5, "translation": [0.0, 0.0], "rotation": 0.0, "foreground": {"style": "ImagePattern", "seed": 12, "path": "dir/\u00e9.jpg"}, "bbox": [0, 0, 0, 0]}], ` +
		`"overlap_score": 0.0234375}`
	if rec != want {
		t.Errorf("record\n got  %s\n want %s", rec, want)
	}
	// Python agrees on the spelling (json.dumps of the parsed record).
	py := pytest.Python(t)
	out := pytest.Run(t, py, `
import json, sys
print(json.dumps(json.loads(sys.argv[1])))
`, rec)
	if strings.TrimRight(out, "\n") != rec {
		t.Errorf("python's json.dumps differs:\n ours   %s\n python %s", rec, out)
	}
}
