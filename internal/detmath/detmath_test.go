package detmath

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// inputs returns n values of each scale the callers use and the edges:
// uniform in [−2π, 2π] (rotations, gradient angles), log-uniform over
// [2⁻⁶⁰, 2⁶⁰] with either sign, near multiples of π/4, and huge ones
// past the three-part reduction.
func inputs(n int) []float64 {
	r := rand.New(rand.NewPCG(11, 12))
	var xs []float64
	for range n {
		xs = append(xs, (2*r.Float64()-1)*2*math.Pi)
		v := math.Exp2(120*r.Float64() - 60)
		if r.IntN(2) == 0 {
			v = -v
		}
		xs = append(xs, v)
		k := float64(r.IntN(64) - 32)
		xs = append(xs, math.Nextafter(k*math.Pi/4, math.Inf(int(r.IntN(2))*2-1)))
		xs = append(xs, math.Exp2(29+300*r.Float64()))
	}
	return append(xs, 0, math.Copysign(0, -1), math.SmallestNonzeroFloat64, -math.MaxFloat64, math.MaxFloat64,
		math.Inf(1), math.Inf(-1), math.NaN(), 1, -1, 0.5, reduceThreshold, math.Nextafter(reduceThreshold, 0))
}

// same reports whether a and b are the same float64 (NaN equal to NaN,
// +0 not equal to −0).
func same(a, b float64) bool {
	return math.Float64bits(a) == math.Float64bits(b) || math.IsNaN(a) && math.IsNaN(b)
}

// ulps is the distance between a and b in units in the last place (0
// for the same value, NaNs included; huge when one is NaN or they differ
// in sign).
func ulps(a, b float64) uint64 {
	if same(a, b) {
		return 0
	}
	if math.IsNaN(a) || math.IsNaN(b) || math.Signbit(a) != math.Signbit(b) {
		return math.MaxUint64
	}
	x, y := math.Float64bits(math.Abs(a)), math.Float64bits(math.Abs(b))
	return max(x, y) - min(x, y)
}

// TestAgainstMath compares every function with math's: Sin, Cos, Sincos
// and Erfinv bit for bit where math's pure-Go code is compiled without
// fused multiply-adds (mathUnfused; elsewhere math's results move by an
// ulp or two), Log and Hypot (assembly on amd64) within one ulp, counting
// the differences; Exp is checked against a 256-bit reference instead
// (bigExp), since amd64's assembly Exp with FMA is off by two ulps at
// times. 40,000 inputs of each kind (inputs), 160,000 in all per function.
func TestAgainstMath(t *testing.T) {
	xs := inputs(40000)
	// check compares got with want on in: equal if exact, else within tol
	// ulps, and logs how many differ.
	check := func(name string, exact bool, tol uint64, got, want func(float64) float64, in []float64) {
		t.Helper()
		diff := 0
		for _, x := range in {
			g, w := got(x), want(x)
			d := ulps(g, w)
			if d > 0 {
				diff++
			}
			if exact && d > 0 || d > tol {
				t.Errorf("%s(%v) = %v, want %v (%d ulps)", name, x, g, w, d)
				return
			}
		}
		if exact {
			t.Logf("%s: all %d bit for bit", name, len(in))
		} else {
			t.Logf("%s: %d of %d differ (by at most %d ulps)", name, diff, len(in), tol)
		}
	}
	check("Sin", mathUnfused, 16, Sin, math.Sin, xs)
	check("Cos", mathUnfused, 16, Cos, math.Cos, xs)
	sinOf := func(x float64) float64 { s, _ := Sincos(x); return s }
	cosOf := func(x float64) float64 { _, c := Sincos(x); return c }
	check("Sincos (sin)", mathUnfused, 16, sinOf, func(x float64) float64 { s, _ := math.Sincos(x); return s }, xs)
	check("Sincos (cos)", mathUnfused, 16, cosOf, func(x float64) float64 { _, c := math.Sincos(x); return c }, xs)
	for _, x := range xs {
		if s, c := Sincos(x); !same(s, Sin(x)) || !same(c, Cos(x)) {
			t.Fatalf("Sincos(%v) = %v, %v; Sin, Cos give %v, %v", x, s, c, Sin(x), Cos(x))
		}
	}

	var pos, sub, unit, exps []float64
	r := rand.New(rand.NewPCG(13, 14))
	for range 40000 {
		pos = append(pos, math.Exp2(2000*r.Float64()-1000), 1+(r.Float64()-0.5)/8, r.Float64()*4, math.Exp2(60*r.Float64()-30))
		sub = append(sub, math.Float64frombits(r.Uint64()>>12+1)) // subnormal
		unit = append(unit, 2*r.Float64()-1, 1-math.Exp2(-50*r.Float64()), -0.85+1.7*r.Float64(), math.Nextafter(0.85, 2*r.Float64()))
		exps = append(exps, 1400*r.Float64()-700, 4*r.NormFloat64(), 0.2*r.NormFloat64(), math.Exp2(-30*r.Float64()))
	}
	pos = append(pos, 0, math.Copysign(0, -1), -1, math.Inf(1), math.NaN(), math.SmallestNonzeroFloat64*(1<<52), math.MaxFloat64, 1)
	unit = append(unit, -1, 1, 0, math.Copysign(0, -1), 2, math.NaN(), 0.85)
	check("Log", false, 1, Log, math.Log, pos)
	// amd64's assembly Log does not normalise subnormals (it gives
	// log 2⁻¹⁰²² for all of them): against log(x·2⁵⁴) − 54·ln 2 there.
	check("Log (subnormal)", false, 1, Log, func(x float64) float64 { return math.Log(x*(1<<54)) - 54*math.Ln2 }, sub)
	check("Exp", false, 1, Exp, bigExp, exps)
	check("Exp (math's)", false, 2, Exp, math.Exp, exps)
	for _, c := range [][2]float64{{709.79, math.Inf(1)}, {-745.14, 0}, {0, 1}, {math.Inf(1), math.Inf(1)}, {math.Inf(-1), 0}, {math.NaN(), math.NaN()}, {1e-9, 1 + 1e-9}} {
		if got := Exp(c[0]); !same(got, c[1]) {
			t.Errorf("Exp(%v) = %v, want %v", c[0], got, c[1])
		}
	}
	check("Erfinv", mathUnfused, 16, Erfinv, math.Erfinv, unit)
	hyp := func(f func(p, q float64) float64) func(float64) float64 {
		return func(x float64) float64 { return f(x, x*0.37+1) }
	}
	check("Hypot", false, 1, hyp(Hypot), hyp(math.Hypot), append(pos, exps...))
	for _, c := range [][3]float64{{math.Inf(-1), math.NaN(), math.Inf(1)}, {math.NaN(), 1, math.NaN()}, {0, 0, 0}, {3, 4, 5}, {-3, 4, 5}} {
		if got := Hypot(c[0], c[1]); !same(got, c[2]) {
			t.Errorf("Hypot(%v, %v) = %v, want %v", c[0], c[1], got, c[2])
		}
	}
}

// bigExp is e^x rounded to float64 from 256-bit arithmetic: the Taylor
// series of e^(x/2²⁰), squared 20 times (the squarings lose 20 of the 256
// bits). For |x| ≤ 700, normal results.
func bigExp(x float64) float64 {
	const prec, halvings = 256, 20
	y := new(big.Float).SetPrec(prec).SetFloat64(x)
	y.SetMantExp(y, -halvings)
	sum := new(big.Float).SetPrec(prec).SetInt64(1)
	term := new(big.Float).SetPrec(prec).SetInt64(1)
	for n := int64(1); n < 40; n++ {
		term.Mul(term, y)
		term.Quo(term, new(big.Float).SetPrec(prec).SetInt64(n))
		sum.Add(sum, term)
	}
	for range halvings {
		sum.Mul(sum, sum)
	}
	f, _ := sum.Float64()
	return f
}

func BenchmarkSincos(b *testing.B) {
	x := 0.3
	for b.Loop() {
		s, c := Sincos(x)
		x += s * c * 1e-9
	}
}
