package cpu

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/alphabet"
	"github.com/synbols-gpu/synbols-gpu/atlas"
	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/fonts"
	"github.com/synbols-gpu/synbols-gpu/internal/rng"
	"github.com/synbols-gpu/synbols-gpu/scene"
)

var update = flag.Bool("update", false, "rewrite the golden images under testdata/")

var (
	envOnce sync.Once
	envLib  *fonts.Library
	envAt   *atlas.Atlas
	envFams []*fonts.Family
	envErr  error
)

// env loads the embedded fonts only, so results do not depend on the
// machine's fonts, and an atlas without disk cache.
func env(t testing.TB) (*fonts.Library, *atlas.Atlas, []*fonts.Family) {
	t.Helper()
	envOnce.Do(func() {
		envLib, envErr = fonts.Load(fonts.Options{Embedded: true})
		if envErr != nil {
			return
		}
		envAt, envErr = atlas.New(atlas.DefaultParams(), "")
		az, _ := alphabet.Alphabet("english", "lower")
		envFams = envLib.Usable(az, false)
	})
	if envErr != nil {
		t.Fatal(envErr)
	}
	if len(envFams) < 3 {
		t.Fatalf("only %d embedded families usable", len(envFams))
	}
	return envLib, envAt, envFams
}

// paintSamples plans and paints samples with a backend of the given workers.
func paintSamples(t testing.TB, workers int, samples ...scene.Sample) (*engine.Batch, engine.Output) {
	t.Helper()
	lib, at, _ := env(t)
	pl := &engine.Planner{Fonts: lib, Atlas: at}
	s0 := samples[0]
	b := &engine.Batch{Width: s0.Width, Height: s0.Height, Channels: 3, MaskChannels: 1, Atlas: at}
	if s0.Gray {
		b.Channels = 1
	}
	for i := range samples {
		b.MaskChannels = max(b.MaskChannels, len(samples[i].Symbols))
		if err := pl.Plan(&samples[i], b); err != nil {
			t.Fatal(err)
		}
	}
	n := len(samples)
	out := engine.Output{X: make([]byte, n*b.Width*b.Height*b.Channels), Mask: make([]byte, n*b.Width*b.Height*b.MaskChannels)}
	if err := New(workers).Paint(b, out); err != nil {
		t.Fatal(err)
	}
	return b, out
}

// rebox recomputes every symbol's Box, as the Planner does, after a test
// has changed the records it depends on.
func rebox(b *engine.Batch) {
	glyphs, size := b.Atlas.Glyphs(), b.Atlas.Params().TileSize
	for i := range b.Symbols {
		sym := &b.Symbols[i]
		sym.Box = [4]uint32{}
		if x0, y0, x1, y1, ok := engine.InkBounds(sym, glyphs[sym.Glyph], size, b.Width, b.Height); ok {
			sym.Box = [4]uint32{uint32(x0), uint32(y0), uint32(x1), uint32(y1)}
		}
	}
}

// randomSample draws a default-like sample from r with the given
// translation range, over the embedded families.
func randomSample(r *rng.Stream, fams []*fonts.Family, res int, tr float64) scene.Sample {
	f := fams[r.Intn(len(fams))]
	sym := scene.Symbol{
		Alphabet: "english", Char: string(rune('a' + r.Intn(26))), Font: f.Name,
		Bold: r.Bernoulli(0.5), Slant: r.Bernoulli(0.5),
		Rotation: 0.3 * r.Normal(), Scale: 0.6 * math.Exp(0.2*r.Normal()),
		Translation: [2]float64{r.Uniform(-tr, tr), r.Uniform(-tr, tr)},
		Foreground:  scene.Pattern{Style: scene.Gradient, Seed: r.Uint32()},
	}
	return scene.Sample{Seed: r.Uint32(), Width: res, Height: res, MaxContrast: true, Inverse: r.Bernoulli(0.5),
		NoiseScale: 0.01, Background: scene.Pattern{Style: scene.Gradient, Seed: r.Uint32()}, Symbols: []scene.Symbol{sym}}
}

// TestWorkersDoNotChangeBytes: 300 samples painted with 1, 3 and 8
// goroutines give identical images and masks.
func TestWorkersDoNotChangeBytes(t *testing.T) {
	_, _, fams := env(t)
	r := rng.New(5, 0)
	var ss []scene.Sample
	for range 300 {
		ss = append(ss, randomSample(&r, fams, 32, 0.9))
	}
	_, ref := paintSamples(t, 1, ss...)
	for _, w := range []int{3, 8} {
		_, got := paintSamples(t, w, ss...)
		if !bytes.Equal(ref.X, got.X) || !bytes.Equal(ref.Mask, got.Mask) {
			t.Fatalf("%d workers paint different bytes than 1 worker", w)
		}
	}
}

// TestInkStaysInside: with translation in [−1, 1] a symbol whose
// transformed box (docs/geometry.md) fits in the image stays inside. Each of 400
// samples (those whose box is larger than the image are skipped) (translation corners ±1 and uniform draws) is
// painted again on a canvas twice as large with the image in its middle; the
// ink the small image misses must be at most 0.5% of the total coverage,
// and no missed pixel may exceed 25% coverage (the SDF ramp may reach half a
// pixel beyond the ink box edge).
func TestInkStaysInside(t *testing.T) {
	_, _, fams := env(t)
	r := rng.New(6, 0)
	skipped := 0
	defer func() {
		if skipped > 100 {
			t.Errorf("%d of 400 samples skipped", skipped)
		}
	}()
	for i := range 400 {
		s := randomSample(&r, fams, 32, 1)
		if i < 16 {
			s.Symbols[0].Translation = [2]float64{float64(i%2*2 - 1), float64(i/2%2*2 - 1)}
		}
		lib, at, _ := env(t)
		face, bold, err := (&engine.Planner{Fonts: lib, Atlas: at}).Face(&s.Symbols[0])
		if err != nil {
			t.Fatal(err)
		}
		id, err := at.Glyph(face, []rune(s.Symbols[0].Char)[0])
		if err != nil {
			t.Fatal(err)
		}
		g := at.Glyphs()[id]
		pl := engine.Place([4]float64{float64(g.Ink[0]) - bold, float64(g.Ink[1]) - bold, float64(g.Ink[2]) + bold, float64(g.Ink[3]) + bold}, &s.Symbols[0])
		if pl.Box[2]-pl.Box[0] > 1 || pl.Box[3]-pl.Box[1] > 1 {
			skipped++
			continue
		}
		b, out := paintSamples(t, 1, s)
		big := *b
		big.Width, big.Height = 2*b.Width, 2*b.Height
		big.Symbols = append([]engine.Symbol(nil), b.Symbols...)
		a := &big.Symbols[0].Affine
		// Canvas pixel P maps to image pixel P − (W/2, H/2).
		dx, dy := float32(b.Width/2), float32(b.Height/2)
		a[2] -= a[0]*dx + a[1]*dy
		a[5] -= a[3]*dx + a[4]*dy
		rebox(&big)
		bigOut := engine.Output{X: make([]byte, 4*len(out.X)), Mask: make([]byte, 4*len(out.Mask))}
		if err := New(1).Paint(&big, bigOut); err != nil {
			t.Fatal(err)
		}
		var in, outside, worst int
		for y := range big.Height {
			for x := range big.Width {
				v := int(bigOut.Mask[y*big.Width+x])
				if x >= b.Width/2 && x < b.Width/2+b.Width && y >= b.Height/2 && y < b.Height/2+b.Height {
					in += v
				} else {
					outside += v
					worst = max(worst, v)
				}
			}
		}
		if in == 0 {
			t.Fatalf("sample %d: no ink at all (%+v)", i, s.Symbols[0])
		}
		if float64(outside) > 0.005*float64(in+outside) || worst > 64 {
			t.Errorf("sample %d (%s in %s, translation %.3v): %d of %d coverage outside, worst pixel %d",
				i, s.Symbols[0].Char, s.Symbols[0].Font, s.Symbols[0].Translation, outside, in+outside, worst)
		}
	}
}

// inkExtent returns the width and height of the box of mask pixels above
// threshold.
func inkExtent(mask []byte, w, h, k, ch int, threshold byte) (int, int) {
	x0, y0, x1, y1 := w, h, -1, -1
	for y := range h {
		for x := range w {
			if mask[(y*w+x)*k+ch] > threshold {
				x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x), max(y1, y)
			}
		}
	}
	if x1 < 0 {
		return 0, 0
	}
	return x1 - x0 + 1, y1 - y0 + 1
}

// TestPlainSpansImage: scale 1, centred, upright: the larger side of the
// ink box spans the image within one pixel, for every embedded family and
// letter, at 32×32 and 64×64, regular and bold.
func TestPlainSpansImage(t *testing.T) {
	_, _, fams := env(t)
	for _, res := range []int{32, 64} {
		for _, f := range fams {
			for c := 'a'; c <= 'z'; c++ {
				for _, bold := range []bool{false, true} {
					s := scene.Sample{Width: res, Height: res, Background: scene.Pattern{Style: scene.NoPattern},
						Symbols: []scene.Symbol{{Char: string(c), Font: f.Name, Bold: bold, Scale: 1,
							Foreground: scene.Pattern{Style: scene.SolidColor, Color: [3]float64{1, 1, 1}}}}}
					_, out := paintSamples(t, 1, s)
					w, h := inkExtent(out.Mask, res, res, 1, 0, 0)
					if m := max(w, h); m < res-1 || m > res {
						t.Errorf("%dpx %s %q bold=%v: ink spans %d×%d, want the larger side %d±1", res, f.Name, c, bold, w, h, res)
					}
				}
			}
		}
	}
}

// TestRotation90RotatesMask: a centred symbol rotated by 90° gives the
// upright mask rotated by 90° (pixel centres map onto pixel centres, so the
// tile is sampled at the same glyph points): at most 2 levels apart.
func TestRotation90RotatesMask(t *testing.T) {
	_, _, fams := env(t)
	const n = 32
	for i, f := range fams {
		c := string(rune('a' + (i*7)%26))
		mk := func(rot float64) []byte {
			s := scene.Sample{Width: n, Height: n, Background: scene.Pattern{Style: scene.NoPattern},
				Symbols: []scene.Symbol{{Char: c, Font: f.Name, Scale: 0.8, Rotation: rot,
					Foreground: scene.Pattern{Style: scene.SolidColor, Color: [3]float64{1, 1, 1}}}}}
			_, out := paintSamples(t, 1, s)
			return out.Mask
		}
		up, rot := mk(0), mk(math.Pi/2)
		worst, total := 0, 0
		for y := range n {
			for x := range n {
				// Cairo's rotate (y down) takes (x, y) about the centre to (−y, x).
				rx, ry := n-1-y, x
				d := int(up[y*n+x]) - int(rot[ry*n+rx])
				worst = max(worst, d, -d)
				total += int(up[y*n+x])
			}
		}
		if total == 0 || worst > 2 {
			t.Errorf("%s %q: rotated mask differs by up to %d levels (ink %d)", f.Name, c, worst, total)
		}
	}
}

// TestSDFMatchesExactRaster compares the SDF painter's coverage with the
// exact nonzero area coverage (internal/exact, curves flattened to 0.001
// px) of the same outline at the same placement, over 150 random (family,
// char, face, placement) default-like cases at each of 32×32 and 128×128.
// Per case: the mean |SDF − exact| coverage over the pixels either one
// covers, and the IoU of the half-covered pixel sets. Bounds (measured with
// the embedded fonts: 32×32 mean 0.0125, worst 0.0356, IoU mean 0.987,
// worst 0.886, ink bias −0.0001; 128×128 mean 0.0068, worst 0.0133, IoU
// mean 0.994, worst 0.981, ink bias −0.0007):
//
//	32×32:   mean difference ≤ 0.02 on average, ≤ 0.05 worst; IoU ≥ 0.975 on average, ≥ 0.85 worst
//	128×128: mean difference ≤ 0.01 on average, ≤ 0.02 worst; IoU ≥ 0.99 on average, ≥ 0.97 worst
//	both:    |ink bias| (signed difference / exact ink) ≤ 0.005
//
// (Measured against golang.org/x/image/vector, the reference before,
// which flattens curves coarsely and sums signed area, the same painter
// seemed twice as far off: 32×32 mean 0.024, worst 0.052; 128×128 0.009,
// worst 0.019.) Small glyphs at 32×32 have strokes about a pixel wide,
// where a distance field's single-edge ramp and true area coverage part
// most. Synthetic bold has no exact counterpart and is left out. These
// sizes keep one sample per pixel (engine.SubFrom); TestMinifiedCoverage
// covers smaller glyphs.
func TestSDFMatchesExactRaster(t *testing.T) {
	lib, _, fams := env(t)
	_ = lib
	bounds := map[int]struct{ avgDiff, worstDiff, avgIoU, worstIoU float64 }{
		32:  {0.02, 0.05, 0.975, 0.85},
		128: {0.01, 0.02, 0.99, 0.97},
	}
	r := rng.New(7, 0)
	for _, res := range []int{32, 128} {
		bd := bounds[res]
		var worstDiff, worstIoU, sumDiff, sumIoU, signed, inkSum float64 = 0, 1, 0, 0, 0, 0
		cases := 0
		for range 150 {
			s := randomSample(&r, fams, res, 0.9)
			sym := &s.Symbols[0]
			fam, _ := lib.Family(sym.Font)
			if sym.Bold && fam.Bold == nil {
				sym.Bold = false
			}
			face := fam.Regular
			if sym.Bold {
				face = fam.Bold
			}
			s.Background = scene.Pattern{Style: scene.NoPattern}
			_, out := paintSamples(t, 1, s)
			_, at, _ := env(t)
			id, err := at.Glyph(face, []rune(sym.Char)[0])
			if err != nil {
				t.Fatal(err)
			}
			g := at.Glyphs()[id]
			pl := engine.Place([4]float64{float64(g.Ink[0]), float64(g.Ink[1]), float64(g.Ink[2]), float64(g.Ink[3])}, sym)
			exact := exactCoverage(t, face, []rune(sym.Char)[0], pl, res, res)
			var diff float64
			var n, inter, union int
			for i, e := range exact {
				sdf := float64(out.Mask[i]) / 255
				if sdf > 0 || e > 0 {
					n++
					diff += math.Abs(sdf - e)
					signed += sdf - e
					inkSum += e
				}
				a, b := sdf >= 0.5, e >= 0.5
				if a && b {
					inter++
				}
				if a || b {
					union++
				}
			}
			mean := diff / float64(max(n, 1))
			iou := float64(inter) / float64(max(union, 1))
			if union == 0 {
				iou = 1
			}
			sumDiff += mean
			sumIoU += iou
			cases++
			worstDiff = max(worstDiff, mean)
			worstIoU = min(worstIoU, iou)
			if mean > bd.worstDiff || iou < bd.worstIoU {
				t.Errorf("%d×%d %s %q bold=%v scale %.3f rot %.3f: mean coverage difference %.4f, IoU %.4f",
					res, res, sym.Font, sym.Char, sym.Bold, sym.Scale, sym.Rotation, mean, iou)
			}
		}
		t.Logf("%d×%d: %d cases, mean coverage difference %.4f (worst %.4f), IoU mean %.4f (worst %.4f), ink bias %+.4f",
			res, res, cases, sumDiff/float64(cases), worstDiff, sumIoU/float64(cases), worstIoU, signed/inkSum)
		if sumDiff/float64(cases) > bd.avgDiff || sumIoU/float64(cases) < bd.avgIoU || math.Abs(signed/inkSum) > 0.005 {
			t.Errorf("%d×%d: averages beyond bounds %+v", res, res, bd)
		}
	}
}

// goldenCases are fixed samples whose pictures are kept under testdata/.
func goldenCases(fams []*fonts.Family) map[string]scene.Sample {
	r := rng.New(11, 0)
	cs := map[string]scene.Sample{}
	for i := range 3 {
		cs[fmt.Sprintf("default32-%d", i)] = randomSample(&r, fams, 32, 0.9)
	}
	cs["default128"] = randomSample(&r, fams, 128, 0.9)
	bw := randomSample(&r, fams, 64, 0.9)
	bw.Background = scene.Pattern{Style: scene.SolidColor}
	bw.Symbols[0].Foreground = scene.Pattern{Style: scene.SolidColor, Color: [3]float64{1, 1, 1}}
	cs["bw64"] = bw
	tiny := randomSample(&r, fams, 8, 0.9)
	tiny.Gray, tiny.Symbols[0].Scale, tiny.Symbols[0].Bold, tiny.Symbols[0].Slant = true, 1, false, false
	tiny.Background = scene.Pattern{Style: scene.SolidColor}
	tiny.Symbols[0].Foreground = scene.Pattern{Style: scene.SolidColor, Color: [3]float64{1, 1, 1}}
	cs["tiny8"] = tiny
	return cs
}

// TestGolden compares fixed samples with the pictures under
// testdata/golden. Tolerance: every value within 2 levels (float rounding
// may differ across compilers and CPUs; a change of geometry or colour moves
// many values by far more). Run with -update to rewrite them after an
// intended change, and look at the pictures before committing.
func TestGolden(t *testing.T) {
	_, _, fams := env(t)
	for name, s := range goldenCases(fams) {
		b, out := paintSamples(t, 1, s)
		img := toImage(out.X, b.Width, b.Height, b.Channels)
		msk := toImage(out.Mask, b.Width, b.Height, 1)
		for suffix, im := range map[string]image.Image{"": img, "_mask": msk} {
			path := filepath.Join("testdata", "golden", name+suffix+".png")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				var buf bytes.Buffer
				if err := png.Encode(&buf, im); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			f, err := os.Open(path)
			if err != nil {
				t.Fatalf("%v (run go test -run TestGolden -update to create)", err)
			}
			want, err := png.Decode(f)
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			if d, at := maxDiff(im, want); d > 2 {
				t.Errorf("%s: differs from the golden image by %d levels at %v", path, d, at)
			}
		}
	}
}

func toImage(pix []byte, w, h, c int) image.Image {
	if c == 1 {
		g := image.NewGray(image.Rect(0, 0, w, h))
		copy(g.Pix, pix)
		return g
	}
	im := image.NewNRGBA(image.Rect(0, 0, w, h))
	for i := range w * h {
		im.Pix[4*i], im.Pix[4*i+1], im.Pix[4*i+2], im.Pix[4*i+3] = pix[3*i], pix[3*i+1], pix[3*i+2], 255
	}
	return im
}

func maxDiff(a, b image.Image) (int, image.Point) {
	if a.Bounds() != b.Bounds() {
		return 256, image.Point{}
	}
	worst, at := 0, image.Point{}
	for y := a.Bounds().Min.Y; y < a.Bounds().Max.Y; y++ {
		for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
			ca := color.NRGBAModel.Convert(a.At(x, y)).(color.NRGBA)
			cb := color.NRGBAModel.Convert(b.At(x, y)).(color.NRGBA)
			for _, d := range []int{int(ca.R) - int(cb.R), int(ca.G) - int(cb.G), int(ca.B) - int(cb.B)} {
				if d < 0 {
					d = -d
				}
				if d > worst {
					worst, at = d, image.Pt(x, y)
				}
			}
		}
	}
	return worst, at
}

// BenchmarkPaintDefault32 paints planned default-like 32×32 samples on all
// cores; images/s is reported as a metric.
func BenchmarkPaintDefault32(b *testing.B) {
	_, _, fams := env(b)
	r := rng.New(8, 0)
	var ss []scene.Sample
	for range 4096 {
		ss = append(ss, randomSample(&r, fams, 32, 0.9))
	}
	batch, out := paintSamples(b, 0, ss...)
	be := New(0)
	b.ResetTimer()
	for b.Loop() {
		if err := be.Paint(batch, out); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(ss))/b.Elapsed().Seconds(), "images/s")
}

// BenchmarkPaintMinified128 paints 256 counting-like 128×128 images of 20
// symbols each, 3–15 px tall (log-uniform), on all cores: as planned
// (glyphs under 8.7 px sub-sampled) and with one sample per pixel (the
// painter before sub-sampling), reporting images/s.
func BenchmarkPaintMinified128(b *testing.B) {
	_, _, fams := env(b)
	r := rng.New(9, 0)
	var ss []scene.Sample
	for range 256 {
		s := randomSample(&r, fams, 128, 0.9)
		for range 19 {
			s.Symbols = append(s.Symbols, randomSample(&r, fams, 128, 0.9).Symbols[0])
		}
		for j := range s.Symbols {
			s.Symbols[j].Scale = 3.0 / 128 * math.Pow(5, r.Float64())
		}
		ss = append(ss, s)
	}
	batch, out := paintSamples(b, 0, ss...)
	one := *batch
	one.Symbols = append([]engine.Symbol(nil), batch.Symbols...)
	for i := range one.Symbols {
		one.Symbols[i].Sub = 1
	}
	for _, c := range []struct {
		name  string
		batch *engine.Batch
	}{{"planned", batch}, {"one-sample", &one}} {
		b.Run(c.name, func(b *testing.B) {
			be := New(0)
			for b.Loop() {
				if err := be.Paint(c.batch, out); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*len(ss))/b.Elapsed().Seconds(), "images/s")
		})
	}
}
