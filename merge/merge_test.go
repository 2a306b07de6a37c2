package merge

import (
	"context"
	"encoding/binary"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/generate"
	"github.com/synbols-gpu/synbols-gpu/internal/hdf5"
	"github.com/synbols-gpu/synbols-gpu/output"
)

// sample is one synthetic sample's coded names: the first symbol's char
// and font, and its two symbols' chars.
type sample struct {
	char, font string
	sym        [2]string
}

// writeShard writes rows [lo, hi) of samples as a shard would hold them:
// the value lists are base followed by the names outside it in the
// order this shard meets them (char, then the symbols' chars), as a run
// codes them.
func writeShard(t *testing.T, path string, samples []sample, lo, hi int, base []string) {
	t.Helper()
	cols := []output.Column{
		{Name: "attr/char", Type: output.Int32}, {Name: "attr/font", Type: output.Int32},
		{Name: "attr/symbol_char", Type: output.Int32, Shape: []int{2}},
	}
	w, err := output.Create(output.Options{
		Path: path, N: hi - lo, H: 2, W: 2, C: 1, K: 2, Columns: cols, Workers: 1,
		Attrs: map[string]string{"spec": "s", "seed": "9", "mask_mode": "symbols", "channel_order": "L",
			"generator": "g", "dataset": "d", "fonts": "[]", "font_pool": "p",
			"n_total": strconv.Itoa(len(samples)), "shard_start": strconv.Itoa(lo), "shard_end": strconv.Itoa(hi)},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	chars, fonts := generate.NewValueBook(base), generate.NewValueBook([]string{"f0", "f1"})
	n := hi - lo
	c := [][]byte{make([]byte, 4*n), make([]byte, 4*n), make([]byte, 8*n)}
	var y [][]byte
	for j, s := range samples[lo:hi] {
		binary.LittleEndian.PutUint32(c[0][4*j:], uint32(chars.Code(s.char)))
		binary.LittleEndian.PutUint32(c[1][4*j:], uint32(fonts.Code(s.font)))
		for i, sc := range s.sym {
			binary.LittleEndian.PutUint32(c[2][8*j+4*i:], uint32(chars.Code(sc)))
		}
		y = append(y, []byte(`{"i":`+strconv.Itoa(lo+j)+`}`))
	}
	x := make([]byte, 4*n)
	for i := range x {
		x[i] = byte(lo*4 + i)
	}
	if err := w.WriteSamples(output.Samples{X: x, Mask: make([]byte, 8*n), Y: y, Columns: c}); err != nil {
		t.Fatal(err)
	}
	for _, v := range []struct {
		path string
		b    *generate.ValueBook
	}{{"attr/char_values", chars}, {"attr/font_values", fonts}} {
		if err := w.WriteValues(v.path, v.b.Names()); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func readInts(t *testing.T, f *hdf5.File, path string) []int32 {
	t.Helper()
	d, err := f.OpenDataset(path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	dims := d.Dims()
	v, err := d.ReadInt32(make([]uint64, len(dims)), dims)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func readNames(t *testing.T, f *hdf5.File, path string) []string {
	t.Helper()
	d, err := f.OpenDataset(path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	v, err := d.ReadStrings(0, d.Dims()[0])
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestRecode: names outside the universe are numbered by each shard in
// its own order; the merged file numbers them as one run over all the
// samples would (first met in sample order, char before the symbols'
// chars), and every sample still decodes to its names.
func TestRecode(t *testing.T) {
	base := []string{"a", "b"}
	samples := []sample{
		{"a", "f0", [2]string{"a", "z"}},
		{"z", "f1", [2]string{"z", ""}},
		{"y", "f0", [2]string{"y", "x"}}, // shard 1 from here: y, x new to it, z later
		{"b", "f1", [2]string{"b", "z"}},
		{"", "", [2]string{"", ""}}, // no symbol: -1
		{"w", "f2", [2]string{"w", "a"}},
	}
	dir := t.TempDir()
	writeShard(t, filepath.Join(dir, "s1.h5"), samples, 2, 6, base)
	writeShard(t, filepath.Join(dir, "s0.h5"), samples, 0, 2, base)
	for _, cp := range []bool{false, true} {
		out := filepath.Join(dir, "m"+strconv.FormatBool(cp)+".h5")
		res, err := Merge(context.Background(), Options{Out: out, Shards: []string{filepath.Join(dir, "s1.h5"), filepath.Join(dir, "s0.h5")}, Copy: cp, Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		if res.N != 6 || res.Virtual == cp {
			t.Errorf("result %+v", res)
		}
		f, err := hdf5.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		// One run's book: base, then first met in sample order.
		want := generate.NewValueBook(base)
		for _, s := range samples {
			want.Code(s.char)
			for _, c := range s.sym {
				want.Code(c)
			}
		}
		chars := readNames(t, f, "attr/char_values")
		if !slices.Equal(chars, want.Names()) {
			t.Errorf("char_values %q, want %q", chars, want.Names())
		}
		if fonts := readNames(t, f, "attr/font_values"); !slices.Equal(fonts, []string{"f0", "f1", "f2"}) {
			t.Errorf("font_values %q", fonts)
		}
		codes, sym := readInts(t, f, "attr/char"), readInts(t, f, "attr/symbol_char")
		for i, s := range samples {
			if codes[i] != want.Code(s.char) {
				t.Errorf("sample %d: char code %d, want %d (%q)", i, codes[i], want.Code(s.char), s.char)
			}
			for k, c := range s.sym {
				if sym[2*i+k] != want.Code(c) {
					t.Errorf("sample %d symbol %d: code %d, want %d (%q)", i, k, sym[2*i+k], want.Code(c), c)
				}
			}
		}
		x, err := f.OpenDataset("x")
		if err != nil {
			t.Fatal(err)
		}
		got, err := x.ReadRaw([]uint64{0, 0, 0, 0}, []uint64{6, 2, 2, 1})
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range got {
			if v != byte(i) {
				t.Fatalf("x[%d] = %d, want %d (rows out of order)", i, v, i)
			}
		}
		split := readNames(t, f, "y")
		if split[5] != `{"i":5}` {
			t.Errorf("y[5] = %q", split[5])
		}
		x.Close()
		f.Close()
	}
}
