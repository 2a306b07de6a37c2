package generate

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/engine/cpu"
	"github.com/synbols-gpu/synbols-gpu/images"
	"github.com/synbols-gpu/synbols-gpu/output"
	"github.com/synbols-gpu/synbols-gpu/spec"
)

// familyN is how many samples each preset generates per backend in
// TestFamilyBackends: the 500.
const familyN = 500

// digestRun generates n samples of sp into a Sink and returns the SHA-256
// of everything the file would hold — each sample's x, mode's mask,
// per-symbol masks and record, in order — and the number of samples.
func digestRun(t *testing.T, sp *spec.Spec, be engine.Backend, pool *engine.ImagePool, n, workers, batch int) (string, int) {
	t.Helper()
	lib, at := env(t)
	h := sha256.New()
	got := 0
	_, err := Run(context.Background(), Config{
		Name: sp.Name(), Spec: sp, N: n, Seed: 42, Fonts: lib, SkipFontChecks: true, Atlas: at, Backend: be, Images: pool,
		Workers: workers, BatchSize: batch,
		Sink: func(start int, s output.Samples) error {
			// Sample by sample, so that batch boundaries do not change
			// the order of what is hashed.
			n := len(s.Y)
			for i, y := range s.Y {
				for _, col := range [][]byte{s.X, s.Mask, s.SymbolMask} {
					per := len(col) / n
					h.Write(col[i*per : (i+1)*per])
				}
				h.Write(y)
				h.Write([]byte{'\n'})
			}
			got += n
			return nil
		},
	})
	if err != nil {
		t.Fatalf("%s on %s: %v", sp.Name(), be.Name(), err)
	}
	if got != n {
		t.Fatalf("%s: %d samples, want %d", sp.Name(), got, n)
	}
	return fmt.Sprintf("%x", h.Sum(nil)), got
}

var (
	poolOnce sync.Once
	poolVal  *engine.ImagePool
	poolErr  error
)

// testPool is a small pool of synthetic images (smooth colour fields of
// different sizes), made once per test binary.
func testPool(t testing.TB) *engine.ImagePool {
	t.Helper()
	poolOnce.Do(func() {
		dir, err := os.MkdirTemp("", "synbols-pool-")
		if err != nil {
			poolErr = err
			return
		}
		defer os.RemoveAll(dir)
		for k := range 5 {
			w, h := 90+30*k, 70+20*k
			img := image.NewRGBA(image.Rect(0, 0, w, h))
			for y := range h {
				for x := range w {
					v := func(a, b float64) uint8 {
						return uint8(127.5 + 127.5*math.Sin(a*float64(x)/float64(w)*6.3+b*float64(y)/float64(h)*6.3+float64(k)))
					}
					img.SetRGBA(x, y, color.RGBA{v(1, 0.3), v(0.5, 2), v(3, 1), 255})
				}
			}
			var buf bytes.Buffer
			if poolErr = png.Encode(&buf, img); poolErr != nil {
				return
			}
			if poolErr = os.WriteFile(filepath.Join(dir, fmt.Sprintf("img%d.png", k)), buf.Bytes(), 0o644); poolErr != nil {
				return
			}
		}
		poolVal, poolErr = images.Load(context.Background(), dir, images.Options{})
	})
	if poolErr != nil {
		t.Fatal(poolErr)
	}
	return poolVal
}

func init() {
	// Every run of these tests paints into poisoned recycled buffers: a
	// backend that leaves bytes unwritten makes its digests differ.
	poisonRecycled = true
}

// TestFamilyBackends: every preset, 500 samples, paints the same x, mask,
// symbol masks and records on the CPU backend and the GPU backend
// (llvmpipe in CI), and the same bytes again on a re-run with other
// workers and batch sizes.
func TestFamilyBackends(t *testing.T) {
	g := openGPU(t)
	for _, p := range spec.Presets() {
		t.Run(p.Name, func(t *testing.T) {
			sp, err := spec.Preset(p.Name)
			if err != nil {
				t.Fatal(err)
			}
			var pool *engine.ImagePool
			if sp.UsesImages() {
				pool = testPool(t)
			}
			c, _ := digestRun(t, sp, cpu.New(2), pool, familyN, 2, 128)
			again, _ := digestRun(t, sp, cpu.New(1), pool, familyN, 1, 500)
			if c != again {
				t.Errorf("CPU bytes depend on workers or batch size: %s vs %s", c, again)
			}
			// Batches of 100: five, so that later ones paint into
			// recycled (poisoned) buffers, as the CPU's batches of 128 do.
			if d, _ := digestRun(t, sp, g, pool, familyN, 2, 100); d != c {
				t.Errorf("CPU and GPU (%s) differ: %s vs %s", g.Device(), c, d)
			}
		})
	}
}

// BenchmarkPreset generates each preset at its native resolution on one
// core (the CPU backend with one worker, sampling and planning on one
// goroutine, no file), reporting images per CPU-second: the unit of the
// original's figures (camouflage 90, some-large-occlusion 427, counting
// 124, counting-crowded 23, korean-1k 702, tiny 1,300, plain 1,400).
//
//	go test ./generate -run '^$' -bench BenchmarkPreset -benchtime 2000x -cpu 1
//
// (-cpu 1 sets GOMAXPROCS to 1, so wall time is CPU time.)
func BenchmarkPreset(b *testing.B) {
	lib, at := env(b)
	for _, p := range spec.Presets() {
		b.Run(p.Name, func(b *testing.B) {
			sp, err := spec.Preset(p.Name)
			if err != nil {
				b.Fatal(err)
			}
			var pool *engine.ImagePool
			if sp.UsesImages() {
				pool = testPool(b)
			}
			cfg := Config{Name: p.Name, Spec: sp, N: b.N, Seed: 42, Fonts: lib, SkipFontChecks: true, Atlas: at,
				Backend: cpu.New(1), Workers: 1, Images: pool, DryRun: true}
			// Warm the atlas: glyph tiles are built once per run of a
			// program, not per image.
			warm := cfg
			warm.N = min(b.N, 200)
			if _, err := Run(context.Background(), warm); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			if _, err := Run(context.Background(), cfg); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "images/s")
		})
	}
}
