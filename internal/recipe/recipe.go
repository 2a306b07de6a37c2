// Package recipe is the spec → universe → sampler → planned batch recipe:
// what a spec draws (Universe), and samples planned into an engine.Batch
// ready for any backend to paint.
//
// It lives apart from generate so that what only paints — the backends'
// tests (engine/gpu's gpu.test) and benchmarks — does not import
// generate → output → internal/hdf5 and so does not link libhdf5: a test
// binary built here must start on a machine that has no libhdf5 (the lent
// GPU machine, README "GPU machine"). Nothing here may import output or
// internal/hdf5 (TestNoHDF5 checks).
package recipe

import (
	"errors"
	"fmt"
	"slices"
	"unicode/utf8"

	"github.com/synbols-gpu/synbols-gpu/alphabet"
	"github.com/synbols-gpu/synbols-gpu/atlas"
	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/fonts"
	"github.com/synbols-gpu/synbols-gpu/spec"
)

// Universe resolves the spec's alphabet and the families that draw it.
//
// English keeps the rule the default datasets were made with: a family is
// usable only if it draws all of a-z (Library.Usable), so the English
// alphabet is always exactly 26 letters. Every other language gets the
// original Synbols' coverage filter (fonts.FilterAlphabet, docs/alphabets.md):
// real pools cover those scripts only in part, and the filter trades a
// few rare symbols for keeping most fonts. The symbols are alphabet.Alphabet,
// the single-rune ones: the painter draws one rune per symbol, so CLDR's
// few multi-rune symbols (Russian stressed vowels, Bengali conjuncts, two
// Khmer clusters) are dropped before filtering. alphabet.first (korean-1k)
// then keeps the first N symbols of the filtered alphabet, in its order.
// The recorded alphabet name is the language name, e.g. "korean".
func Universe(s *spec.Spec, lib *fonts.Library) (spec.Universe, error) {
	_, letterCase := s.Language()
	langs := s.Languages()
	var parts []spec.Universe
	for _, lang := range langs {
		u, err := language(s, lib, lang, letterCase)
		if err != nil {
			return spec.Universe{}, err
		}
		parts = append(parts, u)
	}
	if err := checkOccluders(s, lib); err != nil {
		return spec.Universe{}, err
	}
	if len(parts) == 1 {
		return parts[0], nil
	}
	// Several languages: the unions, each entry once, are what the splits
	// stratify on; the parts are what the sampler draws from.
	u := spec.Universe{Alphabet: parts[0].Alphabet, Languages: parts}
	seenC, seenF := map[string]bool{}, map[string]bool{}
	for _, p := range parts {
		for _, c := range p.Chars {
			if !seenC[c] {
				seenC[c] = true
				u.Chars = append(u.Chars, c)
			}
		}
		for _, f := range p.Fonts {
			if !seenF[f] {
				seenF[f] = true
				u.Fonts = append(u.Fonts, f)
			}
		}
	}
	slices.Sort(u.Fonts)
	return u, nil
}

// language is the universe of one language of s.
func language(s *spec.Spec, lib *fonts.Library, lang, letterCase string) (spec.Universe, error) {
	runes, err := alphabet.Alphabet(lang, letterCase)
	if err != nil {
		return spec.Universe{}, err
	}
	u := spec.Universe{Alphabet: lang}
	var fams []*fonts.Family
	// "en" and "latin" are fonts' other names for English.
	if english := lang == "english" || lang == "en" || lang == "latin"; english {
		fams = lib.Usable(runes, s.RequireBoldFace())
		for _, r := range runes {
			u.Chars = append(u.Chars, string(r))
		}
	} else {
		symbols := make([]string, len(runes))
		for i, r := range runes {
			symbols[i] = string(r)
		}
		fams, u.Chars = fonts.FilterAlphabet(lib.Families, symbols, s.RequireBoldFace())
	}
	if len(fams) == 0 || len(u.Chars) == 0 {
		bold := ""
		if s.RequireBoldFace() {
			bold = " with a bold face"
		}
		return spec.Universe{}, fmt.Errorf("%w: no font%s covers the %s alphabet (%d symbols)", fonts.ErrNoFonts, bold, lang, len(runes))
	}
	if n := s.FirstSymbols(); n > 0 && n < len(u.Chars) {
		u.Chars = u.Chars[:n]
	}
	for _, f := range fams {
		u.Fonts = append(u.Fonts, f.Name)
	}
	// fonts.first keeps the first N families by name (the original's
	// alphabet.fonts[:200] of a sorted list).
	if n := s.FirstFonts(); n > 0 && n < len(u.Fonts) {
		slices.Sort(u.Fonts)
		u.Fonts = u.Fonts[:n]
	}
	return u, nil
}

// ErrOccluderFont reports an occlusion font that is not in the library or
// lacks an occluder's glyph.
var ErrOccluderFont = errors.New("occlusion.font")

// checkOccluders verifies that the occluders' family is in the library and
// draws every occluder character: occluders are drawn from that named
// family and recorded as such, never from whatever a name resolves to.
func checkOccluders(s *spec.Spec, lib *fonts.Library) error {
	name := s.OccluderFont()
	if name == "" {
		return nil
	}
	fam, ok := lib.Family(name)
	if !ok {
		return fmt.Errorf("%w: family %q is not in the font pool (occluders ■ ▲ ● need a font that has them, e.g. %q)", ErrOccluderFont, name, spec.DefaultOccluderFont)
	}
	for _, c := range s.OccluderChars() {
		r, _ := utf8.DecodeRuneInString(c)
		if !fam.Regular.Covers(r) {
			return fmt.Errorf("%w: family %q has no glyph for %q (U+%04X)", ErrOccluderFont, name, c, r)
		}
	}
	return nil
}

// Sampler is the spec's sampler over its Universe.
func Sampler(s *spec.Spec, lib *fonts.Library) (*spec.Sampler, error) {
	u, err := Universe(s, lib)
	if err != nil {
		return nil, err
	}
	return s.Sampler(u)
}

// NewBatch is an empty batch of the spec's geometry: its resolution, 1
// channel if gray else 3, one mask channel per symbol it may draw.
func NewBatch(s *spec.Spec, at *atlas.Atlas) *engine.Batch {
	w, h := s.Resolution()
	c := 3
	if s.Gray() {
		c = 1
	}
	return &engine.Batch{Width: w, Height: h, Channels: c, MaskChannels: s.MaxSymbols(), Atlas: at}
}

// Batch samples samples [start, start+n) of the dataset (s, seed) and plans
// them into one batch, in order, on the calling goroutine: the same images
// and symbols the generator paints for those samples.
func Batch(s *spec.Spec, lib *fonts.Library, at *atlas.Atlas, seed uint64, start, n int) (*engine.Batch, error) {
	sm, err := Sampler(s, lib)
	if err != nil {
		return nil, err
	}
	b := NewBatch(s, at)
	pl := &engine.Planner{Fonts: lib, Atlas: at}
	sel := NewSelector(s.SelectOverlap(), *b)
	for i := start; i < start+n; i++ {
		if _, err := PlanIndex(sm, pl, sel, seed, i, b); err != nil {
			return nil, err
		}
	}
	return b, nil
}
