package detmath

import "math"

const (
	ln2Hi = 6.93147180369123816490e-01 // 0x3fe62e42fee00000
	ln2Lo = 1.90821492927058770002e-10 // 0x3dea39ef35793c76
)

// Log returns the natural logarithm of x: +Inf for +Inf, −Inf for ±0,
// NaN for x < 0 and NaN. With f = x/2^k − 1 in [√2/2 − 1, √2 − 1] and
// s = f/(2 + f), log(1 + f) = 2s + s·R(s²), R a minimax polynomial
// (FreeBSD's e_log.c).
func Log(x float64) float64 {
	const (
		l1 = 6.666666666666735130e-01 // 0x3fe5555555555593
		l2 = 3.999999999940941908e-01 // 0x3fd999999997fa04
		l3 = 2.857142874366239149e-01 // 0x3fd2492494229359
		l4 = 2.222219843214978396e-01 // 0x3fcc71c51d8e78af
		l5 = 1.818357216161805012e-01 // 0x3fc7466496cb03de
		l6 = 1.531383769920937332e-01 // 0x3fc39a09d078c69f
		l7 = 1.479819860511658591e-01 // 0x3fc2f112df3e5244
	)
	switch {
	case math.IsNaN(x) || math.IsInf(x, 1):
		return x
	case x < 0:
		return math.NaN()
	case x == 0:
		return math.Inf(-1)
	}
	f1, ki := math.Frexp(x) // exact
	if f1 < math.Sqrt2/2 {
		f1 *= 2
		ki--
	}
	f := f1 - 1
	k := float64(ki)
	s := f / (2 + f)
	s2 := float64(s * s)
	s4 := float64(s2 * s2)
	t1 := float64(s2 * (l1 + float64(s4*(l3+float64(s4*(l5+float64(s4*l7)))))))
	t2 := float64(s4 * (l2 + float64(s4*(l4+float64(s4*l6)))))
	r := t1 + t2
	hfsq := float64(0.5 * f * f)
	return float64(k*ln2Hi) - ((hfsq - (float64(s*(hfsq+r)) + float64(k*ln2Lo))) - f)
}

// Exp returns e^x: +Inf past overflow, 0 past underflow, NaN for NaN.
// With x = k·ln2 + r, |r| ≤ ln2/2, e^r from a minimax polynomial in r²
// (FreeBSD's e_exp.c), scaled by 2^k.
func Exp(x float64) float64 {
	const (
		log2e     = 1.44269504088896338700e+00
		overflow  = 7.09782712893383973096e+02
		underflow = -7.45133219101941108420e+02
		nearZero  = 1.0 / (1 << 28)
		p1        = 1.66666666666666657415e-01  // 0x3fc5555555555555
		p2        = -2.77777777770155933842e-03 // 0xbf66c16c16bebd93
		p3        = 6.61375632143793436117e-05  // 0x3f11566aaf25de2c
		p4        = -1.65339022054652515390e-06 // 0xbebbbd41c5d26bf1
		p5        = 4.13813679705723846039e-08  // 0x3e66376972bea4d0
	)
	switch {
	case math.IsNaN(x):
		return x
	case x > overflow:
		return math.Inf(1)
	case x < underflow:
		return 0
	case -nearZero < x && x < nearZero:
		return 1 + x
	}
	var k int
	switch {
	case x < 0:
		k = int(float64(log2e*x) - 0.5)
	case x > 0:
		k = int(float64(log2e*x) + 0.5)
	}
	hi := x - float64(float64(k)*ln2Hi)
	lo := float64(float64(k) * ln2Lo)
	r := hi - lo
	t := float64(r * r)
	c := r - float64(t*(p1+float64(t*(p2+float64(t*(p3+float64(t*(p4+float64(t*p5)))))))))
	y := 1 - ((lo - float64(r*c)/(2-c)) - hi)
	return math.Ldexp(y, k) // exact but for subnormal results, rounded once
}

// Hypot returns √(p² + q²) without undue overflow: +Inf if either is
// ±Inf, else NaN if either is NaN.
func Hypot(p, q float64) float64 {
	p, q = math.Abs(p), math.Abs(q)
	switch {
	case math.IsInf(p, 1) || math.IsInf(q, 1):
		return math.Inf(1)
	case math.IsNaN(p) || math.IsNaN(q):
		return math.NaN()
	}
	if p < q {
		p, q = q, p
	}
	if p == 0 {
		return 0
	}
	q = q / p
	return p * math.Sqrt(1+float64(q*q))
}
