package atlas

import (
	"fmt"
	"github.com/synbols-gpu/synbols-gpu/internal/exact"
	"image"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"golang.org/x/image/vector"

	"github.com/synbols-gpu/synbols-gpu/fonts"
)

// Fonts whose glyphs are drawn with overlapping contours, from the Debian
// packages fonts-roboto-unhinted, fonts-firacode and fonts-comic-neue
// (.ci/run installs them). A missing file fails the tests: these are the
// only real-font checks of the overlap handling.
var overlapFonts = []struct{ name, path, overlaps string }{
	{"Roboto", "/usr/share/fonts/truetype/roboto/unhinted/RobotoTTF/Roboto-Regular.ttf", "ƀƂƗƚɨɫȽɃɈɍǂҖҘҫ"},
	{"Roboto Condensed", "/usr/share/fonts/truetype/roboto/unhinted/RobotoCondensed-Regular.ttf", "ƀƂƗƚɨɫȽɃɈɍǂҖҘҫ"},
	{"Fira Code", "/usr/share/fonts/truetype/firacode/FiraCode-Regular.ttf", "ÇçĄąĘĮįŞşŢţŲųҙҿӾ"},
	{"Comic Neue", "/usr/share/fonts/opentype/comic-neue/ComicNeue-Regular.otf", ""},
}

// fileFace loads the regular face of the one font file at path through
// the fonts package (a folder holding only a link to it).
func fileFace(t testing.TB, path string) *fonts.Face {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("%v (install fonts-roboto-unhinted fonts-firacode fonts-comic-neue)", err)
	}
	dir := t.TempDir()
	if err := os.Symlink(path, filepath.Join(dir, filepath.Base(path))); err != nil {
		t.Fatal(err)
	}
	l, err := fonts.Load(fonts.Options{Dirs: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Families) != 1 || l.Families[0].Regular.Source != filepath.Join(dir, filepath.Base(path)) {
		t.Fatalf("%s: loaded %d families", path, len(l.Families))
	}
	return l.Families[0].Regular
}

// nonzeroCoverage is the reference the SDF is compared with: the exact
// nonzero-rule area coverage of the closed polylines ls (pixel space) on
// a w×h image (see package internal/exact for the method and its error
// bound; paintFromTile flattens curves to 0.001 pixel to stay within it).
func nonzeroCoverage(ls []line, w, h int) []float64 {
	el := make([]exact.Line, len(ls))
	for i, l := range ls {
		el[i] = exact.Line{AX: l.ax, AY: l.ay, BX: l.bx, BY: l.by}
	}
	return exact.Coverage(el, w, h)
}

// maxWinding is the largest |winding number| of ls over a w×h image,
// sampled on 4 rows per pixel at every crossing-to-crossing span.
func maxWinding(ls []line, w, h int) int32 {
	best := int32(0)
	var xs []crossing
	for sj := range 4 * h {
		xs = rowCrossings(ls, (float64(sj)+0.5)/4, xs[:0])
		wind := int32(0)
		for _, c := range xs {
			wind += c.dir
			best = max(best, wind, -wind)
		}
	}
	return best
}

// rowCrossings appends the crossings of the line y = yc with ls (half-open
// rule, as buildGlyph's sign sweep), sorted by x.
func rowCrossings(ls []line, yc float64, xs []crossing) []crossing {
	for _, l := range ls {
		if (l.ay <= yc && yc < l.by) || (l.by <= yc && yc < l.ay) {
			dir := int32(1)
			if l.by < l.ay {
				dir = -1
			}
			xs = append(xs, crossing{l.ax + (yc-l.ay)*(l.bx-l.ax)/(l.by-l.ay), dir})
		}
	}
	sortCrossings(xs)
	return xs
}

// windingAt is the nonzero winding number of ls at (x, y), by brute force.
func windingAt(ls []line, x, y float64) int32 {
	w := int32(0)
	for _, l := range ls {
		if (l.ay <= y && y < l.by) || (l.by <= y && y < l.ay) {
			if l.ax+(y-l.ay)*(l.bx-l.ax)/(l.by-l.ay) > x {
				if l.by > l.ay {
					w++
				} else {
					w--
				}
			}
		}
	}
	return w
}

// paintFromTile paints g as the painters do (engine/internal/paint's
// Coverage of the bilinearly sampled field, taps clamped to the tile,
// nothing outside it), scaled so that the ink box's longer side spans res
// pixels, centred in a res×res image: texels per pixel = (TileSize − 2·Pad)/res.
// It also returns the glyph's outline in that image's pixel space,
// flattened to 0.001 pixel, for nonzeroCoverage.
func paintFromTile(g *Glyph, p Path, res int) (paint []float64, ls []line) {
	pp := DefaultParams()
	n := pp.TileSize
	tpp := float64(n-2*pp.Pad) / float64(res)
	half := float64(n) / 2 // layout centres the ink box in the tile
	tap := func(i, j int) float64 {
		return float64(pp.Decode(g.Tile[min(n-1, max(0, j))*n+min(n-1, max(0, i))]))
	}
	paint = make([]float64, res*res)
	for y := range res {
		for x := range res {
			u := half + (float64(x)+0.5-float64(res)/2)*tpp
			v := half + (float64(y)+0.5-float64(res)/2)*tpp
			if u < 0 || v < 0 || u > float64(n) || v > float64(n) {
				continue
			}
			x0, y0 := int(math.Floor(u-0.5)), int(math.Floor(v-0.5))
			fx, fy := u-0.5-float64(x0), v-0.5-float64(y0)
			top := tap(x0, y0) + (tap(x0+1, y0)-tap(x0, y0))*fx
			bot := tap(x0, y0+1) + (tap(x0+1, y0+1)-tap(x0, y0+1))*fx
			sd := top + (bot-top)*fy
			paint[y*res+x] = min(1, max(0, 0.5+sd/tpp))
		}
	}
	s, tx, ty := pixelMap(g, res)
	return paint, p.flatten(s, tx, ty, 0.001, nil)
}

// pixelMap is paintFromTile's em → pixel map, x·s + tx, y·s + ty.
func pixelMap(g *Glyph, res int) (s, tx, ty float64) {
	pp := DefaultParams()
	tpp := float64(pp.TileSize-2*pp.Pad) / float64(res)
	half := float64(pp.TileSize) / 2
	t := func(o float32) float64 { return (-float64(o)*float64(g.TexelsPerEm)-half)/tpp + float64(res)/2 }
	return float64(g.TexelsPerEm) / tpp, t(g.Origin[0]), t(g.Origin[1])
}

// compareCoverage is the mean |a − b| over the pixels either covers (as
// engine/cpu's TestSDFMatchesExactRaster measures it), the largest |a −
// b|, and the ink masses Σa, Σb.
func compareCoverage(a, b []float64) (mean, worst, inkA, inkB float64) {
	return exact.Compare(a, b)
}

// seams counts the pixels of a res×res image that are deep inside the
// exact fill (the pixel and its 8 neighbours fully covered, so the
// outline is at least a pixel from its centre and the field there must
// saturate the ramp: coverage 1 less quantisation) yet painted below
// 0.95: the signature of a false edge, along which painting gives ½.
func seams(paint, exact []float64, res int) int {
	k := 0
	for y := 1; y < res-1; y++ {
		for x := 1; x < res-1; x++ {
			deep := true
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					deep = deep && exact[(y+dy)*res+x+dx] >= 1-1e-9
				}
			}
			if deep && paint[y*res+x] < 0.95 {
				k++
			}
		}
	}
	return k
}

// The reference agrees with x/image/vector where the two rules agree:
// letters of fonts drawn without overlapping contours, drawn as the same
// polygons (vector keeps float32 coordinates and 8-bit output).
func TestNonzeroCoverageReference(t *testing.T) {
	for _, f := range testFaces(t) {
		for _, r := range "aegoRS&" {
			g, p := build(t, f, r)
			_, ls := paintFromTile(g, p, 64)
			ref := nonzeroCoverage(ls, 64, 64)
			// The polygon, not the curves: x/image/vector flattens
			// curves coarsely (0.07 off at 'o' edges at 32 px).
			z := vector.NewRasterizer(64, 64)
			for k, l := range ls {
				if k == 0 || l.ax != ls[k-1].bx || l.ay != ls[k-1].by {
					if k > 0 {
						z.ClosePath()
					}
					z.MoveTo(float32(l.ax), float32(l.ay))
				}
				z.LineTo(float32(l.bx), float32(l.by))
			}
			z.ClosePath()
			dst := image.NewAlpha(image.Rect(0, 0, 64, 64))
			z.Draw(dst, dst.Bounds(), image.Opaque, image.Point{})
			worst, mass := 0.0, 0.0
			for i, a := range dst.Pix {
				worst = max(worst, math.Abs(float64(a)/255-ref[i]))
				mass += ref[i]
			}
			// vector's fixed-point accumulation is off by up to 0.036
			// along long diagonals (checked by hand on Nimbus Roman
			// 'R'); the reference's total is checked exactly below.
			if worst > 0.04 {
				t.Errorf("%s %q: reference differs from x/image/vector by up to %.4f", f, r, worst)
			}
			// Without overlaps the filled area is |Σ signed areas|
			// (shoelace); the ink box lies well inside the image.
			area := 0.0
			for _, l := range ls {
				area += (l.ax*l.by - l.bx*l.ay) / 2
			}
			if math.Abs(mass-math.Abs(area)) > 1e-4*math.Abs(area) {
				t.Errorf("%s %q: reference mass %.5f, polygon area %.5f", f, r, mass, math.Abs(area))
			}
		}
	}
}

// TestOverlappingFontsMatchExact: for fonts known for drawing glyphs
// with overlapping contours, the coverage painted from the tile matches
// the nonzero fill at 32 and 64 px, for letters a–z and for the glyphs of
// overlapFonts[].overlaps. The Debian builds of these fonts have their
// a–z overlaps removed (no a–z glyph of any font installed here has a
// region of winding ±2), so the overlap lists, whose glyphs do overlap
// (checked below), are what exercises overlaps; Comic Neue has none at
// all. Bounds: those of engine/cpu's TestSDFMatchesExactRaster at 32 px
// (mean difference ≤ 0.03 on average, ≤ 0.07 worst), halved at 64 px
// where strokes are twice as wide; ink mass (Σ coverage) of every glyph
// within 3% of the exact one; and no seams (see seams), which is what a
// false edge along an overlap produces: a pixel-wide line of half
// coverage, too thin to move the mean or the ink much at these sizes.
func TestOverlappingFontsMatchExact(t *testing.T) {
	bounds := map[int]struct{ avg, worst float64 }{32: {0.03, 0.07}, 64: {0.015, 0.035}}
	for _, of := range overlapFonts {
		f := fileFace(t, of.path)
		for _, res := range []int{32, 64} {
			bd := bounds[res]
			var sum, worst, lo, hi float64 = 0, 0, math.Inf(1), math.Inf(-1)
			var worstR rune
			for k, r := range []rune("abcdefghijklmnopqrstuvwxyz" + of.overlaps) {
				g, p := build(t, f, r)
				paint, ls := paintFromTile(g, p, res)
				exact := nonzeroCoverage(ls, res, res)
				if w := maxWinding(ls, res, res); k >= 26 && w < 2 {
					t.Errorf("%s %q: contours do not overlap (|winding| ≤ %d): not a test of overlaps", of.name, r, w)
				}
				mean, _, inkP, inkE := compareCoverage(paint, exact)
				ratio := inkP / inkE
				sum += mean
				if mean > worst {
					worst, worstR = mean, r
				}
				lo, hi = min(lo, ratio), max(hi, ratio)
				if mean > bd.worst || math.Abs(ratio-1) > 0.03 {
					t.Errorf("%s %q at %d px: mean coverage difference %.4f, ink mass ratio %.4f", of.name, r, res, mean, ratio)
				}
				if k := seams(paint, exact, res); k > 0 {
					t.Errorf("%s %q at %d px: %d deep-interior pixels painted below 0.95 (false edges)", of.name, r, res, k)
				}
			}
			avg := sum / float64(26+len([]rune(of.overlaps)))
			t.Logf("%s %d px: mean coverage difference %.4f (worst %.4f %q), ink mass ratio %.4f–%.4f", of.name, res, avg, worst, worstR, lo, hi)
			if avg > bd.avg {
				t.Errorf("%s %d px: average mean coverage difference %.4f > %.3f", of.name, res, avg, bd.avg)
			}
		}
	}
}

// crafted is a test outline, in em units (any scale: buildGlyph fits
// the ink box to the tile).
type crafted struct {
	name string
	p    Path
}

// poly appends a closed polygon contour through pts.
func poly(p Path, pts ...[2]float32) Path {
	p = append(p, Segment{Op: MoveTo, Pts: [3][2]float32{pts[0]}})
	for _, q := range pts[1:] {
		p = append(p, Segment{Op: LineTo, Pts: [3][2]float32{q}})
	}
	return p
}

// rect appends the box (x0, y0)–(x1, y1), clockwise on screen (y down)
// when ccw is false.
func rect(p Path, x0, y0, x1, y1 float32, ccw bool) Path {
	if ccw {
		return poly(p, [2]float32{x0, y0}, [2]float32{x0, y1}, [2]float32{x1, y1}, [2]float32{x1, y0})
	}
	return poly(p, [2]float32{x0, y0}, [2]float32{x1, y0}, [2]float32{x1, y1}, [2]float32{x0, y1})
}

// stroke appends a clockwise rectangle of width w around (ax, ay)–(bx, by).
func stroke(p Path, ax, ay, bx, by, w float32) Path {
	dx, dy := bx-ax, by-ay
	n := float32(math.Hypot(float64(dx), float64(dy)))
	nx, ny := -dy/n*w/2, dx/n*w/2
	return poly(p, [2]float32{ax + nx, ay + ny}, [2]float32{ax - nx, ay - ny}, [2]float32{bx - nx, by - ny}, [2]float32{bx + nx, by + ny})
}

// disc appends a circle of 8 quadratic arcs, clockwise on screen.
func disc(p Path, cx, cy, r float32) Path {
	k := float32(math.Tan(math.Pi / 8)) // control point distance for 45° arcs
	p = append(p, Segment{Op: MoveTo, Pts: [3][2]float32{{cx + r, cy}}})
	for i := range 8 {
		a0, a1 := float64(i)*math.Pi/4, float64(i+1)*math.Pi/4
		ca, sa := float32(math.Cos(a0)), float32(math.Sin(a0))
		cb, sb := float32(math.Cos(a1)), float32(math.Sin(a1))
		// Tangent lines at a0 and a1 meet at the control point.
		ctl := [2]float32{cx + r*(ca-k*sa), cy + r*(sa+k*ca)}
		p = append(p, Segment{Op: QuadTo, Pts: [3][2]float32{ctl, {cx + r*cb, cy + r*sb}}})
	}
	return p
}

// craftedShapes are the contour topologies the nonzero rule must handle.
func craftedShapes() []crafted {
	pt := func(x, y float32) [2]float32 { return [2]float32{x, y} }
	var eight Path
	eight = append(eight,
		Segment{Op: MoveTo, Pts: [3][2]float32{{0.5, 0.5}}},
		// Right loop clockwise, left loop anticlockwise: windings +1 and
		// −1, the curve crossing itself at its start vertex.
		Segment{Op: CubeTo, Pts: [3][2]float32{{1.3, -0.1}, {1.3, 1.1}, {0.5, 0.5}}},
		Segment{Op: CubeTo, Pts: [3][2]float32{{-0.3, -0.1}, {-0.3, 1.1}, {0.5, 0.5}}})
	zero := Path{{Op: MoveTo, Pts: [3][2]float32{{0.2, 0.2}}}} // an empty contour
	zero = poly(zero, pt(0, 0), pt(0.5, 0), pt(0.5, 0), pt(1, 0), pt(1, 1), pt(1, 1), pt(0, 1), pt(0, 0))
	zero = rect(zero, 0.3, 0.3, 0.7, 0.7, false) // nested, same direction
	return []crafted{
		{"overlapping rectangles", rect(rect(nil, 0, 0, 0.6, 0.45, false), 0.3, 0.25, 1, 0.8, false)},
		{"x of two strokes", stroke(stroke(nil, 0.1, 0.1, 0.9, 0.9, 0.22), 0.9, 0.1, 0.1, 0.9, 0.22)},
		{"bow tie (self-intersecting)", poly(nil, pt(0, 0), pt(1, 0.8), pt(1, 0), pt(0, 0.8))},
		{"figure eight (curved, self-crossing at a vertex)", eight},
		{"ring (reversed inner contour: a hole)", rect(rect(nil, 0, 0, 1, 1, false), 0.3, 0.25, 0.7, 0.75, true)},
		{"nested, same direction (filled)", rect(rect(nil, 0, 0, 1, 1, false), 0.3, 0.25, 0.7, 0.75, false)},
		{"abutting rectangles (shared edge)", rect(rect(nil, 0, 0, 0.47, 0.6, false), 0.47, 0, 1, 0.6, false)},
		{"abutting rectangles (partly shared edge)", rect(rect(nil, 0, 0, 0.47, 0.6, false), 0.47, 0.2, 1, 0.8, false)},
		{"collinear edges, same direction", rect(rect(nil, 0, 0, 0.6, 0.5, false), 0.3, 0, 1, 0.5, false)},
		{"opposite directions overlapping (overlap empty)", rect(rect(nil, 0, 0, 0.6, 0.6, false), 0.4, 0.4, 1, 1, true)},
		{"three rectangles over one spot", rect(rect(rect(nil, 0, 0, 0.6, 0.6, false), 0.3, 0.1, 1, 0.5, false), 0.2, 0.3, 0.5, 1, false)},
		{"vertices on edges", poly(rect(nil, 0, 0, 0.6, 0.6, false), pt(0.6, 0.2), pt(1, 0.6), pt(0.6, 1), pt(0.2, 0.6))},
		{"touching at a vertex", poly(rect(nil, 0, 0, 1, 0.4, false), pt(0.5, 0.4), pt(0.8, 0.7), pt(0.5, 1), pt(0.2, 0.7))},
		{"overlapping discs", disc(disc(nil, 0.3, 0.5, 0.3), 0.62, 0.45, 0.3)},
		{"disc over a stroke", disc(stroke(nil, 0, 0.5, 1, 0.5, 0.15), 0.5, 0.5, 0.3)},
		{"zero-length segments, empty contour, nested", zero},
	}
}

// TestCraftedOverlaps: for every topology of craftedShapes, coverage
// painted from the tile at 32, 48 (one texel per pixel) and 64 px matches
// the exact nonzero fill: no seams (deep-interior pixels below 0.95), mean
// difference ≤ 0.02 and ink mass within 1.5%. Along a false edge the
// coverage halves over a pixel-wide line: a seam, and ink lost.
func TestCraftedOverlaps(t *testing.T) {
	for _, c := range craftedShapes() {
		g, err := buildGlyph(DefaultParams(), c.p)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		for _, res := range []int{32, 48, 64} {
			paint, ls := paintFromTile(g, c.p, res)
			exact := nonzeroCoverage(ls, res, res)
			mean, worst, inkP, inkE := compareCoverage(paint, exact)
			k := seams(paint, exact, res)
			t.Logf("%s at %d px: mean difference %.4f, worst pixel %.3f, ink mass ratio %.4f, seam pixels %d", c.name, res, mean, worst, inkP/inkE, k)
			if k > 0 || mean > 0.02 || math.Abs(inkP/inkE-1) > 0.015 {
				t.Errorf("%s at %d px: mean difference %.4f, worst pixel %.3f, ink mass ratio %.4f, %d deep-interior pixels below 0.95", c.name, res, mean, worst, inkP/inkE, k)
			}
		}
	}
}

// Building a glyph is deterministic: the same outline gives the same
// bytes every time, also when built concurrently.
func TestDeterministic(t *testing.T) {
	var paths []Path
	for _, c := range craftedShapes() {
		paths = append(paths, c.p)
	}
	f := fileFace(t, overlapFonts[0].path)
	for _, r := range "ag" + overlapFonts[0].overlaps {
		p, err := Outline(f, r)
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	first := make([]*Glyph, len(paths))
	for i, p := range paths {
		g, err := buildGlyph(DefaultParams(), p)
		if err != nil {
			t.Fatal(err)
		}
		first[i] = g
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, p := range paths {
				g, err := buildGlyph(DefaultParams(), p)
				if err != nil {
					t.Error(err)
					return
				}
				if string(g.Tile) != string(first[i].Tile) || g.Origin != first[i].Origin || g.TexelsPerEm != first[i].TexelsPerEm {
					t.Errorf("path %d: a second build differs", i)
				}
			}
		}()
	}
	wg.Wait()
}

// TestRandomPolygons: outlines of 2–5 random contours (boxes of either
// direction, polygons of 3–6 vertices, often self-intersecting) with
// vertices on a 1/16 grid, so that shared and collinear edges, vertices
// on edges and crossings at vertices are common. The field matches the
// brute-force distance to the fill's boundary and painting it leaves no
// seams. (Curves are left out: three curves crossing near one point can
// enclose a hole smaller than the reference's pieces, which the field
// rightly shows and the reference misses.)
func TestRandomPolygons(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	grid := func() float32 { return float32(rng.IntN(17)) / 16 }
	for it := range 100 {
		var p Path
		for range 2 + rng.IntN(4) {
			if rng.IntN(2) == 0 {
				x0, y0, x1, y1 := grid(), grid(), grid(), grid()
				if x0 == x1 || y0 == y1 {
					x1, y1 = x0+0.25, y0+0.25
				}
				p = rect(p, x0, y0, x1, y1, rng.IntN(3) == 0)
				continue
			}
			pts := make([][2]float32, 3+rng.IntN(4))
			for i := range pts {
				pts[i] = [2]float32{grid(), grid()}
			}
			p = poly(p, pts...)
		}
		g, err := buildGlyph(DefaultParams(), p)
		if err != nil {
			continue // all points on one line
		}
		name := fmt.Sprintf("random polygons %d", it)
		checkDistance(t, name, g, p)
		paint, ls := paintFromTile(g, p, 48)
		if k := seams(paint, nonzeroCoverage(ls, 48, 48), 48); k > 0 {
			t.Errorf("%s: %d deep-interior pixels below 0.95", name, k)
		}
	}
}

// TestCraftedFontFile: the same topologies as TestCraftedOverlaps, read
// from a real TrueType file (testdata/crafted/OverlapTest.ttf, built by
// make.py there) through fonts and Outline, as a user's font would be.
// The exact fill's area proves each glyph has the intended topology (a
// hole where the rule makes one, none where it does not); painting from
// the tile matches the exact fill as for the crafted paths.
func TestCraftedFontFile(t *testing.T) {
	abs, err := filepath.Abs(filepath.Join("testdata", "crafted", "OverlapTest.ttf"))
	if err != nil {
		t.Fatal(err)
	}
	f := fileFace(t, abs)
	// Areas in font units² (1000 units per em), by the nonzero rule.
	areas := map[rune]float64{
		'a': 400*400 + 400*500 - 200*200,   // union of two overlapping boxes
		'c': 2 * 500 * 350 / 2,             // two triangles of the crossed quad
		'd': 600*700 - 300*400,             // reversed inner contour: a hole
		'e': 600 * 700,                     // same direction inside: no hole
		'f': 400*450 + 400*450 - 2*200*200, // opposite directions cancel
	}
	for _, r := range "abcdef" {
		p, err := Outline(f, r)
		if err != nil {
			t.Fatalf("%c: %v", r, err)
		}
		g, err := buildGlyph(DefaultParams(), p)
		if err != nil {
			t.Fatalf("%c: %v", r, err)
		}
		for _, res := range []int{32, 64} {
			paint, ls := paintFromTile(g, p, res)
			exact := nonzeroCoverage(ls, res, res)
			if want, ok := areas[r]; ok {
				s, _, _ := pixelMap(g, res) // pixels per em
				got := 0.0
				for _, v := range exact {
					got += v
				}
				got *= 1e6 / (s * s)
				if math.Abs(got-want) > 0.01*want {
					t.Errorf("%c at %d px: exact area %.0f units², want %.0f: not the intended topology", r, res, got, want)
				}
			}
			mean, worst, inkP, inkE := compareCoverage(paint, exact)
			k := seams(paint, exact, res)
			t.Logf("%c at %d px: mean difference %.4f, worst pixel %.3f, ink mass ratio %.4f, seam pixels %d", r, res, mean, worst, inkP/inkE, k)
			if k > 0 || mean > 0.02 || math.Abs(inkP/inkE-1) > 0.015 {
				t.Errorf("%c at %d px: mean difference %.4f, worst pixel %.3f, ink mass ratio %.4f, %d seam pixels", r, res, mean, worst, inkP/inkE, k)
			}
		}
	}
}
