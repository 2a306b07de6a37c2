package spec

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/internal/detmath"
	"github.com/synbols-gpu/synbols-gpu/internal/rng"
	"github.com/synbols-gpu/synbols-gpu/scene"
)

// testUniverse is 26 lower-case letters and 10 made-up families, given out
// of order: Sampler must sort the families itself.
func testUniverse() Universe {
	u := Universe{Alphabet: "english"}
	for c := 'a'; c <= 'z'; c++ {
		u.Chars = append(u.Chars, string(c))
	}
	for i := 9; i >= 0; i-- {
		u.Fonts = append(u.Fonts, fmt.Sprintf("Font %c", 'A'+i))
	}
	return u
}

func mustSampler(t testing.TB, s *Spec) *Sampler {
	t.Helper()
	sm, err := s.Sampler(testUniverse())
	if err != nil {
		t.Fatal(err)
	}
	return sm
}

func mustPreset(t testing.TB, name string) *Spec {
	t.Helper()
	s, err := Preset(name)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustParse(t testing.TB, text string) *Spec {
	t.Helper()
	s, err := Parse("test.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Statistical checks. Each bound is four standard errors of the statistic
// under the null hypothesis (or the 0.999 quantile for chi-square), and the
// samples come from fixed seeds, so a test is deterministic: it cannot flake,
// and TestStatChecksDetectWrongDistributions shows each check rejects a
// distribution a few percent off.

// statSamples is the sample size of the distribution tests: 20,000 makes the
// 4σ bound on a Bernoulli(½) rate ±0.014 and on a variance about ±6%·σ²/√2,
// while the whole test stays well under a second.
const statSamples = 20000

type attrs struct {
	rotation, logScale, tx, ty []float64
	bold, slant, inverse       int
	chars, fonts               map[string]int
}

func collect(t testing.TB, sm *Sampler, seed uint64, n int, scaleMedian float64) attrs {
	t.Helper()
	a := attrs{chars: map[string]int{}, fonts: map[string]int{}}
	for i := range n {
		s := sm.Sample(seed, i)
		if len(s.Symbols) != 1 {
			t.Fatalf("sample %d has %d symbols, want 1", i, len(s.Symbols))
		}
		y := s.Symbols[0]
		a.rotation = append(a.rotation, y.Rotation)
		a.logScale = append(a.logScale, math.Log(y.Scale/scaleMedian))
		a.tx = append(a.tx, y.Translation[0])
		a.ty = append(a.ty, y.Translation[1])
		a.chars[y.Char]++
		a.fonts[y.Font]++
		if y.Bold {
			a.bold++
		}
		if y.Slant {
			a.slant++
		}
		if s.Inverse {
			a.inverse++
		}
	}
	return a
}

func meanVar(xs []float64) (mean, variance float64) {
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	for _, x := range xs {
		variance += (x - mean) * (x - mean)
	}
	return mean, variance / float64(len(xs)-1)
}

// checkNormal: |mean − μ| < 4σ/√n, and |s² − σ²| < 4σ²·√(2/(n−1)) (the
// standard error of the sample variance of a normal).
func checkNormal(xs []float64, mu, sigma float64) error {
	n := float64(len(xs))
	m, v := meanVar(xs)
	if b := 4 * sigma / math.Sqrt(n); math.Abs(m-mu) >= b {
		return fmt.Errorf("mean %.5f, want %g ± %.5f", m, mu, b)
	}
	if b := 4 * sigma * sigma * math.Sqrt(2/(n-1)); math.Abs(v-sigma*sigma) >= b {
		return fmt.Errorf("variance %.5f, want %g ± %.5f", v, sigma*sigma, b)
	}
	return nil
}

// checkUniform for U[−a, a]: every value inside; |mean| < 4σ/√n with σ² =
// a²/3; |s² − σ²| < 4·√((μ₄ − σ⁴)/n) with μ₄ = a⁴/5 (so std a/√3).
func checkUniform(xs []float64, a float64) error {
	for _, x := range xs {
		if x < -a || x >= a {
			return fmt.Errorf("value %g outside [-%g, %g)", x, a, a)
		}
	}
	n := float64(len(xs))
	m, v := meanVar(xs)
	s2 := a * a / 3
	if b := 4 * math.Sqrt(s2/n); math.Abs(m) >= b {
		return fmt.Errorf("mean %.5f, want 0 ± %.5f", m, b)
	}
	if b := 4 * math.Sqrt((math.Pow(a, 4)/5-s2*s2)/n); math.Abs(v-s2) >= b {
		return fmt.Errorf("std %.5f, want %.5f (variance ± %.5f)", math.Sqrt(v), math.Sqrt(s2), b)
	}
	return nil
}

// checkRate: |k/n − p| < 4·√(p(1−p)/n).
func checkRate(k, n int, p float64) error {
	r := float64(k) / float64(n)
	if b := 4 * math.Sqrt(p*(1-p)/float64(n)); math.Abs(r-p) >= b {
		return fmt.Errorf("rate %.5f, want %g ± %.5f", r, p, b)
	}
	return nil
}

// checkUniformCounts: Pearson's chi-square against equal frequencies over
// cats, below crit (the 0.999 quantile for len(cats)−1 degrees of freedom).
func checkUniformCounts(counts map[string]int, cats []string, crit float64) error {
	n := 0
	for _, c := range counts {
		n += c
	}
	if len(counts) != len(cats) {
		return fmt.Errorf("%d distinct values, want %d", len(counts), len(cats))
	}
	want := float64(n) / float64(len(cats))
	chi2 := 0.0
	for _, c := range cats {
		d := float64(counts[c]) - want
		chi2 += d * d / want
	}
	if chi2 >= crit {
		return fmt.Errorf("chi-square %.2f ≥ %.2f (df %d)", chi2, crit, len(cats)-1)
	}
	return nil
}

// checkUncorrelated: |r| < 4/√n, the standard error of Pearson's r under
// independence. It catches two attributes reusing one draw.
func checkUncorrelated(xs, ys []float64) error {
	mx, vx := meanVar(xs)
	my, vy := meanVar(ys)
	c := 0.0
	for i := range xs {
		c += (xs[i] - mx) * (ys[i] - my)
	}
	r := c / float64(len(xs)-1) / math.Sqrt(vx*vy)
	if b := 4 / math.Sqrt(float64(len(xs))); math.Abs(r) >= b {
		return fmt.Errorf("correlation %.4f, want 0 ± %.4f", r, b)
	}
	return nil
}

// Chi-square 0.999 quantiles (tables; Wilson–Hilferty gives 52.7 and 28.1).
const (
	chi2df25 = 52.620 // 26 chars
	chi2df9  = 27.877 // 10 fonts
)

// checkDefault runs every distribution check of the original's default
// distribution (defaults.yaml) on a and returns the failures by name.
func checkDefault(a attrs, u Universe) map[string]error {
	fonts := slices.Sorted(slices.Values(u.Fonts))
	errs := map[string]error{
		"rotation":         checkNormal(a.rotation, 0, 0.3),
		"log(scale/0.6)":   checkNormal(a.logScale, 0, 0.2),
		"translation x":    checkUniform(a.tx, 0.9),
		"translation y":    checkUniform(a.ty, 0.9),
		"bold":             checkRate(a.bold, len(a.rotation), 0.5),
		"slant":            checkRate(a.slant, len(a.rotation), 0.5),
		"inverse":          checkRate(a.inverse, len(a.rotation), 0.5),
		"char":             checkUniformCounts(a.chars, u.Chars, chi2df25),
		"font":             checkUniformCounts(a.fonts, fonts, chi2df9),
		"corr(tx, ty)":     checkUncorrelated(a.tx, a.ty),
		"corr(rot, scale)": checkUncorrelated(a.rotation, a.logScale),
	}
	for k, err := range errs {
		if err == nil {
			delete(errs, k)
		}
	}
	return errs
}

func TestDefaultDistribution(t *testing.T) {
	sm := mustSampler(t, mustPreset(t, "default"))
	for k, err := range checkDefault(collect(t, sm, 2020, statSamples, 0.6), testUniverse()) {
		t.Errorf("%s: %v", k, err)
	}
}

// TestStatChecksDetectWrongDistributions runs the same checks on a spec a
// little off in every attribute, and requires each check to fail: the
// checks above can fail.
func TestStatChecksDetectWrongDistributions(t *testing.T) {
	s := mustParse(t, `
base: default
symbol:
  char: {choice: {values: [a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,u,v,w,x,y,z],
                  weights: [1.3,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]}}
  font: {choice: {values: [Font A, Font B, Font C, Font D, Font E, Font F, Font G, Font H, Font I, Font J],
                  weights: [1.2, 1, 1, 1, 1, 1, 1, 1, 1, 1]}}
  bold: {bernoulli: 0.53}
  slant: {bernoulli: 0.47}
  rotation: {normal: {mean: 0, std: 0.32}}
  scale: {lognormal: {median: 0.6, sigma: 0.22}}
  translation: [{uniform: [-0.95, 0.95]}, {uniform: [-0.85, 0.95]}]
inverse: {bernoulli: 0.53}
`)
	errs := checkDefault(collect(t, mustSampler(t, s), 2020, statSamples, 0.6), testUniverse())
	for _, k := range []string{"rotation", "log(scale/0.6)", "translation x", "translation y", "bold", "slant", "inverse", "char", "font"} {
		if errs[k] == nil {
			t.Errorf("%s: the check passed a wrong distribution", k)
		}
	}
	// Means, separately from spreads.
	s = mustParse(t, "symbol: {rotation: {normal: {mean: 0.02, std: 0.3}}, scale: {lognormal: {median: 0.62, sigma: 0.2}}}")
	a := collect(t, mustSampler(t, s), 2020, statSamples, 0.6)
	if checkNormal(a.rotation, 0, 0.3) == nil || checkNormal(a.logScale, 0, 0.2) == nil {
		t.Error("a shifted mean passed")
	}
}

func TestDefaultConstants(t *testing.T) {
	sm := mustSampler(t, mustPreset(t, "default"))
	fg := 0
	for i := range 1000 {
		s := sm.Sample(7, i)
		if s.Index != i || s.Width != 32 || s.Height != 32 || s.Gray || !s.MaxContrast || s.NoiseScale != 0.01 {
			t.Fatalf("sample %d: image fields %+v", i, s)
		}
		y := s.Symbols[0]
		if y.Alphabet != "english" {
			t.Fatalf("alphabet %q", y.Alphabet)
		}
		for _, p := range []scene.Pattern{s.Background, y.Foreground} {
			if p.Style != scene.Gradient || p.Types != scene.Linear|scene.Radial || p.Alpha != 1 {
				t.Fatalf("sample %d: pattern %+v, want a gradient of both types, alpha 1", i, p)
			}
		}
		if s.Background.Seed == y.Foreground.Seed {
			fg++
		}
	}
	if fg > 1 {
		t.Errorf("%d of 1000 samples share the foreground and background seed", fg)
	}
}

func TestSampleDeterministic(t *testing.T) {
	sm := mustSampler(t, mustParse(t, "base: default\nn_symbols: {randint: [1, 4]}\n"))
	const n, seed = 500, 99
	want := make([]scene.Sample, n)
	for i := range n {
		want[i] = sm.Sample(seed, i)
	}
	// Backwards.
	for i := n - 1; i >= 0; i-- {
		if got := sm.Sample(seed, i); !reflect.DeepEqual(got, want[i]) {
			t.Fatalf("sample %d differs when drawn in reverse order", i)
		}
	}
	// Eight goroutines, interleaved indices, each in reverse.
	got := make([]scene.Sample, n)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := n - 1 - g; i >= 0; i -= 8 {
				got[i] = sm.Sample(seed, i)
			}
		})
	}
	wg.Wait()
	if !reflect.DeepEqual(got, want) {
		t.Fatal("samples differ when drawn concurrently")
	}
	// The record seed alone re-creates the sample.
	for i, s := range want {
		if r := sm.SampleFromSeed(s.Seed, i); !reflect.DeepEqual(r, s) {
			t.Fatalf("SampleFromSeed(%d, %d) does not re-create sample %d", s.Seed, i, i)
		}
	}
	// Another seed gives other samples; other indices give other samples.
	same, seeds := 0, map[uint32]bool{}
	for i := range n {
		if reflect.DeepEqual(sm.Sample(seed+1, i).Symbols, want[i].Symbols) {
			same++
		}
		seeds[want[i].Seed] = true
	}
	if same > 0 {
		t.Errorf("%d of %d samples equal under another dataset seed", same, n)
	}
	if len(seeds) != n {
		t.Errorf("%d distinct sample seeds among %d samples", len(seeds), n)
	}
}

// TestDrawOrderPinned pins the first sample of "default" for seed 42 over
// the test universe. The draw order and the rng streams are part of the
// dataset format (the same seed must give the same dataset across
// versions); if this test fails, a change altered every dataset: update the
// golden values only on purpose.
func TestDrawOrderPinned(t *testing.T) {
	sm := mustSampler(t, mustPreset(t, "default"))
	both := scene.Linear | scene.Radial
	want := scene.Sample{
		Seed: 3214729008, Width: 32, Height: 32, Inverse: true, MaxContrast: true, NoiseScale: 0.01,
		Background: scene.Pattern{Style: scene.Gradient, Seed: 633508429, Alpha: 1, Types: both},
		Symbols: []scene.Symbol{{
			Alphabet: "english", Char: "j", Font: "Font C", Bold: true, Slant: false,
			Scale:       0.7642897070319234,
			Translation: [2]float64{0.5441460383971021, 0.6859838650364872},
			Rotation:    0.10977033033400696,
			Foreground:  scene.Pattern{Style: scene.Gradient, Seed: 1990673270, Alpha: 1, Types: both},
		}},
	}
	if got := sm.Sample(42, 0); !reflect.DeepEqual(got, want) {
		t.Errorf("default sample 0, seed 42:\n got %+v\nwant %+v", got, want)
	}
}

// TestDrawOrder re-derives samples of "default" from raw rng calls in the
// order SampleFromSeed documents.
func TestDrawOrder(t *testing.T) {
	u := testUniverse()
	fonts := slices.Sorted(slices.Values(u.Fonts))
	sm := mustSampler(t, mustPreset(t, "default"))
	for i := range 100 {
		got := sm.Sample(8, i)
		st := rng.New(8, uint64(i))
		seed := st.Uint32()
		r := rng.New(uint64(seed), 0)
		want := scene.Sample{Index: i, Seed: seed, Width: 32, Height: 32, MaxContrast: true, NoiseScale: 0.01}
		y := scene.Symbol{Alphabet: "english"}
		y.Char = u.Chars[r.Intn(26)]
		y.Font = fonts[r.Intn(10)]
		y.Bold = r.Bernoulli(0.5)
		y.Slant = r.Bernoulli(0.5)
		y.Rotation = 0.3 * r.Normal()
		y.Scale = 0.6 * detmath.Exp(0.2*r.Normal()) // not math.Exp: the same on every machine
		y.Translation = [2]float64{r.Uniform(-0.9, 0.9), r.Uniform(-0.9, 0.9)}
		both := scene.Linear | scene.Radial
		y.Foreground = scene.Pattern{Style: scene.Gradient, Seed: r.Uint32(), Types: both, Alpha: 1}
		want.Symbols = []scene.Symbol{y}
		want.Background = scene.Pattern{Style: scene.Gradient, Seed: r.Uint32(), Types: both, Alpha: 1}
		want.Inverse = r.Bernoulli(0.5)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("sample %d:\n got %+v\nwant %+v", i, got, want)
		}
	}
}

// TestPresetRecords checks the records of the presets against what the
// original produced (attribute records of its presets, whose pattern
// styles and constants are copied here).
func TestPresetRecords(t *testing.T) {
	type rec struct {
		Resolution [2]int  `json:"resolution"`
		Noise      float64 `json:"pixel_noise_scale"`
		Background struct {
			Style string  `json:"style"`
			Seed  *uint32 `json:"seed"`
		} `json:"background"`
		Foreground struct {
			Style string  `json:"style"`
			Seed  *uint32 `json:"seed"`
		} `json:"foreground"`
		Bold        string     `json:"is_bold"`
		Slant       string     `json:"is_slant"`
		Scale       float64    `json:"scale"`
		Translation [2]float64 `json:"translation"`
		Rotation    float64    `json:"rotation"`
	}
	type want struct {
		res              [2]int
		noise            float64
		bg, fg           string
		bold, slant      string // "" = either
		scale            float64
		fixedPlace       bool // translation 0 and rotation 0
		gray, noInverse  bool
		bgColor, fgColor [3]float64
	}
	cases := map[string]want{
		"plain":      {res: [2]int{32, 32}, noise: 0, bg: "NoPattern", fg: "SolidColor", bold: "False", slant: "False", scale: 1, fixedPlace: true, noInverse: true, fgColor: [3]float64{1, 1, 1}},
		"tiny":       {res: [2]int{8, 8}, noise: 0.01, bg: "SolidColor", fg: "SolidColor", bold: "False", slant: "False", scale: 1, gray: true, fgColor: [3]float64{1, 1, 1}},
		"default-bw": {res: [2]int{32, 32}, noise: 0.01, bg: "SolidColor", fg: "SolidColor", fgColor: [3]float64{1, 1, 1}},
		"default":    {res: [2]int{32, 32}, noise: 0.01, bg: "Gradient", fg: "Gradient"},
	}
	for name, w := range cases {
		t.Run(name, func(t *testing.T) {
			sm := mustSampler(t, mustPreset(t, name))
			moved, inverted := 0, 0
			for i := range 200 {
				s := sm.Sample(1, i)
				var r rec
				if err := json.Unmarshal(s.AppendRecord(nil), &r); err != nil {
					t.Fatal(err)
				}
				if r.Resolution != w.res || r.Noise != w.noise || r.Background.Style != w.bg || r.Foreground.Style != w.fg {
					t.Fatalf("sample %d: %+v, want %+v", i, r, w)
				}
				if (r.Background.Seed != nil) != (w.bg == "Gradient") || (r.Foreground.Seed != nil) != (w.fg == "Gradient") {
					t.Fatalf("sample %d: seeds recorded for %+v", i, r)
				}
				if w.bold != "" && (r.Bold != w.bold || r.Slant != w.slant) {
					t.Fatalf("sample %d: bold %s slant %s", i, r.Bold, r.Slant)
				}
				if w.scale != 0 && r.Scale != w.scale {
					t.Fatalf("sample %d: scale %g", i, r.Scale)
				}
				if r.Rotation != 0 || r.Translation != [2]float64{} {
					moved++
				}
				if s.Inverse {
					inverted++
				}
				if s.Gray != w.gray {
					t.Fatalf("sample %d: gray %v", i, s.Gray)
				}
				if w.fg == "SolidColor" && (s.Symbols[0].Foreground.Color != w.fgColor || s.Background.Color != w.bgColor) {
					t.Fatalf("sample %d: colours %v on %v", i, s.Symbols[0].Foreground.Color, s.Background.Color)
				}
			}
			if w.fixedPlace != (moved == 0) {
				t.Errorf("%d of 200 samples rotated or translated", moved)
			}
			if w.noInverse != (inverted == 0) {
				t.Errorf("%d of 200 samples inverted", inverted)
			}
		})
	}
}

func TestSamplerUniverseErrors(t *testing.T) {
	u := testUniverse()
	cases := []struct {
		spec string
		u    func(*Universe)
		want string
	}{
		{"symbol: {char: é}", nil, `spec: test: symbol.char: "é" is not in the english alphabet`},
		{"symbol: {char: {choice: {values: [a, Z]}}}", nil, `symbol.char: "Z" is not in`},
		{"symbol: {font: Comic Sans}", nil, `symbol.font: "Comic Sans" is not a usable font family`},
		{"symbol: {font: {choice: {values: [Font A, Arial]}}}", nil, `symbol.font: "Arial"`},
		{"name: x", func(u *Universe) { u.Chars = nil }, "symbol.char: the universe has no characters"},
		{"name: x", func(u *Universe) { u.Fonts = nil }, "symbol.font: the universe has no fonts"},
		{"name: x", func(u *Universe) { u.Fonts = append(u.Fonts, "Font A") }, `repeated entry "Font A"`},
		{"name: x", func(u *Universe) { u.Alphabet = "" }, "alphabet: the universe has no alphabet name"},
	}
	for _, c := range cases {
		uu := u
		uu.Chars, uu.Fonts = slices.Clone(u.Chars), slices.Clone(u.Fonts)
		if c.u != nil {
			c.u(&uu)
		}
		_, err := mustParse(t, c.spec).Sampler(uu)
		if err == nil || !errors.Is(err, ErrUniverse) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want ErrUniverse containing %q", c.spec, err, c.want)
		}
	}
	// A constant char or font that is in the universe is fine, and used.
	sm, err := mustParse(t, "symbol: {char: q, font: Font C}").Sampler(u)
	if err != nil {
		t.Fatal(err)
	}
	if y := sm.Sample(1, 3).Symbols[0]; y.Char != "q" || y.Font != "Font C" {
		t.Errorf("got %q in %q", y.Char, y.Font)
	}
}

// TestSamplerSortsFonts: the universe's font order does not matter.
func TestSamplerSortsFonts(t *testing.T) {
	s := mustPreset(t, "default")
	u := testUniverse()
	a, _ := s.Sampler(u)
	slices.Reverse(u.Fonts)
	b, _ := s.Sampler(u)
	u.Fonts[0] = "changed after"
	for i := range 50 {
		if !reflect.DeepEqual(a.Sample(3, i), b.Sample(3, i)) {
			t.Fatalf("sample %d depends on the order of Universe.Fonts or on later changes to it", i)
		}
	}
}

func TestMultiSymbol(t *testing.T) {
	s := mustParse(t, "base: default\nn_symbols: {randint: [3, 9]}\n")
	if s.MaxSymbols() != 9 {
		t.Fatalf("MaxSymbols %d, want 9", s.MaxSymbols())
	}
	sm := mustSampler(t, s)
	counts := map[int]int{}
	for i := range 9000 {
		smp := sm.Sample(5, i)
		counts[len(smp.Symbols)]++
		// Symbols draw their attributes independently.
		if len(smp.Symbols) > 1 && smp.Symbols[0].Rotation == smp.Symbols[1].Rotation {
			t.Fatalf("sample %d: symbols share a rotation", i)
		}
	}
	for k := 3; k <= 9; k++ {
		// 1286 expected; 4σ ≈ 131.
		if c := counts[k]; math.Abs(float64(c)-9000.0/7) > 4*math.Sqrt(9000*(1.0/7)*(6.0/7)) {
			t.Errorf("%d symbols in %d samples of 9000", k, c)
		}
	}
	if len(counts) != 7 {
		t.Errorf("symbol counts %v, want 3..9", counts)
	}
}

func TestChoiceWeights(t *testing.T) {
	s := mustParse(t, `
symbol:
  char: {choice: {values: [a, b, c], weights: [0.7, 0.3, 0]}}
  foreground: {solid: {choice: {values: [[0, 0, 1], [0, 1, 0]], weights: [0.8, 0.2]}}}
pixel_noise: {choice: {values: [0.3, 0.01], weights: [1, 9]}}
`)
	sm := mustSampler(t, s)
	const n = 20000
	var a, blue, noisy int
	for i := range n {
		smp := sm.Sample(11, i)
		y := smp.Symbols[0]
		switch y.Char {
		case "a":
			a++
		case "c":
			t.Fatal("a zero-weight value was drawn")
		}
		if y.Foreground.Color == [3]float64{0, 0, 1} {
			blue++
		}
		if smp.NoiseScale == 0.3 {
			noisy++
		}
	}
	for _, c := range []struct {
		name string
		k    int
		p    float64
	}{{"char a", a, 0.7}, {"blue", blue, 0.8}, {"noisy", noisy, 0.1}} {
		if err := checkRate(c.k, n, c.p); err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}

func BenchmarkSample(b *testing.B) {
	sm := mustSampler(b, mustPreset(b, "default"))
	for i := 0; b.Loop(); i++ {
		_ = sm.Sample(1, i)
	}
}
