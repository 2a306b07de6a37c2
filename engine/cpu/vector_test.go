package cpu

import (
	"bytes"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/synbols-gpu/synbols-gpu/atlas"
	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/engine/internal/paint"
	"github.com/synbols-gpu/synbols-gpu/internal/modsrc"
	"github.com/synbols-gpu/synbols-gpu/internal/rng"
	"github.com/synbols-gpu/synbols-gpu/internal/testenv"
	"github.com/synbols-gpu/synbols-gpu/scene"
)

// wantVectorEnv, set by TestVectorBuild for the vector build's tests,
// makes TestVectorized (and engine/internal/paint's TestRowsMatchPixels)
// fail unless the vector loops really run.
const wantVectorEnv = "SYNBOLS_WANT_VECTOR"

// TestVectorized: in the vector build on a CPU with AVX2 the loops run,
// and Device says which loops paint.
func TestVectorized(t *testing.T) {
	if os.Getenv(wantVectorEnv) != "" && !vectorized {
		t.Fatal("the vector loops do not run in this build (GOEXPERIMENT=simd on a CPU with AVX2 expected)")
	}
	if d := New(1).Device(); strings.Contains(d, "AVX2 loops") != vectorized || strings.Contains(d, "scalar loops") == vectorized {
		t.Errorf("Device() = %q with vector loops %v", d, vectorized)
	}
	t.Logf("vector loops: %v", vectorized)
}

// TestVectorBuild runs this package's tests, engine/internal/paint's and
// internal/adler's in the build with vector loops (GOEXPERIMENT=simd, which the README's
// build uses): the golden images, the original's reference images, the
// stage and post-processing tests and the row checks must pass there as
// they do here. internal/recipe's TestSameBytesVectorized compares every
// preset's bytes between the two builds.
func TestVectorBuild(t *testing.T) {
	if vectorized {
		t.Skip("this is the vector build")
	}
	if runtime.GOARCH != "amd64" {
		t.Skip("not an amd64 machine: the vector loops are amd64's")
	}
	testenv.RequireAVX2(t, "running the vector build's tests")
	root, err := modsrc.Root()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "test", "-count=1", "./engine/internal/paint", "./engine/cpu", "./internal/adler")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOEXPERIMENT=simd", wantVectorEnv+"=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("GOEXPERIMENT=simd go test: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}

// TestVectorMatchesScalar: postVector gives, value by value, what post's
// scalar loop gives (quantize of (a + sv·v − lo)·scale plus the noise),
// and minMaxBits the scalar extremes, on hard values: NaN, ±Inf, ±0,
// subnormals, negatives, values whose 255·v is past 2³⁰ and 2³¹, exact
// byte boundaries, with and without noise, inverse and stretch; lengths
// that are not multiples of 8. In the scalar build there is nothing to
// compare (the loops do not exist) and it says so.
func TestVectorMatchesScalar(t *testing.T) {
	if !vectorized {
		t.Skip("no vector loops in this build (TestVectorBuild runs this test in the vector build)")
	}
	inf := float32(math.Inf(1))
	hard := []float32{0, float32(math.Copysign(0, -1)), 1, 0.5, 1.0 / 255, 254.5 / 255, 255.0 / 255,
		float32(math.NaN()), inf, -inf, 0x1p-149, -0x1p-149, -1, 2, 0x1p22, 0x1p23, 0x1p24, -0x1p24,
		0x1p31, math.MaxFloat32, -math.MaxFloat32, 0.999999, 1.000001, 4.2e6, 8.5e6}
	r := rng.New(21, 0)
	for trial := range 400 {
		n := 8 + r.Intn(300)
		vals := make([]float32, n)
		for i := range vals {
			if r.Intn(3) == 0 {
				vals[i] = hard[r.Intn(len(hard))]
			} else {
				vals[i] = float32(r.Uniform(-0.5, 1.5))
			}
		}
		a, sv := float32(0), float32(1)
		if trial%2 == 1 {
			a, sv = 1, -1
		}
		lo, scale := float32(0), float32(1)
		if trial%3 != 0 {
			lo, scale = float32(r.Uniform(-1, 1)), float32(r.Uniform(0.1, 100))
		}
		sigmas := []float32{0, 0.05, 3, -2, 1e6, 1e30}
		sigma := sigmas[trial%len(sigmas)]
		k := foldKey(rng.Key(uint32(trial)))
		got := make([]byte, n)
		done := postVector(vals, got, a, sv, lo, scale, sigma, k, make([]uint32, n))
		if done != n&^7 {
			t.Fatalf("postVector did %d of %d values", done, n)
		}
		noise := (*[1 << paint.NoiseBits]float32)(paint.NoiseTable)
		for i := range done {
			v := float32((a + float32(sv*vals[i]) - lo) * scale)
			if sigma != 0 {
				v += float32(sigma * noise[noiseIndex(k, uint32(i))])
			}
			if want := quantize(v); got[i] != want {
				t.Fatalf("trial %d value %d: %v (a %v sv %v lo %v scale %v sigma %v) gives %d, the scalar loop %d",
					trial, i, vals[i], a, sv, lo, scale, sigma, got[i], want)
			}
		}
		bits := unsafe.Slice((*int32)(unsafe.Pointer(&vals[0])), n)
		l, h := minMaxBits(bits)
		wl, wh := slices.Min(bits), slices.Max(bits)
		if l != wl || h != wh {
			t.Fatalf("trial %d: minMaxBits %d %d, want %d %d", trial, l, h, wl, wh)
		}
	}
}

// coverCase is one of coverCases' symbols: bounds [x0, x1)×[y0, y1) and
// the tile g to paint sym from, variant > 0 for a moved one.
type coverCase struct {
	sym                 *engine.Symbol
	g                   *atlas.Glyph
	x0, y0, x1, y1      int
	res, index, variant int
}

// coverCases calls fn with the planned symbols of 5 × 60 default-like
// samples at 8, 13, 32, 64 px and 40×24 over their ink bounds, and with the same
// symbols moved by up to half a tile, with random bias and slope, over
// the whole image (pixels outside the tile and within a texel of its
// border, the SampleEdge path), with a NaN in the affine, and over a
// tile of random bytes; p is a painter of the symbol's batch.
func coverCases(t *testing.T, r *rng.Stream, fn func(p *painter, c coverCase)) {
	_, _, fams := env(t)
	for _, wh := range [][2]int{{8, 8}, {13, 13}, {32, 32}, {64, 64}, {40, 24}} {
		res := wh[0]
		var ss []scene.Sample
		for range 60 {
			s := randomSample(r, fams, res, 0.9)
			s.Width, s.Height = wh[0], wh[1]
			ss = append(ss, s)
		}
		b, _ := paintSamples(t, 1, ss...)
		p := newPainter(b)
		w, h := b.Width, b.Height
		size := float32(p.tile)
		noise := make([]byte, p.tile*p.tile)
		for j := range noise {
			noise[j] = byte(r.Intn(256))
		}
		for i := range b.Symbols {
			for variant := range 4 {
				sym := b.Symbols[i]
				if sym.Sub > 1 {
					continue
				}
				x0, y0, x1, y1 := int(sym.Box[0]), int(sym.Box[1]), int(sym.Box[2]), int(sym.Box[3])
				switch variant {
				case 1, 2, 3:
					sym.Affine[2] += float32(r.Uniform(-0.5, 0.5)) * size
					sym.Affine[5] += float32(r.Uniform(-0.5, 0.5)) * size
					sym.Bias = float32(r.Uniform(-2, 2))
					sym.DistScale = float32(r.Uniform(0.1, 3))
					x0, y0, x1, y1 = 0, 0, w, h
					if variant == 2 {
						sym.Affine[r.Intn(6)] = float32(math.NaN())
					}
				}
				if x0 >= x1 || y0 >= y1 {
					continue
				}
				g := p.glyphs[sym.Glyph]
				if variant == 3 {
					// Random bytes: real tiles are far outside at their
					// border, where an edge sample could not tell a
					// wrong distance from a right one.
					g = &atlas.Glyph{Tile: noise}
				}
				fn(p, coverCase{&sym, g, x0, y0, x1, y1, res, i, variant})
			}
		}
	}
}

// TestCoveredVectorMatchesScalar: oneCoveredVector writes the mask bytes
// and the covered list (count, pixels, coverage bits) that the scalar
// loop writes, for coverCases' symbols.
func TestCoveredVectorMatchesScalar(t *testing.T) {
	if !vectorized {
		t.Skip("no vector loops in this build (TestVectorBuild runs this test in the vector build)")
	}
	r := rng.New(22, 0)
	same := func(a, b float32) bool {
		return math.Float32bits(a) == math.Float32bits(b) || a != a && b != b
	}
	checked, edge := 0, 0
	coverCases(t, &r, func(p *painter, c coverCase) {
		w, h, k := p.b.Width, p.b.Height, p.b.MaskChannels
		mv, ms := make([]byte, w*h*k), make([]byte, w*h*k)
		cv, cs := make([]coveredPixel, w*h), make([]coveredPixel, w*h)
		ch := c.index % k
		nv := p.oneCoveredVector(c.sym, c.g, ch, mv, cv, c.x0, c.y0, c.x1, c.y1)
		ns := p.oneCoveredScalar(c.sym, c.g, ch, ms, cs, c.x0, c.y0, c.x1, c.y1, true)
		if nv != ns || !bytes.Equal(mv, ms) {
			t.Fatalf("%d px, symbol %d, variant %d: %d covered, mask equal %v; the scalar loop %d",
				c.res, c.index, c.variant, nv, bytes.Equal(mv, ms), ns)
		}
		for j := range ns {
			if cv[j].x != cs[j].x || cv[j].y != cs[j].y || !same(cv[j].c, cs[j].c) {
				t.Fatalf("%d px, symbol %d, variant %d: covered[%d] %+v, the scalar loop %+v", c.res, c.index, c.variant, j, cv[j], cs[j])
			}
		}
		checked++
		if c.variant > 0 {
			edge += ns
		}
	})
	if checked < 300 || edge == 0 {
		t.Fatalf("only %d symbols checked, %d pixels of moved ones covered", checked, edge)
	}
	t.Logf("%d symbols, %d covered pixels of moved ones", checked, edge)
}

// TestSymbolRowsMatchCovered: symbolRows (the blend over whole rows of
// eight) leaves the image and the mask that the scalar first pass and the
// per-pixel blend leave, for coverCases' symbols with their gradients
// and with solid colours, over a random image, with 1 and with 3 mask
// channels (the eight-byte mask stores and the byte-wise ones), and
// moved to the image's right edge (the per-pixel rest of a row).
func TestSymbolRowsMatchCovered(t *testing.T) {
	if !vectorized {
		t.Skip("no vector loops in this build (TestVectorBuild runs this test in the vector build)")
	}
	r := rng.New(23, 0)
	same := func(a, b float32) bool { return a == b || a != a && b != b }
	checked, rest := 0, 0
	coverCases(t, &r, func(p *painter, c coverCase) {
		w, h := p.b.Width, p.b.Height
		inv := 1 / float32(min(w, h))
		for trial := range 3 {
			sym := *c.sym
			x0, y0, x1, y1 := c.x0, c.y0, c.x1, c.y1
			k := 1 + 2*(trial%2)
			if trial == 1 {
				sym.Fg = engine.Pattern{Kind: engine.PatternSolid}
				sym.Fg.Stops[0] = [4]float32{float32(r.Float64()), float32(r.Float64()), float32(r.Float64()), float32(r.Uniform(0, 1.2))}
			}
			if trial == 2 && x1 < w {
				// To the right edge: the bounds move with the glyph.
				dx := w - x1
				sym.Affine[2] -= float32(dx) * sym.Affine[0]
				sym.Affine[5] -= float32(dx) * sym.Affine[3]
				x0, x1 = x0+dx, w
			}
			fg := paint.NewFill(&sym.Fg)
			if !fg.Blendable() || !p.smallCoverage(&sym) {
				continue
			}
			b := *p.b
			b.MaskChannels = k
			q := newPainter(&b)
			bg := make([]float32, len(q.buf))
			for j := range bg {
				bg[j] = float32(r.Uniform(-0.1, 1.1))
			}
			mr, ms := make([]byte, w*h*k), make([]byte, w*h*k)
			for j := range mr {
				mr[j] = byte(r.Intn(256))
			}
			copy(ms, mr)
			ch := c.index % k
			copy(q.buf, bg)
			q.symbolRows(&sym, c.g, &fg, ch, mr, x0, y0, x1, y1, inv)
			got := append([]float32(nil), q.buf...)
			copy(q.buf, bg)
			n := q.oneCoveredScalar(&sym, c.g, ch, ms, q.covered, x0, y0, x1, y1, true)
			q.blendCovered(&sym, &fg, q.covered[:n], inv)
			if !bytes.Equal(mr, ms) {
				t.Fatalf("%d px, symbol %d, variant %d, trial %d: the masks differ", c.res, c.index, c.variant, trial)
			}
			for j := range got {
				if !same(got[j], q.buf[j]) {
					t.Fatalf("%d px, symbol %d, variant %d, trial %d: value %d (pixel %d, %d) is %v, the per-pixel blend's %v",
						c.res, c.index, c.variant, trial, j, j/3%w, j/3/w, got[j], q.buf[j])
				}
			}
			checked++
			if x0+((x1-x0+7)&^7) > w {
				rest++
			}
		}
	})
	if checked < 600 || rest == 0 {
		t.Fatalf("only %d symbols checked, %d with a per-pixel rest", checked, rest)
	}
	t.Logf("%d symbols, %d with a per-pixel rest", checked, rest)
}

// TestVectorBuildWithoutAVX runs the vector build's tests on a CPU with
// no AVX at all, qemu-x86_64's Nehalem model: nothing may execute a
// vector instruction at start-up (a package-level vector would), the
// painter must take the scalar loops (TestVectorized reports false) and
// paint the golden and the original's reference images.
func TestVectorBuildWithoutAVX(t *testing.T) {
	if vectorized {
		t.Skip("this is the vector build: the ordinary build's run of this test covers it")
	}
	if runtime.GOARCH != "amd64" {
		t.Skip("not an amd64 machine")
	}
	qemu, err := exec.LookPath("qemu-x86_64")
	if err != nil {
		msg := "qemu-x86_64 not found (apt-get install qemu-user)"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	root, err := modsrc.Root()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "cpu.vector.test")
	build := exec.Command("go", "test", "-c", "-o", bin, "./engine/cpu")
	build.Dir = root
	build.Env = append(os.Environ(), "GOEXPERIMENT=simd")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("GOEXPERIMENT=simd go test -c: %v\n%s", err, out)
	}
	run := exec.Command(qemu, "-cpu", "Nehalem", bin, "-test.run", "^(TestVectorized|TestGolden|TestMatchesReference)$", "-test.v", "-test.count", "1")
	run.Dir = filepath.Join(root, "engine", "cpu")
	out, err := run.CombinedOutput()
	if err != nil {
		t.Fatalf("qemu-x86_64 -cpu Nehalem: %v\n%s", err, out)
	}
	for _, want := range []string{"vector loops: false", "--- PASS: TestVectorized", "--- PASS: TestGolden", "--- PASS: TestMatchesReference"} {
		if !strings.Contains(string(out), want) {
			t.Fatalf("qemu-x86_64 -cpu Nehalem: no %q in\n%s", want, out)
		}
	}
}
