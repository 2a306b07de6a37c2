package inspect

import (
	"image"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/internal/hdf5"
)

// TestGrayFromRecords: a one-channel file without typed columns: images
// come back as grey, attributes from the records, the grid without axes
// in sample order.
func TestGrayFromRecords(t *testing.T) {
	path := filepath.Join(t.TempDir(), "g.h5")
	h, err := hdf5.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	px := []byte{0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15, 20, 21, 22, 23, 24, 25}
	if _, err := h.CreateNumeric("x", hdf5.Uint8, []uint64{3, 2, 3, 1}, nil, 0, px); err != nil {
		t.Fatal(err)
	}
	y, err := h.CreateStrings("y", 3, 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	recs := [][]byte{
		[]byte(`{"char": "a", "scale": 0.5, "background": {"style": "Gradient"}, "symbols": [{}], "translation": [0.1, 0.2]}`),
		[]byte(`{"char": "b", "scale": 1.5, "background": {"style": "SolidColor"}, "symbols": [], "translation": [0.3, 0.4]}`),
		[]byte(`{"char": "a", "background": {"style": "Gradient"}, "symbols": [{}, {}]}`),
	}
	if err := y.WriteStrings(0, recs); err != nil {
		t.Fatal(err)
	}
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := f.Image(1)
	if err != nil {
		t.Fatal(err)
	}
	if g, ok := img.(*image.Gray); !ok || !slices.Equal(g.Pix, px[6:12]) || g.Bounds() != image.Rect(0, 0, 3, 2) {
		t.Errorf("sample 1: %T %v", img, img)
	}
	names, err := f.Attributes()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"background_style", "char", "n_symbols", "scale", "translation_x", "translation_y"}; !slices.Equal(names, want) {
		t.Errorf("attributes %v, want %v", names, want)
	}
	s, err := f.Column("scale")
	if err != nil || s.Categorical || s.Values[0] != 0.5 || s.Values[2] == s.Values[2] {
		t.Errorf("scale: %+v, %v (want 0.5, 1.5, NaN)", s, err)
	}
	sum := summariseColumn(s)
	if sum.Missing != 1 || sum.Stats.Median != 1 || sum.Stats.Q1 != 0.75 {
		t.Errorf("scale summary %+v %+v", sum, sum.Stats)
	}
	g, err := f.View(GridOptions{Rows: 1, Cols: 2, Zoom: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Cells) != 2 || g.Cells[1].Index != 1 || g.Image.NRGBAAt(g.Cells[1].X+2, g.Cells[1].Y).R != 11 {
		t.Errorf("grid %+v", g.Cells)
	}
	g, err = f.View(GridOptions{HAxis: "char", VAxis: "background_style", Max: 5})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(g.Columns, []string{"a", "b"}) || !slices.Equal(g.Rows, []string{"Gradient", "SolidColor"}) {
		t.Errorf("axes %v × %v", g.Columns, g.Rows)
	}
	var idx []int
	for _, c := range g.Cells {
		idx = append(idx, c.Index)
	}
	if !slices.Equal(idx, []int{0, -1, -1, 1}) {
		t.Errorf("cells %v, want [0 -1 -1 1]", idx)
	}
}

func TestQuantileFrequencies(t *testing.T) {
	v := []float64{1, 2, 3, 4}
	for q, want := range map[float64]float64{0: 1, 0.25: 1.75, 0.5: 2.5, 0.75: 3.25, 1: 4} {
		if got := quantile(v, q); got != want {
			t.Errorf("quantile(%v) = %v, numpy %v", q, got, want)
		}
	}
	c, missing := Frequencies([]string{"b", "a", "", "b", "c", "a"})
	if missing != 1 || !slices.Equal(c, []Count{{"a", 2}, {"b", 2}, {"c", 1}}) {
		t.Errorf("Frequencies: %v, %d missing", c, missing)
	}
	if got := labelText("Noto 한", 20); got != "Noto U+D55C" {
		t.Errorf("labelText: %q", got)
	}
	if got := labelText("DejaVu Sans", 5); got != "Deja~" {
		t.Errorf("labelText cut: %q", got)
	}
}

// quantile of sorted v, numpy's default ("linear") interpolation: the
// reference selectQuantile must match.
func quantile(v []float64, q float64) float64 {
	pos := q * float64(len(v)-1)
	i := int(math.Floor(pos))
	if i+1 >= len(v) {
		return v[len(v)-1]
	}
	return v[i] + float64((pos-float64(i))*(v[i+1]-v[i]))
}

// TestSelectQuantileMatchesSort: selection gives the sorted quantiles
// exactly, on 3,000 random slices of 1 to 3,000 values: few distinct
// values (runs of ties, as a constant column), sorted and reversed input,
// infinities and signed zeros.
func TestSelectQuantileMatchesSort(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for c := range 3000 {
		n := 1 + r.IntN(3000)
		v := make([]float64, n)
		distinct := 1 + r.IntN(1+c%50)
		for i := range v {
			v[i] = float64(r.IntN(distinct)) - float64(distinct)/2
			switch r.IntN(40) {
			case 0:
				v[i] = math.Inf(1 - 2*r.IntN(2))
			case 1:
				v[i] = math.Copysign(0, -1)
			case 2:
				v[i] = r.NormFloat64()
			}
		}
		switch c % 5 {
		case 1:
			slices.Sort(v)
		case 2:
			slices.Sort(v)
			slices.Reverse(v)
		}
		sorted := slices.Clone(v)
		slices.Sort(sorted)
		for _, q := range []float64{0, 0.25, 0.5, 0.75, 1} {
			want := quantile(sorted, q)
			got := selectQuantile(slices.Clone(v), q)
			if got != want && !(math.IsNaN(got) && math.IsNaN(want)) {
				t.Fatalf("case %d (n %d, %d distinct): quantile %v = %v, sorted %v", c, n, distinct, q, got, want)
			}
		}
	}
}

// TestCodeFrequencies: counting codes gives Frequencies of the labels,
// with a book that spells a value twice and has an empty name, and
// negative codes (missing).
func TestCodeFrequencies(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	book := []string{"a", "b", "", "a", "c", "d"}
	for range 200 {
		codes := make([]int32, r.IntN(500))
		labels := make([]string, len(codes))
		for i := range codes {
			codes[i] = int32(r.IntN(len(book)+1)) - 1
			if codes[i] >= 0 {
				labels[i] = book[codes[i]]
			}
		}
		got, gm := codeFrequencies(codes, book)
		want, wm := Frequencies(labels)
		if gm != wm || !slices.Equal(got, want) {
			t.Fatalf("codes: %v, %d missing; labels: %v, %d missing", got, gm, want, wm)
		}
	}
}
