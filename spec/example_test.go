package spec_test

import (
	"fmt"
	"log"

	"github.com/synbols-gpu/synbols-gpu/spec"
)

// Sampling records without painting: a sample's latent attributes are its
// record (the y dataset's JSON), drawn from (spec, seed, index) alone.
// The universe, which generate.Universe resolves from the installed fonts,
// is written out here.
func ExampleSampler_Sample() {
	sp, err := spec.Parse("small.yaml", []byte("base: default\nresolution: [16, 16]\n"))
	if err != nil {
		log.Fatal(err)
	}
	u := spec.Universe{Alphabet: "english", Chars: []string{"a", "b", "c"}, Fonts: []string{"DejaVu Sans", "DejaVu Serif"}}
	sm, err := sp.Sampler(u)
	if err != nil {
		log.Fatal(err)
	}
	for i := range 3 {
		s := sm.Sample(42, i)
		rec := s.AppendRecord(nil)
		fmt.Printf("%d: %s in %s, %.72s…\n", i, s.Symbols[0].Char, s.Symbols[0].Font, rec)
	}
	// Output:
	// 0: b in DejaVu Sans, {"resolution": [16, 16], "pixel_noise_scale": 0.01, "seed": 3214729008, …
	// 1: c in DejaVu Serif, {"resolution": [16, 16], "pixel_noise_scale": 0.01, "seed": 1289187008, …
	// 2: b in DejaVu Serif, {"resolution": [16, 16], "pixel_noise_scale": 0.01, "seed": 1535238044, …
}
