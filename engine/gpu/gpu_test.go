package gpu

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"strings"
	"sync"
	"testing"
	"unsafe"

	"github.com/synbols-gpu/synbols-gpu/atlas"
	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/engine/cpu"
	"github.com/synbols-gpu/synbols-gpu/fonts"
	"github.com/synbols-gpu/synbols-gpu/internal/recipe"
	"github.com/synbols-gpu/synbols-gpu/internal/rng"
	"github.com/synbols-gpu/synbols-gpu/internal/testenv"
	"github.com/synbols-gpu/synbols-gpu/scene"
	"github.com/synbols-gpu/synbols-gpu/spec"
)

var (
	beOnce sync.Once
	be     *Backend
	beErr  error
)

// env is the embedded fonts and a shared atlas.
func env(t testing.TB) (*fonts.Library, *atlas.Atlas) { return testenv.Embedded(t) }

// backend returns the shared GPU backend (any device, llvmpipe included).
// Without EGL it skips, unless CI is set: CI must run the real shaders.
func backend(t testing.TB) *Backend {
	t.Helper()
	beOnce.Do(func() { be, beErr = New(Options{}) })
	if beErr != nil {
		if os.Getenv("CI") == "" && (errors.Is(beErr, ErrNoEGL) || errors.Is(beErr, ErrNoGL43)) {
			t.Skipf("no EGL/GL 4.3 here (CI unset): %v", beErr)
		}
		t.Fatal(beErr)
	}
	return be
}

// plan samples n samples of a preset at res×res into one batch, as the
// generator does (recipe.Batch).
func plan(t testing.TB, preset string, res, n int, seed uint64) *engine.Batch {
	t.Helper()
	lib, at := env(t)
	sp, err := spec.Preset(preset)
	if err != nil {
		t.Fatal(err)
	}
	if err := sp.SetResolution(res, res); err != nil {
		t.Fatal(err)
	}
	b, err := recipe.Batch(sp, lib, at, seed, 0, n)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func newOutput(b *engine.Batch) engine.Output {
	n := len(b.Images)
	return engine.Output{X: make([]byte, n*b.Width*b.Height*b.Channels), Mask: make([]byte, n*b.Width*b.Height*b.MaskChannels)}
}

// paintBoth paints b with the CPU backend and with g, failing the test
// on an error of either.
func paintBoth(t *testing.T, g engine.Backend, b *engine.Batch) (want, got engine.Output) {
	t.Helper()
	want, got = newOutput(b), newOutput(b)
	if err := cpu.New(0).Paint(b, want); err != nil {
		t.Fatal(err)
	}
	if err := g.Paint(b, got); err != nil {
		t.Fatal(err)
	}
	return want, got
}

// compare returns the largest difference in levels and the number of
// differing values.
func compare(a, b []byte) (worst, differ int) {
	for i := range a {
		d := int(a[i]) - int(b[i])
		if d != 0 {
			differ++
			worst = max(worst, d, -d)
		}
	}
	return worst, differ
}

// TestLayout: the records the shader reads as 32-bit words are made of
// 4-byte fields at the offsets withDefines announces (std430 of scalars and
// scalar arrays packs exactly like Go here: no vec3/vec4 members).
func TestLayout(t *testing.T) {
	var im engine.Image
	var sy engine.Symbol
	var pa engine.Pattern
	for _, c := range []struct {
		what      string
		got, want uintptr
	}{
		{"Sizeof(Pattern)", unsafe.Sizeof(pa), 96},
		{"Pattern.Kind", unsafe.Offsetof(pa.Kind), 0},
		{"Pattern.Geom", unsafe.Offsetof(pa.Geom), 16},
		{"Pattern.Stops", unsafe.Offsetof(pa.Stops), 48},
		{"Sizeof(Image)", unsafe.Sizeof(im), 128},
		{"Image.FirstSymbol", unsafe.Offsetof(im.FirstSymbol), 0},
		{"Image.NumSymbols", unsafe.Offsetof(im.NumSymbols), 4},
		{"Image.Flags", unsafe.Offsetof(im.Flags), 8},
		{"Image.NoiseSeed", unsafe.Offsetof(im.NoiseSeed), 12},
		{"Image.NoiseScale", unsafe.Offsetof(im.NoiseScale), 16},
		{"Image.Bg", unsafe.Offsetof(im.Bg), 32},
		{"Sizeof(Symbol)", unsafe.Sizeof(sy), 152},
		{"Symbol.Glyph", unsafe.Offsetof(sy.Glyph), 0},
		{"Symbol.Sub", unsafe.Offsetof(sy.Sub), 4},
		{"Symbol.Affine", unsafe.Offsetof(sy.Affine), 8},
		{"Symbol.DistScale", unsafe.Offsetof(sy.DistScale), 32},
		{"Symbol.Bias", unsafe.Offsetof(sy.Bias), 36},
		{"Symbol.Box", unsafe.Offsetof(sy.Box), 40},
		{"Symbol.Fg", unsafe.Offsetof(sy.Fg), 56},
		{"Alignof(Symbol)", unsafe.Alignof(sy), 4},
		{"Alignof(Image)", unsafe.Alignof(im), 4},
	} {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d (update the test and check the shader's reads)", c.what, c.got, c.want)
		}
	}
	if !strings.Contains(withDefines(paintSource, false, false, nil, false, false), "#define SUBSAMPLING 0\n") {
		t.Errorf("the one-sample program lacks SUBSAMPLING 0")
	}
	src := withDefines(paintSource, true, true, nil, false, false)
	for _, d := range []string{"#define IMAGE_WORDS 32u", "#define IMG_BG 8u", "#define SYMBOL_WORDS 38u", "#define SYM_BOX 10u",
		"#define SYM_SUB 1u", "#define SYM_AFFINE 2u", "#define MAX_SUB 16u", "#define SUBSAMPLING 1", "#define PATTERNS 1", "#define SYM_FG 14u", "#define PATTERN_WORDS 24u", "#define PAT_GEOM 4u", "#define PAT_STOPS 12u"} {
		if !strings.Contains(src, d+"\n") {
			t.Errorf("shader source lacks %q", d)
		}
	}
	if !strings.HasPrefix(src, "#version 430\n") {
		t.Errorf("defines inserted before #version")
	}
}

// TestParity paints ≥ 1,000 samples of each preset at 32×32 and 128×128
// (and tiny at its own 8×8) on the GPU and the CPU backend. Bound: identical
// bytes, images and masks (measured on llvmpipe: 0 values differ). The
// shader mirrors the Go float32 operations one for one, with `precise`,
// correctly rounded division and square root, and Go-computed decode tables,
// so any difference is a bug, not rounding.
func TestParity(t *testing.T) {
	g := backend(t)
	n := 1000
	for _, preset := range []string{"default", "default-bw", "plain", "tiny"} {
		for _, res := range []int{32, 128, 8} {
			if res == 8 && preset != "tiny" {
				continue
			}
			b := plan(t, preset, res, n, 7)
			want, got := paintBoth(t, g, b)
			wx, dx := compare(want.X, got.X)
			wm, dm := compare(want.Mask, got.Mask)
			t.Logf("%s %dx%d, %d samples on %s: X %d of %d values differ (worst %d levels); mask %d of %d (worst %d)",
				preset, res, res, n, g.Device(), dx, len(want.X), wx, dm, len(want.Mask), wm)
			if dx != 0 || dm != 0 {
				t.Errorf("%s %dx%d: GPU differs from CPU: X %d values (worst %d levels), mask %d values (worst %d)", preset, res, res, dx, wx, dm, wm)
			}
		}
	}
}

// planMinified plans n images of k symbols each, drawn from the default
// preset (fonts, letters, bold, slant, translation, fills) with the scale
// replaced by a log-uniform draw in [lo, hi] and the rotation by a uniform
// one in [0, 2π) (rng seed seed), so that most symbols are minified and
// take the sub-sampled path.
// defaultSampler is the default preset's sampler at res×res over the
// embedded fonts, and the shared atlas.
func defaultSampler(t testing.TB, res int) (*fonts.Library, *atlas.Atlas, *spec.Sampler) {
	t.Helper()
	lib, at := env(t)
	sp, err := spec.Preset("default")
	if err != nil {
		t.Fatal(err)
	}
	if err := sp.SetResolution(res, res); err != nil {
		t.Fatal(err)
	}
	sm, err := recipe.Sampler(sp, lib)
	if err != nil {
		t.Fatal(err)
	}
	return lib, at, sm
}

func planMinified(t testing.TB, res, n, k int, lo, hi float64, seed uint64) *engine.Batch {
	t.Helper()
	lib, at, sm := defaultSampler(t, res)
	r := rng.New(seed, 1)
	b := &engine.Batch{Width: res, Height: res, Channels: 3, MaskChannels: k, Atlas: at}
	pl := &engine.Planner{Fonts: lib, Atlas: at}
	for i := range n {
		s := sm.Sample(seed, i*k)
		for j := 1; j < k; j++ {
			s.Symbols = append(s.Symbols, sm.Sample(seed, i*k+j).Symbols[0])
		}
		for j := range s.Symbols {
			s.Symbols[j].Scale = lo * math.Pow(hi/lo, r.Float64())
			s.Symbols[j].Rotation = r.Uniform(0, 2*math.Pi)
		}
		if err := pl.Plan(&s, b); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

// TestParityMinified: minified symbols, sub-sampled (paint.SubCoverage),
// paint the same bytes on the GPU as on the CPU: 4 symbols an image, at
// random rotations and log-uniform scales 0.02–0.15 at 128×128 (glyphs
// 2.6–19 px, those under 8.7 px sub-sampled), 0.05–0.15 at 32×32 (1.6–4.8
// px, 3×3 to 9×9 samples) and 0.002–0.05 at 32×32 (under 1.6 px, mostly at
// the 16×16 cap with its steeper ramp). Bound: identical bytes (measured
// on llvmpipe: 0 values differ), with most symbols sub-sampled.
func TestParityMinified(t *testing.T) {
	g := backend(t)
	for _, c := range []struct {
		res, n int
		lo, hi float64
	}{{128, 150, 0.02, 0.15}, {32, 500, 0.05, 0.15}, {32, 300, 0.002, 0.05}} {
		b := planMinified(t, c.res, c.n, 4, c.lo, c.hi, 17)
		subs := map[uint32]int{}
		for i := range b.Symbols {
			subs[b.Symbols[i].Sub]++
		}
		want, got := paintBoth(t, g, b)
		wx, dx := compare(want.X, got.X)
		wm, dm := compare(want.Mask, got.Mask)
		inked := 0
		for _, v := range want.Mask {
			if v != 0 {
				inked++
			}
		}
		t.Logf("%dx%d, scale %g–%g, %d symbols (grid sides %v), %d inked mask values: X %d of %d values differ (worst %d); mask %d (worst %d)",
			c.res, c.res, c.lo, c.hi, len(b.Symbols), subs, inked, dx, len(want.X), wx, dm, wm)
		if subs[1] > len(b.Symbols)/2 || inked == 0 {
			t.Errorf("%dx%d scale %g–%g: too few symbols sub-sampled (%v) or no ink", c.res, c.res, c.lo, c.hi, subs)
		}
		if dx != 0 || dm != 0 {
			t.Errorf("%dx%d scale %g–%g: GPU differs from CPU: X %d values (worst %d levels), mask %d values (worst %d)", c.res, c.res, c.lo, c.hi, dx, wx, dm, wm)
		}
	}
}

// TestOddSizes: resolutions whose pixel count is not a multiple of 4 use
// padded GPU strides, compacted on read-back.
func TestOddSizes(t *testing.T) {
	g := backend(t)
	for _, res := range []int{17, 9, 33} {
		for _, preset := range []string{"default", "tiny"} {
			b := plan(t, preset, res, 100, 3)
			want, got := paintBoth(t, g, b)
			if !bytes.Equal(want.X, got.X) || !bytes.Equal(want.Mask, got.Mask) {
				t.Errorf("%s %dx%d: GPU differs from CPU", preset, res, res)
			}
		}
	}
}

// TestChunkingDoesNotChangeBytes: the same batch painted whole, in chunks
// forced by a small buffer cap, and as separate sub-batches gives the same
// bytes.
func TestChunkingDoesNotChangeBytes(t *testing.T) {
	g := backend(t)
	b := plan(t, "default", 32, 300, 11)
	ref := newOutput(b)
	if err := g.Paint(b, ref); err != nil {
		t.Fatal(err)
	}
	small, err := New(Options{MaxBufferBytes: 64 << 10}) // 5 images of 32×32 per chunk
	if err != nil {
		t.Fatal(err)
	}
	defer small.Close()
	got := newOutput(b)
	if err := small.Paint(b, got); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ref.X, got.X) || !bytes.Equal(ref.Mask, got.Mask) {
		t.Errorf("chunks of 5 images paint different bytes than one dispatch")
	}
	px := b.Width * b.Height
	for _, size := range []int{1, 7, 64} {
		for start := 0; start < len(b.Images); start += size {
			end := min(start+size, len(b.Images))
			sub := *b
			sub.Images = b.Images[start:end]
			out := engine.Output{X: got.X[start*px*3 : end*px*3], Mask: got.Mask[start*px : end*px]}
			clear(out.X)
			if err := g.Paint(&sub, out); err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Equal(ref.X, got.X) || !bytes.Equal(ref.Mask, got.Mask) {
			t.Errorf("batches of %d paint different bytes than one batch of %d", size, len(b.Images))
		}
	}
}

// TestHugeBatch: more images than one dispatch may have workgroups
// (65,535 on llvmpipe) are split cleanly; allocating far more than the
// device has reports ErrOutOfMemory instead of crashing.
func TestHugeBatch(t *testing.T) {
	g := backend(t)
	base := plan(t, "tiny", 8, 1000, 5)
	b := *base
	b.Images = nil
	for range 70 {
		b.Images = append(b.Images, base.Images...)
	}
	want, got := newOutput(&b), newOutput(&b)
	if err := cpu.New(0).Paint(&b, want); err != nil {
		t.Fatal(err)
	}
	if err := g.Paint(&b, got); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(want.X, got.X) || !bytes.Equal(want.Mask, got.Mask) {
		t.Errorf("%d images: GPU differs from CPU", len(b.Images))
	}
	err := g.ctx.Do(func() error {
		var huge buffer
		err := huge.ensure(1<<42, 0x88E8) // 4 TiB
		if huge.b != 0 {
			huge.b.Delete()
		}
		return err
	})
	if !errors.Is(err, ErrOutOfMemory) || !strings.Contains(err.Error(), "GL_OUT_OF_MEMORY") {
		t.Errorf("4 TiB buffer: got %v, want ErrOutOfMemory naming GL_OUT_OF_MEMORY", err)
	}
	// The context still works afterwards.
	small := plan(t, "default", 32, 10, 9)
	want, got = newOutput(small), newOutput(small)
	if err := cpu.New(1).Paint(small, want); err != nil {
		t.Fatal(err)
	}
	if err := g.Paint(small, got); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(want.X, got.X) {
		t.Errorf("after an out-of-memory error the backend paints different bytes")
	}
}

// TestBrokenShader: a shader that does not compile gives ErrShader with
// the GLSL info log.
func TestBrokenShader(t *testing.T) {
	backend(t) // skip without EGL
	saved := paintSource
	defer func() { paintSource = saved }()
	paintSource = strings.Replace(saved, "uint key = lowbias32(", "uint key = no_such_function(", 1)
	g, err := New(Options{})
	if err == nil {
		g.Close()
		t.Fatal("broken shader compiled")
	}
	if !errors.Is(err, ErrShader) || !strings.Contains(err.Error(), "no_such_function") {
		t.Errorf("got %v, want ErrShader with the info log naming no_such_function", err)
	}
}

// TestNoEGL: a missing libEGL or no platform gives ErrNoEGL naming what
// was tried.
func TestNoEGL(t *testing.T) {
	_, err := New(Options{EGLLibrary: "/nonexistent/libEGL.so.1"})
	if !errors.Is(err, ErrNoEGL) || !strings.Contains(err.Error(), "/nonexistent/libEGL.so.1") {
		t.Errorf("missing library: got %v, want ErrNoEGL naming the library", err)
	}
	backend(t)
	_, err = New(Options{EGLPlatform: "none"})
	if !errors.Is(err, ErrNoEGL) {
		t.Errorf("no platform: got %v, want ErrNoEGL", err)
	}
}

// TestNoGL43: a driver whose contexts are older than required gives
// ErrNoGL43 naming the version it got (asked here as 9.9 of a working
// llvmpipe, which reports 4.5).
func TestNoGL43(t *testing.T) {
	backend(t)
	_, err := New(Options{MinGLVersion: [2]int{9, 9}})
	if !errors.Is(err, ErrNoGL43) || !strings.Contains(err.Error(), "need 9.9") {
		t.Errorf("got %v, want ErrNoGL43 naming the versions", err)
	}
}

// TestNewAtlas: a second atlas (other parameters) replaces the uploaded
// tiles and tables.
func TestNewAtlas(t *testing.T) {
	g := backend(t)
	lib, _ := env(t)
	at, err := atlas.New(atlas.Params{TileSize: 31, Pad: 6, Spread: 6}, "")
	if err != nil {
		t.Fatal(err)
	}
	b := plan(t, "default", 32, 100, 13)
	b2 := *b
	b2.Atlas = at
	b2.Symbols = append([]engine.Symbol(nil), b.Symbols...)
	// Glyph ids of the old atlas may not exist in the new one: point every
	// symbol at one glyph of the new atlas ('a' of the first family),
	// enough to exercise the re-upload and the odd tile stride (31² bytes).
	fam := lib.Usable([]rune("a"), false)[0]
	id, err := at.Glyph(fam.Regular, 'a')
	if err != nil {
		t.Fatal(err)
	}
	for i := range b2.Symbols {
		b2.Symbols[i].Glyph = id
	}
	for _, bb := range []*engine.Batch{b, &b2, b} {
		want, got := newOutput(bb), newOutput(bb)
		if err := cpu.New(0).Paint(bb, want); err != nil {
			t.Fatal(err)
		}
		if err := g.Paint(bb, got); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(want.X, got.X) || !bytes.Equal(want.Mask, got.Mask) {
			t.Errorf("tile size %d: GPU differs from CPU", bb.Atlas.Params().TileSize)
		}
	}
}

// BenchmarkPaintDefault32 paints 4,096 planned default 32×32 samples per
// iteration and reports images/s (painted and read back to host memory).
func BenchmarkPaintDefault32(b *testing.B) {
	benchPaint(b, plan(b, "default", 32, 4096, 1))
}

// benchPaint paints batch once to warm up, then per iteration, and reports
// images/s (painted and read back to host memory).
func benchPaint(b *testing.B, batch *engine.Batch) {
	backend(b) // skip without EGL
	// Side by side in one run: the program specialised to the batch's
	// shape (the default) and the generic one, shape in uniforms.
	for _, c := range []struct {
		name string
		opts Options
	}{{"specialised", Options{}}, {"generic", Options{Generic: true}},
		// The two exact rounding tests (RoundingAuto picks one).
		{"integer-rounding", Options{Rounding: RoundingInteger}}, {"double-rounding", Options{Rounding: RoundingDouble}}} {
		b.Run(c.name, func(b *testing.B) {
			g, err := New(c.opts)
			if err != nil {
				b.Fatal(err)
			}
			defer g.Close()
			out := newOutput(batch)
			if err := g.Paint(batch, out); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				if err := g.Paint(batch, out); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*len(batch.Images))/b.Elapsed().Seconds(), "images/s")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// TestGenericMatchesSpecialised: the generic program (shape in uniforms)
// and the programs specialised to each shape paint the same bytes: odd
// and padded sizes, grey and RGB, one and many mask channels, patterns
// and sub-sampled symbols; and one backend keeps one program per shape.
func TestGenericMatchesSpecialised(t *testing.T) {
	batches := []*engine.Batch{
		plan(t, "default", 32, 40, 1),
		plan(t, "default", 33, 20, 2),
		plan(t, "tiny", 8, 60, 3),
		plan(t, "camouflage", 24, 12, 4),
		planCrowded(t, 40, 5),
	}
	sb := backend(t)
	for i, b := range batches {
		got := newOutput(b)
		if err := sb.Paint(b, got); err != nil {
			t.Fatal(err)
		}
		want, _ := paintWith(t, Options{Generic: true}, b)
		if !bytes.Equal(got.X, want.X) || !bytes.Equal(got.Mask, want.Mask) {
			t.Errorf("batch %d (%dx%d, %d channels, %d masks): specialised and generic programs differ", i, b.Width, b.Height, b.Channels, b.MaskChannels)
		}
	}
	n := 0
	err := sb.ctx.Do(func() error {
		for k := range sb.progs {
			if k.w != 0 {
				n++
			}
		}
		return nil
	})
	if err != nil || n < len(batches) {
		t.Errorf("%d specialised programs after %d shapes (%v)", n, len(batches), err)
	}
}

// paintWith paints b on a fresh backend with opts and returns the bytes.
func paintWith(t *testing.T, opts Options, b *engine.Batch) (engine.Output, *Backend) {
	t.Helper()
	backend(t) // skip without EGL
	g, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Close() })
	out := newOutput(b)
	if err := g.Paint(b, out); err != nil {
		t.Fatal(err)
	}
	return out, g
}

// TestPipelinedMatchesSimple: both pipelined read-backs (device copy into
// mapped memory, shader writing mapped memory) give the simple path's
// bytes, for padded and unpadded strides, grey and RGB, several masks.
func TestPipelinedMatchesSimple(t *testing.T) {
	g := backend(t)
	if !g.ctx.BufferStorage() {
		t.Skipf("%s lacks glBufferStorage: only the simple path runs", g.Device())
	}
	for _, c := range []struct {
		preset string
		res, n int
	}{{"default", 32, 400}, {"default-bw", 32, 200}, {"tiny", 9, 300}, {"default", 128, 60}, {"plain", 33, 50}} {
		b := plan(t, c.preset, c.res, c.n, 21)
		ref, _ := paintWith(t, Options{ReadBack: ReadBackSimple}, b)
		for _, mode := range []ReadBack{ReadBackCopy, ReadBackMapped} {
			got, pg := paintWith(t, Options{ReadBack: mode, SubBatch: 23}, b)
			if pg.ReadBack() != mode {
				t.Fatalf("asked for %v, got %v", mode, pg.ReadBack())
			}
			if !bytes.Equal(ref.X, got.X) || !bytes.Equal(ref.Mask, got.Mask) {
				t.Errorf("%s %dx%d: %v read-back differs from simple", c.preset, c.res, c.res, mode)
			}
		}
	}
}

// TestBatchLargerThanRing: a batch of many more sub-batches than ring
// slots wraps the ring repeatedly, reusing each slot's buffers only after
// its copy-out, and still paints the CPU backend's bytes; a second, larger
// batch grows the persistent buffers (new immutable stores).
func TestBatchLargerThanRing(t *testing.T) {
	backend(t)
	for _, slots := range []int{2, 3} {
		g, err := New(Options{RingSlots: slots, SubBatch: 16, CopyGoroutines: 3})
		if err != nil {
			t.Fatal(err)
		}
		defer g.Close()
		if g.ReadBack() == ReadBackSimple {
			t.Skip("no glBufferStorage here")
		}
		if len(g.slots) != slots {
			t.Fatalf("%d slots, want %d", len(g.slots), slots)
		}
		small := plan(t, "default", 32, 20, 4)
		for _, b := range []*engine.Batch{small, plan(t, "default", 32, 500, 4)} {
			want, got := paintBoth(t, g, b)
			if !bytes.Equal(want.X, got.X) || !bytes.Equal(want.Mask, got.Mask) {
				t.Errorf("%d slots, %d images in sub-batches of 16: GPU differs from CPU", slots, len(b.Images))
			}
		}
		// The sub-batch option is a cap: a larger one grows the mapped
		// buffers of a used ring.
		g.sub = 200
		b := plan(t, "default", 32, 450, 8)
		want, got := newOutput(b), newOutput(b)
		cpu.New(0).Paint(b, want)
		if err := g.Paint(b, got); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(want.X, got.X) || !bytes.Equal(want.Mask, got.Mask) {
			t.Errorf("%d slots after growing to sub-batches of 200: GPU differs from CPU", slots)
		}
	}
}

// TestReadBackFallback: without glBufferStorage (simulated through
// Options.NoBufferStorage) every mode falls back to the simple path, with
// the same bytes; with it, auto picks the device copy into mapped memory,
// on llvmpipe too, so that CI runs the path hardware runs.
func TestReadBackFallback(t *testing.T) {
	g := backend(t)
	t.Logf("%s (%s): glBufferStorage %v, auto read-back %v", g.Device(), g.ctx.Version(), g.ctx.BufferStorage(), g.ReadBack())
	want := ReadBackCopy
	if !g.ctx.BufferStorage() {
		want = ReadBackSimple
	}
	if g.ReadBack() != want {
		t.Errorf("auto read-back on %s is %v, want %v", g.Device(), g.ReadBack(), want)
	}
	b := plan(t, "default", 32, 100, 2)
	ref := newOutput(b)
	if err := g.Paint(b, ref); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []ReadBack{ReadBackAuto, ReadBackCopy, ReadBackMapped} {
		got, fg := paintWith(t, Options{ReadBack: mode, NoBufferStorage: true}, b)
		if fg.ReadBack() != ReadBackSimple || len(fg.slots) != 1 {
			t.Errorf("%v without buffer storage: read-back %v with %d slots, want simple with 1", mode, fg.ReadBack(), len(fg.slots))
		}
		if !bytes.Equal(ref.X, got.X) || !bytes.Equal(ref.Mask, got.Mask) {
			t.Errorf("%v fallback: different bytes", mode)
		}
	}
}

// TestCopyOut: the split copy covers every byte, across segment
// boundaries, whatever the number of goroutines.
func TestCopyOut(t *testing.T) {
	src := make([]byte, 3<<20+17)
	for i := range src {
		src[i] = byte(i*7 + i>>11)
	}
	for _, k := range []int{1, 2, 5, 16} {
		dst := make([]byte, len(src))
		segs := []segment{{dst[:100], src[:100]}, {dst[100 : 2<<20], src[100 : 2<<20]}, {dst[2<<20:], src[2<<20:]}}
		var wg sync.WaitGroup
		copyOut(segs, k, []*sync.WaitGroup{&wg}, nil)
		wg.Wait()
		if !bytes.Equal(dst, src) {
			t.Errorf("k=%d: copy differs", k)
		}
	}
}

// planCrowded is n 128×128 images of 50 small symbols each (6–19 px,
// planMinified's default-preset draws at scales 0.05–0.15), overlapping
// one another: the case where visiting each symbol's Box instead of the
// whole image matters.
func planCrowded(t testing.TB, n int, seed uint64) *engine.Batch {
	return planMinified(t, 128, n, 50, 0.05, 0.15, seed)
}

// TestParityCrowded: crowded scenes (planCrowded, 40 images of 50
// symbols) paint the CPU backend's bytes on the GPU. Bound: identical
// bytes, images and masks; the scenes must overlap (some pixel inked by two
// symbols or more), so that OVER order across boxes is exercised.
func TestParityCrowded(t *testing.T) {
	g := backend(t)
	b := planCrowded(t, 40, 23)
	want, got := paintBoth(t, g, b)
	wx, dx := compare(want.X, got.X)
	wm, dm := compare(want.Mask, got.Mask)
	k := b.MaskChannels
	overlapped := 0
	for p := 0; p < len(want.Mask)/k; p++ {
		inked := 0
		for _, v := range want.Mask[p*k : (p+1)*k] {
			if v != 0 {
				inked++
			}
		}
		if inked >= 2 {
			overlapped++
		}
	}
	t.Logf("%d images of %d symbols, %d pixels inked by ≥ 2 symbols: X %d of %d values differ (worst %d); mask %d (worst %d)",
		len(b.Images), k, overlapped, dx, len(want.X), wx, dm, wm)
	if overlapped == 0 {
		t.Errorf("no pixel covered by two symbols: the scenes do not overlap")
	}
	if dx != 0 || dm != 0 {
		t.Errorf("crowded 128×128: GPU differs from CPU: X %d values (worst %d levels), mask %d values (worst %d)", dx, wx, dm, wm)
	}
}

// BenchmarkPaintCrowded128 paints 64 crowded 128×128 images (planCrowded)
// per iteration and reports images/s.
func BenchmarkPaintCrowded128(b *testing.B) {
	benchPaint(b, planCrowded(b, 64, 1))
}

// testPool is a synthetic image pool: images of several sizes (one
// smaller than its minimum crop, one far larger than the output, for the
// tap grid) filled with rng noise.
func testPool(seed uint64) *engine.ImagePool {
	r := rng.New(seed, 3)
	pool := &engine.ImagePool{Digest: "test"}
	for i, sz := range [][2]int{{40, 30}, {3, 2}, {300, 170}, {64, 64}} {
		pool.Paths = append(pool.Paths, fmt.Sprintf("img%d.png", i))
		pool.Images = append(pool.Images, engine.PoolImage{Offset: uint32(len(pool.Pixels)), Width: uint32(sz[0]), Height: uint32(sz[1])})
		for range sz[0] * sz[1] {
			pool.Pixels = append(pool.Pixels, r.Uint32()&0xffffff)
		}
	}
	return pool
}

// planPatterns plans n default-preset samples at res×res whose background
// and foregrounds cycle through MultiGradient, Camouflage, ImagePattern
// and Gradient (a few rotated or translated image patterns, camouflages
// of 0, 1, the default 500 and 700 strokes, the last more than a shared
// chunk), k symbols an image.
func planPatterns(t testing.TB, res, n, k int, seed uint64) *engine.Batch {
	t.Helper()
	lib, at, sm := defaultSampler(t, res)
	r := rng.New(seed, 2)
	pool := testPool(seed)
	pattern := func(i int) scene.Pattern {
		p := scene.Pattern{Seed: r.Uint32()}
		switch i % 4 {
		case 0:
			p.Style, p.N, p.Alpha = scene.MultiGradient, 1+r.Intn(3), 0.5
		case 1:
			p.Style, p.Camo = scene.Camouflage, scene.DefaultCamo
			p.Camo.Strokes = []int{500, 0, 1, 700}[r.Intn(4)]
			p.Camo.Angle = r.Uniform(0, 2*math.Pi)
		case 2:
			p.Style = scene.ImagePattern
			p.Image = scene.ImageParams{Crop: r.Bernoulli(0.7), MinCrop: 0.2}
			if r.Bernoulli(0.3) {
				p.Image.Rotation, p.Image.Translation = math.Pi/4, 0.2
			}
		default:
			p.Style = scene.Gradient
		}
		return p
	}
	b := &engine.Batch{Width: res, Height: res, Channels: 3, MaskChannels: k, Atlas: at}
	pl := &engine.Planner{Fonts: lib, Atlas: at, Images: pool}
	for i := range n {
		s := sm.Sample(seed, i*k)
		for j := 1; j < k; j++ {
			s.Symbols = append(s.Symbols, sm.Sample(seed, i*k+j).Symbols[0])
		}
		s.Background = pattern(i)
		for j := range s.Symbols {
			s.Symbols[j].Foreground = pattern(i/4 + j)
		}
		if err := pl.Plan(&s, b); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

// TestParityPatterns: layered, camouflage and image patterns, as
// backgrounds and as foregrounds, paint the CPU backend's bytes on the GPU
// (planPatterns: 64 images at 32×32 with 2 symbols, 16 at 64×64 with 3,
// 8 at 33×33 for the padded stride). Bound: identical bytes.
func TestParityPatterns(t *testing.T) {
	g := backend(t)
	for _, c := range []struct{ res, n, k int }{{32, 64, 2}, {64, 16, 3}, {33, 8, 2}} {
		b := planPatterns(t, c.res, c.n, c.k, uint64(c.res))
		kinds := map[uint32]int{}
		for i := range b.Images {
			kinds[b.Images[i].Bg.Kind]++
		}
		for i := range b.Symbols {
			kinds[b.Symbols[i].Fg.Kind]++
		}
		want, got := paintBoth(t, g, b)
		wx, dx := compare(want.X, got.X)
		wm, dm := compare(want.Mask, got.Mask)
		t.Logf("%dx%d, %d images, pattern kinds %v, %d layers: X %d of %d values differ (worst %d); mask %d (worst %d)",
			c.res, c.res, c.n, kinds, len(b.Layers), dx, len(want.X), wx, dm, wm)
		for _, k := range []uint32{engine.PatternLayers, engine.PatternCamouflage, engine.PatternImage} {
			if kinds[k] == 0 {
				t.Errorf("%dx%d: no pattern of kind %d planned", c.res, c.res, k)
			}
		}
		if dx != 0 || dm != 0 {
			t.Errorf("%dx%d patterns: GPU differs from CPU: X %d values (worst %d levels), mask %d values (worst %d)", c.res, c.res, dx, wx, dm, wm)
		}
	}
}

// TestStateInRegisters: images of up to 64×64 painted by the specialised
// programs keep their pixels' state in registers, so their slots' scratch
// buffers stay at the minimum size (a camouflage texture aside), while the
// generic programs and 128×128 images keep it in the scratch buffer: 3
// floats a pixel for every image of a sub-batch. TestParity and
// TestGenericMatchesSpecialised hold both to the CPU's bytes.
func TestStateInRegisters(t *testing.T) {
	scratch := func(g *Backend) int64 {
		n := int64(0)
		for _, s := range g.slots {
			n = max(n, s.scratch.cap)
		}
		return n
	}
	for _, c := range []struct {
		preset  string
		res     int
		generic bool
		regs    bool
	}{
		{"default", 32, false, true},
		{"default", 64, false, true},
		{"default", 65, false, false},
		{"default", 128, false, false},
		{"default", 32, true, false},
	} {
		b := plan(t, c.preset, c.res, 64, 9)
		_, g := paintWith(t, Options{Generic: c.generic, SubBatch: 64}, b)
		p4 := int64((c.res*c.res + 3) &^ 3)
		got := scratch(g)
		if c.regs && got > 4096 {
			t.Errorf("%dx%d (generic %v): %d scratch bytes a slot, want none beyond the minimum", c.res, c.res, c.generic, got)
		}
		if !c.regs && got < 64*p4*3*4 {
			t.Errorf("%dx%d (generic %v): %d scratch bytes a slot, want 3 floats a pixel (%d)", c.res, c.res, c.generic, got, 64*p4*3*4)
		}
	}
}
