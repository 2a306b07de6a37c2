package cpu

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/engine/internal/paint"
	"github.com/synbols-gpu/synbols-gpu/internal/rng"
	"github.com/synbols-gpu/synbols-gpu/scene"
)

// plainSample is a res×res RGB sample without post-processing (no
// contrast stretch, inversion or noise), so that its bytes are the
// painted colours, ⌊255·v⌋.
func plainSample(res int, bg scene.Pattern, syms ...scene.Symbol) scene.Sample {
	return scene.Sample{Width: res, Height: res, Background: bg, Symbols: syms}
}

// paintPlan plans samples with pl into one batch and paints it.
func paintPlan(t *testing.T, pl *engine.Planner, samples ...scene.Sample) (*engine.Batch, engine.Output) {
	t.Helper()
	s0 := samples[0]
	b := &engine.Batch{Width: s0.Width, Height: s0.Height, Channels: 3, MaskChannels: 1, Atlas: pl.Atlas}
	for i := range samples {
		b.MaskChannels = max(b.MaskChannels, len(samples[i].Symbols))
		if err := pl.Plan(&samples[i], b); err != nil {
			t.Fatal(err)
		}
	}
	return b, paintBatch(t, b)
}

func paintBatch(t *testing.T, b *engine.Batch) engine.Output {
	t.Helper()
	n := len(b.Images)
	out := engine.Output{X: make([]byte, n*b.Width*b.Height*b.Channels), Mask: make([]byte, n*b.Width*b.Height*b.MaskChannels)}
	if err := New(2).Paint(b, out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestOneLayerIsItsGradient: a MultiGradient of one layer at alpha 1
// paints, as a background and as a foreground, the bytes of a plain record
// of that layer: with a = 1 the premultiplied formulas reduce exactly to
// the plain ones (R = r·1 + 0, dst = R·c + dst·(1 − c)). 40 samples; the
// layered batch must hold PatternLayers records and differ from a
// batch with the layer's colours swapped, so that equality is not vacuous.
func TestOneLayerIsItsGradient(t *testing.T) {
	lib, at, fams := env(t)
	pl := &engine.Planner{Fonts: lib, Atlas: at}
	r := rng.New(8, 0)
	var ss []scene.Sample
	for range 40 {
		s := randomSample(&r, fams, 32, 0.9)
		s.Background = scene.Pattern{Style: scene.MultiGradient, Seed: r.Uint32(), N: 1, Alpha: 1}
		s.Symbols[0].Foreground = scene.Pattern{Style: scene.MultiGradient, Seed: r.Uint32(), N: 1, Alpha: 1}
		ss = append(ss, s)
	}
	b, got := paintPlan(t, pl, ss...)
	flat := *b
	flat.Images = append([]engine.Image(nil), b.Images...)
	flat.Symbols = append([]engine.Symbol(nil), b.Symbols...)
	unlayer := func(p *engine.Pattern) {
		if p.Kind != engine.PatternLayers {
			t.Fatalf("a MultiGradient planned as kind %d", p.Kind)
		}
		first, count := paint.LayerRange(p)
		if count != 1 {
			t.Fatalf("MultiGradient of N 1 has %d layers", count)
		}
		*p = b.Layers[first]
	}
	for i := range flat.Images {
		unlayer(&flat.Images[i].Bg)
	}
	for i := range flat.Symbols {
		unlayer(&flat.Symbols[i].Fg)
	}
	flat.Layers = nil
	if want := paintBatch(t, &flat); !bytes.Equal(got.X, want.X) {
		t.Errorf("one layer at alpha 1 paints other bytes than its gradient")
	}
	for i := range b.Layers {
		b.Layers[i].Stops[0], b.Layers[i].Stops[2] = b.Layers[i].Stops[2], b.Layers[i].Stops[0]
	}
	if other := paintBatch(t, b); bytes.Equal(got.X, other.X) {
		t.Errorf("swapping the layers' stops changes nothing: the layers are not painted")
	}
}

// TestCamouflageOrientation: camouflage strokes of angle 0 run along x
// and those of angle π/2 along y, so the painted texture changes more
// across them: over 16 seeds of the default camouflage on 128×128
// backgrounds, the mean |∂y| (vertical neighbour difference of the bytes)
// must exceed 3 × the mean |∂x| at angle 0, and the reverse at π/2
// (measured: 5.9 and 5.7; an unoriented texture gives about 1).
func TestCamouflageOrientation(t *testing.T) {
	lib, at, _ := env(t)
	pl := &engine.Planner{Fonts: lib, Atlas: at}
	const res = 128
	for _, angle := range []float64{0, math.Pi / 2} {
		var ss []scene.Sample
		for seed := range uint32(16) {
			c := scene.DefaultCamo
			c.Angle = angle
			ss = append(ss, plainSample(res, scene.Pattern{Style: scene.Camouflage, Seed: seed, Camo: c}))
		}
		_, out := paintPlan(t, pl, ss...)
		var dx, dy float64
		for i := range ss {
			img := out.X[i*res*res*3 : (i+1)*res*res*3]
			for y := range res - 1 {
				for x := range res - 1 {
					for c := range 3 {
						v := float64(img[(y*res+x)*3+c])
						dx += math.Abs(float64(img[(y*res+x+1)*3+c]) - v)
						dy += math.Abs(float64(img[((y+1)*res+x)*3+c]) - v)
					}
				}
			}
		}
		ratio := dy / dx
		if angle != 0 {
			ratio = dx / dy
		}
		t.Logf("angle %.3f: mean |∂x| %.2f, |∂y| %.2f levels; across/along %.2f", angle, dx/float64(16*127*127*3), dy/float64(16*127*127*3), ratio)
		if !(ratio > 3) {
			t.Errorf("angle %.3f: gradient across the strokes only %.2f × that along them, want > 3", angle, ratio)
		}
	}
}

// coordPool is a pool of two images whose pixels encode their coordinates:
// R = x, G = y, B = 100·index.
func coordPool() *engine.ImagePool {
	pool := &engine.ImagePool{}
	for i, sz := range [][2]int{{200, 120}, {90, 250}} {
		pool.Paths = append(pool.Paths, fmt.Sprintf("dir/coords%d.png", i))
		pool.Images = append(pool.Images, engine.PoolImage{Offset: uint32(len(pool.Pixels)), Width: uint32(sz[0]), Height: uint32(sz[1])})
		for y := range sz[1] {
			for x := range sz[0] {
				pool.Pixels = append(pool.Pixels, uint32(x)|uint32(y)<<8|uint32(100*i)<<16)
			}
		}
	}
	return pool
}

// TestImageCrop: an ImagePattern background of a coordinate image (R = x,
// G = y) shows the crop drawn as the pattern's documented draws give it
// (re-drawn here from engine.ImageStream: the image, the rotation and two
// translation draws, then x2, y2, x1, y1), stretched over the output: at
// output pixel (ox, oy) of a 32×24 image, R = x1 + (ox + ½)·(x2 − x1)/32 − ½
// and G likewise, within one level (⌊255·v⌋ truncation), for 50 seeds,
// and the record carries the chosen image's path.
func TestImageCrop(t *testing.T) {
	lib, at, _ := env(t)
	pool := coordPool()
	pl := &engine.Planner{Fonts: lib, Atlas: at, Images: pool}
	const w, h = 32, 24
	for seed := range uint32(50) {
		ss := []scene.Sample{{Width: w, Height: h, Background: scene.Pattern{Style: scene.ImagePattern, Seed: seed,
			Image: scene.ImageParams{Crop: true, MinCrop: 0.2}}}}
		_, out := paintPlan(t, pl, ss...)
		s := &ss[0]
		r := rng.New(uint64(seed), engine.ImageStream)
		idx := r.Intn(2)
		r.Float64() // rotation
		r.Float64() // translation x
		r.Float64() // translation y
		iw, ih := int(pool.Images[idx].Width), int(pool.Images[idx].Height)
		mx, my := iw/5, ih/5
		x2 := mx + 1 + r.Intn(iw-mx-1)
		y2 := my + 1 + r.Intn(ih-my-1)
		x1 := r.Intn(x2 - mx)
		y1 := r.Intn(y2 - my)
		if s.Background.Image.Path != pool.Paths[idx] {
			t.Errorf("seed %d: path %q, want %q", seed, s.Background.Image.Path, pool.Paths[idx])
		}
		worst := 0.0
		for oy := range h {
			for ox := range w {
				px := out.X[(oy*w+ox)*3:]
				wantR := float64(x1) + (float64(ox)+0.5)*float64(x2-x1)/w - 0.5
				wantG := float64(y1) + (float64(oy)+0.5)*float64(y2-y1)/h - 0.5
				worst = max(worst, math.Abs(float64(px[0])-max(wantR, 0)), math.Abs(float64(px[1])-max(wantG, 0)))
				if px[2] != byte(100*idx) && px[2] != byte(100*idx-1) {
					t.Fatalf("seed %d: blue %d at (%d, %d), want image %d's %d", seed, px[2], ox, oy, idx, 100*idx)
				}
			}
		}
		if worst > 1.01 {
			t.Errorf("seed %d: image %d crop [%d, %d)×[%d, %d): painted coordinates off by up to %.2f levels", seed, idx, x1, x2, y1, y2, worst)
		}
	}
}

// TestCheckPatterns: records naming layers, pool images or boxes outside
// the batch are ErrBadBatch.
func TestCheckPatterns(t *testing.T) {
	lib, at, fams := env(t)
	r := rng.New(3, 0)
	s := randomSample(&r, fams, 32, 0.5)
	s.Background = scene.Pattern{Style: scene.MultiGradient, Seed: 1, N: 2}
	s.Symbols[0].Foreground = scene.Pattern{Style: scene.ImagePattern, Seed: 2, Image: scene.ImageParams{Crop: true, MinCrop: 0.2}}
	pl := &engine.Planner{Fonts: lib, Atlas: at, Images: coordPool()}
	good, _ := paintPlan(t, pl, s)
	out := engine.Output{X: make([]byte, 32*32*3), Mask: make([]byte, 32*32)}
	for _, c := range []struct {
		what  string
		spoil func(b *engine.Batch)
	}{
		{"layers beyond", func(b *engine.Batch) { b.Layers = b.Layers[:1] }},
		{"a layer of layers", func(b *engine.Batch) { b.Layers[1] = b.Images[0].Bg }},
		{"image outside the pool", func(b *engine.Batch) { b.Symbols[0].Fg.Geom[0] = math.Float32frombits(2) }},
		{"no pool", func(b *engine.Batch) { b.Pool = nil }},
		{"tap grid 0", func(b *engine.Batch) { b.Symbols[0].Fg.Geom[7] = 0 }},
		{"box beyond the image", func(b *engine.Batch) { b.Symbols[0].Box = [4]uint32{0, 0, 33, 5} }},
		{"camouflage of NaN width", func(b *engine.Batch) {
			b.Images[0].Bg = engine.Pattern{Kind: engine.PatternCamouflage}
			b.Images[0].Bg.Geom[4] = float32(math.NaN())
		}},
	} {
		b := *good
		b.Images = append([]engine.Image(nil), good.Images...)
		b.Symbols = append([]engine.Symbol(nil), good.Symbols...)
		b.Layers = append([]engine.Pattern(nil), good.Layers...)
		c.spoil(&b)
		if err := New(1).Paint(&b, out); !errors.Is(err, engine.ErrBadBatch) {
			t.Errorf("%s: got %v, want ErrBadBatch", c.what, err)
		}
	}
	if err := New(1).Paint(good, out); err != nil {
		t.Errorf("the unspoilt batch: %v", err)
	}
}

// TestAppendMatchesOnePlan: planning samples in two runs and appending the
// second batch to the first gives the records (and bytes) of planning them
// all into one batch: first symbols and first layers offset.
func TestAppendMatchesOnePlan(t *testing.T) {
	lib, at, fams := env(t)
	pl := &engine.Planner{Fonts: lib, Atlas: at}
	r := rng.New(12, 0)
	var ss []scene.Sample
	for i := range 10 {
		s := randomSample(&r, fams, 32, 0.9)
		s.Background = scene.Pattern{Style: scene.MultiGradient, Seed: uint32(i), N: 1 + i%3, Alpha: 0.5}
		s.Symbols[0].Foreground = scene.Pattern{Style: scene.MultiGradient, Seed: uint32(100 + i), N: 2, Alpha: 0.5}
		ss = append(ss, s)
	}
	one, want := paintPlan(t, pl, ss...)
	a, _ := paintPlan(t, pl, ss[:4]...)
	b, _ := paintPlan(t, pl, ss[4:]...)
	if err := a.Append(b); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(a.Images, a.Symbols, a.Layers) != fmt.Sprint(one.Images, one.Symbols, one.Layers) {
		t.Fatalf("appended batch's records differ from one plan's")
	}
	if got := paintBatch(t, a); !bytes.Equal(got.X, want.X) || !bytes.Equal(got.Mask, want.Mask) {
		t.Errorf("appended batch paints other bytes")
	}
}
