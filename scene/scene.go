// Package scene holds the resolved latent attributes of one Synbols sample —
// what the sampler decided to draw — and writes them as the JSON attribute
// record that Synbols users read from the `y` dataset (see docs/format.md).
//
// A Sample says *what* is drawn; engine plans say *how* (affines, atlas tiles).
// Keeping the two apart lets the record be written without fonts or atlas.
package scene

import (
	"math"

	"github.com/synbols-gpu/synbols-gpu/internal/rng"
)

// Style names a pattern class, as recorded in the attribute record.
type Style uint8

const (
	NoPattern Style = iota
	SolidColor
	Gradient
)

// String returns the class name the original implementation recorded.
func (s Style) String() string {
	switch s {
	case SolidColor:
		return "SolidColor"
	case Gradient:
		return "Gradient"
	default:
		return "NoPattern"
	}
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
	Seed  uint32     // Gradient: the pattern's own seed
	Color [3]float64 // SolidColor: r, g, b in [0, 1]
	Alpha float64    // Gradient: alpha of every stop (0 is read as 1)
	Types uint8      // Gradient: allowed types (Linear|Radial); 0 means both
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
	g := GradientParams{Alpha: p.Alpha}
	if g.Alpha == 0 {
		g.Alpha = 1
	}
	switch p.Types {
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
		length := 1 + 0.2*r.Normal()
		g.P2 = [2]float64{g.P1[0] + length*math.Cos(theta), g.P1[1] + length*math.Sin(theta)}
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
}
