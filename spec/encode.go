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
	sym := mapNode(false,
		"char", s.symbol.char.yaml(),
		"font", s.symbol.font.yaml(),
		"bold", s.symbol.bold.yaml(),
		"slant", s.symbol.slant.yaml(),
		"rotation", s.symbol.rotation.yaml(),
		"scale", s.symbol.scale.yaml(),
		"translation", s.symbol.translation.yaml(),
		"foreground", s.symbol.foreground.yaml(),
	)
	doc := mapNode(false,
		"name", strNode(s.name),
		"description", strNode(s.description),
		"resolution", seqNode(intNode(s.width), intNode(s.height)),
		"gray", boolNode(s.gray),
		"alphabet", s.alphabetYAML(),
		"fonts", mapNode(true, "require_bold_face", boolNode(s.requireBold)),
		"n_symbols", s.nSymbols.yaml(),
		"symbol", sym,
		"background", s.background.yaml(),
		"inverse", s.inverse.yaml(),
		"max_contrast", s.maxContrast.yaml(),
		"pixel_noise", s.pixelNoise.yaml(),
	)
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

// alphabetYAML writes first: only when it is set, so the specs of the
// whole-alphabet presets (and the files written before first: existed)
// read the same.
func (s *Spec) alphabetYAML() *node {
	kv := []any{"language", strNode(s.language), "case", strNode(s.letterCase)}
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
	types := seqNode()
	if p.types&scene.Linear != 0 {
		types.Content = append(types.Content, strNode("linear"))
	}
	if p.types&scene.Radial != 0 {
		types.Content = append(types.Content, strNode("radial"))
	}
	return mapNode(true, "gradient", mapNode(true, "types", types, "alpha", floatNode(p.alpha)))
}

func (a universeAttr) yaml() *node {
	if a.uniform {
		return strNode(uniformKeyword)
	}
	return a.d.yaml()
}

func (t translationAttr) yaml() *node {
	if t.shared {
		return t.x.yaml()
	}
	return seqNode(t.x.yaml(), t.y.yaml())
}
