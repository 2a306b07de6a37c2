package output_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/synbols-gpu/synbols-gpu/atlas"
	"github.com/synbols-gpu/synbols-gpu/engine/cpu"
	"github.com/synbols-gpu/synbols-gpu/fonts"
	"github.com/synbols-gpu/synbols-gpu/generate"
	"github.com/synbols-gpu/synbols-gpu/output"
	"github.com/synbols-gpu/synbols-gpu/spec"
)

// Reading back which fonts a dataset drew from: every face, with its
// file's SHA-256, so the dataset can be made again (generate --fonts-from).
func ExampleReadFontManifest() {
	dir, err := os.MkdirTemp("", "synbols-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "plain.h5py")
	lib, err := fonts.Load(fonts.Options{Embedded: true})
	if err != nil {
		log.Fatal(err)
	}
	at, err := atlas.New(atlas.DefaultParams(), "")
	if err != nil {
		log.Fatal(err)
	}
	sp, err := spec.Preset("plain")
	if err != nil {
		log.Fatal(err)
	}
	if _, err := generate.Run(context.Background(), generate.Config{Spec: sp, N: 10, Seed: 1, Out: path,
		Fonts: lib, SkipFontChecks: true, Atlas: at, Backend: cpu.New(1)}); err != nil {
		log.Fatal(err)
	}

	recs, err := output.ReadFontManifest(path)
	if err != nil {
		log.Fatal(err)
	}
	r := recs[0]
	fmt.Printf("%d faces; first: %s %s (%s, bold %v, sha256 %.12s…)\n", len(recs), r.Family, r.Style, r.File, r.Bold, r.SHA256)
	// Output: 25 faces; first: C059 Roman (C059-Roman.otf, bold false, sha256 e00cc7b88f0c…)
}
