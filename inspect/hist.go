package inspect

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
)

// Histogram is a drawn histogram of a numeric attribute and where its
// bars are; --json prints it.
type Histogram struct {
	Attr    string `json:"attr"`
	Samples int    `json:"samples"` // values counted (missing ones left out)
	Missing int    `json:"missing"`
	// Edges has len(Counts)+1 entries; bin i is [Edges[i], Edges[i+1]),
	// the last one closed, as numpy.histogram counts.
	Edges  []float64    `json:"edges"`
	Counts []int        `json:"counts"`
	Bars   []Bar        `json:"bars"`
	Width  int          `json:"width"`
	Height int          `json:"height"`
	Image  *image.NRGBA `json:"-"`
}

// Bar is bin i's rectangle in the image; H is 0 for an empty bin.
type Bar struct {
	X int `json:"x"`
	Y int `json:"y"`
	W int `json:"w"`
	H int `json:"h"`
}

// BarColour is the bars' colour, which no label or axis uses, so that
// bars can be measured in the image.
var BarColour = color.NRGBA{70, 110, 180, 255}

// The plot's geometry: the bars' area and the margins for the labels.
const (
	plotLeft, plotTop = 64, 36
	plotW, plotH      = 576, 300
	histW, histH      = plotLeft + plotW + 16, plotTop + plotH + 2*lineH + 16
)

// Hist counts attribute name's values into bins equal bins between its
// smallest and largest value and draws them.
func (f *File) Hist(name string, bins int) (*Histogram, error) {
	if bins < 1 || bins > plotW/2 {
		return nil, fmt.Errorf("--bins %d: want 1 to %d", bins, plotW/2)
	}
	c, err := f.Column(name)
	if err != nil {
		return nil, err
	}
	if c.Categorical {
		return nil, fmt.Errorf("attribute %s is categorical: a histogram needs a numeric one (info lists its values)", name)
	}
	h := &Histogram{Attr: name, Counts: make([]int, bins), Width: histW, Height: histH}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range c.Values {
		if math.IsNaN(v) {
			h.Missing++
			continue
		}
		h.Samples++
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	if h.Samples == 0 {
		return nil, fmt.Errorf("attribute %s has no values", name)
	}
	if lo == hi {
		// One value: numpy's choice, a unit range around it.
		lo, hi = lo-0.5, hi+0.5
	}
	h.Edges = make([]float64, bins+1)
	for i := range h.Edges {
		h.Edges[i] = lo + (hi-lo)*float64(i)/float64(bins)
	}
	h.Edges[bins] = hi
	for _, v := range c.Values {
		if math.IsNaN(v) {
			continue
		}
		i := int((v - lo) / (hi - lo) * float64(bins))
		// Float rounding may put a value a bin off its edges; the edges
		// decide, as in numpy.
		i = min(max(i, 0), bins-1)
		for i > 0 && v < h.Edges[i] {
			i--
		}
		for i < bins-1 && v >= h.Edges[i+1] {
			i++
		}
		h.Counts[i]++
	}
	h.draw()
	return h, nil
}

func (h *Histogram) draw() {
	img := image.NewNRGBA(image.Rect(0, 0, h.Width, h.Height))
	draw.Draw(img, img.Bounds(), image.NewUniform(paper), image.Point{}, draw.Src)
	top := 0
	for _, c := range h.Counts {
		top = max(top, c)
	}
	bins := len(h.Counts)
	base := plotTop + plotH // the first row below the bars
	for i, c := range h.Counts {
		x0 := plotLeft + i*plotW/bins
		x1 := plotLeft + (i+1)*plotW/bins - 1 // a column of paper between bars
		if bins == 1 || x1 <= x0 {
			x1 = plotLeft + (i+1)*plotW/bins
		}
		bh := int(math.Round(float64(c) * plotH / float64(top)))
		b := Bar{X: x0, Y: base - bh, W: x1 - x0, H: bh}
		h.Bars = append(h.Bars, b)
		draw.Draw(img, image.Rect(b.X, b.Y, b.X+b.W, base), image.NewUniform(BarColour), image.Point{}, draw.Src)
		if s := fmt.Sprint(c); len(s)*charW <= b.W && c > 0 {
			drawText(img, b.X+(b.W-len(s)*charW)/2, b.Y-lineH-1, s)
		}
	}
	// Axes: the count axis on the left with 0, half and the largest
	// count; the value axis below with the outer and middle edges.
	for y := plotTop - 4; y <= base; y++ {
		img.Set(plotLeft-2, y, ink)
	}
	for x := plotLeft - 2; x < plotLeft+plotW; x++ {
		img.Set(x, base, ink)
	}
	for _, v := range []int{0, top / 2, top} {
		y := base - int(math.Round(float64(v)*plotH/float64(top)))
		s := fmt.Sprint(v)
		drawText(img, plotLeft-6-len(s)*charW, y-lineH/2, s)
		for x := plotLeft - 5; x < plotLeft-2; x++ {
			img.Set(x, y, ink)
		}
	}
	for _, i := range []int{0, bins / 2, bins} {
		x := plotLeft + i*plotW/bins
		s := fmt.Sprintf("%.4g", h.Edges[i])
		tx := min(max(x-len(s)*charW/2, 0), h.Width-len(s)*charW)
		drawText(img, tx, base+4, s)
		for y := base; y < base+3; y++ {
			img.Set(x, y, ink)
		}
	}
	title := fmt.Sprintf("%s: %d values, %d bins (count per bin)", h.Attr, h.Samples, bins)
	if h.Missing > 0 {
		title += fmt.Sprintf(", %d missing", h.Missing)
	}
	drawText(img, plotLeft, 4, labelText(title, (h.Width-plotLeft)/charW))
	drawText(img, plotLeft+plotW/2-len(h.Attr)*charW/2, base+4+lineH+2, h.Attr)
	h.Image = img
}
