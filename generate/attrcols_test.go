package generate

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/internal/pytest"
	"github.com/synbols-gpu/synbols-gpu/masks"
	"github.com/synbols-gpu/synbols-gpu/spec"
)

// attrCheck is the h5py side of TestTypedColumns: every typed column
// equals, row by row, what the JSON record y says; the optional columns
// are exactly those the spec records (argv[3]); split_index is np.where
// of the split columns; the values lists are UTF-8 strings.
const attrCheck = `
import sys, json, math
import h5py, numpy as np

path, k, optional, real = sys.argv[1], int(sys.argv[2]), set(filter(None, sys.argv[3].split(','))), int(sys.argv[4])
with h5py.File(path, 'r') as f:
    y = [json.loads(r) for r in f['y']]
    n = len(y)
    a = f['attr']
    types = {'char': 'i4', 'font': 'i4', 'alphabet': 'i4', 'scale': 'f8', 'rotation': 'f8', 'translation': 'f8',
             'is_bold': 'bool', 'is_slant': 'bool', 'seed': 'u4', 'n_symbols': 'i4', 'inverse': 'bool',
             'pixel_noise_scale': 'f8', 'symbol_char': 'i4', 'symbol_font': 'i4', 'bbox': 'i4',
             'symbol_scale': 'f8', 'symbol_rotation': 'f8', 'symbol_translation': 'f8',
             'overlap_score': 'f8', 'true_char': 'i4', 'mixture_component': 'i4', 'occluders': 'i4'}
    shapes = {'translation': (n, 2), 'symbol_char': (n, k), 'symbol_font': (n, k), 'bbox': (n, k, 4),
              'symbol_scale': (n, k), 'symbol_rotation': (n, k), 'symbol_translation': (n, k, 2)}
    books = {b + '_values' for b in ('char', 'font', 'alphabet')}
    present = set(a.keys()) - books
    opt = {'overlap_score', 'true_char', 'mixture_component', 'occluders'}
    assert present - opt == set(types) - opt, sorted(present)
    assert present & opt == optional, (sorted(present & opt), sorted(optional))
    col = {}
    for name in present:
        d = a[name]
        assert d.dtype == np.dtype(types[name]), (name, d.dtype)
        assert d.shape == shapes.get(name, (n,)), (name, d.shape)
        assert d.chunks is not None and d.chunks[0] == f['y'].chunks[0] and d.compression == 'gzip', (name, d.chunks)
        col[name] = d[...]
    vals = {}
    for b in books:
        assert h5py.check_string_dtype(a[b].dtype).encoding == 'utf-8', b
        vals[b.split('_')[0]] = list(a[b].asstr()[...])
        assert len(set(vals[b.split('_')[0]])) == len(vals[b.split('_')[0]]), b + ' repeats a name'
    def name(book, c):
        assert -1 <= c < len(vals[book]), (book, c)
        return None if c < 0 else vals[book][c]
    nan = lambda v: isinstance(v, float) and math.isnan(v)
    for i, r in enumerate(y):
        s = r['symbols']
        assert col['n_symbols'][i] == len(s), (i, col['n_symbols'][i], len(s))
        assert col["seed"][i] == r["seed"] and col["pixel_noise_scale"][i] == r["pixel_noise_scale"], (i, col["seed"][i], r["seed"], col["pixel_noise_scale"][i], r["pixel_noise_scale"])
        if s:
            assert name('char', col['char'][i]) == r['char'], (i, name('char', col['char'][i]), r['char'])
            assert name('font', col['font'][i]) == r['font'], i
            assert name('alphabet', col['alphabet'][i]) == r['alphabet'], i
            assert col['scale'][i] == r['scale'] and col['rotation'][i] == r['rotation'], i
            assert list(col['translation'][i]) == r['translation'], i
            assert col['is_bold'][i] == (r['is_bold'] == 'True') and col['is_slant'][i] == (r['is_slant'] == 'True'), i
        else:
            assert col['char'][i] == col['font'][i] == col['alphabet'][i] == -1, i
            assert nan(col['scale'][i]), i
        for j in range(k):
            if j < len(s):
                assert name('char', col['symbol_char'][i, j]) == s[j]['char'], (i, j)
                assert name('font', col['symbol_font'][i, j]) == s[j]['font'], (i, j)
                assert list(col['bbox'][i, j]) == s[j]['bbox'], (i, j, col['bbox'][i, j], s[j]['bbox'])
                assert col['symbol_scale'][i, j] == s[j]['scale'] and col['symbol_rotation'][i, j] == s[j]['rotation'], (i, j)
                assert list(col['symbol_translation'][i, j]) == s[j]['translation'], (i, j)
            else:
                assert col['symbol_char'][i, j] == col['symbol_font'][i, j] == -1, (i, j)
                assert (col['bbox'][i, j] == 0).all(), (i, j)
                assert nan(col['symbol_scale'][i, j]) and np.isnan(col['symbol_translation'][i, j]).all(), (i, j)
        if 'overlap_score' in col:
            assert col['overlap_score'][i] == r['overlap_score'], i
        if 'true_char' in col:
            assert name('char', col['true_char'][i]) == r.get('true_char'), (i, r.get('true_char'))
        if 'mixture_component' in col:
            assert col['mixture_component'][i] == r['mixture_component'], i
        if 'occluders' in col:
            assert col['occluders'][i] == len(s) - real, (i, col['occluders'][i], len(s))
    # inverse is not in the record (the sample's, drawn by the spec; the
    # presets here draw it with probability 0.5).
    assert col['inverse'].any() and not col['inverse'].all()
    # The optional columns are not all trivial in these samples.
    if 'true_char' in col: assert (col['true_char'] >= 0).any()
    if 'mixture_component' in col: assert len(set(col['mixture_component'])) > 1
    if 'occluders' in col: assert col['occluders'].any()
    if 'overlap_score' in col: assert (col['overlap_score'] > 0).any()
    names = sorted(f['split'])
    assert sorted(f['split_index']) == names, sorted(f['split_index'])
    for s in names:
        sp = f['split'][s][...]
        g = f['split_index'][s]
        assert sorted(g) == ['test', 'train', 'valid'], (s, sorted(g))
        for p, part in enumerate(('train', 'valid', 'test')):
            idx = g[part][...]
            assert idx.dtype == np.int64, (s, part, idx.dtype)
            assert np.array_equal(idx, np.where(sp[:, p])[0]), (s, part)
print('ok', n)
`

// attrDigest hashes the typed columns and split_index, for the
// determinism check.
const attrDigest = `
import sys, hashlib, h5py, numpy as np
h = hashlib.sha256()
with h5py.File(sys.argv[1], 'r') as f:
    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            h.update(name.encode())
            h.update(np.ascontiguousarray(obj[...]).tobytes() if obj.dtype.kind != 'O' else b'|'.join(obj[...]))
    f['attr'].visititems(visit)
    f['split_index'].visititems(visit)
print(h.hexdigest())
`

// TestTypedColumns generates presets that exercise every column (flatten's
// overlap_score and many symbols, label noise, occluders, a mixture) and
// checks the columns against the JSON records with h5py; a tampered copy
// must fail the same check, and the columns must not depend on workers or
// batches.
func TestTypedColumns(t *testing.T) {
	py := pytest.Python(t)
	dir := t.TempDir()
	for _, c := range []struct {
		preset   string
		n, k     int
		optional string
		real     int // symbols that are not occluders, for occluders
	}{
		{"default", 300, 1, "", 1},
		{"counting", 100, 9, "overlap_score", 0},
		{"label-noise", 200, 1, "true_char", 1},
		{"some-large-occlusion", 200, 2, "occluders", 1},
		{"missing-symbol", 200, 1, "mixture_component", 1},
	} {
		t.Run(c.preset, func(t *testing.T) {
			out := filepath.Join(dir, c.preset+".h5py")
			gen(t, c.preset, c.n, 2, 64, 7, out)
			got := pytest.Run(t, py, attrCheck, out, strconv.Itoa(c.k), c.optional, strconv.Itoa(c.real))
			if !strings.HasPrefix(got, "ok") {
				t.Fatalf("python said %q", got)
			}
			if c.preset != "default" {
				return
			}
			// The check can fail: one changed scale, one changed
			// split index.
			for _, tamper := range []string{
				"f['attr/scale'][5] = f['attr/scale'][5] + 1e-9",
				"f['attr/bbox'][7, 0, 2] = f['attr/bbox'][7, 0, 2] + 1",
				"f['split_index/random/test'][0] = f['split_index/random/test'][1]",
			} {
				bad := filepath.Join(dir, "tampered.h5py")
				raw, err := os.ReadFile(out)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(bad, raw, 0o644); err != nil {
					t.Fatal(err)
				}
				pytest.Run(t, py, "import sys, h5py\nwith h5py.File(sys.argv[1], 'r+') as f:\n    "+tamper, bad)
				msg, err := exec.Command(py, "-c", attrCheck, bad, "1", "", "1").CombinedOutput()
				if err == nil {
					t.Errorf("the check passed a tampered file (%s): %s", tamper, msg)
				} else if !strings.Contains(string(msg), "AssertionError") {
					t.Errorf("the check of a tampered file (%s) failed, but not on an assertion: %s", tamper, msg)
				}
			}
			other := filepath.Join(dir, "other.h5py")
			gen(t, c.preset, c.n, 1, 300, 7, other)
			if a, b := pytest.Run(t, py, attrDigest, out), pytest.Run(t, py, attrDigest, other); a != b {
				t.Errorf("columns differ between 2 workers, batches of 64 and 1 worker, one batch: %s vs %s", a, b)
			}
		})
	}
}

// TestTypedColumnsDocumented: every column the presets can write, and the
// value lists, are in docs/format.md's "Typed columns" table.
func TestTypedColumnsDocumented(t *testing.T) {
	doc, err := os.ReadFile("../docs/format.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(doc), "## Typed columns")
	if !ok {
		t.Fatal(`docs/format.md has no "Typed columns" section`)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	for _, preset := range []string{"default", "counting", "label-noise", "some-large-occlusion", "missing-symbol"} {
		sp, err := spec.Preset(preset)
		if err != nil {
			t.Fatal(err)
		}
		mode, err := masks.ParseMode(sp.MaskMode())
		if err != nil {
			t.Fatal(err)
		}
		a := newAttrCols(sp, spec.Universe{}, mode, sp.MaxSymbols())
		names := a.named[:]
		for _, c := range a.cols {
			names = append(names, c.Name)
		}
		for _, name := range names {
			if !strings.Contains(section, "| `"+name+"` |") && !strings.Contains(section, "`"+name+"`,") && !strings.Contains(section, "`"+name+"`\n") {
				t.Errorf("%s: column %s is not in the Typed columns section", preset, name)
			}
		}
	}
}
