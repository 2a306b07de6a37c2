package cpu_test

import (
	"crypto/sha256"
	"fmt"
	"log"

	"github.com/synbols-gpu/synbols-gpu/atlas"
	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/engine/cpu"
	"github.com/synbols-gpu/synbols-gpu/fonts"
	"github.com/synbols-gpu/synbols-gpu/generate"
	"github.com/synbols-gpu/synbols-gpu/spec"
)

// Painting one batch on the CPU, without a file: sample, plan into a
// batch, paint. The bytes are the same on every machine and backend.
func Example() {
	lib, err := fonts.Load(fonts.Options{Embedded: true})
	if err != nil {
		log.Fatal(err)
	}
	sp, err := spec.Preset("default")
	if err != nil {
		log.Fatal(err)
	}
	u, err := generate.Universe(sp, lib) // the alphabet and the families that draw it
	if err != nil {
		log.Fatal(err)
	}
	sm, err := sp.Sampler(u)
	if err != nil {
		log.Fatal(err)
	}
	at, err := atlas.New(atlas.DefaultParams(), "") // no disk cache
	if err != nil {
		log.Fatal(err)
	}
	w, h := sp.Resolution()
	k := sp.MaxSymbols()
	pl := &engine.Planner{Fonts: lib, Atlas: at}
	b := engine.Batch{Width: w, Height: h, Channels: 3, MaskChannels: k, Atlas: at}
	const n = 8
	for i := range n {
		s := sm.Sample(42, i)
		if err := pl.Plan(&s, &b); err != nil {
			log.Fatal(err)
		}
	}
	out := engine.Output{X: make([]byte, n*w*h*3), Mask: make([]byte, n*w*h*k)}
	be := cpu.New(0)
	defer be.Close()
	if err := be.Paint(&b, out); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d images of %dx%d, x sha256 %.16x\n", len(b.Images), w, h, sha256.Sum256(out.X))
	// Output: 8 images of 32x32, x sha256 6de3fcf79e7be93b842e4bcbbbf89b34
}
