package spec

import (
	"embed"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"unicode"

	"github.com/synbols-gpu/synbols-gpu/alphabet"
	"github.com/synbols-gpu/synbols-gpu/scene"
)

// Limits that keep a spec drawable: they bound what a spec file (user input)
// can make the generator allocate.
const (
	// MaxResolution is the largest width or height.
	MaxResolution = 4096
	// MaxSymbolsLimit is the largest n_symbols: flattened masks label symbol
	// i with the byte i+1.
	MaxSymbolsLimit = 255
	// MaxFirstSymbols bounds alphabet.first; the largest alphabet
	// (Korean, both cases) has about 12,000 symbols.
	MaxFirstSymbols = 1 << 20
	// MaxSpecBytes bounds a spec file: a spec is a few hundred bytes; a
	// choice over the largest alphabet with weights is under 300 KB.
	MaxSpecBytes = 4 << 20
	// MaxListLen bounds every list of a spec (choice values and weights,
	// colours…): parsing a list costs memory per item, far more than its
	// text, so a long list is refused before it is built.
	MaxListLen = 100_000
)

// Spec is a parsed, validated distribution over scenes: what a preset or a
// user's spec file says. Build one with Parse, Load or Preset; turn it into
// samples with Sampler. A Spec is not modified by sampling; SetResolution is
// its only mutator and must not race with other uses.
type Spec struct {
	name, description    string
	width, height        int
	gray                 bool
	language, letterCase string
	// languages is alphabet.languages: several languages drawn in one
	// dataset (nil: language alone).
	languages    []string
	firstSymbols int // alphabet.first; 0 = the whole alphabet
	firstFonts   int // fonts.first; 0 = every usable family
	requireBold  bool
	mask         string // mask: one of maskModes
	// selectOverlap is select.overlap: keep only samples whose symbols
	// do not overlap ("none") or do ("some"); "" keeps every sample.
	selectOverlap string
	sceneAttrs
	// components is the mixture: each a complete set of scene attributes
	// (the base's, overridden by the component's fields), drawn with
	// probability weight/Σweights. Empty: no mixture.
	components []component
}

// sceneAttrs are the attributes drawn per sample: what a mixture
// component may override.
type sceneAttrs struct {
	nSymbols             dist[int]
	symbol               symbolAttrs
	background           dist[scene.Pattern]
	inverse, maxContrast dist[bool]
	pixelNoise           dist[float64]
	occlusion            occlusionAttrs
	labelNoise           float64 // label_noise: probability a recorded char is replaced
}

// occlusionAttrs are SPEC's add_occlusion: extra symbols drawn over the
// others from an explicitly named font.
type occlusionAttrs struct {
	n    dist[int] // nil: no occlusion block (no occluders)
	char dist[string]
	font string
	placed
}

// component is one weighted component of a mixture.
type component struct {
	weight float64
	attrs  sceneAttrs
}

// symbolAttrs are the per-symbol attributes: each symbol of a scene draws
// all of them again. A later mixture of partial specs overrides some of
// them per component.
type symbolAttrs struct {
	char, font universeAttr
	// fontFirst is order: font_first: the font is drawn before the char
	// (with several languages, the font's language then decides the
	// char's).
	fontFirst   bool
	bold, slant dist[bool]
	placed
}

// placed is where a symbol or an occluder lands and what fills it.
type placed struct {
	rotation, scale dist[float64]
	translation     translationAttr
	foreground      dist[scene.Pattern]
}

// universeAttr is char or font: a value from a list only the universe knows
// (the alphabet's symbols, the usable families), so "uniform" is kept
// symbolic here and bound to the list by Sampler.
type universeAttr struct {
	uniform bool
	d       dist[string] // constant or choice, when !uniform and mix is nil
	mix     *universeMix
}

// universeMix is a mixture of universe attributes (char: {mixture: [{weight:
// 0.7, value: a}, {weight: 0.3, value: uniform}]}, the counting preset's).
type universeMix struct {
	weights []float64
	comps   []universeAttr
}

// uniformKeyword is how "uniform over the universe" is written.
const uniformKeyword = "uniform"

// translationAttr holds one distribution per axis. shared records that the
// file gave one distribution for both axes, so YAML() writes it back so.
type translationAttr struct {
	x, y   dist[float64]
	shared bool
}

// Name is the dataset name (output files are named after it).
func (s *Spec) Name() string { return s.name }

// Description is the spec's one-line description.
func (s *Spec) Description() string { return s.description }

// Resolution returns the image width and height in pixels.
func (s *Spec) Resolution() (w, h int) { return s.width, s.height }

// SetResolution overrides the resolution (the command line's --resolution).
func (s *Spec) SetResolution(w, h int) error {
	if w < 1 || h < 1 || w > MaxResolution || h > MaxResolution {
		return &Error{Err: ErrInvalid, File: s.name, Path: "resolution",
			Msg: fmt.Sprintf("must be in [1, %d], got [%d, %d]", MaxResolution, w, h)}
	}
	s.width, s.height = w, h
	return nil
}

// Gray reports whether images are stored with one grey channel.
func (s *Spec) Gray() bool { return s.gray }

// Language returns the alphabet's language (as the alphabet package names it,
// e.g. "english") and case: "lower", "upper" or "both".
func (s *Spec) Language() (language, letterCase string) { return s.language, s.letterCase }

// FirstSymbols is alphabet.first: how many symbols of the filtered
// alphabet (in its order) the dataset draws from, e.g. 1,000 for
// korean-1k (the original's "first 1,000 Hangul syllables"); 0 means the
// whole alphabet. It applies after the font filter, as in the original,
// whose presets sliced an already filtered alphabet.
func (s *Spec) FirstSymbols() int { return s.firstSymbols }

// SetLanguage overrides alphabet.language (the command line's
// --language), keeping the case and alphabet.first. lang must be one of
// alphabet.Languages(), in any letter case; it is stored in lower case, the
// name datasets record.
func (s *Spec) SetLanguage(lang string) error {
	want := strings.ToLower(strings.TrimSpace(lang))
	if !slices.Contains(alphabet.Languages(), want) {
		return &Error{Err: ErrInvalid, File: s.name, Path: "alphabet.language",
			Msg: fmt.Sprintf("unknown language %q (known: %s)", lang, strings.Join(alphabet.Languages(), ", "))}
	}
	s.language = want
	return nil
}

// RequireBoldFace reports whether only families with a bold face are usable.
// When false every family is, and the painter synthesises bold for the
// families without a bold face.
func (s *Spec) RequireBoldFace() bool { return s.requireBold }

// MaxSymbols is the largest n_symbols the spec can draw: the number of mask
// channels a dataset needs.
func (s *Spec) MaxSymbols() int {
	most := s.sceneAttrs.maxSymbols()
	for _, c := range s.components {
		most = max(most, c.attrs.maxSymbols())
	}
	return most
}

func (a *sceneAttrs) maxSymbols() int {
	_, hi := intSupport(a.nSymbols)
	if a.occlusion.n != nil {
		_, o := intSupport(a.occlusion.n)
		hi += o
	}
	return hi
}

// SelectOverlap is select.overlap: "none" keeps only the samples whose
// overlap_score is 0, "some" only those whose overlap_score is above 0
// (the paper's non-overlapping and overlapping counting sets), "" every
// sample. A rejected candidate is replaced by the next candidate of the
// same index (Sampler.Candidate), so sample i still depends only on
// (spec, seed, i).
func (s *Spec) SelectOverlap() string { return s.selectOverlap }

// MaskMode is the spec's mask: "symbols" (one channel per symbol),
// "flatten" (the original's flatten_mask: a label map) or
// "flatten_except_first" (the first symbol's mask and a label map of the
// others, for occlusions).
func (s *Spec) MaskMode() string { return s.mask }

// Languages returns the languages the spec draws from: alphabet.languages,
// or alphabet.language alone.
func (s *Spec) Languages() []string {
	if len(s.languages) > 0 {
		return slices.Clone(s.languages)
	}
	return []string{s.language}
}

// FirstFonts is fonts.first: how many of each language's usable families
// (sorted by name) the dataset draws from; 0 means all of them.
func (s *Spec) FirstFonts() int { return s.firstFonts }

// OccluderFont is the family occluders are drawn in, "" when the spec
// draws no occluders; OccluderChars the characters they may be.
func (s *Spec) OccluderFont() string {
	font := ""
	for _, a := range s.allAttrs() {
		if a.occlusion.n != nil {
			font = a.occlusion.font
		}
	}
	return font
}

// OccluderChars lists the characters occluders may draw.
func (s *Spec) OccluderChars() []string {
	var out []string
	for _, a := range s.allAttrs() {
		if a.occlusion.n == nil {
			continue
		}
		for _, c := range stringValues(a.occlusion.char) {
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out
}

// allAttrs is the base attributes and every component's.
func (s *Spec) allAttrs() []*sceneAttrs {
	out := []*sceneAttrs{&s.sceneAttrs}
	for i := range s.components {
		out = append(out, &s.components[i].attrs)
	}
	return out
}

// Load reads and parses a spec file. Errors name the path as given.
func Load(file string) (*Spec, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("spec: %w", err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return nil, &Error{Err: ErrInvalid, File: file, Msg: "is a directory, not a spec file"}
	}
	// Read at most one byte past the limit, so a huge file (or a fifo,
	// /dev/zero) costs no more than that.
	data, err := io.ReadAll(io.LimitReader(f, MaxSpecBytes+1))
	if err != nil {
		return nil, fmt.Errorf("spec: %w", err)
	}
	if len(data) > MaxSpecBytes {
		return nil, &Error{Err: ErrInvalid, File: file, Msg: fmt.Sprintf("larger than %d MiB: not a spec", MaxSpecBytes>>20)}
	}
	return Parse(file, data)
}

// Parse parses a spec written in the language (see the package doc). name is
// the file name: errors quote it, and a spec without a name: field is named
// after it (without directory and extension).
func Parse(name string, data []byte) (*Spec, error) {
	p := &parser{file: name}
	return p.parse(data)
}

//go:embed presets/*.yaml
var presetFS embed.FS

//go:embed defaults.yaml
var defaultsYAML []byte

// PresetInfo describes an embedded preset (for --help).
type PresetInfo struct {
	Name        string
	Description string
}

// Presets lists the embedded presets, sorted by name. A preset that fails to
// parse (a bug the tests catch) is listed with the error as description.
func Presets() []PresetInfo {
	var out []PresetInfo
	for _, name := range presetNames() {
		info := PresetInfo{Name: name}
		if s, err := Preset(name); err != nil {
			info.Description = err.Error()
		} else {
			info.Description = s.description
		}
		out = append(out, info)
	}
	return out
}

// Preset returns a fresh copy of the named preset.
func Preset(name string) (*Spec, error) {
	p := &parser{file: name + ".yaml"}
	return p.preset(name)
}

func presetNames() []string {
	entries, _ := presetFS.ReadDir("presets")
	var names []string
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".yaml"); ok {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names
}

func presetData(name string) ([]byte, error) {
	if slices.Contains(presetNames(), name) {
		return presetFS.ReadFile(path.Join("presets", name+".yaml"))
	}
	return nil, fmt.Errorf("%w %q (known: %s)", ErrUnknownPreset, name, strings.Join(presetNames(), ", "))
}

// validName reports whether name can name a dataset: it becomes a file
// name, so no separators and no leading dot.
func validName(name string) bool {
	if name == "" || name[0] == '.' || len(name) > 200 {
		return false
	}
	for _, r := range name {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("._-+", r) {
			return false
		}
	}
	return true
}

// nameFromFile derives a dataset name from a file name: "cfg/my-set.yaml"
// gives "my-set"; characters a name cannot hold become '_'.
func nameFromFile(file string) string {
	base := filepath.Base(file)
	base = strings.TrimSuffix(base, filepath.Ext(base))
	name := strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("._-+", r) {
			return r
		}
		return '_'
	}, base)
	name = strings.TrimLeft(name, ".")
	if !validName(name) {
		return "synbols"
	}
	return name
}

// CharsDrawn is the number of distinct symbols the spec can draw from the
// universe u: the whole alphabet for char: uniform, else the values of
// its constant or choice (those with a weight above zero) that the
// alphabet holds. The summary of a run reports it, not the alphabet's
// size, so a 3-symbol spec says 3.
func (s *Spec) CharsDrawn(u Universe) int {
	in := make(map[string]bool, len(u.Chars))
	for _, c := range u.Chars {
		in[c] = true
	}
	seen := map[string]bool{}
	var add func(a universeAttr) bool
	add = func(a universeAttr) bool {
		switch {
		case a.uniform || (a.d == nil && a.mix == nil):
			return false
		case a.mix != nil:
			for _, c := range a.mix.comps {
				if !add(c) {
					return false
				}
			}
			return true
		}
		switch d := a.d.(type) {
		case constant[string]:
			if in[d.v] {
				seen[d.v] = true
			}
		case choice[string]:
			for i, v := range d.values {
				if in[v] && (d.weights == nil || d.weights[i] > 0) {
					seen[v] = true
				}
			}
		default:
			return false
		}
		return true
	}
	for _, a := range s.allAttrs() {
		if !add(a.symbol.char) {
			return len(u.Chars)
		}
	}
	return len(seen)
}

// UsesImages reports whether the spec can draw an ImagePattern, which
// needs an image pool (the command line's --image-dir).
func (s *Spec) UsesImages() bool {
	for _, a := range s.allAttrs() {
		for _, d := range []dist[scene.Pattern]{a.background, a.symbol.foreground, a.occlusion.foreground} {
			if drawsImage(d) {
				return true
			}
		}
	}
	return false
}

func drawsImage(d dist[scene.Pattern]) bool {
	switch d := d.(type) {
	case imagePattern:
		return true
	case mixture[scene.Pattern]:
		for _, c := range d.comps {
			if drawsImage(c) {
				return true
			}
		}
	}
	return false
}

// HasMixture reports whether the spec has a top-level mixture, whose
// samples record mixture_component.
func (s *Spec) HasMixture() bool { return len(s.components) > 0 }

// HasLabelNoise reports whether some sample may record a char other than
// the one drawn (label_noise > 0, in the base or a component), i.e. may
// record true_char.
func (s *Spec) HasLabelNoise() bool {
	for _, a := range s.allAttrs() {
		if a.labelNoise > 0 {
			return true
		}
	}
	return false
}
