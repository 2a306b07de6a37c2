package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/fonts"
	"github.com/synbols-gpu/synbols-gpu/generate"
	"github.com/synbols-gpu/synbols-gpu/internal/pytest"
	"github.com/synbols-gpu/synbols-gpu/spec"
)

// datasetDigest hashes what a dataset holds — x, mask, the y records and
// the splits with their seeds — not the file's bytes, which hold
// timestamps.
const datasetDigest = `
import sys, hashlib, h5py, numpy as np
h = hashlib.sha256()
with h5py.File(sys.argv[1], 'r') as f:
    for name in ('x', 'mask'):
        h.update(np.ascontiguousarray(f[name][...]).tobytes())
    for r in f['y']:
        h.update(r)
    for name in sorted(f['split']):
        h.update(name.encode())
        h.update(np.ascontiguousarray(f['split'][name][...]).tobytes())
        h.update(str(int(f['split'][name].attrs['seed'])).encode())
    h.update(str(f.attrs['font_pool']).encode())
print(h.hexdigest())
`

// TestLibraryMatchesCLI: a Go program that gives generate.Run only the
// spec, the seed, the size and the font sources (every other field left
// to the library's defaults: font loading, the catalogue's checks, the
// atlas cache, the backend) writes the dataset the command line writes.
func TestLibraryMatchesCLI(t *testing.T) {
	py := pytest.Python(t)
	dir := t.TempDir()
	specFile := filepath.Join(dir, "rotated.yaml")
	must(t, os.WriteFile(specFile, []byte("name: rotated\nbase: default\nsymbol: {rotation: {uniform: [-0.5, 0.5]}}\n"), 0o644))
	code, _, errs := command(t, dir, "generate", "--spec", specFile, "--n_samples", "300", "--seed", "7", "--system-fonts=false", "--quiet", "--out", "cli.h5py")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}

	// The child ran with this cache folder: the library's defaults then
	// find the same catalogue and tiles (either would be rebuilt the same).
	t.Setenv("XDG_CACHE_HOME", sharedCache)
	sp, err := spec.Load(specFile)
	must(t, err)
	catalog, err := generate.DefaultCatalog(fonts.Options{Embedded: true}) // --system-fonts=false
	must(t, err)
	lib := filepath.Join(dir, "lib.h5py")
	if _, err := generate.Run(context.Background(), generate.Config{Spec: sp, N: 300, Seed: 7, Out: lib, FontCatalog: &catalog}); err != nil {
		t.Fatal(err)
	}
	if a, b := pytest.Run(t, py, datasetDigest, filepath.Join(dir, "cli.h5py")), pytest.Run(t, py, datasetDigest, lib); a != b {
		t.Errorf("the command line and the library wrote different datasets: %s vs %s", a, b)
	}
}
