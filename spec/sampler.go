package spec

import (
	"fmt"
	"slices"

	"github.com/synbols-gpu/synbols-gpu/internal/rng"
	"github.com/synbols-gpu/synbols-gpu/scene"
)

// Universe is what a spec is drawn over: the alphabet's symbols and the font
// families that can draw them. The fonts package computes it; the spec
// package only needs the names, which keeps it free of font files.
type Universe struct {
	Alphabet string   // recorded name, e.g. "english"
	Chars    []string // the alphabet's symbols, in order
	Fonts    []string // usable family names (sorted by Sampler, whatever the order given)
}

// Sampler draws samples of a Spec over a Universe.
//
// Concurrency: a Sampler is immutable after construction; Sample and
// SampleFromSeed may be called from any number of goroutines at once. Each
// call builds its own random stream, so a result depends only on (spec,
// universe, seed, i) — never on call order, worker count or batching.
type Sampler struct {
	alphabet    string
	width       int
	height      int
	gray        bool
	nSymbols    dist[int]
	char, font  dist[string]
	sym         symbolAttrs
	background  dist[scene.Pattern]
	inverse     dist[bool]
	maxContrast dist[bool]
	pixelNoise  dist[float64]
}

// Sampler binds the spec to a universe: uniform char and font become uniform
// over u.Chars and u.Fonts (fonts sorted by name), and every character and
// family the spec names must be in u. The Sampler keeps its own copies, so
// later changes to s or u do not affect it.
func (s *Spec) Sampler(u Universe) (*Sampler, error) {
	fail := func(path, format string, args ...any) error {
		return &Error{Err: ErrUniverse, File: s.name, Path: path, Msg: fmt.Sprintf(format, args...)}
	}
	if u.Alphabet == "" {
		return nil, fail("alphabet", "the universe has no alphabet name")
	}
	chars := slices.Clone(u.Chars)
	fonts := slices.Clone(u.Fonts)
	slices.Sort(fonts)
	for _, l := range []struct {
		what, path string
		list       []string
	}{{"characters", "symbol.char", chars}, {"fonts", "symbol.font", fonts}} {
		if len(l.list) == 0 {
			return nil, fail(l.path, "the universe has no %s", l.what)
		}
		seen := make(map[string]bool, len(l.list))
		for _, v := range l.list {
			if v == "" || seen[v] {
				return nil, fail(l.path, "the universe's %s hold an empty or repeated entry %q", l.what, v)
			}
			seen[v] = true
		}
	}
	char, err := s.symbol.char.bind(chars, func(v string) error {
		return fail("symbol.char", "%q is not in the %s alphabet (%d symbols)", v, u.Alphabet, len(chars))
	})
	if err != nil {
		return nil, err
	}
	font, err := s.symbol.font.bind(fonts, func(v string) error {
		return fail("symbol.font", "%q is not a usable font family (%d usable)", v, len(fonts))
	})
	if err != nil {
		return nil, err
	}
	return &Sampler{
		alphabet:    u.Alphabet,
		width:       s.width,
		height:      s.height,
		gray:        s.gray,
		nSymbols:    s.nSymbols,
		char:        char,
		font:        font,
		sym:         s.symbol,
		background:  s.background,
		inverse:     s.inverse,
		maxContrast: s.maxContrast,
		pixelNoise:  s.pixelNoise,
	}, nil
}

// bind turns the attribute into a distribution over list, checking that the
// values it names are in list.
func (a universeAttr) bind(list []string, missing func(string) error) (dist[string], error) {
	if a.uniform {
		return newChoice(list, nil), nil
	}
	var values []string
	switch d := a.d.(type) {
	case constant[string]:
		values = []string{d.v}
	case choice[string]:
		values = d.values
	}
	for _, v := range values {
		if !slices.Contains(list, v) {
			return nil, missing(v)
		}
	}
	return a.d, nil
}

// Sample returns sample i of the dataset with the given seed. The sample's
// own seed is the first Uint32 of the stream rng.New(seed, i); everything
// else comes from that seed (see SampleFromSeed), so the record's "seed"
// alone re-creates the sample.
func (sm *Sampler) Sample(seed uint64, i int) scene.Sample {
	st := rng.New(seed, uint64(i))
	return sm.SampleFromSeed(st.Uint32(), i)
}

// SampleFromSeed re-creates a sample from its recorded seed; i is only
// recorded as the Index. Every choice is drawn from rng.New(sampleSeed, 0)
// in this fixed order (the order is part of the dataset format: changing it
// changes every dataset):
//
//  1. n_symbols;
//  2. per symbol: char, font, bold, slant, rotation, scale, translation x,
//     translation y, foreground pattern;
//  3. background pattern, inverse, max_contrast, pixel_noise.
//
// Constants and "none" draw nothing; a Gradient draws one Uint32, its
// pattern seed; a choice draws one Intn (equal weights) or one Float64; a
// normal or log-normal one Normal (two Float64). So attributes that are
// constant in one spec do not shift the draws of the others.
//
// Drawing a 32-bit seed per sample means two samples of a large dataset may
// share a seed (about n²/2³³ pairs, ≈ 116 for a million) and so be equal;
// the original had the same property, and the record seed re-creating the
// sample is worth it.
func (sm *Sampler) SampleFromSeed(sampleSeed uint32, i int) scene.Sample {
	r := rng.New(uint64(sampleSeed), 0)
	s := scene.Sample{
		Index:  i,
		Seed:   sampleSeed,
		Width:  sm.width,
		Height: sm.height,
		Gray:   sm.gray,
	}
	s.Symbols = make([]scene.Symbol, sm.nSymbols.Sample(&r))
	for k := range s.Symbols {
		y := &s.Symbols[k]
		y.Alphabet = sm.alphabet
		y.Char = sm.char.Sample(&r)
		y.Font = sm.font.Sample(&r)
		y.Bold = sm.sym.bold.Sample(&r)
		y.Slant = sm.sym.slant.Sample(&r)
		y.Rotation = sm.sym.rotation.Sample(&r)
		y.Scale = sm.sym.scale.Sample(&r)
		y.Translation[0] = sm.sym.translation.x.Sample(&r)
		y.Translation[1] = sm.sym.translation.y.Sample(&r)
		y.Foreground = sm.sym.foreground.Sample(&r)
	}
	s.Background = sm.background.Sample(&r)
	s.Inverse = sm.inverse.Sample(&r)
	s.MaxContrast = sm.maxContrast.Sample(&r)
	s.NoiseScale = sm.pixelNoise.Sample(&r)
	return s
}
