// Command presets draws the contact sheets docs/presets/NAME.png: the first
// samples of every preset (seed 42, the embedded fonts, the CPU backend),
// so a reader sees what each dataset looks like before generating it.
// Regenerate them all, from the repository root, with
//
//	go run ./docs/presets
//
// or some of them with go run ./docs/presets counting camouflage. The
// natural-patterns sheet draws from a small pool of synthetic images made
// here (the repository holds no photographs); with -image-dir DIR it uses
// yours.
package main

import (
	"context"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"

	"github.com/synbols-gpu/synbols-gpu/atlas"
	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/engine/cpu"
	"github.com/synbols-gpu/synbols-gpu/fonts"
	"github.com/synbols-gpu/synbols-gpu/generate"
	"github.com/synbols-gpu/synbols-gpu/images"
	"github.com/synbols-gpu/synbols-gpu/output"
	"github.com/synbols-gpu/synbols-gpu/spec"
)

func main() {
	out := flag.String("out", "docs/presets", "folder the sheets are written to")
	imageDir := flag.String("image-dir", "", "natural images for natural-patterns (default: a synthetic pool)")
	flag.Parse()
	if err := run(*out, *imageDir, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "presets:", err)
		os.Exit(1)
	}
}

func run(out, imageDir string, names []string) error {
	if len(names) == 0 {
		for _, p := range spec.Presets() {
			names = append(names, p.Name)
		}
	}
	lib, err := fonts.Load(fonts.Options{Embedded: true})
	if err != nil {
		return err
	}
	at, err := atlas.New(atlas.DefaultParams(), "")
	if err != nil {
		return err
	}
	be := cpu.New(0)
	var pool *engine.ImagePool
	for _, name := range names {
		sp, err := spec.Preset(name)
		if err != nil {
			return err
		}
		if sp.UsesImages() && pool == nil {
			if pool, err = loadPool(imageDir); err != nil {
				return err
			}
		}
		w, h := sp.Resolution()
		cols, zoom := 6, max(1, 64/max(w, h))
		if max(w, h) >= 128 {
			cols = 4
		}
		sheet := newSheet(cols, w, h, zoom)
		_, err = generate.Run(context.Background(), generate.Config{
			Name: name, Spec: sp, N: cols * cols, Seed: 42,
			Fonts: lib, SkipFontChecks: true, Atlas: at, Backend: be, Images: pool,
			Sink: func(start int, s output.Samples) error {
				sheet.add(start, s.X, sp.Gray())
				return nil
			},
		})
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		path := filepath.Join(out, name+".png")
		if err := sheet.write(path); err != nil {
			return err
		}
		fmt.Println(path)
	}
	return nil
}

// sheet is a grid of images, each enlarged zoom times (nearest), one
// pixel of grey between cells.
type sheet struct {
	cols, w, h, zoom int
	img              *image.RGBA
}

func newSheet(cols, w, h, zoom int) *sheet {
	side := func(n int) int { return cols*n*zoom + cols + 1 }
	img := image.NewRGBA(image.Rect(0, 0, side(w), side(h)))
	for i := range img.Pix {
		img.Pix[i] = 0x60
	}
	return &sheet{cols: cols, w: w, h: h, zoom: zoom, img: img}
}

func (s *sheet) add(start int, x []byte, gray bool) {
	c := 3
	if gray {
		c = 1
	}
	n := len(x) / (s.w * s.h * c)
	for k := range n {
		i := start + k
		if i >= s.cols*s.cols {
			return
		}
		ox := 1 + (i%s.cols)*(s.w*s.zoom+1)
		oy := 1 + (i/s.cols)*(s.h*s.zoom+1)
		px := x[k*s.w*s.h*c:]
		for y := range s.h * s.zoom {
			for xx := range s.w * s.zoom {
				p := ((y/s.zoom)*s.w + xx/s.zoom) * c
				col := color.RGBA{px[p], px[p], px[p], 255}
				if c == 3 {
					col = color.RGBA{px[p], px[p+1], px[p+2], 255}
				}
				s.img.SetRGBA(ox+xx, oy+y, col)
			}
		}
	}
}

func (s *sheet) write(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(f, s.img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// loadPool loads dir, or makes a pool of synthetic "natural" images:
// smooth colour fields with a few soft blobs, which crop and resize like
// photographs do.
func loadPool(dir string) (*engine.ImagePool, error) {
	if dir != "" {
		return images.Load(context.Background(), dir, images.Options{})
	}
	tmp, err := os.MkdirTemp("", "synbols-sheet-images-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	for k := range 8 {
		img := image.NewRGBA(image.Rect(0, 0, 160, 120))
		for y := range 120 {
			for x := range 160 {
				fx, fy := float64(x)/160, float64(y)/120
				v := func(a, b, ph float64) uint8 {
					return uint8(127.5 + float64(127.5*math.Sin(float64(a*fx*6.3)+float64(b*fy*6.3)+ph+float64(k))))
				}
				img.SetRGBA(x, y, color.RGBA{v(1+float64(k%3), 0.5, 0), v(0.3, 1.5+float64(k%2), 1), v(2, 2, 2), 255})
			}
		}
		f, err := os.Create(filepath.Join(tmp, fmt.Sprintf("synthetic-%d.png", k)))
		if err != nil {
			return nil, err
		}
		if err := png.Encode(f, img); err != nil {
			f.Close()
			return nil, err
		}
		if err := f.Close(); err != nil {
			return nil, err
		}
	}
	return images.Load(context.Background(), tmp, images.Options{})
}
