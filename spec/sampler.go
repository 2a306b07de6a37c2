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
//
// A spec over several languages (alphabet.languages) has one Universe per
// language in Languages, in the spec's order; Alphabet, Chars and Fonts
// are then the first language's name and the unions of the languages'
// symbols (in order, each once) and families (each once), which are what
// the splits stratify on.
type Universe struct {
	Alphabet  string   // recorded name, e.g. "english"
	Chars     []string // the alphabet's symbols, in order
	Fonts     []string // usable family names (sorted by Sampler, whatever the order given)
	Languages []Universe
}

// Sampler draws samples of a Spec over a Universe.
//
// Concurrency: a Sampler is immutable after construction; Sample and
// SampleFromSeed may be called from any number of goroutines at once. Each
// call builds its own random stream, so a result depends only on (spec,
// universe, seed, i) — never on call order, worker count or batching.
type Sampler struct {
	width, height int
	gray          bool
	parts         []samplerPart // the base, or the mixture's components
	cum           []float64     // the mixture's cumulative weights; nil: no mixture
}

// samplerPart is one set of scene attributes bound to the universe.
type samplerPart struct {
	a          sceneAttrs
	char, font dist[string] // one language
	langs      []boundLanguage
	// pairs index (language, symbol) or (language, font) pairs for
	// several languages: entry k of charPairs is symbol charPairs[k].i of
	// language charPairs[k].l.
	charPairs, fontPairs []pair
}

// boundLanguage is one language of the universe, its fonts sorted, with
// each symbol's index for label noise.
type boundLanguage struct {
	name   string
	chars  []string
	fonts  []string
	charAt map[string]int
}

type pair struct{ l, i int32 }

// Sampler binds the spec to a universe: uniform char and font become uniform
// over u.Chars and u.Fonts (fonts sorted by name), and every character and
// family the spec names must be in u. The Sampler keeps its own copies, so
// later changes to s or u do not affect it.
func (s *Spec) Sampler(u Universe) (*Sampler, error) {
	fail := func(path, format string, args ...any) error {
		return &Error{Err: ErrUniverse, File: s.name, Path: path, Msg: fmt.Sprintf(format, args...)}
	}
	langs := u.Languages
	if len(langs) == 0 {
		langs = []Universe{u}
	}
	var bound []boundLanguage
	for _, lu := range langs {
		if lu.Alphabet == "" {
			return nil, fail("alphabet", "the universe has no alphabet name")
		}
		b := boundLanguage{name: lu.Alphabet, chars: slices.Clone(lu.Chars), fonts: slices.Clone(lu.Fonts)}
		slices.Sort(b.fonts)
		for _, l := range []struct {
			what, path string
			list       []string
		}{{"characters", "symbol.char", b.chars}, {"fonts", "symbol.font", b.fonts}} {
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
		b.charAt = make(map[string]int, len(b.chars))
		for i, c := range b.chars {
			b.charAt[c] = i
		}
		bound = append(bound, b)
	}
	sm := &Sampler{width: s.width, height: s.height, gray: s.gray}
	attrs := []sceneAttrs{s.sceneAttrs}
	if len(s.components) > 0 {
		attrs = attrs[:0]
		weights := make([]float64, len(s.components))
		for i, c := range s.components {
			attrs = append(attrs, c.attrs)
			weights[i] = c.weight
		}
		sm.cum = newChoice(weights, weights).cum
	}
	for _, a := range attrs {
		part := samplerPart{a: a, langs: bound}
		if len(bound) == 1 {
			b := bound[0]
			var err error
			part.char, err = a.symbol.char.bind(b.chars, func(v string) error {
				return fail("symbol.char", "%q is not in the %s alphabet (%d symbols)", v, b.name, len(b.chars))
			})
			if err != nil {
				return nil, err
			}
			part.font, err = a.symbol.font.bind(b.fonts, func(v string) error {
				return fail("symbol.font", "%q is not a usable font family (%d usable)", v, len(b.fonts))
			})
			if err != nil {
				return nil, err
			}
		} else {
			if !a.symbol.char.uniform || !a.symbol.font.uniform {
				return nil, fail("symbol", "with several languages, char and font must be uniform")
			}
			for l, b := range bound {
				for i := range b.chars {
					part.charPairs = append(part.charPairs, pair{int32(l), int32(i)})
				}
				for i := range b.fonts {
					part.fontPairs = append(part.fontPairs, pair{int32(l), int32(i)})
				}
			}
		}
		sm.parts = append(sm.parts, part)
	}
	return sm, nil
}

// bind turns the attribute into a distribution over list, checking that the
// values it names are in list.
func (a universeAttr) bind(list []string, missing func(string) error) (dist[string], error) {
	if a.uniform {
		return newChoice(list, nil), nil
	}
	if a.mix != nil {
		comps := make([]dist[string], len(a.mix.comps))
		for i, c := range a.mix.comps {
			d, err := c.bind(list, missing)
			if err != nil {
				return nil, err
			}
			comps[i] = d
		}
		return newMixture(a.mix.weights, comps), nil
	}
	for _, v := range stringValues(a.d) {
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
	return sm.Candidate(seed, i, 0)
}

// Candidate returns candidate a of sample i: the sample drawn from the
// (a+1)-th Uint32 of the stream rng.New(seed, i). Candidate 0 is Sample.
// A spec that selects samples (Spec.SelectOverlap) takes the first
// candidate that passes, so the dataset's sample i still depends only on
// (spec, seed, i), and its recorded seed alone re-creates it.
func (sm *Sampler) Candidate(seed uint64, i, a int) scene.Sample {
	st := rng.New(seed, uint64(i))
	v := st.Uint32()
	for range a {
		v = st.Uint32()
	}
	return sm.SampleFromSeed(v, i)
}

// OccluderAlphabet is the alphabet occluders are recorded with: the
// original's add_occlusion recorded its occluders as English symbols.
const OccluderAlphabet = "english"

// SampleFromSeed re-creates a sample from its recorded seed; i is only
// recorded as the Index. Every choice is drawn from rng.New(sampleSeed, 0)
// in this fixed order (the order is part of the dataset format: changing it
// changes every dataset):
//
//  0. with a mixture, the component (one Float64);
//  1. n_symbols;
//  2. per symbol: char, font (font, char with order: font_first), bold,
//     slant, rotation, scale, translation x, translation y, foreground
//     pattern;
//  3. background pattern, inverse, max_contrast, pixel_noise;
//  4. with an occlusion block: the number of occluders, then per
//     occluder: scale, translation x, translation y, char, rotation,
//     foreground (the original's add_occlusion order);
//  5. with label_noise p > 0, per symbol (not occluders): one Bernoulli(p),
//     and when it is true one Intn choosing the recorded other symbol.
//
// Constants and "none" draw nothing; a random pattern draws one Uint32,
// its pattern seed; a choice draws one Intn (equal weights) or one
// Float64; a mixture one Float64 and then its component's draws; a normal
// or log-normal one Normal (two Float64). With several languages, a
// symbol's char and font take one Intn over the (language, symbol) pairs
// and one over the language's fonts (font_first: over the (language,
// font) pairs, then the language's symbols). So attributes that are
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
	part := &sm.parts[0]
	if sm.cum != nil {
		k := pick(sm.cum, &r)
		part = &sm.parts[k]
		s.Component = k + 1
	}
	a := &part.a
	n := a.nSymbols.Sample(&r)
	s.Symbols = make([]scene.Symbol, n, n+occluderRoom(a))
	for k := range s.Symbols {
		y := &s.Symbols[k]
		part.charFont(y, &r, a.symbol.fontFirst)
		y.Bold = a.symbol.bold.Sample(&r)
		y.Slant = a.symbol.slant.Sample(&r)
		y.Rotation = a.symbol.rotation.Sample(&r)
		y.Scale = a.symbol.scale.Sample(&r)
		y.Translation[0] = a.symbol.translation.x.Sample(&r)
		y.Translation[1] = a.symbol.translation.y.Sample(&r)
		y.Foreground = a.symbol.foreground.Sample(&r)
	}
	s.Background = a.background.Sample(&r)
	s.Inverse = a.inverse.Sample(&r)
	s.MaxContrast = a.maxContrast.Sample(&r)
	s.NoiseScale = a.pixelNoise.Sample(&r)
	if o := &a.occlusion; o.n != nil {
		no := o.n.Sample(&r)
		for range no {
			var y scene.Symbol
			y.Alphabet = OccluderAlphabet
			y.Font = o.font
			y.Scale = o.scale.Sample(&r)
			y.Translation[0] = o.translation.x.Sample(&r)
			y.Translation[1] = o.translation.y.Sample(&r)
			y.Char = o.char.Sample(&r)
			y.Rotation = o.rotation.Sample(&r)
			y.Foreground = o.foreground.Sample(&r)
			s.Symbols = append(s.Symbols, y)
		}
		s.Occluders = no
	}
	if a.labelNoise > 0 {
		for k := range n {
			y := &s.Symbols[k]
			if !r.Bernoulli(a.labelNoise) {
				continue
			}
			lang := part.language(y.Alphabet)
			at, ok := lang.charAt[y.Char]
			if !ok || len(lang.chars) < 2 {
				r.Intn(1) // keep the draw count fixed
				continue
			}
			j := r.Intn(len(lang.chars) - 1)
			if j >= at {
				j++
			}
			y.TrueChar, y.Char = y.Char, lang.chars[j]
		}
	}
	return s
}

// occluderRoom is how many occluders a sample of a may add, for the
// symbols slice's capacity.
func occluderRoom(a *sceneAttrs) int {
	if a.occlusion.n == nil {
		return 0
	}
	_, hi := intSupport(a.occlusion.n)
	return hi
}

// charFont draws a symbol's char, font and alphabet.
func (p *samplerPart) charFont(y *scene.Symbol, r *rng.Stream, fontFirst bool) {
	if p.charPairs == nil {
		y.Alphabet = p.langs[0].name
		if fontFirst {
			y.Font = p.font.Sample(r)
			y.Char = p.char.Sample(r)
		} else {
			y.Char = p.char.Sample(r)
			y.Font = p.font.Sample(r)
		}
		return
	}
	if fontFirst {
		f := p.fontPairs[r.Intn(len(p.fontPairs))]
		l := &p.langs[f.l]
		y.Alphabet, y.Font = l.name, l.fonts[f.i]
		y.Char = l.chars[r.Intn(len(l.chars))]
		return
	}
	c := p.charPairs[r.Intn(len(p.charPairs))]
	l := &p.langs[c.l]
	y.Alphabet, y.Char = l.name, l.chars[c.i]
	y.Font = l.fonts[r.Intn(len(l.fonts))]
}

// language returns the bound language of the given name.
func (p *samplerPart) language(name string) *boundLanguage {
	for i := range p.langs {
		if p.langs[i].name == name {
			return &p.langs[i]
		}
	}
	return &p.langs[0]
}
