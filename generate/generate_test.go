package generate

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/synbols-gpu/synbols-gpu/atlas"
	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/engine/cpu"
	"github.com/synbols-gpu/synbols-gpu/fonts"
	"github.com/synbols-gpu/synbols-gpu/internal/pytest"
	"github.com/synbols-gpu/synbols-gpu/internal/testenv"
	"github.com/synbols-gpu/synbols-gpu/spec"
)

// env is the embedded fonts and a shared atlas.
func env(t testing.TB) (*fonts.Library, *atlas.Atlas) { return testenv.Embedded(t) }

func gen(t testing.TB, preset string, n, workers, batch int, seed uint64, out string) Result {
	t.Helper()
	lib, at := env(t)
	sp, err := spec.Preset(preset)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), Config{
		Name: preset, Spec: sp, N: n, Seed: seed, Out: out, Preview: true,
		Fonts: lib, SkipFontChecks: true, Atlas: at, Backend: cpu.New(workers), Workers: workers, BatchSize: batch,
	})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// loadCheck is the h5py side: the original Synbols loader, unchanged, and
// checks of every dataset's shape, dtype, storage and attributes.
const loadCheck = `
import sys, json
import h5py, numpy as np

def load_h5(file_path):
    with h5py.File(file_path, 'r') as fd:
        x = np.array(fd['x'])
        mask = np.array(fd['mask'])
        y = np.array([json.loads(attr) for attr in fd['y']])
        splits = {}
        for key in fd['split'].keys():
            splits[key] = np.array(fd['split'][key])
    return x, mask, y, splits

path, n, h, w, c, k = sys.argv[1], *map(int, sys.argv[2:7])
x, mask, y, splits = load_h5(path)
assert x.shape == (n, h, w, c) and x.dtype == np.uint8, (x.shape, x.dtype)
assert mask.shape == (n, h, w, k) and mask.dtype == np.uint8, (mask.shape, mask.dtype)
assert y.shape == (n,), y.shape
assert sorted(splits) == ['compositional_char_font', 'random', 'stratified_char', 'stratified_font'], sorted(splits)
keys = ['resolution', 'pixel_noise_scale', 'seed', 'background', 'alphabet', 'char', 'font',
        'is_bold', 'is_slant', 'scale', 'translation', 'rotation', 'foreground', 'bbox', 'symbols']
for r in y:
    assert list(r.keys()) == keys, list(r.keys())
    assert r['is_bold'] in ('True', 'False') and r['is_slant'] in ('True', 'False')
    assert r['resolution'] == [w, h]
    assert isinstance(r['scale'], float) and isinstance(r['rotation'], float)
    assert isinstance(r['seed'], int)
    assert r['symbols'][0]['char'] == r['char']
for name, s in splits.items():
    assert s.shape == (n, 3) and s.dtype == bool, (name, s.shape, s.dtype)
    assert (s.sum(axis=1) == 1).all(), name + ': rows not one-hot'
with h5py.File(path, 'r') as f:
    for name in ('x', 'mask', 'y'):
        d = f[name]
        assert d.chunks is not None and d.compression == 'gzip', (name, d.chunks, d.compression)
        assert d.chunks[1:] == d.shape[1:], (name, d.chunks)
    assert h5py.check_string_dtype(f['y'].dtype).encoding == 'ascii'
    assert isinstance(f['y'][0], bytes)
    for name in splits:
        a = f['split'][name].attrs
        assert isinstance(a['seed'], (int, np.integer)) and isinstance(a['timestamp'], str), dict(a)
    assert 'spec' in f.attrs
rnd = splits['random'].sum(axis=0)
assert abs(rnd[0] - 0.6 * n) <= 1 and abs(rnd[1] - 0.2 * n) <= 1, rnd
print('ok', x.mean(), mask.mean())
`

// TestH5pyLoadsDataset generates each preset of this release with the
// embedded fonts and loads it with h5py as Synbols users do.
func TestH5pyLoadsDataset(t *testing.T) {
	py := pytest.Python(t)
	dir := t.TempDir()
	for _, c := range []struct {
		preset     string
		h, w, c, k int
	}{{"default", 32, 32, 3, 1}, {"default-bw", 32, 32, 3, 1}, {"plain", 32, 32, 3, 1}, {"tiny", 8, 8, 1, 1}} {
		t.Run(c.preset, func(t *testing.T) {
			const n = 400
			out := filepath.Join(dir, c.preset+".h5py")
			res := gen(t, c.preset, n, 2, 128, 42, out)
			if res.N != n || res.Bytes <= 0 {
				t.Fatalf("result %+v", res)
			}
			if fi, err := os.Stat(PreviewPath(out)); err != nil || fi.Size() == 0 {
				t.Fatalf("no preview: %v", err)
			}
			got := pytest.Run(t, py, loadCheck, out, "400", strconv.Itoa(c.h), strconv.Itoa(c.w), strconv.Itoa(c.c), strconv.Itoa(c.k))
			if !strings.HasPrefix(got, "ok") {
				t.Fatalf("python said %q", got)
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if strings.Contains(e.Name(), ".tmp") {
					t.Errorf("temporary file left behind: %s", e.Name())
				}
			}
		})
	}
}

// digest is the h5py side of the determinism test: a SHA-256 over every
// dataset's values (the split timestamps excluded).
const digest = `
import sys, hashlib, h5py, numpy as np
h = hashlib.sha256()
with h5py.File(sys.argv[1], 'r') as f:
    for name in ('x', 'mask'):
        h.update(np.ascontiguousarray(f[name][...]).tobytes())
    for r in f['y']:
        h.update(r)
    for name in sorted(f['split']):
        h.update(np.ascontiguousarray(f['split'][name][...]).tobytes())
        h.update(str(int(f['split'][name].attrs['seed'])).encode())
print(h.hexdigest())
`

// TestSameSeedSameFile: the same seed gives the same file contents for 1
// worker with batches of 64 and 4 workers with batches of 1000; another
// seed gives other contents.
func TestSameSeedSameFile(t *testing.T) {
	py := pytest.Python(t)
	dir := t.TempDir()
	const n = 1500
	a, b, c := filepath.Join(dir, "a.h5py"), filepath.Join(dir, "b.h5py"), filepath.Join(dir, "c.h5py")
	gen(t, "default", n, 1, 64, 42, a)
	gen(t, "default", n, 4, 1000, 42, b)
	gen(t, "default", n, 4, 1000, 43, c)
	da, db, dc := pytest.Run(t, py, digest, a), pytest.Run(t, py, digest, b), pytest.Run(t, py, digest, c)
	if da != db {
		t.Errorf("same seed, different contents: %s vs %s", da, db)
	}
	if da == dc {
		t.Errorf("seeds 42 and 43 gave the same contents")
	}
}

func TestBadConfig(t *testing.T) {
	lib, at := env(t)
	sp, _ := spec.Preset("default")
	dir := t.TempDir()
	for name, cfg := range map[string]Config{
		"zero samples": {Spec: sp, N: 0, Fonts: lib, SkipFontChecks: true, Atlas: at, Backend: cpu.New(1), Out: filepath.Join(dir, "x.h5py")},
		"no font":      {Spec: sp, N: 10, Fonts: emptyLibrary(t), SkipFontChecks: true, Atlas: at, Backend: cpu.New(1), Out: filepath.Join(dir, "y.h5py")},
		"bad folder":   {Spec: sp, N: 10, Fonts: lib, SkipFontChecks: true, Atlas: at, Backend: cpu.New(1), Out: filepath.Join(dir, "missing", "z.h5py")},
	} {
		if _, err := Run(context.Background(), cfg); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("files left behind: %v", entries)
	}
}

// emptyLibrary is a library with no family at all.
func emptyLibrary(testing.TB) *fonts.Library { return &fonts.Library{} }

// failingBackend paints some batches, then fails, as a GPU that runs out
// of memory mid-run would.
type failingBackend struct {
	engine.Backend
	left int
}

func (f *failingBackend) Paint(b *engine.Batch, out engine.Output) error {
	if f.left == 0 {
		return errors.New("device lost")
	}
	f.left--
	return f.Backend.Paint(b, out)
}

// TestBackendFailureLeavesNoFile: a backend error after some batches were
// written ends the run with that error and nothing at the output path (no
// temporary either).
func TestBackendFailureLeavesNoFile(t *testing.T) {
	lib, at := env(t)
	sp, _ := spec.Preset("default")
	dir := t.TempDir()
	out := filepath.Join(dir, "x.h5py")
	_, err := Run(context.Background(), Config{Spec: sp, N: 1000, Seed: 1, Out: out, Preview: true,
		Fonts: lib, SkipFontChecks: true, Atlas: at, Backend: &failingBackend{Backend: cpu.New(1), left: 3}, BatchSize: 100})
	if err == nil || !strings.Contains(err.Error(), "device lost") {
		t.Fatalf("err %v, want the backend's error", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("files left behind: %v", entries)
	}
}

// panickingBackend panics on its second batch, as a bug in a painter
// would.
type panickingBackend struct {
	engine.Backend
	calls int
}

func (p *panickingBackend) Paint(b *engine.Batch, out engine.Output) error {
	if p.calls++; p.calls == 2 {
		var m map[string]int
		m["boom"]++ // a nil-map write: a runtime panic
	}
	return p.Backend.Paint(b, out)
}

// TestPanicLeavesNoFile: a painter that panics mid-run ends the run with
// an ErrInternal one-line error instead of killing the process, the old
// output byte-identical and no temporary left.
func TestPanicLeavesNoFile(t *testing.T) {
	lib, at := env(t)
	sp, _ := spec.Preset("default")
	dir := t.TempDir()
	out := filepath.Join(dir, "x.h5py")
	if err := os.WriteFile(out, []byte("previous dataset"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Run(context.Background(), Config{Spec: sp, N: 1000, Seed: 1, Out: out, Preview: true,
		Overwrite: true, // replacing it is what the panic must not do half-way
		Fonts:     lib, SkipFontChecks: true, Atlas: at, Backend: &panickingBackend{Backend: cpu.New(1)}, BatchSize: 100})
	var pe *PanicError
	if !errors.Is(err, ErrInternal) || !errors.As(err, &pe) || strings.Contains(err.Error(), "\n") || len(pe.Stack) == 0 {
		t.Fatalf("err %v, want a one-line ErrInternal with the stack kept", err)
	}
	if b, _ := os.ReadFile(out); string(b) != "previous dataset" {
		t.Errorf("the old output changed: %q", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
	}
}

// TestStages: a run reports each stage's time; the stages that did work
// were busy, no figure is negative, and no stage was busy longer than the
// run (the compressors' sum aside: they run in parallel).
func TestStages(t *testing.T) {
	res := gen(t, "default", 5000, 2, 512, 1, filepath.Join(t.TempDir(), "s.h5py"))
	if len(res.Stages) < 7 {
		t.Fatalf("stages %+v", res.Stages)
	}
	busy := map[string]time.Duration{}
	for _, st := range res.Stages {
		if st.Busy < 0 || st.Wait < 0 {
			t.Errorf("%s: negative time %+v", st.Name, st)
		}
		if !strings.HasPrefix(st.Name, "compress") && st.Busy > res.Elapsed {
			t.Errorf("%s busy %v in a run of %v", st.Name, st.Busy, res.Elapsed)
		}
		busy[strings.Fields(st.Name)[0]] = st.Busy
	}
	for _, name := range []string{"sample", "paint", "compress", "libhdf5", "close,"} {
		if busy[name] <= 0 {
			t.Errorf("stage %q did no work: %+v", name, res.Stages)
		}
	}
}
