package spec

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/synbols-gpu/synbols-gpu/alphabet"
	"github.com/synbols-gpu/synbols-gpu/scene"
)

// The parts of the language that draw scenes: the per-sample fields a
// mixture component may override, occlusions, mixtures and the patterns
// beyond gradients.

// sceneField parses one of sceneFields into a.
func (p *parser) sceneField(a *sceneAttrs, key string, v *yaml.Node, path string) error {
	var err error
	switch key {
	case "n_symbols":
		if a.nSymbols, err = p.intDist(v, path); err == nil {
			err = p.intRange(a.nSymbols, v, path, 1, MaxSymbolsLimit)
		}
	case "symbol":
		err = p.fields(v, path, symbolFields, nil, func(key string, v *yaml.Node, path string) error {
			return p.symbolField(&a.symbol, key, v, path)
		})
	case "background":
		a.background, err = p.pattern(v, path)
	case "inverse":
		a.inverse, err = p.boolDist(v, path)
	case "max_contrast":
		a.maxContrast, err = p.boolDist(v, path)
	case "pixel_noise":
		if a.pixelNoise, err = p.floatDist(v, path); err == nil {
			if lo, _ := floatSupport(a.pixelNoise); math.IsInf(lo, -1) {
				err = p.fail(v, path, "must be ≥ 0, but a normal distribution can draw negative values")
			} else if lo < 0 {
				err = p.fail(v, path, "must be ≥ 0, got %g", lo)
			} else {
				err = p.inDomain(a.pixelNoise, v, path, noiseDomain)
			}
		}
	case "occlusion":
		err = p.occlusion(&a.occlusion, v, path)
	case "label_noise":
		var x float64
		if x, err = p.number(v, path); err == nil {
			if x < 0 || x > 1 {
				err = p.fail(v, path, "must be a probability in [0, 1], got %g", x)
			}
			a.labelNoise = x
		}
	default:
		err = p.fail(v, path, "unknown field")
	}
	return err
}

// intRange fails unless every value d can draw is in [lo, hi].
func (p *parser) intRange(d dist[int], n *yaml.Node, path string, lo, hi int) error {
	l, h := intSupport(d)
	switch {
	case l == h && (l < lo || l > hi):
		return p.fail(n, path, "must be in [%d, %d], got %d", lo, hi, l)
	case l < lo || h > hi:
		return p.fail(n, path, "must be in [%d, %d], got values in [%d, %d]", lo, hi, l, h)
	}
	return nil
}

// Occluder defaults: the original's add_occlusion.
var (
	// OccluderChars are the characters occluders are drawn from by
	// default: ■ ▲ ●.
	defaultOccluderChars = []string{"\u25a0", "\u25b2", "\u25cf"}
	// DefaultOccluderFont is the family occluders are drawn in unless the
	// spec names another. The original asked Cairo for "Arial", which
	// resolved to whatever the machine's fontconfig chose; DejaVu Sans is
	// embedded, has the three shapes, and is recorded as what it is.
	DefaultOccluderFont = "DejaVu Sans"
)

func defaultOcclusion() occlusionAttrs {
	return occlusionAttrs{
		n:    randint{1, 4},
		char: newChoice(slices.Clone(defaultOccluderChars), nil),
		font: DefaultOccluderFont,
		placed: placed{
			rotation:    uniform{0, 2 * math.Pi},
			scale:       lognormal{0.3, 0.1},
			translation: translationAttr{x: uniform{-1.5, 1.5}, y: uniform{-1.5, 1.5}, shared: true},
			foreground:  gradientPattern{types: scene.Linear | scene.Radial, alpha: 1},
		},
	}
}

// occlusion reads the occlusion block. Its fields override the block
// inherited, or the original's defaults when there is none; n: 0 draws no
// occluders.
func (p *parser) occlusion(o *occlusionAttrs, n *yaml.Node, path string) error {
	if o.n == nil {
		*o = defaultOcclusion()
	}
	return p.fields(n, path, occlusionFields, nil, func(key string, v *yaml.Node, path string) error {
		var err error
		switch key {
		case "n":
			if o.n, err = p.intDist(v, path); err == nil {
				err = p.intRange(o.n, v, path, 0, MaxSymbolsLimit)
			}
		case "char":
			var a universeAttr
			if a, err = p.universeAttr(v, path); err == nil {
				switch {
				case a.uniform || a.mix != nil:
					err = p.fail(v, path, "must be a character or {choice: {values: […]}} of characters (occluders have no alphabet)")
				default:
					o.char = a.d
					for _, c := range stringValues(a.d) {
						if utf8.RuneCountInString(c) != 1 {
							err = p.fail(v, path, "occluders are single characters, got %q", c)
							break
						}
					}
				}
			}
		case "font":
			o.font, err = p.str(v, path)
		default:
			err = p.placement(&o.placed, key, v, path)
		}
		return err
	})
}

// stringValues lists the values a constant or choice of strings can draw.
func stringValues(d dist[string]) []string {
	switch d := d.(type) {
	case constant[string]:
		return []string{d.v}
	case choice[string]:
		return d.values
	}
	return nil
}

// mixture reads the top-level mixture: a list of {weight: w, <fields>},
// each component the base's scene attributes overridden by its fields.
func (p *parser) mixture(n *yaml.Node, path string, base *sceneAttrs) ([]component, error) {
	n = deref(n)
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		return nil, p.fail(n, path, "must be a non-empty list of components {weight: w, <fields>}, got %s", describe(n))
	}
	if len(n.Content) > MaxListLen {
		return nil, p.fail(n, path, "has %d components, more than %d", len(n.Content), MaxListLen)
	}
	comps := make([]component, len(n.Content))
	total := 0.0
	for i, cn := range n.Content {
		cpath := fmt.Sprintf("%s[%d]", path, i)
		c := &comps[i]
		c.attrs = *base
		c.weight = math.NaN()
		q := *p
		q.inMixture = true
		err := q.fields(cn, cpath, componentFields, []string{"weight"}, func(key string, v *yaml.Node, path string) error {
			switch key {
			case "weight":
				return p.weight(v, path, &c.weight)
			case "mixture":
				return p.fail(v, path, "mixtures do not nest: write the inner components into the outer mixture")
			}
			return q.sceneField(&c.attrs, key, v, path)
		})
		if err != nil {
			return nil, err
		}
		total += c.weight
	}
	if math.IsInf(total, 0) {
		return nil, p.fail(n, path, "the weights' sum overflows")
	}
	return comps, nil
}

// weight reads a mixture weight: finite and > 0.
func (p *parser) weight(v *yaml.Node, path string, w *float64) error {
	x, err := p.number(v, path)
	if err != nil {
		return err
	}
	if !(x > 0) {
		return p.fail(v, path, "must be > 0, got %g (leave a component out rather than weigh it 0)", x)
	}
	*w = x
	return nil
}

// attrMixture reads {mixture: [{weight: w, value: V}, …]} for one
// attribute, each value read by elem. Mixtures do not nest.
func attrMixture[T any](p *parser, n *yaml.Node, path string, elem func(*yaml.Node, string) (T, error)) ([]float64, []T, error) {
	if p.inAttrMixture {
		return nil, nil, p.fail(n, path, "mixtures do not nest: write the inner components into the outer mixture")
	}
	n = deref(n)
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		return nil, nil, p.fail(n, path, "must be a non-empty list of {weight: w, value: …}, got %s", describe(n))
	}
	if len(n.Content) > MaxListLen {
		return nil, nil, p.fail(n, path, "has %d components, more than %d", len(n.Content), MaxListLen)
	}
	// elem is a method value of p: mark p itself while the components
	// are read, so a nested mixture anywhere inside is refused.
	p.inAttrMixture = true
	defer func() { p.inAttrMixture = false }()
	q := p
	weights := make([]float64, len(n.Content))
	values := make([]T, len(n.Content))
	total := 0.0
	for i, cn := range n.Content {
		cpath := fmt.Sprintf("%s[%d]", path, i)
		err := q.fields(cn, cpath, []string{"weight", "value"}, []string{"weight", "value"}, func(key string, v *yaml.Node, path string) error {
			if key == "weight" {
				return p.weight(v, path, &weights[i])
			}
			var err error
			values[i], err = elem(v, path)
			return err
		})
		if err != nil {
			return nil, nil, err
		}
		total += weights[i]
	}
	if math.IsInf(total, 0) {
		return nil, nil, p.fail(n, path, "the weights' sum overflows")
	}
	return weights, values, nil
}

// languageList reads alphabet.languages: a list of language names, or
// "all" for every language the alphabet package knows.
func (p *parser) languageList(n *yaml.Node, path string) ([]string, error) {
	known := alphabet.Languages()
	if d := deref(n); d.Kind == yaml.ScalarNode && d.Value == "all" {
		return slices.Clone(known), nil
	}
	langs, err := list(p, n, path, p.str)
	if err != nil {
		return nil, err
	}
	if len(langs) == 0 {
		return nil, p.fail(n, path, "must name at least one language, or be all")
	}
	for i, l := range langs {
		ipath := fmt.Sprintf("%s[%d]", path, i)
		if !slices.Contains(known, l) {
			return nil, p.fail(deref(n).Content[i], ipath, "unknown language %q (known: %s)", l, strings.Join(known, ", "))
		}
		if slices.Contains(langs[:i], l) {
			return nil, p.fail(deref(n).Content[i], ipath, "%q is listed twice", l)
		}
	}
	return langs, nil
}

// checkScene validates what only the whole spec can: the symbol count with
// occluders, one occluder font for every component, and universe
// attributes with several languages.
func (p *parser) checkScene(s *Spec, root *yaml.Node) error {
	if s.mask == "" {
		s.mask = maskModes[0]
	}
	if n := s.MaxSymbols(); n > MaxSymbolsLimit {
		return p.fail(root, "occlusion.n", "n_symbols and occlusion.n together can draw %d symbols, more than %d", n, MaxSymbolsLimit)
	}
	font := ""
	for _, a := range s.allAttrs() {
		if a.occlusion.n == nil {
			continue
		}
		if font != "" && a.occlusion.font != font {
			return p.fail(root, "mixture", "every component must draw occluders in the same font, got %q and %q", font, a.occlusion.font)
		}
		font = a.occlusion.font
	}
	if s.mask == "flatten_except_first" {
		for _, a := range s.allAttrs() {
			if lo, _ := intSupport(a.nSymbols); lo < 1 {
				return p.fail(root, "mask", "flatten_except_first needs a first symbol in every sample")
			}
		}
	}
	if len(s.languages) > 1 {
		for _, a := range s.allAttrs() {
			if !a.symbol.char.uniform || !a.symbol.font.uniform {
				return p.fail(root, "symbol", "with several languages, char and font must be uniform (each symbol draws its language with them)")
			}
		}
	}
	return nil
}

// camoFields and imageFields are the parameters of those patterns.
var (
	camoFields  = []string{"strokes", "length", "width", "angle", "noise", "alpha"}
	imageFields = []string{"rotation", "translation", "crop", "min_crop"}
	multiFields = []string{"n", "types", "alpha"}
)

// extraPattern reads the patterns beyond none, solid and gradient:
// multi_gradient, camouflage and image, as a keyword (the original's
// defaults) or a mapping of parameters.
func (p *parser) extraPattern(kind string, v *yaml.Node, path string) (dist[scene.Pattern], error) {
	switch kind {
	case "multi_gradient":
		m := multiGradientPattern{n: 2, types: scene.Linear | scene.Radial, alpha: 0.5}
		if v == nil {
			return m, nil
		}
		err := p.fields(v, path, multiFields, nil, func(key string, v *yaml.Node, path string) error {
			var err error
			switch key {
			case "n":
				if m.n, err = p.integer(v, path); err == nil && (m.n < 1 || m.n > MaxLayers) {
					err = p.fail(v, path, "must be in [1, %d], got %d", MaxLayers, m.n)
				}
			case "alpha":
				m.alpha, err = p.alpha(v, path)
			case "types":
				m.types, err = p.gradientTypes(v, path)
			}
			return err
		})
		return m, err
	case "camouflage":
		c := camouflagePattern{scene.DefaultCamo}
		if v == nil {
			return c, nil
		}
		params := map[string]rangedParam{
			"length": {&c.p.Length, within(0, 100, false), "in [0, 100] (unit coordinates)"},
			"width":  {&c.p.Width, within(0, 100, false), "in [0, 100] (unit coordinates)"},
			"angle":  {&c.p.Angle, within(-1e4, 1e4, false), "radians in [-10000, 10000]"},
			"noise":  {&c.p.Noise, within(0, 10, false), "a standard deviation in [0, 10]"},
			"alpha":  {&c.p.Alpha, within(0, 1, true), "in (0, 1]"},
		}
		err := p.fields(v, path, camoFields, nil, func(key string, v *yaml.Node, path string) error {
			if key == "strokes" {
				n, err := p.integer(v, path)
				if err == nil && (n < 1 || n > MaxStrokes) {
					err = p.fail(v, path, "must be in [1, %d], got %d", MaxStrokes, n)
				}
				c.p.Strokes = n
				return err
			}
			return p.ranged(v, path, params[key])
		})
		return c, err
	default: // image
		im := imagePattern{scene.ImageParams{Crop: true, MinCrop: 0.2}}
		if v == nil {
			return im, nil
		}
		params := map[string]rangedParam{
			"rotation":    {&im.p.Rotation, within(0, 1e4, false), "the largest rotation in radians, in [0, 10000]"},
			"translation": {&im.p.Translation, within(0, 1, false), "the largest translation as a fraction of each side, in [0, 1]"},
			"min_crop":    {&im.p.MinCrop, within(0, 1, true), "the crop's smallest side as a fraction of the image's, in (0, 1]"},
		}
		err := p.fields(v, path, imageFields, nil, func(key string, v *yaml.Node, path string) error {
			if key == "crop" {
				var err error
				im.p.Crop, err = p.boolean(v, path)
				return err
			}
			return p.ranged(v, path, params[key])
		})
		return im, err
	}
}

// rangedParam is a pattern parameter: where it goes, its range, and the
// range in words for the message.
type rangedParam struct {
	dst  *float64
	in   func(float64) bool
	want string
}

// within is the range [lo, hi], or (lo, hi] when openLo.
func within(lo, hi float64, openLo bool) func(float64) bool {
	return func(x float64) bool { return (x > lo || !openLo && x == lo) && x <= hi }
}

// ranged reads a number into r.dst, failing outside its range.
func (p *parser) ranged(v *yaml.Node, path string, r rangedParam) error {
	x, err := p.number(v, path)
	if err != nil {
		return err
	}
	if !r.in(x) {
		return p.fail(v, path, "must be %s, got %g", r.want, x)
	}
	*r.dst = x
	return nil
}

// Pattern limits: they bound the painter's work per pattern.
const (
	// MaxLayers bounds multi_gradient.n.
	MaxLayers = 16
	// MaxStrokes bounds camouflage.strokes (the original drew 500).
	MaxStrokes = 4096
)

// alpha reads a gradient alpha in (0, 1].
func (p *parser) alpha(v *yaml.Node, path string) (float64, error) {
	a, err := p.number(v, path)
	if err == nil && (a <= 0 || a > 1) {
		// scene.Pattern reads alpha 0 as 1, so 0 is not expressible.
		err = p.fail(v, path, "must be in (0, 1], got %g", a)
	}
	return a, err
}

// gradientTypes reads a list of linear, radial.
func (p *parser) gradientTypes(v *yaml.Node, path string) (uint8, error) {
	types, err := list(p, v, path, func(n *yaml.Node, path string) (string, error) {
		return p.keyword(n, path, []string{"linear", "radial"})
	})
	if err != nil {
		return 0, err
	}
	var bits uint8
	for _, t := range types {
		bit := scene.Linear
		if t == "radial" {
			bit = scene.Radial
		}
		if bits&bit != 0 {
			return 0, p.fail(v, path, "%s given twice", t)
		}
		bits |= bit
	}
	if bits == 0 {
		return 0, p.fail(v, path, "must name at least one of linear, radial")
	}
	return bits, nil
}
