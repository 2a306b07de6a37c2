package detmath

import "math"

// Coefficients of Wichura's rational approximations (Algorithm AS241,
// "The percentage points of the normal distribution", Applied Statistics
// 37, 1988), rescaled for the inverse error function as Go's math does,
// lowest degree first: numerator and denominator for |x| ≤ 0.85 (erfA,
// erfB), and in r = √(ln 2 − ln(1 − |x|)) for r ≤ 5 (erfC, erfD) and
// beyond (erfE, erfF).
var (
	erfA = [8]float64{
		1.1975323115670912564578e0,
		4.7072688112383978012285e1,
		6.9706266534389598238465e2,
		4.8548868893843886794648e3,
		1.6235862515167575384252e4,
		2.3782041382114385731252e4,
		1.1819493347062294404278e4,
		8.8709406962545514830200e2,
	}
	erfB = [8]float64{
		1.0000000000000000000e0,
		4.2313330701600911252e1,
		6.8718700749205790830e2,
		5.3941960214247511077e3,
		2.1213794301586595867e4,
		3.9307895800092710610e4,
		2.8729085735721942674e4,
		5.2264952788528545610e3,
	}
	erfC = [8]float64{
		1.42343711074968357734e0,
		4.63033784615654529590e0,
		5.76949722146069140550e0,
		3.64784832476320460504e0,
		1.27045825245236838258e0,
		2.41780725177450611770e-1,
		2.27238449892691845833e-2,
		7.74545014278341407640e-4,
	}
	erfD = [8]float64{
		1.4142135623730950488016887e0,
		2.9036514445419946173133295e0,
		2.3707661626024532365971225e0,
		9.7547832001787427186894837e-1,
		2.0945065210512749128288442e-1,
		2.1494160384252876777097297e-2,
		7.7441459065157709165577218e-4,
		1.4859850019840355905497876e-9,
	}
	erfE = [8]float64{
		6.65790464350110377720e0,
		5.46378491116411436990e0,
		1.78482653991729133580e0,
		2.96560571828504891230e-1,
		2.65321895265761230930e-2,
		1.24266094738807843860e-3,
		2.71155556874348757815e-5,
		2.01033439929228813265e-7,
	}
	erfF = [8]float64{
		1.414213562373095048801689e0,
		8.482908416595164588112026e-1,
		1.936480946950659106176712e-1,
		2.103693768272068968719679e-2,
		1.112800997078859844711555e-3,
		2.611088405080593625138020e-5,
		2.010321207683943062279931e-7,
		2.891024605872965461538222e-15,
	}
)

// horner evaluates c[7]·r⁷ + … + c[0], each product rounded.
func horner(r float64, c *[8]float64) float64 {
	p := float64(c[7]*r) + c[6]
	for i := 5; i >= 0; i-- {
		p = float64(p*r) + c[i]
	}
	return p
}

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
