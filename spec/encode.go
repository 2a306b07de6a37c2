package spec

import (
	"bytes"
	"fmt"
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/synbols-gpu/synbols-gpu/scene"
)

// node is a YAML node; the encoder builds the resolved spec as a node tree so
// that the key order and the flow style of distributions are ours to choose.
type node = yaml.Node

// YAML returns the resolved spec in the spec language: every field written
// out, no base, so the text alone re-creates the spec (Parse(YAML()) equals
// s) even if the presets change later. It is stored in the output file so a
// dataset says how it was made.
func (s *Spec) YAML() ([]byte, error) {
	kv := []any{
		"name", strNode(s.name),
		"description", strNode(s.description),
		"resolution", seqNode(intNode(s.width), intNode(s.height)),
		"gray", boolNode(s.gray),
		"alphabet", s.alphabetYAML(),
		"fonts", s.fontsYAML(),
	}
	if s.mask != "" && s.mask != maskModes[0] {
		kv = append(kv, "mask", strNode(s.mask))
	}
	if s.selectOverlap != "" {
		kv = append(kv, "select", mapNode(true, "overlap", strNode(s.selectOverlap)))
	}
	kv = append(kv, s.sceneAttrs.yamlFields()...)
	if len(s.components) > 0 {
		comps := &node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		base := s.sceneAttrs.yamlFields()
		for _, c := range s.components {
			ckv := []any{"weight", floatNode(c.weight)}
			ckv = append(ckv, diffFields(base, c.attrs.yamlFields())...)
			comps.Content = append(comps.Content, mapNode(false, ckv...))
		}
		kv = append(kv, "mixture", comps)
	}
	doc := mapNode(false, kv...)
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("spec: %s: writing YAML: %w", s.name, err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("spec: %s: writing YAML: %w", s.name, err)
	}
	return buf.Bytes(), nil
}

// yamlFields writes the scene attributes as alternating keys and nodes, in
// sceneFields order; occlusion, label_noise and symbol.order only when
// set, so the specs written before they existed read the same.
func (a *sceneAttrs) yamlFields() []any {
	symKV := []any{
		"char", a.symbol.char.yaml(),
		"font", a.symbol.font.yaml(),
	}
	if a.symbol.fontFirst {
		symKV = append(symKV, "order", strNode("font_first"))
	}
	symKV = append(symKV,
		"bold", a.symbol.bold.yaml(),
		"slant", a.symbol.slant.yaml(),
		"rotation", a.symbol.rotation.yaml(),
		"scale", a.symbol.scale.yaml(),
		"translation", a.symbol.translation.yaml(),
		"foreground", a.symbol.foreground.yaml(),
	)
	kv := []any{
		"n_symbols", a.nSymbols.yaml(),
		"symbol", mapNode(false, symKV...),
		"background", a.background.yaml(),
		"inverse", a.inverse.yaml(),
		"max_contrast", a.maxContrast.yaml(),
		"pixel_noise", a.pixelNoise.yaml(),
	}
	if o := &a.occlusion; o.n != nil {
		kv = append(kv, "occlusion", mapNode(false,
			"n", o.n.yaml(),
			"char", o.char.yaml(),
			"font", strNode(o.font),
			"rotation", o.rotation.yaml(),
			"scale", o.scale.yaml(),
			"translation", o.translation.yaml(),
			"foreground", o.foreground.yaml(),
		))
	}
	if a.labelNoise != 0 {
		kv = append(kv, "label_noise", floatNode(a.labelNoise))
	}
	return kv
}

// diffFields keeps the fields of comp that differ from base: a mixture
// component is written as what it overrides. A mapping field (symbol,
// occlusion) is diffed key by key, one level down.
func diffFields(base, comp []any) []any {
	find := func(kv []any, key string) *node {
		for i := 0; i < len(kv); i += 2 {
			if kv[i].(string) == key {
				return kv[i+1].(*node)
			}
		}
		return nil
	}
	var out []any
	for i := 0; i < len(comp); i += 2 {
		key, cn := comp[i].(string), comp[i+1].(*node)
		bn := find(base, key)
		if bn != nil && sameNode(bn, cn) {
			continue
		}
		if bn != nil && cn.Kind == yaml.MappingNode && bn.Kind == yaml.MappingNode && cn.Style != yaml.FlowStyle {
			var sub []any
			for j := 0; j+1 < len(cn.Content); j += 2 {
				k, v := cn.Content[j].Value, cn.Content[j+1]
				var bv *node
				for m := 0; m+1 < len(bn.Content); m += 2 {
					if bn.Content[m].Value == k {
						bv = bn.Content[m+1]
					}
				}
				if bv == nil || !sameNode(bv, v) {
					sub = append(sub, k, v)
				}
			}
			// A key the base has and the component lacks (symbol.order
			// back to char_first) must be written explicitly.
			for m := 0; m+1 < len(bn.Content); m += 2 {
				k := bn.Content[m].Value
				present := false
				for j := 0; j+1 < len(cn.Content); j += 2 {
					present = present || cn.Content[j].Value == k
				}
				if !present && k == "order" {
					sub = append(sub, k, strNode("char_first"))
				}
			}
			if len(sub) > 0 {
				out = append(out, key, mapNode(false, sub...))
			}
			continue
		}
		out = append(out, key, cn)
	}
	for i := 0; i < len(base); i += 2 {
		key := base[i].(string)
		if find(comp, key) == nil {
			switch key {
			case "label_noise":
				out = append(out, key, floatNode(0))
			case "occlusion":
				out = append(out, key, mapNode(false, "n", intNode(0)))
			}
		}
	}
	return out
}

// sameNode reports whether two nodes write the same YAML.
func sameNode(a, b *node) bool {
	ea, err1 := yaml.Marshal(a)
	eb, err2 := yaml.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(ea, eb)
}

// fontsYAML writes first: only when it is set.
func (s *Spec) fontsYAML() *node {
	kv := []any{"require_bold_face", boolNode(s.requireBold)}
	if s.firstFonts > 0 {
		kv = append(kv, "first", intNode(s.firstFonts))
	}
	return mapNode(true, kv...)
}

// alphabetYAML writes first: only when it is set, so the specs of the
// whole-alphabet presets (and the files written before first: existed)
// read the same.
func (s *Spec) alphabetYAML() *node {
	kv := []any{"language", strNode(s.language), "case", strNode(s.letterCase)}
	if len(s.languages) > 0 {
		langs := seqNode()
		for _, l := range s.languages {
			langs.Content = append(langs.Content, strNode(l))
		}
		kv = []any{"languages", langs, "case", strNode(s.letterCase)}
	}
	if s.firstSymbols > 0 {
		kv = append(kv, "first", intNode(s.firstSymbols))
	}
	return mapNode(true, kv...)
}

// mapNode builds a mapping from alternating keys and values. Distributions
// are written in flow style ({normal: {mean: 0, std: 0.3}}), the layout of
// the presets.
func mapNode(flow bool, kv ...any) *node {
	n := &node{Kind: yaml.MappingNode, Tag: "!!map"}
	if flow {
		n.Style = yaml.FlowStyle
	}
	for i := 0; i < len(kv); i += 2 {
		n.Content = append(n.Content, strNode(kv[i].(string)), kv[i+1].(*node))
	}
	return n
}

func seqNode(items ...*node) *node {
	return &node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle, Content: items}
}

// strNode tags the scalar as a string, so the encoder quotes values that
// would otherwise read back as something else (a font named "True", "1").
func strNode(v string) *node { return &node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v} }

func intNode(v int) *node {
	return &node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(v)}
}

// floatNode writes the shortest form that parses back to exactly v.
func floatNode(v float64) *node {
	s := strconv.FormatFloat(v, 'g', -1, 64)
	if _, err := strconv.ParseInt(s, 10, 64); err == nil {
		return &node{Kind: yaml.ScalarNode, Tag: "!!int", Value: s}
	}
	return &node{Kind: yaml.ScalarNode, Tag: "!!float", Value: s}
}

func boolNode(v bool) *node {
	return &node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(v)}
}

func colorNode(c [3]float64) *node { return seqNode(floatNode(c[0]), floatNode(c[1]), floatNode(c[2])) }

// valueNode writes one value of a constant or a choice.
func valueNode(v any) *node {
	switch v := v.(type) {
	case float64:
		return floatNode(v)
	case int:
		return intNode(v)
	case bool:
		return boolNode(v)
	case string:
		return strNode(v)
	case [3]float64:
		return colorNode(v)
	}
	panic(fmt.Sprintf("spec: no YAML form for %T", v))
}

func (c constant[T]) yaml() *node { return valueNode(c.v) }

func (c choice[T]) yaml() *node {
	values := seqNode()
	for _, v := range c.values {
		values.Content = append(values.Content, valueNode(v))
	}
	body := mapNode(true, "values", values)
	if c.weights != nil {
		weights := seqNode()
		for _, w := range c.weights {
			weights.Content = append(weights.Content, floatNode(w))
		}
		body.Content = append(body.Content, strNode("weights"), weights)
	}
	return mapNode(true, "choice", body)
}

func (d uniform) yaml() *node {
	return mapNode(true, "uniform", seqNode(floatNode(d.lo), floatNode(d.hi)))
}

func (d normal) yaml() *node {
	return mapNode(true, "normal", mapNode(true, "mean", floatNode(d.mean), "std", floatNode(d.std)))
}

func (d lognormal) yaml() *node {
	return mapNode(true, "lognormal", mapNode(true, "median", floatNode(d.median), "sigma", floatNode(d.sigma)))
}

func (d randint) yaml() *node {
	return mapNode(true, "randint", seqNode(intNode(d.lo), intNode(d.hi)))
}

func (d bernoulli) yaml() *node { return mapNode(true, "bernoulli", floatNode(d.p)) }

func (nonePattern) yaml() *node { return strNode("none") }

func (p solidPattern) yaml() *node { return mapNode(true, "solid", p.color.yaml()) }

func (p gradientPattern) yaml() *node {
	if p.types == scene.Linear|scene.Radial && p.alpha == 1 {
		return strNode("gradient")
	}
	return mapNode(true, "gradient", mapNode(true, "types", gradientTypesNode(p.types), "alpha", floatNode(p.alpha)))
}

func (a universeAttr) yaml() *node {
	switch {
	case a.uniform:
		return strNode(uniformKeyword)
	case a.mix != nil:
		return mixtureNode(a.mix.weights, len(a.mix.comps), func(i int) *node { return a.mix.comps[i].yaml() })
	}
	return a.d.yaml()
}

func (m mixture[T]) yaml() *node {
	return mixtureNode(m.weights, len(m.comps), func(i int) *node { return m.comps[i].yaml() })
}

// mixtureNode writes {mixture: [{weight: w, value: v}, …]}.
func mixtureNode(weights []float64, n int, value func(int) *node) *node {
	comps := seqNode()
	for i := range n {
		comps.Content = append(comps.Content, mapNode(true, "weight", floatNode(weights[i]), "value", value(i)))
	}
	return mapNode(true, "mixture", comps)
}

func gradientTypesNode(types uint8) *node {
	n := seqNode()
	if types&scene.Linear != 0 {
		n.Content = append(n.Content, strNode("linear"))
	}
	if types&scene.Radial != 0 {
		n.Content = append(n.Content, strNode("radial"))
	}
	return n
}

func (p multiGradientPattern) yaml() *node {
	if p.n == 2 && p.types == scene.Linear|scene.Radial && p.alpha == 0.5 {
		return strNode("multi_gradient")
	}
	return mapNode(true, "multi_gradient", mapNode(true, "n", intNode(p.n), "types", gradientTypesNode(p.types), "alpha", floatNode(p.alpha)))
}

func (p camouflagePattern) yaml() *node {
	if p.p == scene.DefaultCamo {
		return strNode("camouflage")
	}
	c := p.p
	return mapNode(true, "camouflage", mapNode(true,
		"strokes", intNode(c.Strokes), "length", floatNode(c.Length), "width", floatNode(c.Width),
		"angle", floatNode(c.Angle), "noise", floatNode(c.Noise), "alpha", floatNode(c.Alpha)))
}

func (p imagePattern) yaml() *node {
	if p.p == (scene.ImageParams{Crop: true, MinCrop: 0.2}) {
		return strNode("image")
	}
	i := p.p
	return mapNode(true, "image", mapNode(true,
		"rotation", floatNode(i.Rotation), "translation", floatNode(i.Translation),
		"crop", boolNode(i.Crop), "min_crop", floatNode(i.MinCrop)))
}

func (t translationAttr) yaml() *node {
	if t.shared {
		return t.x.yaml()
	}
	return seqNode(t.x.yaml(), t.y.yaml())
}
