package spec

import (
	"github.com/synbols-gpu/synbols-gpu/internal/detmath"
	"math"
	"sort"

	"github.com/synbols-gpu/synbols-gpu/internal/rng"
	"github.com/synbols-gpu/synbols-gpu/scene"
)

// dist is a distribution over values of type T: the node type of a parsed
// spec. Every kind of the language (constant, uniform, normal, choice, a
// pattern…) is one implementation, so adding a kind (a mixture, a camouflage
// pattern) adds a type and a case in the parser, and nothing else changes.
//
// Implementations are immutable values once built: a Spec and its Samplers
// share them across goroutines.
type dist[T any] interface {
	// Sample draws one value from r. How many values it takes from r is
	// fixed by the distribution's kind (constants take none), which is what
	// makes the documented draw order of a sample meaningful.
	Sample(r *rng.Stream) T
	// yaml returns the distribution written in the spec language; parsing
	// it gives back an equal distribution.
	yaml() *node
}

// constant is a fixed value. It consumes no randomness.
type constant[T any] struct{ v T }

func (c constant[T]) Sample(*rng.Stream) T { return c.v }

// choice draws one of values. With no weights every value is equally likely
// and one Intn draw is taken (exactly uniform); with weights one Float64 is
// taken and looked up in the cumulative weights.
type choice[T any] struct {
	values  []T
	weights []float64 // as written, nil when omitted: kept so YAML() writes what was read
	cum     []float64 // cumulative weights / total; cum[len-1] == 1
}

func newChoice[T any](values []T, weights []float64) choice[T] {
	c := choice[T]{values: values, weights: weights}
	if weights != nil {
		total := 0.0
		for _, w := range weights {
			total += w
		}
		c.cum = make([]float64, len(weights))
		acc := 0.0
		for i, w := range weights {
			acc += w
			c.cum[i] = acc / total
		}
		// acc ends equal to total (same sums, same order), so the last
		// bucket ends at exactly 1 and every Float64 in [0, 1) lands in
		// one; a zero-weight value has an empty bucket and is never drawn.
	}
	return c
}

func (c choice[T]) Sample(r *rng.Stream) T {
	if c.cum == nil {
		return c.values[r.Intn(len(c.values))]
	}
	u := r.Float64()
	return c.values[sort.Search(len(c.cum), func(k int) bool { return u < c.cum[k] })]
}

// uniform is the continuous uniform distribution on [lo, hi).
type uniform struct{ lo, hi float64 }

func (d uniform) Sample(r *rng.Stream) float64 { return r.Uniform(d.lo, d.hi) }

// normal is N(mean, std²).
type normal struct{ mean, std float64 }

func (d normal) Sample(r *rng.Stream) float64 { return d.mean + float64(d.std*r.Normal()) }

// lognormal is median·exp(N(0, sigma²)): the form the original wrote its
// scale distributions in (0.6·exp(N(0, 0.2²))), hence median, not mu.
type lognormal struct{ median, sigma float64 }

func (d lognormal) Sample(r *rng.Stream) float64 { return d.median * detmath.Exp(d.sigma*r.Normal()) }

// randint is the discrete uniform distribution on {lo, …, hi}.
type randint struct{ lo, hi int }

func (d randint) Sample(r *rng.Stream) int { return d.lo + r.Intn(d.hi-d.lo+1) }

// randintFloat is randint used where a real number is expected.
type randintFloat struct{ randint }

func (d randintFloat) Sample(r *rng.Stream) float64 { return float64(d.randint.Sample(r)) }

// bernoulli is true with probability p.
type bernoulli struct{ p float64 }

func (d bernoulli) Sample(r *rng.Stream) bool { return r.Bernoulli(d.p) }

// floatSupport returns the smallest interval holding every value d can draw,
// for the attribute range checks (pixel_noise ≥ 0).
func floatSupport(d dist[float64]) (lo, hi float64) {
	switch d := d.(type) {
	case constant[float64]:
		return d.v, d.v
	case uniform:
		return d.lo, d.hi
	case normal:
		if d.std == 0 {
			return d.mean, d.mean
		}
		return math.Inf(-1), math.Inf(1)
	case lognormal:
		if d.sigma == 0 {
			return d.median, d.median
		}
		return 0, math.Inf(1)
	case randintFloat:
		return float64(d.lo), float64(d.hi)
	case choice[float64]:
		return minMax(d.values)
	case mixture[float64]:
		return mixtureSupport(d, floatSupport)
	}
	return math.Inf(-1), math.Inf(1)
}

// mixtureSupport is the union of the components' intervals.
func mixtureSupport[T int | float64](m mixture[T], support func(dist[T]) (T, T)) (lo, hi T) {
	lo, hi = support(m.comps[0])
	for _, c := range m.comps[1:] {
		l, h := support(c)
		lo, hi = min(lo, l), max(hi, h)
	}
	return lo, hi
}

// reach returns the interval of the values d can actually produce with
// this package's generator: like floatSupport, but a normal deviate never
// exceeds rng.NormalBound in magnitude, so normal and lognormal reach a
// finite interval (possibly overflowing to ±Inf or underflowing to 0,
// which is what the domain checks catch: lognormal with σ = 1e6 reaches
// [0, +Inf]).
func reach(d dist[float64]) (lo, hi float64) {
	switch d := d.(type) {
	case normal:
		return d.mean - float64(rng.NormalBound*d.std), d.mean + float64(rng.NormalBound*d.std)
	case lognormal:
		return d.median * detmath.Exp(-rng.NormalBound*d.sigma), d.median * detmath.Exp(rng.NormalBound*d.sigma)
	case mixture[float64]:
		return mixtureSupport(d, reach)
	}
	return floatSupport(d)
}

// intSupport is floatSupport for integer distributions (n_symbols).
func intSupport(d dist[int]) (lo, hi int) {
	switch d := d.(type) {
	case constant[int]:
		return d.v, d.v
	case randint:
		return d.lo, d.hi
	case choice[int]:
		return minMax(d.values)
	case mixture[int]:
		return mixtureSupport(d, intSupport)
	}
	return math.MinInt, math.MaxInt
}

func minMax[T int | float64](v []T) (lo, hi T) {
	lo, hi = v[0], v[0]
	for _, x := range v[1:] {
		lo, hi = min(lo, x), max(hi, x)
	}
	return lo, hi
}

// Patterns. A pattern distribution draws a scene.Pattern; random patterns
// take their own seed from the sample stream and keep every other parameter
// of the spec, so the record's {"style", "seed"} re-creates them.

// nonePattern is NoPattern: transparent, black as a background. No draw.
type nonePattern struct{}

func (nonePattern) Sample(*rng.Stream) scene.Pattern { return scene.Pattern{Style: scene.NoPattern} }

// solidPattern is SolidColor with a colour drawn from color (a constant or
// a choice of colours).
type solidPattern struct{ color dist[[3]float64] }

func (p solidPattern) Sample(r *rng.Stream) scene.Pattern {
	return scene.Pattern{Style: scene.SolidColor, Color: p.color.Sample(r)}
}

// gradientPattern is a Gradient; it draws one Uint32, the pattern's seed.
type gradientPattern struct {
	types uint8 // scene.Linear|scene.Radial bits, never 0
	alpha float64
}

func (p gradientPattern) Sample(r *rng.Stream) scene.Pattern {
	return scene.Pattern{Style: scene.Gradient, Seed: r.Uint32(), Types: p.types, Alpha: p.alpha}
}

// mixture draws one of its components with probability weight/Σweights:
// one Float64 picks the component, then the component draws as it would
// alone.
type mixture[T any] struct {
	weights []float64
	cum     []float64
	comps   []dist[T]
}

func newMixture[T any](weights []float64, comps []dist[T]) mixture[T] {
	c := newChoice(comps, weights)
	return mixture[T]{weights: weights, cum: c.cum, comps: comps}
}

func (m mixture[T]) Sample(r *rng.Stream) T {
	return m.comps[pick(m.cum, r)].Sample(r)
}

// pick draws an index of cumulative weights cum (cum[len−1] = 1) with one
// Float64.
func pick(cum []float64, r *rng.Stream) int {
	u := r.Float64()
	return min(sort.Search(len(cum), func(k int) bool { return u < cum[k] }), len(cum)-1)
}

// multiGradientPattern is a MultiGradient: n gradients at alpha drawn over
// each other; it draws one Uint32, the pattern's seed.
type multiGradientPattern struct {
	n     int
	types uint8
	alpha float64
}

func (p multiGradientPattern) Sample(r *rng.Stream) scene.Pattern {
	return scene.Pattern{Style: scene.MultiGradient, Seed: r.Uint32(), N: p.n, Types: p.types, Alpha: p.alpha}
}

// camouflagePattern is a Camouflage texture; it draws one Uint32, the
// pattern's seed, from which the painter draws the strokes.
type camouflagePattern struct{ p scene.CamoParams }

func (p camouflagePattern) Sample(r *rng.Stream) scene.Pattern {
	return scene.Pattern{Style: scene.Camouflage, Seed: r.Uint32(), Camo: p.p}
}

// imagePattern is an ImagePattern; it draws one Uint32, the pattern's
// seed, from which the planner draws the image and its crop.
type imagePattern struct{ p scene.ImageParams }

func (p imagePattern) Sample(r *rng.Stream) scene.Pattern {
	return scene.Pattern{Style: scene.ImagePattern, Seed: r.Uint32(), Image: p.p}
}
