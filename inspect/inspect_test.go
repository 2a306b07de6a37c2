package inspect

import (
	"image"
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
