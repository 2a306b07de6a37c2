package cpu

import (
	"testing"

	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/internal/rng"
	"github.com/synbols-gpu/synbols-gpu/scene"
)

// defaultBatch plans the 4096 default-like 32×32 samples of
// BenchmarkPaintDefault32.
func defaultBatch(b *testing.B) (*engine.Batch, engine.Output) {
	_, _, fams := env(b)
	r := rng.New(8, 0)
	var ss []scene.Sample
	for range 4096 {
		ss = append(ss, randomSample(&r, fams, 32, 0.9))
	}
	return paintSamples(b, 0, ss...)
}

// BenchmarkStages times each stage of painting the default 32×32 images on
// one goroutine, per image: background, symbols (over a painted
// background), post-processing (of a painted image).
func BenchmarkStages(b *testing.B) {
	batch, out := defaultBatch(b)
	w, h, k := batch.Width, batch.Height, batch.MaskChannels
	n := len(batch.Images)
	run := func(b *testing.B, stage func(p *painter, i int, im *engine.Image, inv float32)) {
		p := newPainter(batch)
		inv := 1 / float32(min(w, h))
		i := 0
		for b.Loop() {
			im := &batch.Images[i]
			stage(p, i, im, inv)
			if i++; i == n {
				i = 0
			}
		}
	}
	b.Run("background", func(b *testing.B) {
		run(b, func(p *painter, _ int, im *engine.Image, inv float32) { p.background(&im.Bg, inv) })
	})
	b.Run("symbols", func(b *testing.B) {
		run(b, func(p *painter, i int, im *engine.Image, inv float32) {
			mask := out.Mask[i*w*h*k : (i+1)*w*h*k]
			for s := range int(im.NumSymbols) {
				p.symbol(&batch.Symbols[int(im.FirstSymbol)+s], s, mask, inv)
			}
		})
	})
	b.Run("post", func(b *testing.B) {
		// Post reads the composited image: keep those of the first 256
		// images and copy one in before each post (the copy, 12 KiB, is
		// timed too).
		const m = 256
		p := newPainter(batch)
		var bufs [][]float32
		inv := 1 / float32(min(w, h))
		for i := range m {
			im := &batch.Images[i]
			p.background(&im.Bg, inv)
			for s := range int(im.NumSymbols) {
				p.symbol(&batch.Symbols[int(im.FirstSymbol)+s], s, out.Mask[i*w*h*k:(i+1)*w*h*k], inv)
			}
			bufs = append(bufs, append([]float32(nil), p.buf...))
		}
		run(b, func(p *painter, i int, _ *engine.Image, _ float32) {
			i %= m
			copy(p.buf, bufs[i])
			p.post(&batch.Images[i], out.X[i*w*h*batch.Channels:(i+1)*w*h*batch.Channels])
		})
	})
}
