// Package scene holds the resolved latent attributes of one Synbols sample —
// what the sampler decided to draw — and writes them as the JSON attribute
// record that Synbols users read from the `y` dataset (see docs/format.md).
//
// A Sample says *what* is drawn; engine plans say *how* (affines, atlas tiles).
// Keeping the two apart lets the record be written without fonts or atlas.
package scene

import (
	"github.com/synbols-gpu/synbols-gpu/internal/detmath"
	"math"

	"github.com/synbols-gpu/synbols-gpu/internal/rng"
)

// Style names a pattern class, as recorded in the attribute record.
type Style uint8

const (
	NoPattern Style = iota
	SolidColor
	Gradient
	MultiGradient
	Camouflage
	ImagePattern
)

// String returns the class name the original implementation recorded.
func (s Style) String() string {
	switch s {
	case SolidColor:
		return "SolidColor"
	case Gradient:
		return "Gradient"
	case MultiGradient:
		return "MultiGradient"
	case Camouflage:
		return "Camouflage"
	case ImagePattern:
		return "ImagePattern"
	default:
		return "NoPattern"
	}
}

// Random reports whether patterns of the style carry a seed.
func (s Style) Random() bool {
	return s == Gradient || s == MultiGradient || s == Camouflage || s == ImagePattern
}

// Gradient types, as a bit set of the types a Gradient may choose between.
const (
	Linear uint8 = 1 << iota
	Radial
)

// Pattern is a background or foreground fill. Random patterns carry their own
// seed, from which every parameter is re-drawn (GradientParams), so the record
// {"style", "seed"} is enough to re-create the pattern exactly.
type Pattern struct {
	Style Style
	Seed  uint32     // random styles: the pattern's own seed
	Color [3]float64 // SolidColor: r, g, b in [0, 1]
	Alpha float64    // Gradient, MultiGradient: alpha of every stop (0 is read as 1)
	Types uint8      // Gradient, MultiGradient: allowed types (Linear|Radial); 0 means both
	N     int        // MultiGradient: how many gradients (0 is read as 2)
	Camo  CamoParams // Camouflage
	Image ImageParams
}

// CamoParams are a Camouflage texture's parameters (the original's
// defaults in DefaultCamo). The strokes themselves are drawn by the
// painter from the pattern's seed.
type CamoParams struct {
	Strokes int     // n_stroke
	Length  float64 // stroke_length, unit coordinates
	Width   float64 // stroke_width
	Angle   float64 // stroke_angle, radians
	Noise   float64 // stroke_noise: standard deviation added to each end point
	Alpha   float64 // each stroke's alpha (the original: 0.8)
}

// DefaultCamo is the original Camouflage's defaults.
var DefaultCamo = CamoParams{Strokes: 500, Length: 0.4, Width: 0.05, Angle: math.Pi / 4, Noise: 0.02, Alpha: 0.8}

// ImageParams are an ImagePattern's parameters, as the original's
// ImagePattern took them. Path is filled in by the planner, which knows the
// image pool, with the chosen image's path relative to the pool's folder.
type ImageParams struct {
	Rotation    float64 // largest random rotation, radians (the original: 0)
	Translation float64 // largest random translation, a fraction of each side (0)
	Crop        bool    // take a random crop (true)
	MinCrop     float64 // the crop's smallest side, a fraction of the image's (0.2)
	Path        string
}

// GradientParams are the drawn parameters of a Gradient: type, stops and
// geometry, as the original drew them (see docs/painting.md).
type GradientParams struct {
	Radial bool
	// Linear: from P1 to P2. Radial: from circle (P1, R0) to circle (P2, R1).
	P1, P2 [2]float64
	R0, R1 float64
	// Stops[k] is the colour at offset k/2: the original added its three
	// random colours at offsets 1, 0.5, 0 in that order, so Stops[2] is the
	// first colour drawn and Stops[0] the third.
	Stops [3][3]float64
	Alpha float64
}

// gradientStream separates a pattern's stream from a sample stream that
// might happen to share the seed value.
const gradientStream = 0x6772616469656e74 // "gradient"

// Gradient re-draws the parameters of a Gradient pattern from its seed.
// Draw order: type (only when both are allowed), the three colours, then
// the geometry.
func (p Pattern) Gradient() GradientParams {
	r := rng.New(uint64(p.Seed), gradientStream)
	return drawGradient(&r, p.Alpha, p.Types)
}

// multiGradientStream separates a MultiGradient's stream from a Gradient's
// of the same seed.
const multiGradientStream = 0x6d756c7469677261 // "multigra"

// MultiGradient re-draws the N gradients of a MultiGradient pattern from
// its seed, in drawing order: each drawn as Gradient draws one, one after
// the other from one stream (as the original drew them from one
// RandomState), each with the pattern's alpha (0.5 in the original).
func (p Pattern) MultiGradient() []GradientParams {
	n := p.N
	if n == 0 {
		n = 2
	}
	r := rng.New(uint64(p.Seed), multiGradientStream)
	out := make([]GradientParams, n)
	for i := range out {
		out[i] = drawGradient(&r, p.Alpha, p.Types)
	}
	return out
}

func drawGradient(r *rng.Stream, alpha float64, types uint8) GradientParams {
	g := GradientParams{Alpha: alpha}
	if g.Alpha == 0 {
		g.Alpha = 1
	}
	switch types {
	case Linear:
	case Radial:
		g.Radial = true
	default:
		g.Radial = r.Bernoulli(0.5)
	}
	for k := 2; k >= 0; k-- {
		g.Stops[k] = [3]float64{r.Float64(), r.Float64(), r.Float64()}
	}
	if g.Radial {
		g.P1 = [2]float64{r.Float64(), r.Float64()}
		g.P2 = [2]float64{r.Float64(), r.Float64()}
		g.R0, g.R1 = 2, 0.1
	} else {
		g.P1 = [2]float64{r.Float64(), r.Float64()}
		theta := r.Uniform(0, 2*math.Pi)
		length := 1 + float64(0.2*r.Normal())
		g.P2 = [2]float64{g.P1[0] + float64(length*detmath.Cos(theta)), g.P1[1] + float64(length*detmath.Sin(theta))}
	}
	return g
}

// Symbol is one drawn character with its latent attributes, the per-symbol
// fields of the attribute record (see docs/geometry.md for how they place it).
type Symbol struct {
	Alphabet    string
	Char        string
	Font        string // family name
	Bold, Slant bool
	Scale       float64
	Translation [2]float64
	Rotation    float64 // radians
	Foreground  Pattern
	// TrueChar is the symbol actually drawn when a label-noise spec
	// recorded another one as Char; empty otherwise.
	TrueChar string
	// Box is the symbol's ink box in pixels, x0, y0, x1, y1 (x1, y1
	// exclusive), clipped to the image, measured on its painted mask; set
	// after painting when HasBox. An empty box (x0 = x1) is a symbol with
	// no pixel in the image.
	Box    [4]int
	HasBox bool
}

// Sample is one image's resolved attributes.
type Sample struct {
	Index       int
	Seed        uint32 // the sample's own seed; every choice of the sample derives from it
	Width       int
	Height      int
	Gray        bool
	Inverse     bool
	MaxContrast bool
	NoiseScale  float64
	Background  Pattern
	Symbols     []Symbol
	// Component is the mixture component the sample was drawn from, plus
	// one (0: the spec has no mixture).
	Component int
	// Occluders is how many of the last Symbols are occlusions (drawn
	// over the others; SPEC's add_occlusion).
	Occluders int
	// Overlap is the flatten_mask aggregator's overlap_score: the
	// fraction of pixels whose summed symbol coverage is ≥ 256; recorded
	// when HasOverlap.
	Overlap    float64
	HasOverlap bool
}
