package inspect

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// GridOptions choose the grid View draws.
type GridOptions struct {
	// HAxis and VAxis are the attributes whose values are the columns and
	// the rows, most common first. With only one of them the other axis
	// counts the samples of each value (the first, the second…); with
	// neither the grid is the first Rows×Cols samples.
	HAxis, VAxis string
	// Max is the most values an axis shows (and the most samples per
	// value with one axis).
	Max int
	// Rows and Cols size the grid without axes.
	Rows, Cols int
	// Zoom scales each sample (nearest neighbour); 0 picks one that makes
	// cells at least 48 pixels.
	Zoom int
}

// Grid is a drawn grid and where everything is, so that callers (and
// tests) can find a sample's cell; --json prints it.
type Grid struct {
	Width   int          `json:"width"`
	Height  int          `json:"height"`
	Zoom    int          `json:"zoom"`
	HAxis   string       `json:"h_axis,omitempty"`
	VAxis   string       `json:"v_axis,omitempty"`
	Columns []string     `json:"columns"`
	Rows    []string     `json:"rows"`
	Cells   []Cell       `json:"cells"`
	Image   *image.NRGBA `json:"-"`
}

// Cell is one grid cell: the sample drawn there (-1: none, left blank)
// and its rectangle in the image.
type Cell struct {
	Row   int `json:"row"`
	Col   int `json:"col"`
	Index int `json:"index"`
	X     int `json:"x"`
	Y     int `json:"y"`
	W     int `json:"w"`
	H     int `json:"h"`
}

// Colours of the drawings: white paper, black ink, grey blanks.
var (
	paper = color.NRGBA{255, 255, 255, 255}
	ink   = color.NRGBA{0, 0, 0, 255}
	blank = color.NRGBA{230, 230, 230, 255}
)

// The label face: 7×13 pixels a character, ASCII (see labelText).
var face = basicfont.Face7x13

const (
	charW, lineH, ascent = 7, 13, 11
	margin, gap          = 4, 2
)

// View draws the grid of o.
func (f *File) View(o GridOptions) (*Grid, error) {
	if o.Max <= 0 {
		o.Max = 10
	}
	z := o.Zoom
	if z <= 0 {
		z = max(1, (48+max(f.Width, f.Height)-1)/max(f.Width, f.Height))
	}
	g := &Grid{Zoom: z, HAxis: o.HAxis, VAxis: o.VAxis}
	var index [][]int // [row][col] sample, -1 none
	switch {
	case o.HAxis == "" && o.VAxis == "":
		if o.Rows <= 0 || o.Cols <= 0 {
			return nil, fmt.Errorf("the grid needs rows and columns > 0, got %d×%d", o.Rows, o.Cols)
		}
		n := min(f.Samples, o.Rows*o.Cols)
		cols := min(o.Cols, n)
		rows := (n + cols - 1) / cols
		for r := 0; r < rows; r++ {
			row := make([]int, cols)
			for c := range row {
				if i := r*cols + c; i < n {
					row[c] = i
				} else {
					row[c] = -1
				}
			}
			index = append(index, row)
		}
	default:
		var err error
		if g.Columns, g.Rows, index, err = f.crossTab(o); err != nil {
			return nil, err
		}
	}
	f.layout(g, index)
	return g, g.paint(f)
}

// labels returns each sample's label of attribute name as a grid axis
// sees it: categorical labels, or numbers written as the records do.
func (f *File) labels(name string) ([]string, error) {
	c, err := f.Column(name)
	if err != nil {
		return nil, err
	}
	if c.Categorical {
		return c.Labels, nil
	}
	l := make([]string, len(c.Values))
	for i, v := range c.Values {
		if v == v { // not NaN
			l[i] = formatValue(v)
		}
	}
	return l, nil
}

// topValues is the axis's values, most common first, at most max.
func topValues(labels []string, max int) []string {
	counts, _ := Frequencies(labels)
	var v []string
	for _, c := range counts {
		if len(v) == max {
			break
		}
		v = append(v, c.Value)
	}
	return v
}

// crossTab finds each cell's first sample; with one axis, row r of column
// v is the r-th sample with value v.
func (f *File) crossTab(o GridOptions) (cols, rows []string, index [][]int, err error) {
	var h, v []string
	if o.HAxis != "" {
		if h, err = f.labels(o.HAxis); err != nil {
			return nil, nil, nil, err
		}
		cols = topValues(h, o.Max)
	}
	if o.VAxis != "" {
		if v, err = f.labels(o.VAxis); err != nil {
			return nil, nil, nil, err
		}
		rows = topValues(v, o.Max)
	}
	// The one-axis case: the other axis is the occurrence number.
	seen := map[string]int{}
	occurrence := func(l string) string {
		seen[l]++
		return fmt.Sprintf("#%d", seen[l])
	}
	if h == nil {
		h = make([]string, len(v))
		for i := range v {
			h[i] = occurrence(v[i])
		}
		for i := 1; i <= o.Max; i++ {
			cols = append(cols, fmt.Sprintf("#%d", i))
		}
	}
	if v == nil {
		v = make([]string, len(h))
		for i := range h {
			v[i] = occurrence(h[i])
		}
		for i := 1; i <= o.Max; i++ {
			rows = append(rows, fmt.Sprintf("#%d", i))
		}
	}
	ci, ri := map[string]int{}, map[string]int{}
	for i, c := range cols {
		ci[c] = i
	}
	for i, r := range rows {
		ri[r] = i
	}
	index = make([][]int, len(rows))
	for r := range index {
		index[r] = make([]int, len(cols))
		for c := range index[r] {
			index[r][c] = -1
		}
	}
	for i := range h {
		c, ok1 := ci[h[i]]
		r, ok2 := ri[v[i]]
		if ok1 && ok2 && index[r][c] < 0 {
			index[r][c] = i
		}
	}
	return cols, rows, index, nil
}

// layout places the cells: axis titles and column labels above, row
// labels on the left.
func (f *File) layout(g *Grid, index [][]int) {
	cw, ch := f.Width*g.Zoom, f.Height*g.Zoom
	left, top := margin, margin
	if g.HAxis != "" || g.VAxis != "" {
		rowW := len(rowsTitle(g.VAxis))
		for _, r := range g.Rows {
			rowW = max(rowW, len(labelText(r, 24)))
		}
		left += rowW*charW + 2*gap
		top += 2*lineH + 2*gap
	}
	ncols := 0
	for _, row := range index {
		ncols = max(ncols, len(row))
	}
	g.Width = left + ncols*(cw+gap) - gap + margin
	g.Height = top + len(index)*(ch+gap) - gap + margin
	if g.HAxis != "" || g.VAxis != "" {
		g.Width = max(g.Width, left+len("columns: "+orDash(g.HAxis))*charW+margin)
	}
	for r, row := range index {
		for c, i := range row {
			g.Cells = append(g.Cells, Cell{Row: r, Col: c, Index: i, X: left + c*(cw+gap), Y: top + r*(ch+gap), W: cw, H: ch})
		}
	}
}

func (g *Grid) paint(f *File) error {
	g.Image = image.NewNRGBA(image.Rect(0, 0, g.Width, g.Height))
	draw.Draw(g.Image, g.Image.Bounds(), image.NewUniform(paper), image.Point{}, draw.Src)
	for _, c := range g.Cells {
		r := image.Rect(c.X, c.Y, c.X+c.W, c.Y+c.H)
		if c.Index < 0 {
			draw.Draw(g.Image, r, image.NewUniform(blank), image.Point{}, draw.Src)
			continue
		}
		img, err := f.Image(c.Index)
		if err != nil {
			return err
		}
		for y := 0; y < c.H; y++ {
			for x := 0; x < c.W; x++ {
				g.Image.Set(c.X+x, c.Y+y, img.At(x/g.Zoom, y/g.Zoom))
			}
		}
	}
	if g.HAxis == "" && g.VAxis == "" {
		return nil
	}
	first := g.Cells[0]
	// The axis titles: the columns' over the cells, the rows' in the
	// corner beside the column labels.
	drawText(g.Image, first.X, margin, "columns: "+orDash(g.HAxis))
	drawText(g.Image, margin, margin+lineH+gap, rowsTitle(g.VAxis))
	for c, v := range g.Columns {
		x := first.X + c*(first.W+gap)
		drawText(g.Image, x, margin+lineH+gap, labelText(v, max(1, first.W/charW)))
	}
	for r, v := range g.Rows {
		y := first.Y + r*(first.H+gap) + (first.H-lineH)/2
		drawText(g.Image, margin, y, labelText(v, 24))
	}
	return nil
}

// orDash names the occurrence axis of a one-axis grid.
func orDash(s string) string {
	if s == "" {
		return "sample #"
	}
	return s
}

func rowsTitle(v string) string { return "rows: " + orDash(v) }

// labelText fits a label to n characters of the ASCII face: other runes
// are written as U+XXXX (basicfont has no glyphs for them), and a label
// too long is cut with a '~'.
func labelText(s string, n int) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x20 || r > 0x7e {
			fmt.Fprintf(&b, "U+%04X", r)
		} else {
			b.WriteRune(r)
		}
	}
	out := []rune(b.String())
	if len(out) > n {
		if n <= 1 {
			return string(out[:n])
		}
		return string(out[:n-1]) + "~"
	}
	return string(out)
}

// drawText writes s with its top-left corner at (x, y).
func drawText(dst draw.Image, x, y int, s string) {
	d := font.Drawer{Dst: dst, Src: image.NewUniform(ink), Face: face, Dot: fixed.P(x, y+ascent)}
	d.DrawString(s)
}
