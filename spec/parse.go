package spec

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/synbols-gpu/synbols-gpu/scene"
)

// parser walks a YAML node tree against the language's schema. Walking the
// nodes ourselves (rather than decoding into structs) is what lets every
// error carry the field path, lets a field be a constant or a distribution,
// and rejects unknown keys at any depth.
type parser struct {
	file  string   // quoted in errors
	stack []string // presets being resolved through base:, to catch cycles
	bare  bool     // parsing defaults.yaml itself: start from nothing
	// inMixture and inAttrMixture are set while a component of a
	// top-level or an attribute mixture is read: mixtures do not nest.
	inMixture, inAttrMixture bool
}

// Field names, in the order YAML() writes them; unknown-field errors list them.
var (
	topFields         = []string{"name", "description", "base", "resolution", "gray", "alphabet", "fonts", "mask", "select", "n_symbols", "symbol", "background", "inverse", "max_contrast", "pixel_noise", "occlusion", "label_noise", "mixture"}
	sceneFields       = []string{"n_symbols", "symbol", "background", "inverse", "max_contrast", "pixel_noise", "occlusion", "label_noise"}
	componentFields   = append([]string{"weight", "mixture"}, sceneFields...)
	symbolFields      = []string{"char", "font", "order", "bold", "slant", "rotation", "scale", "translation", "foreground"}
	occlusionFields   = []string{"n", "char", "font", "rotation", "scale", "translation", "foreground"}
	alphabetFields    = []string{"language", "languages", "case", "first"}
	fontsFields       = []string{"require_bold_face", "first"}
	floatKinds        = []string{"uniform", "normal", "lognormal", "choice", "randint", "mixture"}
	intKinds          = []string{"randint", "choice", "mixture"}
	boolKinds         = []string{"bernoulli", "mixture"}
	patternKinds      = []string{"solid", "gradient", "multi_gradient", "camouflage", "image", "mixture"}
	choiceKinds       = []string{"choice", "mixture"}
	letterCases       = []string{"lower", "upper", "both"}
	maskModes         = []string{"symbols", "flatten", "flatten_except_first"}
	overlapSelections = []string{"none", "some"}
	symbolOrders      = []string{"char_first", "font_first"}
)

func (p *parser) fail(n *yaml.Node, path, format string, args ...any) error {
	e := &Error{Err: ErrInvalid, File: p.file, Path: path, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line = n.Line
	}
	return e
}

func (p *parser) parse(data []byte) (*Spec, error) {
	if len(data) > MaxSpecBytes {
		return nil, p.fail(nil, "", "larger than %d MiB: not a spec", MaxSpecBytes>>20)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &Error{Err: ErrInvalid, File: p.file, Msg: err.Error()}
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, p.fail(nil, "", "the spec is empty")
	}
	root := deref(doc.Content[0])
	if root.Kind != yaml.MappingNode {
		return nil, p.fail(root, "", "a spec is a mapping of fields (name, resolution, symbol, …), got %s", describe(root))
	}

	// base: is applied first wherever it is written; the other fields
	// override the base's, one attribute at a time.
	var s Spec
	if !p.bare {
		start, err := p.start(root)
		if err != nil {
			return nil, err
		}
		s = *start
	}
	s.name, s.description = nameFromFile(p.file), ""
	// Inherited mixture components are copied, so that the file's scene
	// fields, applied to the base and to every component alike, do not
	// write into the preset's (shared) components.
	s.components = slices.Clone(s.components)
	var mixNode *yaml.Node

	err := p.fields(root, "", topFields, nil, func(key string, v *yaml.Node, path string) error {
		var err error
		switch key {
		case "name":
			if s.name, err = p.str(v, path); err == nil && !validName(s.name) {
				err = p.fail(v, path, "must be letters, digits, '.', '_', '-' or '+', not starting with '.' (it names the output files), got %q", s.name)
			}
		case "description":
			if s.description, err = p.text(v, path); err == nil && strings.ContainsAny(s.description, "\r\n") {
				err = p.fail(v, path, "must be one line")
			}
		case "base":
			// applied above
		case "resolution":
			var r []int
			if r, err = list(p, v, path, p.integer); err == nil {
				switch {
				case len(r) != 2:
					err = p.fail(v, path, "must be [width, height], got a list of %d", len(r))
				case r[0] < 1 || r[1] < 1 || r[0] > MaxResolution || r[1] > MaxResolution:
					err = p.fail(v, path, "width and height must be in [1, %d], got [%d, %d]", MaxResolution, r[0], r[1])
				default:
					s.width, s.height = r[0], r[1]
				}
			}
		case "gray":
			s.gray, err = p.boolean(v, path)
		case "alphabet":
			err = p.fields(v, path, alphabetFields, nil, func(key string, v *yaml.Node, path string) error {
				var err error
				switch key {
				case "language":
					s.languages = nil
					s.language, err = p.str(v, path)
					if err == nil && !validLanguage(s.language) {
						err = p.fail(v, path, "must be a language name in lower case (english, korean, …), got %q", s.language)
					}
				case "languages":
					s.languages, err = p.languageList(v, path)
					if err == nil {
						s.language = s.languages[0]
					}
				case "first":
					if s.firstSymbols, err = p.integer(v, path); err == nil && (s.firstSymbols < 1 || s.firstSymbols > MaxFirstSymbols) {
						err = p.fail(v, path, "must be in [1, %d] (leave it out for the whole alphabet), got %d", MaxFirstSymbols, s.firstSymbols)
					}
				default:
					s.letterCase, err = p.keyword(v, path, letterCases)
				}
				return err
			})
		case "fonts":
			err = p.fields(v, path, fontsFields, nil, func(key string, v *yaml.Node, path string) error {
				var err error
				if key == "first" {
					if s.firstFonts, err = p.integer(v, path); err == nil && s.firstFonts < 1 {
						err = p.fail(v, path, "must be ≥ 1 (leave it out for every family), got %d", s.firstFonts)
					}
					return err
				}
				s.requireBold, err = p.boolean(v, path)
				return err
			})
		case "mask":
			s.mask, err = p.keyword(v, path, maskModes)
		case "select":
			err = p.fields(v, path, []string{"overlap"}, []string{"overlap"}, func(_ string, v *yaml.Node, path string) error {
				var err error
				s.selectOverlap, err = p.keyword(v, path, overlapSelections)
				return err
			})
		case "mixture":
			mixNode = v // applied after every other field: components override the final base
		default:
			// A scene field overrides the base and every inherited
			// mixture component alike.
			if err = p.sceneField(&s.sceneAttrs, key, v, path); err == nil {
				for i := range s.components {
					if err = p.sceneField(&s.components[i].attrs, key, v, path); err != nil {
						break
					}
				}
			}
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if mixNode != nil {
		if s.components, err = p.mixture(mixNode, "mixture", &s.sceneAttrs); err != nil {
			return nil, err
		}
	}
	if err := p.checkScene(&s, root); err != nil {
		return nil, err
	}
	if !s.complete() {
		// Only defaults.yaml starts from nothing; every other spec inherits
		// a complete one.
		return nil, p.fail(root, "", "incomplete spec (a bug in defaults.yaml)")
	}
	return &s, nil
}

// start returns the spec the file's fields apply to: the preset named by
// base:, or the defaults of defaults.yaml (the original's
// basic_attribute_sampler).
func (p *parser) start(root *yaml.Node) (*Spec, error) {
	for i := 0; i+1 < len(root.Content); i += 2 {
		if k := deref(root.Content[i]); k.Kind == yaml.ScalarNode && k.Value == "base" {
			v := root.Content[i+1]
			name, err := p.str(v, "base")
			if err != nil {
				return nil, err
			}
			if !slices.Contains(presetNames(), name) {
				return nil, p.fail(v, "base", "unknown preset %q (known: %s)", name, strings.Join(presetNames(), ", "))
			}
			if slices.Contains(p.stack, name) {
				return nil, p.fail(v, "base", "presets form a cycle: %s → %s", strings.Join(p.stack, " → "), name)
			}
			return p.preset(name)
		}
	}
	q := &parser{file: "defaults.yaml", bare: true}
	return q.parse(defaultsYAML)
}

// preset parses an embedded preset, with name pushed on the base: stack.
func (p *parser) preset(name string) (*Spec, error) {
	data, err := presetData(name)
	if err != nil {
		return nil, err
	}
	q := &parser{file: name + ".yaml", stack: append(slices.Clone(p.stack), name)}
	return q.parse(data)
}

func (s *Spec) complete() bool {
	return s.width > 0 && s.language != "" && s.letterCase != "" && s.nSymbols != nil &&
		s.symbol.char.set() && s.symbol.font.set() &&
		s.symbol.bold != nil && s.symbol.slant != nil && s.symbol.rotation != nil && s.symbol.scale != nil &&
		s.symbol.translation.x != nil && s.symbol.translation.y != nil && s.symbol.foreground != nil &&
		s.background != nil && s.inverse != nil && s.maxContrast != nil && s.pixelNoise != nil
}

// set reports whether the attribute has been given a value.
func (a universeAttr) set() bool { return a.uniform || a.d != nil || a.mix != nil }

func (p *parser) symbolField(a *symbolAttrs, key string, v *yaml.Node, path string) error {
	var err error
	switch key {
	case "char":
		a.char, err = p.universeAttr(v, path)
	case "font":
		a.font, err = p.universeAttr(v, path)
	case "order":
		var o string
		if o, err = p.keyword(v, path, symbolOrders); err == nil {
			a.fontFirst = o == "font_first"
		}
	case "bold":
		a.bold, err = p.boolDist(v, path)
	case "slant":
		a.slant, err = p.boolDist(v, path)
	default:
		err = p.placement(&a.placed, key, v, path)
	}
	return err
}

// placement reads rotation, scale, translation or foreground: what
// symbols and occluders share.
func (p *parser) placement(a *placed, key string, v *yaml.Node, path string) error {
	var err error
	switch key {
	case "rotation":
		if a.rotation, err = p.floatDist(v, path); err == nil {
			err = p.inDomain(a.rotation, v, path, rotationDomain)
		}
	case "scale":
		if a.scale, err = p.floatDist(v, path); err == nil {
			err = p.inDomain(a.scale, v, path, scaleDomain)
		}
	case "translation":
		if a.translation, err = p.translation(v, path); err == nil {
			err = p.inDomain(a.translation.x, v, path, translationDomain)
			if err == nil && !a.translation.shared {
				err = p.inDomain(a.translation.y, v, path, translationDomain)
			}
		}
	case "foreground":
		a.foreground, err = p.pattern(v, path)
	}
	return err
}

// fields walks a mapping: every key must be in known and appear once;
// every key of required must be present. fn gets each value with its path.
func (p *parser) fields(n *yaml.Node, path string, known, required []string, fn func(key string, v *yaml.Node, path string) error) error {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		return p.fail(n, path, "must be a mapping with fields %s, got %s", strings.Join(known, ", "), describe(n))
	}
	seen := make(map[string]bool, len(known))
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := deref(n.Content[i])
		if k.Kind != yaml.ScalarNode {
			return p.fail(k, path, "field names must be plain strings, got %s", describe(k))
		}
		sub := join(path, k.Value)
		if !slices.Contains(known, k.Value) {
			return p.fail(k, sub, "unknown field (want one of: %s)", strings.Join(known, ", "))
		}
		if seen[k.Value] {
			return p.fail(k, sub, "field given twice")
		}
		seen[k.Value] = true
		if err := fn(k.Value, n.Content[i+1], sub); err != nil {
			return err
		}
	}
	for _, r := range required {
		if !seen[r] {
			return p.fail(n, join(path, r), "missing (required)")
		}
	}
	return nil
}

// oneKey reads a distribution written as a mapping with one key, its kind.
func (p *parser) oneKey(n *yaml.Node, path string, kinds []string) (kind string, v *yaml.Node, sub string, err error) {
	if len(n.Content) != 2 {
		return "", nil, "", p.fail(n, path, "a distribution is a mapping with one key (%s), got %d keys", strings.Join(kinds, ", "), len(n.Content)/2)
	}
	k := deref(n.Content[0])
	sub = join(path, k.Value)
	if k.Kind != yaml.ScalarNode || !slices.Contains(kinds, k.Value) {
		return "", nil, "", p.fail(k, sub, "unknown distribution (want one of: %s)", strings.Join(kinds, ", "))
	}
	return k.Value, n.Content[1], sub, nil
}

// floatDist reads a number attribute: a constant or one of floatKinds.
func (p *parser) floatDist(n *yaml.Node, path string) (dist[float64], error) {
	n = deref(n)
	switch n.Kind {
	case yaml.ScalarNode:
		v, err := p.number(n, path)
		return constant[float64]{v}, err
	case yaml.MappingNode:
	default:
		return nil, p.fail(n, path, "must be a number or a distribution ({uniform: [lo, hi]}, {normal: {mean: m, std: s}}, …), got %s", describe(n))
	}
	kind, v, sub, err := p.oneKey(n, path, floatKinds)
	if err != nil {
		return nil, err
	}
	switch kind {
	case "uniform":
		b, err := list(p, v, sub, p.number)
		if err != nil {
			return nil, err
		}
		if len(b) != 2 || b[0] > b[1] {
			return nil, p.fail(v, sub, "must be [lo, hi] with lo ≤ hi, got %s", describe(deref(v)))
		}
		if math.IsInf(b[1]-b[0], 0) {
			return nil, p.fail(v, sub, "range too wide")
		}
		return uniform{b[0], b[1]}, nil
	case "normal":
		var d normal
		err := p.fields(v, sub, []string{"mean", "std"}, []string{"mean", "std"}, func(key string, v *yaml.Node, path string) error {
			x, err := p.number(v, path)
			if err != nil {
				return err
			}
			if key == "mean" {
				d.mean = x
			} else if d.std = x; x < 0 {
				return p.fail(v, path, "must be ≥ 0, got %g", x)
			}
			return nil
		})
		return d, err
	case "lognormal":
		var d lognormal
		err := p.fields(v, sub, []string{"median", "sigma"}, []string{"median", "sigma"}, func(key string, v *yaml.Node, path string) error {
			x, err := p.number(v, path)
			if err != nil {
				return err
			}
			if key == "median" {
				if d.median = x; x <= 0 {
					return p.fail(v, path, "must be > 0, got %g", x)
				}
			} else if d.sigma = x; x < 0 {
				return p.fail(v, path, "must be ≥ 0, got %g", x)
			}
			return nil
		})
		return d, err
	case "choice":
		return parseChoice(p, v, sub, p.number)
	case "mixture":
		w, comps, err := attrMixture(p, v, sub, p.floatDist)
		if err != nil {
			return nil, err
		}
		return newMixture(w, comps), nil
	default: // randint
		r, err := p.randint(v, sub)
		return randintFloat{r}, err
	}
}

// intDist reads an integer attribute (n_symbols).
func (p *parser) intDist(n *yaml.Node, path string) (dist[int], error) {
	n = deref(n)
	switch n.Kind {
	case yaml.ScalarNode:
		v, err := p.integer(n, path)
		return constant[int]{v}, err
	case yaml.MappingNode:
	default:
		return nil, p.fail(n, path, "must be an integer, {randint: [lo, hi]} or {choice: …}, got %s", describe(n))
	}
	kind, v, sub, err := p.oneKey(n, path, intKinds)
	if err != nil {
		return nil, err
	}
	switch kind {
	case "choice":
		return parseChoice(p, v, sub, p.integer)
	case "mixture":
		w, comps, err := attrMixture(p, v, sub, p.intDist)
		if err != nil {
			return nil, err
		}
		return newMixture(w, comps), nil
	}
	return p.randint(v, sub)
}

func (p *parser) randint(n *yaml.Node, path string) (randint, error) {
	b, err := list(p, n, path, p.integer)
	if err != nil {
		return randint{}, err
	}
	if len(b) != 2 || b[0] > b[1] {
		return randint{}, p.fail(n, path, "must be [lo, hi] with lo ≤ hi (both included), got %s", describe(deref(n)))
	}
	return randint{b[0], b[1]}, nil
}

// boolDist reads a boolean attribute: true, false or {bernoulli: p}.
func (p *parser) boolDist(n *yaml.Node, path string) (dist[bool], error) {
	n = deref(n)
	switch n.Kind {
	case yaml.ScalarNode:
		v, err := p.boolean(n, path)
		return constant[bool]{v}, err
	case yaml.MappingNode:
	default:
		return nil, p.fail(n, path, "must be true, false or {bernoulli: p}, got %s", describe(n))
	}
	kind, v, sub, err := p.oneKey(n, path, boolKinds)
	if err != nil {
		return nil, err
	}
	if kind == "mixture" {
		w, comps, err := attrMixture(p, v, sub, p.boolDist)
		if err != nil {
			return nil, err
		}
		return newMixture(w, comps), nil
	}
	prob, err := p.number(v, sub)
	if err != nil {
		return nil, err
	}
	if prob < 0 || prob > 1 {
		return nil, p.fail(v, sub, "must be a probability in [0, 1], got %g", prob)
	}
	return bernoulli{prob}, nil
}

// universeAttr reads char or font: uniform, a constant, or a choice.
func (p *parser) universeAttr(n *yaml.Node, path string) (universeAttr, error) {
	n = deref(n)
	switch n.Kind {
	case yaml.ScalarNode:
		v, err := p.str(n, path)
		if v == uniformKeyword {
			return universeAttr{uniform: true}, err
		}
		return universeAttr{d: constant[string]{v}}, err
	case yaml.MappingNode:
		kind, v, sub, err := p.oneKey(n, path, choiceKinds)
		if err != nil {
			return universeAttr{}, err
		}
		if kind == "mixture" {
			w, comps, err := attrMixture(p, v, sub, p.universeAttr)
			if err != nil {
				return universeAttr{}, err
			}
			return universeAttr{mix: &universeMix{weights: w, comps: comps}}, nil
		}
		c, err := parseChoice(p, v, sub, p.str)
		return universeAttr{d: c}, err
	}
	return universeAttr{}, p.fail(n, path, "must be uniform, a value or {choice: {values: […]}}, got %s", describe(n))
}

// translation reads one distribution for both axes or a list [x, y].
func (p *parser) translation(n *yaml.Node, path string) (translationAttr, error) {
	n = deref(n)
	if n.Kind != yaml.SequenceNode {
		d, err := p.floatDist(n, path)
		return translationAttr{x: d, y: d, shared: true}, err
	}
	if len(n.Content) != 2 {
		return translationAttr{}, p.fail(n, path, "must be one distribution for both axes or a list [x, y], got a list of %d", len(n.Content))
	}
	x, err := p.floatDist(n.Content[0], path+"[0]")
	if err != nil {
		return translationAttr{}, err
	}
	y, err := p.floatDist(n.Content[1], path+"[1]")
	return translationAttr{x: x, y: y}, err
}

// pattern reads a foreground or background.
func (p *parser) pattern(n *yaml.Node, path string) (dist[scene.Pattern], error) {
	n = deref(n)
	const want = "gradient, none, multi_gradient, camouflage, image, {solid: [r, g, b]}, {solid: {choice: …}}, {gradient: {types: […], alpha: a}}, {multi_gradient: {…}}, {camouflage: {…}}, {image: {…}} or {mixture: […]}"
	switch n.Kind {
	case yaml.ScalarNode:
		switch n.Value {
		case "gradient":
			return gradientPattern{types: scene.Linear | scene.Radial, alpha: 1}, nil
		case "none":
			return nonePattern{}, nil
		case "multi_gradient", "camouflage", "image":
			return p.extraPattern(n.Value, nil, path)
		}
		fallthrough
	default:
		return nil, p.fail(n, path, "must be %s, got %s", want, describe(n))
	case yaml.MappingNode:
	}
	kind, v, sub, err := p.oneKey(n, path, patternKinds)
	if err != nil {
		return nil, err
	}
	switch kind {
	case "solid":
		v = deref(v)
		switch v.Kind {
		case yaml.SequenceNode:
			c, err := p.color(v, sub)
			return solidPattern{constant[[3]float64]{c}}, err
		case yaml.MappingNode:
			_, cv, csub, err := p.oneKey(v, sub, []string{"choice"})
			if err != nil {
				return nil, err
			}
			c, err := parseChoice(p, cv, csub, p.color)
			return solidPattern{c}, err
		}
		return nil, p.fail(v, sub, "must be a colour [r, g, b] or {choice: {values: [[r, g, b], …]}}, got %s", describe(v))
	case "multi_gradient", "camouflage", "image":
		return p.extraPattern(kind, v, sub)
	case "mixture":
		w, comps, err := attrMixture(p, v, sub, p.pattern)
		if err != nil {
			return nil, err
		}
		return newMixture(w, comps), nil
	}
	g := gradientPattern{types: scene.Linear | scene.Radial, alpha: 1}
	err = p.fields(v, sub, []string{"types", "alpha"}, nil, func(key string, v *yaml.Node, path string) error {
		var err error
		if key == "alpha" {
			g.alpha, err = p.alpha(v, path)
		} else {
			g.types, err = p.gradientTypes(v, path)
		}
		return err
	})
	return g, err
}

// color reads [r, g, b] with components in [0, 1].
func (p *parser) color(n *yaml.Node, path string) ([3]float64, error) {
	v, err := list(p, n, path, p.number)
	if err != nil {
		return [3]float64{}, err
	}
	if len(v) != 3 {
		return [3]float64{}, p.fail(n, path, "a colour is [r, g, b], got a list of %d", len(v))
	}
	for i, c := range v {
		if c < 0 || c > 1 {
			return [3]float64{}, p.fail(deref(n).Content[i], fmt.Sprintf("%s[%d]", path, i), "colour components must be in [0, 1], got %g", c)
		}
	}
	return [3]float64{v[0], v[1], v[2]}, nil
}

// parseChoice reads {values: […], weights: […]}; weights are optional
// (equal), must match values one for one, be ≥ 0 and not all 0.
func parseChoice[T any](p *parser, n *yaml.Node, path string, elem func(*yaml.Node, string) (T, error)) (choice[T], error) {
	var values []T
	var weights []float64
	var wNode *yaml.Node
	err := p.fields(n, path, []string{"values", "weights"}, []string{"values"}, func(key string, v *yaml.Node, path string) error {
		var err error
		if key == "values" {
			if values, err = list(p, v, path, elem); err == nil && len(values) == 0 {
				err = p.fail(v, path, "must not be empty")
			}
			return err
		}
		wNode = v
		weights, err = list(p, v, path, func(n *yaml.Node, path string) (float64, error) {
			w, err := p.number(n, path)
			if err == nil && w < 0 {
				err = p.fail(n, path, "must be ≥ 0, got %g", w)
			}
			return w, err
		})
		return err
	})
	if err != nil {
		return choice[T]{}, err
	}
	if weights != nil {
		wpath := path + ".weights"
		total := 0.0
		for _, w := range weights {
			total += w
		}
		switch {
		case len(weights) != len(values):
			return choice[T]{}, p.fail(wNode, wpath, "has %d weights for %d values", len(weights), len(values))
		case total == 0:
			return choice[T]{}, p.fail(wNode, wpath, "must not all be 0")
		case math.IsInf(total, 0):
			return choice[T]{}, p.fail(wNode, wpath, "sum overflows")
		}
	}
	return newChoice(values, weights), nil
}

// list reads a sequence, each element with elem; element paths are path[i].
func list[T any](p *parser, n *yaml.Node, path string, elem func(*yaml.Node, string) (T, error)) ([]T, error) {
	n = deref(n)
	if n.Kind != yaml.SequenceNode {
		return nil, p.fail(n, path, "must be a list, got %s", describe(n))
	}
	if len(n.Content) > MaxListLen {
		return nil, p.fail(n, path, "has %d items, more than the %d a spec list may have", len(n.Content), MaxListLen)
	}
	out := make([]T, 0, len(n.Content))
	for i, c := range n.Content {
		v, err := elem(c, fmt.Sprintf("%s[%d]", path, i))
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// number reads a finite number (an integer or a float, unquoted).
func (p *parser) number(n *yaml.Node, path string) (float64, error) {
	n = deref(n)
	if t := n.ShortTag(); n.Kind != yaml.ScalarNode || (t != "!!int" && t != "!!float") {
		return 0, p.fail(n, path, "must be a number, got %s", describe(n))
	}
	var v float64
	if err := n.Decode(&v); err != nil {
		return 0, p.fail(n, path, "must be a number, got %s", describe(n))
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, p.fail(n, path, "must be finite, got %s", describe(n))
	}
	return v, nil
}

// maxInt bounds integers so that lo..hi ranges cannot overflow.
const maxInt = 1 << 30

func (p *parser) integer(n *yaml.Node, path string) (int, error) {
	n = deref(n)
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" {
		return 0, p.fail(n, path, "must be an integer, got %s", describe(n))
	}
	var v int64
	if err := n.Decode(&v); err != nil || v < -maxInt || v > maxInt {
		return 0, p.fail(n, path, "must be an integer in [-2^30, 2^30], got %s", describe(n))
	}
	return int(v), nil
}

func (p *parser) boolean(n *yaml.Node, path string) (bool, error) {
	n = deref(n)
	var v bool
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" || n.Decode(&v) != nil {
		return false, p.fail(n, path, "must be true or false, got %s", describe(n))
	}
	return v, nil
}

// str reads a non-empty scalar as text. Numbers are accepted as their text,
// so char: 7 is the digit "7".
func (p *parser) str(n *yaml.Node, path string) (string, error) {
	n = deref(n)
	if n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" || n.Value == "" {
		return "", p.fail(n, path, "must be a non-empty string, got %s", describe(n))
	}
	return n.Value, nil
}

// text reads a scalar that may be empty (description).
func (p *parser) text(n *yaml.Node, path string) (string, error) {
	n = deref(n)
	if n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" {
		return "", p.fail(n, path, "must be a string, got %s", describe(n))
	}
	return n.Value, nil
}

func (p *parser) keyword(n *yaml.Node, path string, words []string) (string, error) {
	n = deref(n)
	if n.Kind != yaml.ScalarNode || !slices.Contains(words, n.Value) {
		return "", p.fail(n, path, "must be one of %s, got %s", strings.Join(words, ", "), describe(n))
	}
	return n.Value, nil
}

func validLanguage(s string) bool {
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-' && r != '_' {
			return false
		}
	}
	return s != ""
}

// deref follows aliases (*anchor) to the node they name.
func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// describe names a node's type and value for error messages.
func describe(n *yaml.Node) string {
	if n == nil {
		return "nothing"
	}
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return fmt.Sprintf("a list of %d", len(n.Content))
	case yaml.ScalarNode:
	default:
		return "nothing"
	}
	v := n.Value
	if utf8.RuneCountInString(v) > 40 {
		v = string([]rune(v)[:40]) + "…"
	}
	switch n.ShortTag() {
	case "!!null":
		return "null"
	case "!!str":
		return fmt.Sprintf("string %q", v)
	case "!!bool":
		return v
	case "!!int", "!!float":
		return v
	}
	return fmt.Sprintf("%s %q", n.ShortTag(), v)
}

// domain is the range an attribute's values must stay in for the scene to
// be drawable and its record finite: every value the distribution can
// draw (its reach) must lie in [lo, hi].
type domain struct {
	lo, hi float64
	why    string // what the bounds mean, for the message
}

var (
	// A scale is the symbol's size relative to the image: 0 or less draws
	// nothing, and beyond 100 the image is a tiny part of one stroke.
	scaleDomain = domain{1e-6, 100, "scale is the symbol's size relative to the image, in [1e-06, 100]"}
	// Translations of ±1 put the symbol's centre on the border; ±100 is
	// far outside already.
	translationDomain = domain{-100, 100, "translation moves the symbol in units of half the image, in [-100, 100]"}
	// Rotations are in radians; any finite angle works, but beyond ±1e4
	// float32 painters lose the angle's precision.
	rotationDomain = domain{-1e4, 1e4, "rotation is in radians, in [-10000, 10000]"}
	// Pixel noise is a standard deviation on [0, 1] intensities.
	noiseDomain = domain{0, 10, "pixel_noise is a standard deviation of [0, 1] intensities, in [0, 10]"}
)

// inDomain fails unless every value d can draw lies in dom.
func (p *parser) inDomain(d dist[float64], n *yaml.Node, path string, dom domain) error {
	lo, hi := reach(d)
	if lo >= dom.lo && hi <= dom.hi {
		return nil
	}
	if lo == hi {
		return p.fail(n, path, "%g is out of range: %s", lo, dom.why)
	}
	return p.fail(n, path, "can draw values in [%g, %g], out of range: %s", lo, hi, dom.why)
}
