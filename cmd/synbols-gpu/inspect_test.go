package main

import (
	"encoding/json"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/inspect"
	"github.com/synbols-gpu/synbols-gpu/internal/hdf5"
	"github.com/synbols-gpu/synbols-gpu/internal/pytest"
)

// expectPy computes with h5py and numpy what info and view must report
// for a file: from attr/ where it has typed columns, else from y, the
// way a user of the original would.
const expectPy = `
import sys, json, collections, h5py, numpy as np
path, hattr, vattr, hist, bins = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
with h5py.File(path, 'r') as f:
    n = f['x'].shape[0]
    recs = [json.loads(r) for r in f['y'][...]]
    def col(name):
        if 'attr/' + name in f:
            d = f['attr/' + name][...]
            if d.dtype == bool:
                return ['True' if v else 'False' for v in d]
            for book in (name, name.replace('symbol_', '').replace('true_', '')):
                if 'attr/%s_values' % book in f:
                    names = f['attr/%s_values' % book].asstr()[...]
                    return [names[k] if k >= 0 else '' for k in d]
            return [float(v) for v in d]
        return [r.get(name) for r in recs]
    out = {'samples': n, 'shape': list(f['x'].shape), 'mask': list(f['mask'].shape),
           'splits': {k: [int(c) for c in f['split/' + k][...].sum(axis=0)] for k in f['split']}}
    if 'fonts' in f.attrs:
        faces = json.loads(f.attrs['fonts'])
        out['faces'], out['families'] = len(faces), len(set(x['family'] for x in faces))
        out['font_pool'] = f.attrs['font_pool']
    h, v = col(hattr), col(vattr)
    out['h_counts'] = collections.Counter(h).most_common()
    out['pairs'] = {}
    for i, (a, b) in enumerate(zip(h, v)):
        out['pairs'].setdefault('%s\x00%s' % (a, b), i)
    vals = np.array(col(hist), dtype=float)
    out['stats'] = [vals.min(), np.percentile(vals, 25), np.median(vals), np.percentile(vals, 75), vals.max(), vals.mean()]
    counts, edges = np.histogram(vals, bins=bins)
    out['hist'] = [int(c) for c in counts]
    out['edges'] = [float(e) for e in edges]
    print(json.dumps(out))
`

type expected struct {
	Samples  int              `json:"samples"`
	Shape    []int            `json:"shape"`
	Mask     []uint64         `json:"mask"`
	Splits   map[string][]int `json:"splits"`
	Faces    *int             `json:"faces"`
	Families int              `json:"families"`
	FontPool string           `json:"font_pool"`
	HCounts  [][2]any         `json:"h_counts"`
	Pairs    map[string]int   `json:"pairs"`
	Stats    []float64        `json:"stats"`
	Hist     []int            `json:"hist"`
	Edges    []float64        `json:"edges"`
}

func expect(t *testing.T, path, h, v, hist string, bins int) expected {
	t.Helper()
	py := pytest.Python(t)
	var e expected
	if err := json.Unmarshal([]byte(pytest.Run(t, py, expectPy, path, h, v, hist, strconv.Itoa(bins))), &e); err != nil {
		t.Fatal(err)
	}
	return e
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

// checkInfo compares info --json with h5py's view of the file.
func checkInfo(t *testing.T, dir, file string, e expected, hAttr, histAttr string) inspect.Summary {
	t.Helper()
	code, out, errs := command(t, dir, "info", file, "--json")
	if code != 0 {
		t.Fatalf("info --json: exit %d: %s", code, errs)
	}
	var s inspect.Summary
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatal(err)
	}
	if s.Samples != e.Samples || s.Height != e.Shape[1] || s.Width != e.Shape[2] || s.Channels != e.Shape[3] || shapeJSON(s.Mask) != shapeJSON(e.Mask) {
		t.Errorf("info: %d samples %d×%d×%d mask %v; h5py: %v mask %v", s.Samples, s.Height, s.Width, s.Channels, s.Mask, e.Shape, e.Mask)
	}
	if fi, err := os.Stat(filepath.Join(dir, file)); err != nil || fi.Size() != s.FileBytes {
		t.Errorf("file size %d, want %v", s.FileBytes, fi.Size())
	}
	if e.Faces != nil && (s.FontFaces != *e.Faces || s.FontFamilies != e.Families || s.FontPool != e.FontPool) {
		t.Errorf("fonts: %d faces %d families %s; h5py: %d %d %s", s.FontFaces, s.FontFamilies, s.FontPool, *e.Faces, e.Families, e.FontPool)
	}
	if len(s.Splits) != len(e.Splits) {
		t.Errorf("splits %v, h5py %v", s.Splits, e.Splits)
	}
	for _, sp := range s.Splits {
		if w := e.Splits[sp.Name]; len(w) != 3 || sp.Train != w[0] || sp.Valid != w[1] || sp.Test != w[2] {
			t.Errorf("split %s: %+v, h5py %v", sp.Name, sp, w)
		}
	}
	attrs := map[string]inspect.AttrSummary{}
	for _, a := range s.Attributes {
		attrs[a.Name] = a
	}
	h := attrs[hAttr]
	if !h.Categorical || h.Distinct != len(e.HCounts) || len(h.Top) != min(inspect.TopN, len(e.HCounts)) {
		t.Errorf("%s: %+v; h5py counts %v", hAttr, h, e.HCounts)
	}
	for i, c := range h.Top {
		// Ties may be ordered differently; the counts must agree.
		if c.Count != int(e.HCounts[i][1].(float64)) {
			t.Errorf("%s top %d: %v, h5py %v", hAttr, i, c, e.HCounts[i])
		}
	}
	st := attrs[histAttr].Stats
	if st == nil {
		t.Fatalf("%s: no statistics", histAttr)
	}
	for i, got := range []float64{st.Min, st.Q1, st.Median, st.Q3, st.Max, st.Mean} {
		if !near(got, e.Stats[i]) {
			t.Errorf("%s statistic %d (min q1 median q3 max mean): %v, numpy %v", histAttr, i, got, e.Stats[i])
		}
	}
	return s
}

// checkGrid runs view with two axes and checks the PNG: its size, and
// that every cell is the first sample of its pair (h5py) drawn pixel for
// pixel from x as read back, or blank where no sample has the pair.
func checkGrid(t *testing.T, dir, file string, e expected, h, v string, bgr bool) {
	t.Helper()
	code, out, errs := command(t, dir, "view", file, "--h-axis", h, "--v-axis", v, "--max", "6", "-o", "grid.png", "--json")
	if code != 0 {
		t.Fatalf("view: exit %d: %s", code, errs)
	}
	var g inspect.Grid
	if err := json.Unmarshal([]byte(out), &g); err != nil {
		t.Fatal(err)
	}
	img := decodePNG(t, filepath.Join(dir, "grid.png"))
	if b := img.Bounds(); b.Dx() != g.Width || b.Dy() != g.Height {
		t.Errorf("PNG %v, the layout says %d×%d", b, g.Width, g.Height)
	}
	if len(g.Columns) != min(6, len(e.HCounts)) || len(g.Cells) != len(g.Columns)*len(g.Rows) {
		t.Fatalf("grid %d columns × %d rows, %d cells", len(g.Columns), len(g.Rows), len(g.Cells))
	}
	for i, c := range g.Columns {
		if int(e.HCounts[i][1].(float64)) != int(countMap(e.HCounts)[c]) {
			t.Errorf("column %d %q is not the %d-th most common", i, c, i)
		}
	}
	f, err := hdf5.Open(filepath.Join(dir, file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	x, err := f.OpenDataset("x")
	if err != nil {
		t.Fatal(err)
	}
	H, W, C := e.Shape[1], e.Shape[2], e.Shape[3]
	drawn := 0
	for _, c := range g.Cells {
		want, ok := e.Pairs[g.Columns[c.Col]+"\x00"+g.Rows[c.Row]]
		if !ok {
			want = -1
		}
		if c.Index != want {
			t.Errorf("cell (%d, %d) %s=%s %s=%s: sample %d, h5py's first is %d", c.Row, c.Col, h, g.Columns[c.Col], v, g.Rows[c.Row], c.Index, want)
			continue
		}
		if c.W != W*g.Zoom || c.H != H*g.Zoom {
			t.Errorf("cell %dx%d at zoom %d", c.W, c.H, g.Zoom)
		}
		if c.Index < 0 {
			continue
		}
		drawn++
		px, err := x.ReadUint8([]uint64{uint64(c.Index), 0, 0, 0}, []uint64{1, uint64(H), uint64(W), uint64(C)})
		if err != nil {
			t.Fatal(err)
		}
		bad := 0
		for yy := 0; yy < c.H; yy++ {
			for xx := 0; xx < c.W; xx++ {
				r, gg, b, _ := img.At(c.X+xx, c.Y+yy).RGBA()
				s := px[((yy/g.Zoom)*W+xx/g.Zoom)*C:]
				wr, wg, wb := s[0], s[1], s[2]
				if bgr {
					wr, wb = wb, wr
				}
				if uint8(r>>8) != wr || uint8(gg>>8) != wg || uint8(b>>8) != wb {
					bad++
				}
			}
		}
		if bad > 0 {
			t.Errorf("cell (%d, %d), sample %d: %d pixels differ from x[%d]", c.Row, c.Col, c.Index, bad, c.Index)
		}
	}
	if drawn == 0 {
		t.Error("no cell holds a sample")
	}
}

func countMap(c [][2]any) map[string]float64 {
	m := map[string]float64{}
	for _, p := range c {
		m[p[0].(string)] = p[1].(float64)
	}
	return m
}

// checkHist runs view --hist and checks the counts and edges against
// numpy.histogram and each bar's height, measured in the PNG, against
// its count.
func checkHist(t *testing.T, dir, file string, e expected, attr string, bins int) {
	t.Helper()
	code, out, errs := command(t, dir, "view", file, "--attr", attr, "--hist", "--bins", strconv.Itoa(bins), "-o", "hist.png", "--json")
	if code != 0 {
		t.Fatalf("view --hist: exit %d: %s", code, errs)
	}
	var hg inspect.Histogram
	if err := json.Unmarshal([]byte(out), &hg); err != nil {
		t.Fatal(err)
	}
	if len(hg.Counts) != bins || len(hg.Bars) != bins {
		t.Fatalf("%d counts, %d bars, want %d", len(hg.Counts), len(hg.Bars), bins)
	}
	top := 0
	for i, c := range hg.Counts {
		if c != e.Hist[i] {
			t.Errorf("bin %d: %d, numpy %d", i, c, e.Hist[i])
		}
		top = max(top, c)
	}
	for i, ed := range hg.Edges {
		if !near(ed, e.Edges[i]) {
			t.Errorf("edge %d: %v, numpy %v", i, ed, e.Edges[i])
		}
	}
	img := decodePNG(t, filepath.Join(dir, "hist.png"))
	if b := img.Bounds(); b.Dx() != hg.Width || b.Dy() != hg.Height {
		t.Errorf("PNG %v, the layout says %d×%d", b, hg.Width, hg.Height)
	}
	base := hg.Bars[0].Y + hg.Bars[0].H // the row below the bars
	for i, b := range hg.Bars {
		// Measure: bar-coloured pixels up the bar's middle column.
		x, h := b.X+b.W/2, 0
		for y := base - 1; y >= 0 && isBar(img, x, y); y-- {
			h++
		}
		want := int(math.Round(float64(hg.Counts[i]) * float64(hg.Bars[0].Y+hg.Bars[0].H-minY(hg.Bars)) / float64(top)))
		if h != b.H || h != want {
			t.Errorf("bar %d (count %d): %d pixels high in the PNG, layout %d, want %d", i, hg.Counts[i], h, b.H, want)
		}
	}
}

// minY is the top of the highest bar, which is the plot's full height.
func minY(bars []inspect.Bar) int {
	y := bars[0].Y
	for _, b := range bars {
		y = min(y, b.Y)
	}
	return y
}

func isBar(img image.Image, x, y int) bool {
	r, g, b, _ := img.At(x, y).RGBA()
	c := inspect.BarColour
	return uint8(r>>8) == c.R && uint8(g>>8) == c.G && uint8(b>>8) == c.B
}

func decodePNG(t *testing.T, path string) image.Image {
	t.Helper()
	r, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	img, err := png.Decode(r)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func shapeJSON(d []uint64) string {
	b, _ := json.Marshal(d)
	return string(b)
}

// TestInfoViewGenerated: info, view and view --hist on a generated file,
// against h5py.
func TestInfoViewGenerated(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := command(t, dir, "generate", "--n_samples", "300", "--seed", "5", "--no-system-fonts", "--quiet", "--no-preview"); code != 0 {
		t.Fatalf("generate: exit %d: %s", code, errs)
	}
	e := expect(t, filepath.Join(dir, "default.h5py"), "char", "font", "scale", 12)
	s := checkInfo(t, dir, "default.h5py", e, "char", "scale")
	if !s.Typed || s.Dataset != "default" || s.MaskMode != "symbols" || !strings.HasPrefix(s.FontPool, "sha256:") {
		t.Errorf("info: typed %v dataset %q mask_mode %q pool %q", s.Typed, s.Dataset, s.MaskMode, s.FontPool)
	}
	code, out, errs := command(t, dir, "info", "default.h5py")
	if code != 0 {
		t.Fatalf("info: exit %d: %s", code, errs)
	}
	for _, want := range []string{"samples     300\n", "images      32×32, 3 channels", "mode symbols", "font pool   " + e.FontPool, "random: train 180, valid 60, test 60", "spec (first 8 of", "attributes (typed columns attr/)", "char ", "scale "} {
		if !strings.Contains(out, want) {
			t.Errorf("info lacks %q:\n%s", want, out)
		}
	}
	if _, full, _ := command(t, dir, "info", "default.h5py", "--spec"); !strings.Contains(full, "spec:\n") || len(full) <= len(out) {
		t.Errorf("info --spec does not print the whole spec:\n%s", full)
	}
	checkGrid(t, dir, "default.h5py", e, "char", "font", false)
	checkHist(t, dir, "default.h5py", e, "scale", 12)

	// No axes: the first rows×cols samples in order.
	code, out, errs = command(t, dir, "view", "default.h5py", "--rows", "2", "--cols", "3", "--zoom", "1", "--json", "--out", "first.png")
	if code != 0 {
		t.Fatalf("view: exit %d: %s", code, errs)
	}
	var g inspect.Grid
	if err := json.Unmarshal([]byte(out), &g); err != nil {
		t.Fatal(err)
	}
	if len(g.Cells) != 6 || g.Cells[5].Index != 5 || g.Cells[3].Row != 1 {
		t.Errorf("first samples: %+v", g.Cells)
	}
	if b := decodePNG(t, filepath.Join(dir, "first.png")).Bounds(); b.Dx() != g.Width || g.Width != 2*4+3*32+2*2 {
		t.Errorf("first.png %v, layout %d×%d", b, g.Width, g.Height)
	}
}

// originalPy writes a file in the original's layout: x, mask, y and
// split/ only, no attribute, x in BGR.
const originalPy = `
import sys, json, h5py, numpy as np
rng = np.random.default_rng(7)
n, fonts, chars = 150, ['Arial', 'Times New Roman', 'Courier'], 'abcdefg'
recs = []
for i in range(n):
    c, f = chars[rng.integers(len(chars))], fonts[rng.integers(3) if i % 5 else 0]
    sym = {'alphabet': 'english', 'char': c, 'font': f, 'is_bold': 'False', 'is_slant': 'True',
           'scale': float(rng.uniform(0.5, 1)), 'translation': [float(rng.uniform(-1, 1)), 0.0], 'rotation': 0.1,
           'foreground': {'style': 'Gradient', 'seed': 3}}
    r = {'resolution': [16, 16], 'pixel_noise_scale': 0.01, 'seed': int(rng.integers(1 << 31)),
         'background': {'style': ['Gradient', 'Camouflage'][i % 2], 'seed': 1}}
    r.update(sym)
    r['symbols'] = [sym]
    recs.append(json.dumps(r))
with h5py.File(sys.argv[1], 'w') as f:
    f['x'] = rng.integers(0, 256, size=(n, 16, 16, 3), dtype=np.uint8)
    f['mask'] = rng.random((n, 16, 16, 1)).astype(np.float32)
    f.create_dataset('y', data=recs, dtype=h5py.string_dtype('ascii'))
    for name in ['random', 'stratified_char']:
        s = np.zeros((n, 3), dtype=bool)
        s[np.arange(n), rng.integers(3, size=n)] = True
        f['split/' + name] = s
`

// TestInfoViewOriginal: the same checks on a file in the original's
// layout, whose attributes only the records y hold.
func TestInfoViewOriginal(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "orig.h5py")
	pytest.Run(t, pytest.Python(t), originalPy, path)
	e := expect(t, path, "char", "font", "scale", 7)
	s := checkInfo(t, dir, "orig.h5py", e, "char", "scale")
	if s.Typed || s.FontFaces != -1 || s.MaskMode != "" || s.MaskType != "float" {
		t.Errorf("info: typed %v faces %d mask_mode %q mask type %q", s.Typed, s.FontFaces, s.MaskMode, s.MaskType)
	}
	names := map[string]bool{}
	for _, a := range s.Attributes {
		names[a.Name] = true
	}
	for _, n := range []string{"char", "font", "scale", "translation_x", "background_style", "n_symbols", "is_bold", "seed"} {
		if !names[n] {
			t.Errorf("attributes from y lack %s: %v", n, s.Attributes)
		}
	}
	code, out, errs := command(t, dir, "info", "orig.h5py")
	if code != 0 || !strings.Contains(out, "attributes (parsed from the records y)") || !strings.Contains(out, "fonts       no manifest") {
		t.Errorf("info: exit %d: %s%s", code, out, errs)
	}
	checkGrid(t, dir, "orig.h5py", e, "char", "font", true)
	checkHist(t, dir, "orig.h5py", e, "scale", 7)
}

// TestInspectBadInput: not an HDF5 file, a file without x, an unknown
// attribute (a usage error listing the known ones), and usage mistakes.
func TestInspectBadInput(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "junk.h5py"), []byte("not an HDF5 file"), 0o644); err != nil {
		t.Fatal(err)
	}
	pytest.Run(t, pytest.Python(t), `
import sys, h5py
with h5py.File(sys.argv[1], 'w') as f:
    f['y'] = [b'{}']
`, filepath.Join(dir, "nox.h5py"))
	pytest.Run(t, pytest.Python(t), originalPy, filepath.Join(dir, "orig.h5py"))
	// This tool's other outputs, given where an HDF5 file is wanted.
	for format, out := range map[string]string{"npz": "t.npz", "wds": "w.json"} {
		if code, _, errs := command(t, dir, "generate", "--dataset", "tiny", "--n_samples", "12", "--format", format, "--preview=false",
			"--system-fonts=false", "--quiet", "--out", out); code != 0 {
			t.Fatalf("--format %s: exit %d: %s", format, code, errs)
		}
	}
	for _, c := range []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"info junk", []string{"info", "junk.h5py"}, 1, []string{"junk.h5py", "signature"}},
		{"view junk", []string{"view", "junk.h5py"}, 1, []string{"junk.h5py"}},
		{"info missing file", []string{"info", "nope.h5py"}, 1, []string{"nope.h5py"}},
		{"info npz", []string{"info", "t.npz"}, 1, []string{"t.npz", "a zip archive, as numpy's .npz files are"}},
		{"view npz", []string{"view", "t.npz"}, 1, []string{"t.npz", "a zip archive"}},
		{"info wds manifest", []string{"info", "w.json"}, 1, []string{"w.json", "JSON text, as a WebDataset manifest is"}},
		{"info wds shard", []string{"info", "w-000000.tar"}, 1, []string{"w-000000.tar", "a tar archive, as WebDataset shards are"}},
		{"split npz", []string{"split", "t.npz", "--add", "random"}, 1, []string{"t.npz", "a zip archive"}},
		{"split in place npz", []string{"split", "t.npz", "--add", "random", "--in-place"}, 1, []string{"t.npz", "a zip archive"}},
		{"merge npz", []string{"merge", "m.h5py", "t.npz"}, 1, []string{"t.npz", "a zip archive"}},
		{"info no x", []string{"info", "nox.h5py"}, 1, []string{"nox.h5py", "no dataset x"}},
		{"view no x", []string{"view", "nox.h5py", "--h-axis", "char"}, 1, []string{"no dataset x"}},
		{"unknown axis", []string{"view", "orig.h5py", "--h-axis", "colour"}, 2, []string{"colour", "known: ", "background_style", "char", "font", "scale"}},
		{"unknown hist", []string{"view", "orig.h5py", "--attr", "sclae", "--hist"}, 2, []string{"sclae", "known: ", "scale"}},
		{"categorical hist", []string{"view", "orig.h5py", "--attr", "font", "--hist"}, 1, []string{"font", "categorical"}},
		{"no file", []string{"info"}, 2, []string{"info", "FILE"}},
		{"two files", []string{"view", "a", "b"}, 2, []string{"view", "FILE"}},
		{"hist without attr", []string{"view", "orig.h5py", "--hist"}, 2, []string{"--attr"}},
		{"zero bins", []string{"view", "orig.h5py", "--attr", "scale", "--hist", "--bins", "0"}, 2, []string{"--bins"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, errs := command(t, dir, c.args...)
			if code != c.code {
				t.Errorf("exit %d, want %d: %s", code, c.code, errs)
			}
			oneLine(t, errs, c.want...)
			if _, err := os.Stat(filepath.Join(dir, "orig_grid.png")); err == nil {
				t.Error("a failed view wrote a PNG")
			}
		})
	}
}
