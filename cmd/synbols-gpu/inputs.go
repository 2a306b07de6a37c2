package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/synbols-gpu/synbols-gpu/alphabet"
	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/images"
	"github.com/synbols-gpu/synbols-gpu/output"
	"github.com/synbols-gpu/synbols-gpu/spec"
)

// datasetFlags are the flags that say what a command draws — the spec, its
// language, its natural images, an earlier dataset's fonts, the font
// checks — shared by generate and stream so the two read them alike.
type datasetFlags struct {
	dataset, specFile, language, from, imageDir *string
	checks                                      *bool
}

func registerDataset(fs *flag.FlagSet) *datasetFlags {
	return &datasetFlags{
		dataset:  fs.String("dataset", "", "predefined dataset (see below); default \"default\" unless --spec is given"),
		specFile: fs.String("spec", "", "YAML spec file in the distribution language (instead of --dataset)"),
		language: fs.String("language", "", "alphabet language, overriding the spec's: "+strings.Join(alphabet.Languages(), ", ")),
		from:     fs.String("fonts-from", "", "re-use exactly the fonts of an earlier dataset FILE.h5py (its font manifest)"),
		checks:   fs.Bool("font-checks", true, "drop the families the font catalogue rejects (see 'synbols-gpu fonts check')"),
		imageDir: fs.String("image-dir", "", "folder of natural images (.jpg, .png, .gif, searched recursively) for image patterns (natural-patterns)"),
	}
}

// datasetInputs is what datasetFlags resolve to.
type datasetInputs struct {
	spec     *spec.Spec
	name     string // the dataset's name: the preset's, or the spec file's name: field
	pool     *engine.ImagePool
	manifest []output.FontRecord // --fonts-from's, nil without it
}

// resolve reads the spec, applies --language, and loads the image pool
// and the earlier dataset's manifest, all before fonts and backend load:
// a bad input is reported at once.
func (d *datasetFlags) resolve(ctx context.Context, fs *flag.FlagSet, stderr io.Writer) (datasetInputs, error) {
	var in datasetInputs
	var err error
	if in.spec, in.name, err = loadSpec(*d.dataset, *d.specFile); err != nil {
		return in, err
	}
	if flagSet(fs, "language") {
		if err := in.spec.SetLanguage(*d.language); err != nil {
			return in, fmt.Errorf("%w: --language: %w", errUsage, err)
		}
	}
	if in.spec.UsesImages() {
		if *d.imageDir == "" {
			return in, fmt.Errorf("%w: %s draws natural images: give --image-dir DIR (a folder of .jpg, .png or .gif images)", errUsage, in.name)
		}
		in.pool, err = images.Load(ctx, *d.imageDir, images.Options{Warn: func(msg string) {
			fmt.Fprintf(stderr, "synbols-gpu: warning: --image-dir: %s\n", msg)
		}})
		if err != nil {
			return in, fmt.Errorf("--image-dir: %w", err)
		}
	}
	if *d.from != "" {
		if in.manifest, err = output.ReadFontManifest(*d.from); err != nil {
			return in, fmt.Errorf("--fonts-from: %w", err)
		}
	}
	return in, nil
}

// loadSpec resolves --dataset / --spec: a preset by name (default
// "default"), or a spec file, named by its name: field.
func loadSpec(dataset, specFile string) (*spec.Spec, string, error) {
	switch {
	case specFile != "" && dataset != "":
		return nil, "", fmt.Errorf("%w: give --dataset or --spec, not both", errUsage)
	case specFile != "":
		sp, err := spec.Load(specFile)
		if err != nil {
			return nil, "", err
		}
		return sp, sp.Name(), nil
	}
	name := dataset
	if name == "" {
		name = "default"
	}
	sp, err := spec.Preset(name)
	if err != nil {
		return nil, "", fmt.Errorf("%w: --dataset: %v", errUsage, err)
	}
	return sp, name, nil
}
