// Package drawcheck proves, family by family, that fonts draw right: it
// paints glyphs through the production path — atlas tile, planner,
// CPU painter — and compares each with the exact nonzero-rule area
// coverage of the same outline (package internal/exact). It is the
// catalogue's drawing check (fonts.CatalogOptions.Draw): a family whose
// painted glyphs differ beyond the bound is dropped with the figure, so
// a font the signed distance fields cannot represent (contours the atlas
// mishandles, an outline the parser reads wrongly, a tile cache out of
// step with its font) never reaches a dataset.
package drawcheck

import (
	"fmt"
	"math"
	"sort"

	"github.com/synbols-gpu/synbols-gpu/atlas"
	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/engine/cpu"
	"github.com/synbols-gpu/synbols-gpu/fonts"
	"github.com/synbols-gpu/synbols-gpu/internal/exact"
	"github.com/synbols-gpu/synbols-gpu/scene"
)

// Bound is the largest family mean |painted − exact| coverage, over the
// pixels either covers, accepted at a size (the image's side in pixels).
// Measured over Debian's font pool (2,809 family checks in 16 languages):
// the median family is at 0.013 / 0.0075 / 0.0078 at 24 / 64 / 128 px,
// the 95th percentile at 0.027 / 0.020 / 0.020, the 98th at 0.036 /
// 0.033 / 0.037. The bounds cut the tail beyond the 98th-99th: faces
// whose details are finer than the tile resolves (sketch, outline and
// dot-matrix display faces) and would be drawn visibly wrong, while text
// faces with fine serifs (Batang and Myeongjo CJK faces at 0.016-0.024
// at 128 px) stay.
var Bound = map[int]float64{24: 0.045, 64: 0.035, 128: 0.035}

// SeamLevel is the least coverage a pixel deep inside the fill — at least
// SeamDepth texels from every edge, by the exact raster — may be painted
// with at 64 and 128 px: there the field saturates, so a lower value is
// a false edge, the seam that overlapping contours painted when the
// field took every segment for an edge. The family mean hardly moves for
// a seam along one stroke; this catches it in any glyph.
const SeamLevel = 0.95

// SeamDepth is in texels, not pixels: a stroke about one texel thick
// never saturates the bilinearly sampled field (measured: 0.97 inside a
// 3-pixel hairline of Noto Serif CJK at 128 px), which is the tile's
// resolution, not a false edge.
const SeamDepth = 1.5

// MaxInkError bounds |painted ink / exact ink − 1| for a family at every
// size: a seam or a lost contour costs ink long before it moves the mean.
const MaxInkError = 0.03

// Scale is the symbols' size in the check: the ink box's longer side is
// this fraction of the image, upright and centred, as the plain preset
// draws them.
const Scale = 0.8

// Checker is a fonts.DrawChecker. Safe for concurrent use: the catalogue
// calls Check from several goroutines.
type Checker struct {
	atlas *atlas.Atlas
	be    *cpu.Backend
	sizes []int
	// distort, in tests, damages painted masks as a broken painter or
	// tile would, to show the check catches it.
	distort func(mask []byte, size int)
}

// New returns a checker that builds its tiles in at (whose disk cache the
// datasets then share).
func New(at *atlas.Atlas) *Checker {
	return &Checker{atlas: at, be: cpu.New(1), sizes: []int{24, 64, 128}}
}

// ID names the check and its bounds for the catalogue's cache key.
func (c *Checker) ID() string {
	keys := make([]int, 0, len(Bound))
	for k := range Bound {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	id := "drawcheck-1"
	for _, k := range keys {
		id += fmt.Sprintf(" %d:%g", k, Bound[k])
	}
	return id + fmt.Sprintf(" ink:%g seam:%g@%g scale:%g tiles:%+v", MaxInkError, SeamLevel, SeamDepth, Scale, c.atlas.Params())
}

type glyphCase struct {
	face  *fonts.Face
	bold  bool
	r     rune
	path  atlas.Path
	exact []float64
}

// Check paints symbols in fam's regular face and, when it has one, its
// real or variable bold face, at 24, 64 and 128 pixels.
func (c *Checker) Check(fam *fonts.Family, symbols []rune) fonts.DrawStats {
	st := fonts.DrawStats{Mean: map[int]float64{}, Ink: map[int]float64{}}
	lib := &fonts.Library{Families: []*fonts.Family{fam}}
	pl := &engine.Planner{Fonts: lib, Atlas: c.atlas}
	worst, worstAt := -1.0, ""
	seamAt := ""
	for _, size := range c.sizes {
		var sum, inkP, inkE float64
		var n int
		for _, bold := range []bool{false, true} {
			face := fam.Regular
			if bold {
				if fam.Bold == nil {
					continue // a synthetic bold has no outline to compare with
				}
				face = fam.Bold
			}
			painted, cases, err := c.paint(pl, fam.Name, face, bold, symbols, size)
			if err != nil {
				st.Failure = fmt.Sprintf("cannot paint: %v", err)
				return st
			}
			for i, gc := range cases {
				if size >= 64 && seamAt == "" {
					if k := seams(painted[i], gc.exact, size, c.seamRadius(size)); k > 0 {
						role := ""
						if bold {
							role = " (bold)"
						}
						seamAt = fmt.Sprintf("%c%s at %d px: %d pixels", gc.r, role, size, k)
					}
				}
				mean, _, a, b := exact.Compare(painted[i], gc.exact)
				sum += mean
				n++
				inkP += a
				inkE += b
				if mean > worst {
					role := ""
					if bold {
						role = " (bold)"
					}
					worst, worstAt = mean, fmt.Sprintf("%c%s at %d px: %.3f", gc.r, role, size, mean)
				}
			}
		}
		if n == 0 {
			continue
		}
		st.Mean[size] = sum / float64(n)
		st.Ink[size] = inkP / math.Max(inkE, 1e-9)
	}
	st.Worst = worstAt
	if seamAt != "" {
		st.Failure = fmt.Sprintf("painted with false edges: pixels deep inside the fill painted below %.2f (%s)", SeamLevel, seamAt)
		return st
	}
	for _, size := range c.sizes {
		m, ok := st.Mean[size]
		if !ok {
			continue
		}
		if m > Bound[size] {
			st.Failure = fmt.Sprintf("painted glyphs differ from their exact rasterisation by %.3f on average at %d px (bound %.3f; worst %s)", m, size, Bound[size], worstAt)
			break
		}
		if e := math.Abs(st.Ink[size] - 1); e > MaxInkError {
			st.Failure = fmt.Sprintf("painted glyphs have %.1f%% of their exact ink at %d px (bound ±%.0f%%; worst %s)", 100*st.Ink[size], size, 100*MaxInkError, worstAt)
			break
		}
	}
	return st
}

// paint plans one plain image per symbol (white on black, upright,
// centred, no noise or contrast stretch) through the planner, paints them
// in one batch with the CPU painter, and returns each image's mask as
// coverage in [0, 1] with the exact coverage of the same placement.
func (c *Checker) paint(pl *engine.Planner, family string, face *fonts.Face, bold bool, symbols []rune, size int) ([][]float64, []glyphCase, error) {
	b := engine.Batch{Width: size, Height: size, Channels: 1, MaskChannels: 1, Atlas: c.atlas}
	var cases []glyphCase
	for _, r := range symbols {
		sym := scene.Symbol{Char: string(r), Font: family, Bold: bold, Scale: Scale,
			Foreground: scene.Pattern{Style: scene.SolidColor, Color: [3]float64{1, 1, 1}}}
		s := scene.Sample{Width: size, Height: size, Gray: true, Symbols: []scene.Symbol{sym},
			Background: scene.Pattern{Style: scene.NoPattern}}
		var err error
		if err = pl.Plan(&s, &b); err != nil {
			return nil, nil, err
		}
		path, err := atlas.Outline(face, r)
		if err != nil {
			return nil, nil, err
		}
		id := b.Symbols[len(b.Symbols)-1].Glyph
		g := c.atlas.Glyphs()[id]
		ink := [4]float64{float64(g.Ink[0]), float64(g.Ink[1]), float64(g.Ink[2]), float64(g.Ink[3])}
		p := engine.Place(ink, &sym)
		m := float64(size)
		aff := [6]float64{m * p.A[0], m * p.A[1], m * p.B[0], m * p.A[2], m * p.A[3], m * p.B[1]}
		// 16 sub-rows: the vertex error (≤ 1/16 of a pixel, in the few
		// pixels holding a vertex) stays far below the bounds, at a
		// sixteenth of the reference's full cost over a whole pool.
		cases = append(cases, glyphCase{face: face, bold: bold, r: r, path: path,
			exact: exact.CoverageSub(path.Lines(aff, 0.01), size, size, 16)})
	}
	n := len(b.Images)
	out := engine.Output{X: make([]byte, n*size*size), Mask: make([]byte, n*size*size)}
	if err := c.be.Paint(&b, out); err != nil {
		return nil, nil, err
	}
	if c.distort != nil {
		for i := range n {
			c.distort(out.Mask[i*size*size:(i+1)*size*size], size)
		}
	}
	painted := make([][]float64, n)
	for i := range n {
		cov := make([]float64, size*size)
		for j, v := range out.Mask[i*size*size : (i+1)*size*size] {
			cov[j] = float64(v) / 255
		}
		painted[i] = cov
	}
	return painted, cases, nil
}

var _ fonts.DrawChecker = (*Checker)(nil)

// seamRadius is SeamDepth in pixels at size: the ink box's longer side,
// Scale·size pixels, spans TileSize − 2·Pad texels.
func (c *Checker) seamRadius(size int) int {
	p := c.atlas.Params()
	pxPerTexel := Scale * float64(size) / float64(p.TileSize-2*p.Pad)
	return max(1, int(math.Ceil(SeamDepth*pxPerTexel)))
}

// seams counts the pixels of a size×size image deep inside the exact fill
// (every pixel within r of it fully covered) painted below SeamLevel.
func seams(paint, exact []float64, size, r int) int {
	k := 0
	for y := r; y < size-r; y++ {
		for x := r; x < size-r; x++ {
			if paint[y*size+x] >= SeamLevel {
				continue
			}
			deep := true
			for dy := -r; dy <= r && deep; dy++ {
				for dx := -r; dx <= r; dx++ {
					if exact[(y+dy)*size+x+dx] < 1-1e-9 {
						deep = false
						break
					}
				}
			}
			if deep {
				k++
			}
		}
	}
	return k
}
