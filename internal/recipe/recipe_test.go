package recipe

import (
	"errors"
	"strings"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/internal/godeps"
	"github.com/synbols-gpu/synbols-gpu/internal/testenv"
	"github.com/synbols-gpu/synbols-gpu/spec"
)

// TestNoHDF5: neither this package nor engine/gpu's test binary (which
// bench/device.sh runs on a machine without libhdf5) depends on
// internal/hdf5.
func TestNoHDF5(t *testing.T) {
	for _, c := range []struct {
		test bool
		pkg  string
	}{{false, godeps.Module + "/internal/recipe"}, {true, godeps.Module + "/engine/gpu"}} {
		for _, p := range godeps.Deps(t, c.test, c.pkg) {
			if strings.HasSuffix(p, "/internal/hdf5") || strings.HasSuffix(p, "/synbols-gpu/output") || strings.HasSuffix(p, "/synbols-gpu/generate") {
				t.Errorf("%s (test %v) depends on %s", c.pkg, c.test, p)
			}
		}
	}
}

// TestBatch: Batch plans samples [start, start+n) as planning them one by
// one does, with the spec's geometry.
func TestBatch(t *testing.T) {
	lib, at := testenv.Embedded(t)
	sp, err := spec.Preset("default")
	if err != nil {
		t.Fatal(err)
	}
	b, err := Batch(sp, lib, at, 7, 10, 20)
	if err != nil {
		t.Fatal(err)
	}
	w, h := sp.Resolution()
	if b.Width != w || b.Height != h || b.Channels != 3 || b.MaskChannels != sp.MaxSymbols() || len(b.Images) != 20 {
		t.Fatalf("batch %dx%dx%d, %d mask channels, %d images; want %dx%dx3, %d, 20", b.Width, b.Height, b.Channels, b.MaskChannels, len(b.Images), w, h, sp.MaxSymbols())
	}
	head, err := Batch(sp, lib, at, 7, 10, 5)
	if err != nil {
		t.Fatal(err)
	}
	for i := range head.Images {
		if head.Images[i] != b.Images[i] {
			t.Errorf("image %d differs between a batch of 5 and one of 20", i)
		}
	}
	if len(head.Symbols) == 0 || len(head.Symbols) > len(b.Symbols) || head.Symbols[0] != b.Symbols[0] {
		t.Errorf("symbols of the shorter batch are not a prefix of the longer one's")
	}
}

// TestOccluderFont: occluders are drawn from the family the spec names,
// which must be in the pool and have every occluder character; the
// default (DejaVu Sans) has ■ ▲ ●.
func TestOccluderFont(t *testing.T) {
	lib, _ := testenv.Embedded(t)
	parse := func(y string) *spec.Spec {
		s, err := spec.Parse("occ.yaml", []byte(y))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if _, err := Universe(parse("base: many-small-occlusion"), lib); err != nil {
		t.Fatalf("the default occluder font: %v", err)
	}
	// A family of the pool without the shapes.
	var lacking string
	for _, f := range lib.Families {
		if !f.Regular.Covers('\u25b2') {
			lacking = f.Name
			break
		}
	}
	if lacking == "" {
		t.Fatal("every embedded family has ▲: the test needs one that lacks it")
	}
	for _, c := range []struct{ yaml, want string }{
		{"base: many-small-occlusion\nocclusion: {font: " + lacking + "}", "has no glyph for"},
		{"base: many-small-occlusion\nocclusion: {font: No Such Sans}", `family "No Such Sans" is not in the font pool`},
	} {
		_, err := Universe(parse(c.yaml), lib)
		if !errors.Is(err, ErrOccluderFont) || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: got %v, want ErrOccluderFont with %q on one line", c.yaml, err, c.want)
		}
	}
}
