package gpu

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/internal/gl"
)

// roundingProgram compiles the shader's rounding section (from its
// "IEEE round-to-nearest" heading to the patterns') with a main that
// applies, to input word pairs (a, b), op 0: divRN(a, b), 1: sqrtRN(a),
// 2: cmpProd on the words unpacked as below, one invocation per pair.
func roundingProgram(t *testing.T, g *Backend, rounding, integer bool) gl.Program {
	t.Helper()
	src := paintSource
	i := strings.Index(src, "// ---- IEEE round-to-nearest")
	j := strings.Index(src, "// ---- patterns")
	if i < 0 || j < i {
		t.Fatal("the shader's rounding section is not where the test looks")
	}
	prog := fmt.Sprintf("#version 430\n#define ROUNDING_TEST %d\n#define ROUND_INT %d\nlayout(local_size_x = 64) in;\n", b2i(rounding), b2i(integer)) +
		"layout(std430, binding = 0) readonly buffer In { uint inp[]; };\n" +
		"layout(std430, binding = 1) writeonly buffer Out { uint outp[]; };\n" +
		"uniform uint uOp;\n" + src[i:j] + `
void main() {
	uint k = gl_GlobalInvocationID.x;
	uint a = inp[4u * k], b = inp[4u * k + 1u], c = inp[4u * k + 2u], d = inp[4u * k + 3u];
	if (uOp == 0u) {
		outp[k] = floatBitsToUint(divRN(uintBitsToFloat(a), uintBitsToFloat(b)));
	} else if (uOp == 1u) {
		outp[k] = floatBitsToUint(sqrtRN(uintBitsToFloat(a)));
	} else {
		// cmpProd(ma, ea, mx, my, e): ma = a, mx = b, my = c, ea and e in d's halves (biased by 32768).
		outp[k] = uint(cmpProd(a, int(d >> 16) - 32768, b, c, int(d & 0xFFFFu) - 32768) + 1);
	}
}
`
	var p gl.Program
	err := g.ctx.Do(func() (err error) {
		p, err = gl.CompileCompute(prog)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.ctx.Do(func() error { p.Delete(); return nil }) })
	return p
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// runRounding runs op over the input quads (4 words each) and returns one
// word per quad.
func runRounding(t *testing.T, g *Backend, p gl.Program, op uint32, in []uint32) []uint32 {
	t.Helper()
	n := len(in) / 4
	out := make([]uint32, n)
	err := g.ctx.Do(func() error {
		ib, ob := gl.NewBuffer(), gl.NewBuffer()
		defer ib.Delete()
		defer ob.Delete()
		if err := ib.Alloc(int64(len(in)*4), gl.StaticDraw); err != nil {
			return err
		}
		if err := ob.Alloc(int64(n*4), gl.StreamRead); err != nil {
			return err
		}
		raw := make([]byte, len(in)*4)
		for i, v := range in {
			binary.LittleEndian.PutUint32(raw[4*i:], v)
		}
		ib.Upload(0, raw)
		ib.Bind(0)
		ob.Bind(1)
		p.Use()
		gl.SetUint(p.Uniform("uOp"), op)
		gl.Dispatch(uint32(n / 64))
		gl.MemoryBarrier(gl.BarrierBufferUpdate)
		res := make([]byte, n*4)
		ob.Download(0, res)
		for i := range out {
			out[i] = binary.LittleEndian.Uint32(res[4*i:])
		}
		return gl.CheckError("rounding test")
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// randomFloat is a float32 of any sign and exponent: normal, denormal,
// near the range's ends, or of the painters' usual sizes.
func randomFloat(r *rand.Rand) float32 {
	switch r.IntN(4) {
	case 0: // any finite bits
		for {
			f := math.Float32frombits(r.Uint32())
			if !math.IsInf(float64(f), 0) && !math.IsNaN(float64(f)) {
				return f
			}
		}
	case 1: // denormal or near the least normal
		return math.Float32frombits(r.Uint32N(0x01800000) | r.Uint32()&0x80000000)
	case 2: // near the greatest
		return math.Float32frombits(0x7E800000 + r.Uint32N(0x00FFFFFF))
	default:
		return float32(r.Float64()*4 - 2)
	}
}

// TestRoundingFunctions: the shader's divRN and sqrtRN, with candidates
// two ulps off (ROUNDING_TEST) and as compiled for painting, with the
// integer and the double midpoint tests (ROUND_INT), equal Go's
// float32 division and square root (IEEE round to nearest) on 2^16
// random pairs each, denormals, overflows and the range's ends included;
// and cmpProd equals the exact comparison (math/big) on 2^16 random
// operands over its whole domain, shifts of both signs included.
func TestRoundingFunctions(t *testing.T) {
	g := backend(t)
	r := rand.New(rand.NewPCG(1, 2))
	const n = 1 << 16
	in := make([]uint32, 4*n)
	for i := range n {
		a, b := randomFloat(r), randomFloat(r)
		switch i % 8 {
		case 0:
			// a/b and √a within a few ulps of a power of two, where the
			// midpoint below is a quarter ulp's: b·2^k, or 4^k, moved
			// up to 3 ulps.
			k := int(r.Int32N(40)) - 20
			a = math.Float32frombits(uint32(int32(math.Float32bits(b*float32(math.Ldexp(1, k)))) + r.Int32N(7) - 3))
		case 1:
			k := int(r.Int32N(40)) - 20
			a = math.Float32frombits(uint32(int32(math.Float32bits(float32(math.Ldexp(1, 2*k)))) + r.Int32N(7) - 3))
		}
		in[4*i] = math.Float32bits(a)
		in[4*i+1] = math.Float32bits(b)
	}
	for _, c := range []struct{ rounding, integer bool }{{true, true}, {true, false}, {false, true}, {false, false}} {
		rounding := c.rounding
		p := roundingProgram(t, g, rounding, c.integer)
		div := runRounding(t, g, p, 0, in)
		sq := runRounding(t, g, p, 1, in)
		bad := 0
		for i := range n {
			a, b := math.Float32frombits(in[4*i]), math.Float32frombits(in[4*i+1])
			want := a / b
			// The shader may flush denormal results to zero (GLSL allows it).
			if got := math.Float32frombits(div[i]); got != want && !(math.IsNaN(float64(got)) && math.IsNaN(float64(want))) && !(want != 0 && math.Abs(float64(want)) < 0x1p-126 && got == 0) {
				if bad++; bad <= 5 {
					t.Errorf("off by 2 %v, integer %v: divRN(%g, %g) = %g (%08x), want %g (%08x)", rounding, c.integer, a, b, got, div[i], want, math.Float32bits(want))
				}
			}
			wantS := float32(math.Sqrt(float64(a)))
			if got := math.Float32frombits(sq[i]); got != wantS && !(math.IsNaN(float64(got)) && math.IsNaN(float64(wantS))) {
				if bad++; bad <= 5 {
					t.Errorf("off by 2 %v, integer %v: sqrtRN(%g) = %g (%08x), want %g (%08x)", rounding, c.integer, a, got, sq[i], wantS, math.Float32bits(wantS))
				}
			}
		}
		if bad > 0 {
			t.Errorf("off by 2 %v, integer %v: %d of %d results not correctly rounded", rounding, c.integer, bad, 2*n)
		}
	}
	// cmpProd over its domain: 2^23 ≤ ma < 2^24; 2^23 ≤ mx, my < 2^26;
	// any shift.
	p := roundingProgram(t, g, false, true)
	for i := range n {
		ma := 1<<23 + r.Uint32N(1<<23)
		mx := 1<<23 + r.Uint32N(3<<24)
		my := 1<<23 + r.Uint32N(3<<24)
		e := int(r.Int32N(200)) - 100
		// Shifts around the product's size, and far beyond both ways.
		ea := e + 26 + int(r.Int32N(40)) - 20
		if i%8 == 0 {
			ea = e + int(r.Int32N(120)) - 60
		}
		in[4*i], in[4*i+1], in[4*i+2] = ma, mx, my
		in[4*i+3] = uint32(ea+32768)<<16 | uint32(e+32768)
	}
	got := runRounding(t, g, p, 2, in)
	bad := 0
	for i := range n {
		ma, mx, my := in[4*i], in[4*i+1], in[4*i+2]
		ea, e := int(in[4*i+3]>>16)-32768, int(in[4*i+3]&0xFFFF)-32768
		lhs := new(big.Int).SetUint64(uint64(ma))
		rhs := new(big.Int).Mul(new(big.Int).SetUint64(uint64(mx)), new(big.Int).SetUint64(uint64(my)))
		if s := ea - e; s >= 0 {
			lhs.Lsh(lhs, uint(s))
		} else {
			rhs.Lsh(rhs, uint(-s))
		}
		if want := uint32(lhs.Cmp(rhs) + 1); got[i] != want {
			if bad++; bad <= 5 {
				t.Errorf("cmpProd(%d, %d, %d, %d, %d) = %d, want %d", ma, ea, mx, my, e, int(got[i])-1, int(want)-1)
			}
		}
	}
	if bad > 0 {
		t.Errorf("cmpProd: %d of %d wrong", bad, n)
	}
}

// TestBadOptions: a ReadBack or Rounding beyond the constants fails New
// with ErrBadOption, before any context is opened.
func TestBadOptions(t *testing.T) {
	for _, o := range []Options{{ReadBack: ReadBackMapped + 1}, {ReadBack: -1}, {Rounding: RoundingDouble + 1}, {Rounding: -1}} {
		g, err := New(o)
		if err == nil {
			g.Close()
		}
		if !errors.Is(err, ErrBadOption) {
			t.Errorf("New(%+v): %v, want ErrBadOption", o, err)
		}
	}
}
