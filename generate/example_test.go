package generate_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/synbols-gpu/synbols-gpu/fonts"
	"github.com/synbols-gpu/synbols-gpu/generate"
	"github.com/synbols-gpu/synbols-gpu/spec"
)

// A dataset from a YAML spec, as `synbols-gpu generate --spec tilted.yaml
// --n_samples 100 --seed 42 --fonts embedded --no-preview` writes it: the
// fonts, their checks, the atlas and the backend are the library's
// defaults, the same as the command line's.
func ExampleRun() {
	sp, err := spec.Parse("tilted.yaml", []byte("base: default\nsymbol: {rotation: {uniform: [-0.3, 0.3]}}\n"))
	if err != nil {
		log.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "synbols-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	// The embedded fonts only: the same dataset on every machine. Leave
	// FontCatalog nil for the command line's default, installed fonts too.
	catalog, err := generate.DefaultCatalog(fonts.Options{Embedded: true})
	if err != nil {
		log.Fatal(err)
	}
	res, err := generate.Run(context.Background(), generate.Config{
		Spec: sp, N: 100, Seed: 42, Out: filepath.Join(dir, "tilted.h5py"), FontCatalog: &catalog,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s: %d samples of %d symbols in %d fonts\n", sp.Name(), res.N, res.Chars, res.Fonts)
	// Output: tilted: 100 samples of 26 symbols in 13 fonts
}
