// Package detmath gives the elementary functions on the path from a seed
// to a dataset's bytes (the sampler's distributions, the planner's
// rotations, the atlas's curve flattening, the pixel-noise table) with
// the same results on every platform and build.
//
// The math package does not promise that: Go may fuse x·y + z into one
// fused multiply-add, rounded once, wherever the target has one (arm64,
// ppc64le, s390x, riscv64, loong64, and amd64 built with GOAMD64=v3), and
// on amd64 math.Exp takes an FMA path chosen at run time by the CPU. A
// sample's scale (math.Exp of a normal deviate in the default preset) or
// rotation (math.Sincos) could so differ in its last bit between two
// machines, and with it the painted bytes: GOAMD64=v3 changed the default
// preset's first sample and three of TestMatchesReference's images.
//
// The functions follow Go's pure-Go math, itself from Cephes (sin, cos)
// and FreeBSD's msun (log, exp), and Wichura's AS241 (erfinv): the same
// argument reductions, coefficients and operation order, with every
// product rounded before it is added (an explicit conversion, which the
// language forbids fusing across). So on amd64 built for the baseline
// (GOAMD64=v1) Sin, Cos, Sincos and Erfinv give math's results bit for
// bit. Of those math computes there in assembly, Log and Hypot gave its
// results on every normal input TestAgainstMath tried (amd64's assembly
// Log is wrong for subnormals; this one is not), and Exp is within one
// unit in the last place of the exact value, where math.Exp's FMA path
// is off by two at times. LICENSE-go is Go's licence, under which that
// code and its notices are.
//
// Every function is safe for concurrent use.
package detmath

import (
	"math"
	"math/bits"
)

// Pi/4 in three parts (Cody and Waite), the high ones with trailing zero
// bits, so that y·PI4A and y·PI4B are exact for the octant counts below
// reduceThreshold.
const (
	pi4A = 7.85398125648498535156e-1  // 0x3fe921fb40000000
	pi4B = 3.77489470793079817668e-8  // 0x3e64442d00000000
	pi4C = 2.69515142907905952645e-15 // 0x3ce8469898cc5170
)

// reduceThreshold: above it the three-part reduction loses precision and
// the reduction multiplies by 4/π in integers (reduce).
const reduceThreshold = 1 << 29

// Cephes' polynomial coefficients for sin and cos on [−π/4, π/4].
var (
	sinC = [...]float64{
		1.58962301576546568060e-10, // 0x3de5d8fd1fd19ccd
		-2.50507477628578072866e-8, // 0xbe5ae5e5a9291f5d
		2.75573136213857245213e-6,  // 0x3ec71de3567d48a1
		-1.98412698295895385996e-4, // 0xbf2a01a019bfdf03
		8.33333333332211858878e-3,  // 0x3f8111111110f7d0
		-1.66666666666666307295e-1, // 0xbfc5555555555548
	}
	cosC = [...]float64{
		-1.13585365213876817300e-11, // 0xbda8fa49a0861a9b
		2.08757008419747316778e-9,   // 0x3e21ee9d7b4e3f05
		-2.75573141792967388112e-7,  // 0xbe927e4f7eac4bc6
		2.48015872888517045348e-5,   // 0x3efa01a019c844f5
		-1.38888888888730564116e-3,  // 0xbf56c16c16c14f91
		4.16666666666665929218e-2,   // 0x3fa555555555554b
	}
)

// octant reduces x ≥ 0 (finite) to z in [−π/4, π/4] and the octant j in
// [0, 7] (even) with x = j·π/4 + z, modulo 2π.
func octant(x float64) (j uint64, z float64) {
	if x >= reduceThreshold {
		return reduce(x)
	}
	j = uint64(x * (4 / math.Pi)) // integer part of x/(π/4)
	y := float64(j)
	if j&1 == 1 {
		j++
		y++
	}
	j &= 7
	z = ((x - float64(y*pi4A)) - float64(y*pi4B)) - float64(y*pi4C)
	return j, z
}

// sinPoly and cosPoly are sin z and cos z for z in [−π/4, π/4], zz = z².
func sinPoly(z, zz float64) float64 {
	p := float64(sinC[0]*zz) + sinC[1]
	p = float64(p*zz) + sinC[2]
	p = float64(p*zz) + sinC[3]
	p = float64(p*zz) + sinC[4]
	p = float64(p*zz) + sinC[5]
	return z + float64(z*zz*p)
}

func cosPoly(zz float64) float64 {
	p := float64(cosC[0]*zz) + cosC[1]
	p = float64(p*zz) + cosC[2]
	p = float64(p*zz) + cosC[3]
	p = float64(p*zz) + cosC[4]
	p = float64(p*zz) + cosC[5]
	return 1.0 - float64(0.5*zz) + float64(zz*zz*p)
}

// Sin returns the sine of x (radians): ±0 for ±0, NaN for ±Inf and NaN.
func Sin(x float64) float64 {
	switch {
	case x == 0 || math.IsNaN(x):
		return x
	case math.IsInf(x, 0):
		return math.NaN()
	}
	sign := false
	if x < 0 {
		x, sign = -x, true
	}
	j, z := octant(x)
	if j > 3 {
		sign = !sign
		j -= 4
	}
	zz := float64(z * z)
	var y float64
	if j == 1 || j == 2 {
		y = cosPoly(zz)
	} else {
		y = sinPoly(z, zz)
	}
	if sign {
		y = -y
	}
	return y
}

// Cos returns the cosine of x (radians): NaN for ±Inf and NaN.
func Cos(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return math.NaN()
	}
	j, z := octant(math.Abs(x))
	sign := false
	if j > 3 {
		j -= 4
		sign = !sign
	}
	if j > 1 {
		sign = !sign
	}
	zz := float64(z * z)
	var y float64
	if j == 1 || j == 2 {
		y = sinPoly(z, zz)
	} else {
		y = cosPoly(zz)
	}
	if sign {
		y = -y
	}
	return y
}

// Sincos returns Sin(x), Cos(x).
func Sincos(x float64) (sin, cos float64) {
	switch {
	case x == 0:
		return x, 1 // ±0, 1
	case math.IsNaN(x) || math.IsInf(x, 0):
		return math.NaN(), math.NaN()
	}
	sinSign, cosSign := false, false
	if x < 0 {
		x, sinSign = -x, true
	}
	j, z := octant(x)
	if j > 3 {
		j -= 4
		sinSign, cosSign = !sinSign, !cosSign
	}
	if j > 1 {
		cosSign = !cosSign
	}
	zz := float64(z * z)
	cos, sin = cosPoly(zz), sinPoly(z, zz)
	if j == 1 || j == 2 {
		sin, cos = cos, sin
	}
	if cosSign {
		cos = -cos
	}
	if sinSign {
		sin = -sin
	}
	return sin, cos
}

// mPi4 is the binary expansion of 4/π, 64 bits a word, for reduce.
var mPi4 = [...]uint64{
	0x0000000000000001, 0x45f306dc9c882a53, 0xf84eafa3ea69bb81, 0xb6c52b3278872083,
	0xfca2c757bd778ac3, 0x6e48dc74849ba5c0, 0x0c925dd413a32439, 0xfc3bd63962534e7d,
	0xd1046bea5d768909, 0xd338e04d68befc82, 0x7323ac7306a673e9, 0x3908bf177bf25076,
	0x3ff12fffbc0b301f, 0xde5e2316b414da3e, 0xda6cfd9e4f96136e, 0x9e8c7ecd3cbfd45a,
	0xea4f758fd7cbe2f6, 0x7a0e73ef14a525d4, 0xd7f6bf623f1aba10, 0xac06608df8f6d757,
}

// reduce is octant for x ≥ reduceThreshold (Payne and Hanek): the
// fractional part of x·4/π from 192 bits of 4/π at the right offset, in
// integer arithmetic.
func reduce(x float64) (j uint64, z float64) {
	const shift, mask, bias = 52, 0x7ff, 1023
	ix := math.Float64bits(x)
	exp := int(ix>>shift&mask) - bias - shift
	ix &^= mask << shift
	ix |= 1 << shift
	digit, bitshift := uint(exp+61)/64, uint(exp+61)%64
	z0 := (mPi4[digit] << bitshift) | (mPi4[digit+1] >> (64 - bitshift))
	z1 := (mPi4[digit+1] << bitshift) | (mPi4[digit+2] >> (64 - bitshift))
	z2 := (mPi4[digit+2] << bitshift) | (mPi4[digit+3] >> (64 - bitshift))
	z2hi, _ := bits.Mul64(z2, ix)
	z1hi, z1lo := bits.Mul64(z1, ix)
	z0lo := z0 * ix
	lo, c := bits.Add64(z1lo, z2hi, 0)
	hi, _ := bits.Add64(z0lo, z1hi, c)
	j = hi >> 61
	hi = hi<<3 | lo>>61
	lz := uint(bits.LeadingZeros64(hi))
	e := uint64(bias - (lz + 1))
	hi = (hi << (lz + 1)) | (lo >> (64 - (lz + 1)))
	hi >>= 64 - shift
	hi |= e << shift
	z = math.Float64frombits(hi)
	if j&1 == 1 {
		j++
		j &= 7
		z--
	}
	return j, z * (math.Pi / 4)
}
