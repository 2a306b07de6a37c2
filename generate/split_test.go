package generate

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/engine/cpu"
	"github.com/synbols-gpu/synbols-gpu/internal/hdf5"
	"github.com/synbols-gpu/synbols-gpu/output"
	"github.com/synbols-gpu/synbols-gpu/spec"
)

func TestParseSplitRequest(t *testing.T) {
	for _, c := range []struct{ in, name, str string }{
		{"random", "random", "random"},
		{"stratified:char", "stratified_char", "stratified:char"},
		{"stratified:scale", "stratified_scale", "stratified:scale"},
		{"stratified:translation.x", "stratified_translation-x", "stratified:translation.x"},
		{"compositional:rotation,scale", "compositional_rotation_scale", "compositional:rotation,scale"},
		{"compositional:translation.x,translation.y", "compositional_translation-x_translation-y", "compositional:translation.x,translation.y"},
		{"stratified:scale@0.8,0.1,0.1", "stratified_scale", "stratified:scale@0.8,0.1,0.1"},
		{"r80=random@8,1,1", "r80", "r80=random@8,1,1"},
		{" stratified:is_bold ", "stratified_is_bold", "stratified:is_bold"},
	} {
		r, err := ParseSplitRequest(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if r.SplitName() != c.name || r.String() != c.str {
			t.Errorf("%q: name %q, string %q; want %q, %q", c.in, r.SplitName(), r.String(), c.name, c.str)
		}
		// String reads back as the same request.
		if back, err := ParseSplitRequest(r.String()); err != nil || back.String() != r.String() {
			t.Errorf("%q: String %q reads back as %v, %v", c.in, r.String(), back, err)
		}
	}
	for in, want := range map[string]string{
		"stratified:nope":             `unknown attribute "nope"`,
		"compositional:char":          "takes 2 attribute",
		"compositional:char,char":     "two different",
		"stratified":                  "needs an attribute",
		"random:char":                 "no attribute",
		"shuffled":                    `unknown kind "shuffled"`,
		"random@1,2":                  "three numbers",
		"random@1,-1,0":               `ratio "-1"`,
		"random@0,0,0":                "sum",
		"random@a,b,c":                `ratio "a"`,
		"a/b=random":                  `split name "a/b"`,
		"stratified:translation":      `unknown attribute "translation"`,
		"compositional:scale,rot@1,1": "three numbers",
	} {
		_, err := ParseSplitRequest(in)
		if !errors.Is(err, ErrSplitRequest) || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), in) {
			t.Errorf("%q: error %v, want ErrSplitRequest naming %q and the request", in, err, want)
		}
	}
	if _, err := ParseSplitRequests([]string{"default", "random"}); err == nil || !strings.Contains(err.Error(), `"random" requested twice`) {
		t.Errorf("default + random: %v", err)
	}
	reqs, err := ParseSplitRequests([]string{"default", "stratified:scale"})
	if err != nil || len(reqs) != 5 || reqs[3].SplitName() != "compositional_char_font" {
		t.Errorf("default + stratified:scale: %v, %v", reqs, err)
	}
}

// readSplits reads every split/<name> of a file as partitions.
func readSplits(t *testing.T, path string) map[string][]uint8 {
	t.Helper()
	f, err := hdf5.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	names, err := f.Members("split")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]uint8{}
	for _, name := range names {
		d, err := f.OpenDataset("split/" + name)
		if err != nil {
			t.Fatal(err)
		}
		dims := d.Dims()
		b, err := d.ReadUint8([]uint64{0, 0}, dims)
		d.Close()
		if err != nil {
			t.Fatal(err)
		}
		p := make([]uint8, dims[0])
		for i := range p {
			p[i] = 9
			for j := range 3 {
				if b[3*i+j] != 0 {
					p[i] = uint8(j)
				}
			}
		}
		out[name] = p
	}
	return out
}

// TestRunSplitsEqualAddSplits: a run with --split computes, from its own
// columns, exactly what AddSplits computes afterwards from the finished
// file's typed columns (every kind of attribute: coded, float, a
// translation component, boolean, integer, ratios), and the default four
// are those of a run without Config.Splits. 400 samples of "default".
func TestRunSplitsEqualAddSplits(t *testing.T) {
	lib, at := env(t)
	sp, err := spec.Preset("default")
	if err != nil {
		t.Fatal(err)
	}
	reqs, err := ParseSplitRequests([]string{"default", "stratified:scale", "compositional:rotation,scale",
		"stratified:translation.x@0.5,0.25,0.25", "compositional:char,translation.y", "stratified:alphabet",
		"stratified:is_bold", "stratified:n_symbols", "compositional:font,is_slant"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	runTo := func(out string, reqs []SplitRequest) {
		if _, err := Run(context.Background(), Config{Name: "default", Spec: sp, N: 400, Seed: 5, Out: out,
			Fonts: lib, SkipFontChecks: true, Atlas: at, Backend: cpu.New(2), Workers: 2, BatchSize: 128, Splits: reqs}); err != nil {
			t.Fatal(err)
		}
	}
	withSplits, plain := filepath.Join(dir, "s.h5py"), filepath.Join(dir, "p.h5py")
	runTo(withSplits, reqs)
	runTo(plain, nil)
	ran := readSplits(t, withSplits)
	base := readSplits(t, plain)
	if len(ran) != len(reqs) || len(base) != 4 {
		t.Fatalf("splits: %d with --split (want %d), %d without (want 4)", len(ran), len(reqs), len(base))
	}
	for name, p := range base {
		if !slices.Equal(ran[name], p) {
			t.Errorf("%s differs between the default run and --split default", name)
		}
	}
	seed, err := AddSplits(context.Background(), plain, reqs[4:], AddSplitsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if seed != 5 {
		t.Errorf("seed from the file %d, want 5", seed)
	}
	// Replacing the default four recomputes them from the typed columns.
	if _, err := AddSplits(context.Background(), plain, reqs[:4], AddSplitsOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	added := readSplits(t, plain)
	for _, r := range reqs {
		name := r.SplitName()
		if !slices.Equal(ran[name], added[name]) {
			t.Errorf("%s: the run's split differs from AddSplits'", name)
		}
		if slices.Contains(ran[name], 9) {
			t.Errorf("%s: rows not one-hot", name)
		}
	}
	// The test can fail: another seed gives another stratified_char.
	if _, err := AddSplits(context.Background(), plain, reqs[1:2], AddSplitsOptions{Force: true, Seed: 6, SeedSet: true}); err != nil {
		t.Fatal(err)
	}
	if slices.Equal(readSplits(t, plain)["stratified_char"], ran["stratified_char"]) {
		t.Error("seed 6 gives seed 5's stratified_char")
	}
}

// TestRunSplitsRefused: a split the run cannot compute fails before any
// file is written.
func TestRunSplitsRefused(t *testing.T) {
	lib, at := env(t)
	sp, err := spec.Preset("default")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, c := range []struct {
		format, split, want string
	}{
		{"h5", "stratified:overlap_score", "overlap_score"}, // default is not flatten mode
		{"npz", "stratified:scale", "typed columns"},
	} {
		out, format := filepath.Join(dir, "x.h5py"), output.FormatH5
		if c.format == "npz" {
			out, format = filepath.Join(dir, "x.npz"), output.FormatNPZ
		}
		r, err := ParseSplitRequest(c.split)
		if err != nil {
			t.Fatal(err)
		}
		_, err = Run(context.Background(), Config{Spec: sp, N: 50, Out: out, Format: format, Fonts: lib, SkipFontChecks: true,
			Atlas: at, Backend: cpu.New(1), Splits: []SplitRequest{r}, Workers: 1})
		if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %s: %v, want ErrConfig naming %q", c.format, c.split, err, c.want)
		}
		if ents, _ := os.ReadDir(dir); len(ents) != 0 {
			t.Errorf("%s %s: left %v", c.format, c.split, ents)
		}
	}
}

// TestAddSplitsCancelled: an interrupt (a cancelled context) before the
// rename leaves the file's bytes as they were and nothing beside it.
func TestAddSplitsCancelled(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "d.h5py")
	gen(t, "default", 100, 1, 64, 3, path)
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r, _ := ParseSplitRequest("stratified:scale")
	if _, err := AddSplits(ctx, path, []SplitRequest{r}, AddSplitsOptions{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v, want context.Canceled", err)
	}
	if after, _ := os.ReadFile(path); !slices.Equal(before, after) {
		t.Error("cancelled: the file changed")
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if n := e.Name(); n != "d.h5py" && n != "d_preview.png" {
			t.Errorf("cancelled: left %s", n)
		}
	}
	// Not cancelled, the same call adds it (the check can tell).
	if _, err := AddSplits(context.Background(), path, []SplitRequest{r}, AddSplitsOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, ok := readSplits(t, path)["stratified_scale"]; !ok {
		t.Error("stratified_scale not added")
	}
}
