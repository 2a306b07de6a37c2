// Package spec is the distribution language of synbols-gpu: a YAML file
// saying which scenes to draw, the presets written in it, and the sampler
// that turns a spec into scene.Samples.
//
// A preset and a user's file are the same thing (presets are embedded YAML
// under presets/), every error names the field path, and the resolved spec
// (Spec.YAML) is stored in the output file so a dataset says how it was made.
//
// # The language
//
// docs/spec-language.md documents it for users, with examples: every field,
// distribution and pattern, occlusion blocks, mask modes, attribute and
// top-level mixtures (joint distributions), several languages, select:.
// In short:
//
//	name: my-set                   # names the output files; default: the file name
//	description: one line          # shown by --help for presets
//	base: default                  # optional: start from a preset, override below
//	resolution: [32, 32]           # [width, height]
//	gray: false
//	alphabet: {language: english, case: lower}   # case: lower, upper or both
//	                               # optional first: N — only the first N symbols of the
//	                               # alphabet after the font filter (korean-1k: 1000)
//	fonts: {require_bold_face: false}            # false: every family (synthetic bold)
//	n_symbols: 1                   # or {randint: [3, 9]}, {choice: …}; at most 255
//	symbol:                        # drawn again for each symbol
//	  char: uniform                # over the alphabet; or "a"; or {choice: …}
//	  font: uniform                # over the usable families sorted by name; or a family; or {choice: …}
//	  bold: {bernoulli: 0.5}       # or true / false
//	  slant: {bernoulli: 0.5}
//	  rotation: {normal: {mean: 0, std: 0.3}}        # radians
//	  scale: {lognormal: {median: 0.6, sigma: 0.2}}  # 0.6·exp(N(0, 0.2²))
//	  translation: {uniform: [-0.9, 0.9]}            # both axes; or [dist_x, dist_y]
//	  foreground: gradient
//	background: gradient
//	inverse: {bernoulli: 0.5}
//	max_contrast: true
//	pixel_noise: 0.01              # must be ≥ 0
//
// Numbers are a constant or one of
//
//	{uniform: [lo, hi]}                      # continuous, [lo, hi)
//	{normal: {mean: m, std: s}}
//	{lognormal: {median: m, sigma: s}}       # m·exp(N(0, s²))
//	{choice: {values: [...], weights: [...]}} # weights optional (equal)
//	{randint: [lo, hi]}                      # integers, both ends included
//
// Booleans are true, false or {bernoulli: p}. Patterns (foreground,
// background) are gradient (linear or radial, alpha 1), {gradient: {types:
// [linear, radial], alpha: a}}, none (transparent; black as a background),
// {solid: [r, g, b]} or {solid: {choice: {values: [[r, g, b], …]}}}.
//
// A file without base: starts from the defaults of defaults.yaml, which
// draw what the default preset draws (every English font); with base: it
// starts from that preset. Either way the fields given
// replace the starting ones one attribute at a time (symbol.rotation alone,
// say), except name and description, which are never inherited.
//
// # Representation
//
// A parsed Spec is a tree of immutable distribution values (dist[T]: Sample
// from an rng.Stream, and the YAML that re-creates it). Each kind of the
// language (a mixture of components, a camouflage pattern…) is one dist
// implementation and one parser case; a top-level mixture is a list of
// complete scene attribute sets, the base's overridden by each component.
//
// # Randomness
//
// Sample i of a dataset with seed S takes its 32-bit seed from rng.New(S, i)
// and every choice from rng.New(sampleSeed, 0) in the order documented on
// Sampler.SampleFromSeed, so a sample depends only on (spec, universe, S, i).
package spec
