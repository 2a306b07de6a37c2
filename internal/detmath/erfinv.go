package detmath

import "math"

// Coefficients of Wichura's rational approximations (Algorithm AS241,
// "The percentage points of the normal distribution", Applied Statistics
// 37, 1988), rescaled for the inverse error function as Go's math does.
const (
	a0 = 1.1975323115670912564578e0
	a1 = 4.7072688112383978012285e1
	a2 = 6.9706266534389598238465e2
	a3 = 4.8548868893843886794648e3
	a4 = 1.6235862515167575384252e4
	a5 = 2.3782041382114385731252e4
	a6 = 1.1819493347062294404278e4
	a7 = 8.8709406962545514830200e2
	b0 = 1.0000000000000000000e0
	b1 = 4.2313330701600911252e1
	b2 = 6.8718700749205790830e2
	b3 = 5.3941960214247511077e3
	b4 = 2.1213794301586595867e4
	b5 = 3.9307895800092710610e4
	b6 = 2.8729085735721942674e4
	b7 = 5.2264952788528545610e3
	c0 = 1.42343711074968357734e0
	c1 = 4.63033784615654529590e0
	c2 = 5.76949722146069140550e0
	c3 = 3.64784832476320460504e0
	c4 = 1.27045825245236838258e0
	c5 = 2.41780725177450611770e-1
	c6 = 2.27238449892691845833e-2
	c7 = 7.74545014278341407640e-4
	d0 = 1.4142135623730950488016887e0
	d1 = 2.9036514445419946173133295e0
	d2 = 2.3707661626024532365971225e0
	d3 = 9.7547832001787427186894837e-1
	d4 = 2.0945065210512749128288442e-1
	d5 = 2.1494160384252876777097297e-2
	d6 = 7.7441459065157709165577218e-4
	d7 = 1.4859850019840355905497876e-9
	e0 = 6.65790464350110377720e0
	e1 = 5.46378491116411436990e0
	e2 = 1.78482653991729133580e0
	e3 = 2.96560571828504891230e-1
	e4 = 2.65321895265761230930e-2
	e5 = 1.24266094738807843860e-3
	e6 = 2.71155556874348757815e-5
	e7 = 2.01033439929228813265e-7
	f0 = 1.414213562373095048801689e0
	f1 = 8.482908416595164588112026e-1
	f2 = 1.936480946950659106176712e-1
	f3 = 2.103693768272068968719679e-2
	f4 = 1.112800997078859844711555e-3
	f5 = 2.611088405080593625138020e-5
	f6 = 2.010321207683943062279931e-7
	f7 = 2.891024605872965461538222e-15
)

// horner evaluates c[7]·r⁷ + … + c[0], each product rounded.
func horner(r float64, c *[8]float64) float64 {
	p := float64(c[7]*r) + c[6]
	for i := 5; i >= 0; i-- {
		p = float64(p*r) + c[i]
	}
	return p
}

var (
	erfA = [8]float64{a0, a1, a2, a3, a4, a5, a6, a7}
	erfB = [8]float64{b0, b1, b2, b3, b4, b5, b6, b7}
	erfC = [8]float64{c0, c1, c2, c3, c4, c5, c6, c7}
	erfD = [8]float64{d0, d1, d2, d3, d4, d5, d6, d7}
	erfE = [8]float64{e0, e1, e2, e3, e4, e5, e6, e7}
	erfF = [8]float64{f0, f1, f2, f3, f4, f5, f6, f7}
)

// Erfinv returns the inverse error function of x: ±Inf at ±1, NaN
// outside [−1, 1] and for NaN.
func Erfinv(x float64) float64 {
	if math.IsNaN(x) || x <= -1 || x >= 1 {
		if x == -1 || x == 1 {
			return math.Inf(int(x))
		}
		return math.NaN()
	}
	sign := false
	if x < 0 {
		x, sign = -x, true
	}
	var ans float64
	if x <= 0.85 {
		r := 0.180625 - float64(0.25*x*x)
		ans = float64(x*horner(r, &erfA)) / horner(r, &erfB)
	} else {
		r := math.Sqrt(math.Ln2 - Log(1.0-x))
		if r <= 5.0 {
			r -= 1.6
			ans = horner(r, &erfC) / horner(r, &erfD)
		} else {
			r -= 5.0
			ans = horner(r, &erfE) / horner(r, &erfF)
		}
	}
	if sign {
		return -ans
	}
	return ans
}
