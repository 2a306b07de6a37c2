package atlas

import (
	"errors"
	"fmt"
	"image"
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"

	"github.com/synbols-gpu/synbols-gpu/fonts"
)

var (
	libOnce sync.Once
	lib     *fonts.Library
	libErr  error
)

// face returns the regular face of an embedded family.
func face(t testing.TB, family string) *fonts.Face {
	t.Helper()
	libOnce.Do(func() { lib, libErr = fonts.Load(fonts.Options{Embedded: true}) })
	if libErr != nil {
		t.Fatal(libErr)
	}
	fam, ok := lib.Family(family)
	if !ok {
		t.Fatalf("no embedded family %q", family)
	}
	return fam.Regular
}

// testFaces: one TrueType and one CFF face.
func testFaces(t testing.TB) []*fonts.Face {
	tt, cff := face(t, "DejaVu Sans"), face(t, "Nimbus Roman")
	if tt.CFF || !cff.CFF {
		t.Fatalf("outline kinds: DejaVu Sans CFF=%v, Nimbus Roman CFF=%v", tt.CFF, cff.CFF)
	}
	return []*fonts.Face{tt, cff}
}

func build(t testing.TB, f *fonts.Face, r rune) (*Glyph, Path) {
	t.Helper()
	p, err := Outline(f, r)
	if err != nil {
		t.Fatal(err)
	}
	g, err := buildGlyph(DefaultParams(), p)
	if err != nil {
		t.Fatal(err)
	}
	return g, p
}

// sdAt decodes the tile at texel (i, j).
func sdAt(g *Glyph, i, j int) float32 {
	n := DefaultParams().TileSize
	return DefaultParams().Decode(g.Tile[j*n+i])
}

// emToTexel is the glyph's em → texel map.
func emToTexel(g *Glyph) func(x, y float32) (float32, float32) {
	return func(x, y float32) (float32, float32) {
		return (x - g.Origin[0]) * g.TexelsPerEm, (y - g.Origin[1]) * g.TexelsPerEm
	}
}

// coverage rasterises p exactly into a TileSize² alpha image in texel space.
func coverage(g *Glyph, p Path) *image.Alpha {
	n := DefaultParams().TileSize
	z := vector.NewRasterizer(n, n)
	p.Rasterize(z, emToTexel(g))
	dst := image.NewAlpha(image.Rect(0, 0, n, n))
	z.Draw(dst, dst.Bounds(), image.Opaque, image.Point{})
	return dst
}

func TestSign(t *testing.T) {
	for _, f := range testFaces(t) {
		o, _ := build(t, f, 'o')
		m := emToTexel(o)
		cx, cy := m((o.Ink[0]+o.Ink[2])/2, (o.Ink[1]+o.Ink[3])/2)
		if sd := sdAt(o, int(cx), int(cy)); sd > -1 {
			t.Errorf("%s: centre of 'o' hole has sd %.2f, want outside (< -1)", f, sd)
		}
		if sd := sdAt(o, 0, 0); sd != -DefaultParams().Spread {
			t.Errorf("%s: tile corner sd %.2f, want saturated outside", f, sd)
		}
		l, _ := build(t, f, 'l')
		_, mid := emToTexel(l)(0, (l.Ink[1]+l.Ink[3])/2)
		best := float32(-100)
		for i := range DefaultParams().TileSize {
			best = max(best, sdAt(l, i, int(mid)))
		}
		if best < 1 {
			t.Errorf("%s: no texel inside the stem of 'l' at mid-height (max sd %.2f)", f, best)
		}
	}
}

// Away from the outline, the SDF's sign agrees with exact area coverage
// for every lower- and upper-case letter of both outline kinds.
func TestSignMatchesRaster(t *testing.T) {
	n := DefaultParams().TileSize
	for _, f := range testFaces(t) {
		for _, r := range "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ&@%8" {
			g, p := build(t, f, r)
			cov := coverage(g, p)
			bad := 0
			for j := range n {
				for i := range n {
					sd, c := sdAt(g, i, j), cov.AlphaAt(i, j).A
					// A texel centre more than 0.75 texel from the outline
					// has its whole square (half-diagonal 0.707) on one side.
					if (sd > 0.75 && c < 250) || (sd < -0.75 && c > 5) {
						bad++
					}
				}
			}
			if bad > 0 {
				t.Errorf("%s %q: %d texels whose sign disagrees with coverage", f, r, bad)
			}
		}
	}
}

// bruteBoundary is the boundary of p's nonzero fill in g's texel space,
// found independently of flatten's chords and of fillBoundary: every
// segment, lines included, is sampled from its Bézier formula into
// pieces at most bruteStep texels long, and a piece is kept when the
// nonzero winding number is zero on exactly one side of the curve point
// at its middle parameter (bruteSide texels away along the piece's
// normal; winding by brute force over the outline flattened to
// bruteSide/10). Where contours cross, a piece straddling the crossing is
// wrong over at most its length, so distances to the result are within
// bruteStep/2 of those to the true boundary. Holes and spikes narrower
// than 2·bruteSide are missed.
func bruteBoundary(g *Glyph, p Path) []line {
	const bruteStep, bruteSide = 0.05, 1e-4
	s := float64(g.TexelsPerEm)
	poly := p.flatten(s, -float64(g.Origin[0])*s, -float64(g.Origin[1])*s, bruteSide/10, nil)
	// The lines of poly by texel row, so that a winding number looks at
	// the lines of its row only.
	ylo := math.Inf(1)
	for _, l := range poly {
		ylo = min(ylo, l.ay, l.by)
	}
	y0 := int(math.Floor(ylo))
	var rows [][]line
	for _, l := range poly {
		for r := int(math.Floor(min(l.ay, l.by))) - y0; r <= int(math.Floor(max(l.ay, l.by)))-y0; r++ {
			for len(rows) <= r {
				rows = append(rows, nil)
			}
			rows[r] = append(rows[r], l)
		}
	}
	winding := func(x, y float64) int32 {
		if r := int(math.Floor(y)) - y0; r >= 0 && r < len(rows) {
			return windingAt(rows[r], x, y)
		}
		return 0
	}
	m := emToTexel(g)
	pt := func(q [2]float32) [2]float64 {
		a, b := m(q[0], q[1])
		return [2]float64{float64(a), float64(b)}
	}
	var out []line
	piece := func(a, b, mid [2]float64) {
		dx, dy := b[0]-a[0], b[1]-a[1]
		n := math.Hypot(dx, dy)
		if n == 0 {
			return
		}
		ox, oy := -dy/n*bruteSide, dx/n*bruteSide
		if (winding(mid[0]+ox, mid[1]+oy) == 0) != (winding(mid[0]-ox, mid[1]-oy) == 0) {
			out = append(out, line{a[0], a[1], b[0], b[1]})
		}
	}
	// seg samples the Bézier curve with control points c (2 to 4 of them).
	seg := func(c ...[2]float64) {
		bound := 0.0 // the control polygon's length bounds the curve's
		for k := 1; k < len(c); k++ {
			bound += math.Hypot(c[k][0]-c[k-1][0], c[k][1]-c[k-1][1])
		}
		steps := max(1, int(math.Ceil(bound/bruteStep)))
		at := func(t float64) [2]float64 {
			u := 1 - t
			var q [2]float64
			for d := range 2 {
				switch len(c) {
				case 2:
					q[d] = u*c[0][d] + t*c[1][d]
				case 3:
					q[d] = u*u*c[0][d] + 2*u*t*c[1][d] + t*t*c[2][d]
				default:
					q[d] = u*u*u*c[0][d] + 3*u*u*t*c[1][d] + 3*u*t*t*c[2][d] + t*t*t*c[3][d]
				}
			}
			return q
		}
		prev := c[0]
		for k := 1; k <= steps; k++ {
			q := at(float64(k) / float64(steps))
			if k == steps {
				q = c[len(c)-1]
			}
			piece(prev, q, at((float64(k)-0.5)/float64(steps)))
			prev = q
		}
	}
	var cur, first [2]float64
	open := false
	for _, sg := range p {
		switch sg.Op {
		case MoveTo:
			if open {
				seg(cur, first)
			}
			open = true
			cur = pt(sg.Pts[0])
			first = cur
		case LineTo:
			q := pt(sg.Pts[0])
			seg(cur, q)
			cur = q
		case QuadTo:
			q := pt(sg.Pts[1])
			seg(cur, pt(sg.Pts[0]), q)
			cur = q
		case CubeTo:
			q := pt(sg.Pts[2])
			seg(cur, pt(sg.Pts[0]), pt(sg.Pts[1]), q)
			cur = q
		}
	}
	if open {
		seg(cur, first)
	}
	return out
}

// bruteDistance is the distance from (x, y) to the nearest of ls.
func bruteDistance(ls []line, x, y float64) float64 {
	best := math.Inf(1)
	for _, l := range ls {
		dx, dy := l.bx-l.ax, l.by-l.ay
		t := max(0, min(1, ((x-l.ax)*dx+(y-l.ay)*dy)/(dx*dx+dy*dy)))
		best = min(best, math.Hypot(x-l.ax-t*dx, y-l.ay-t*dy))
	}
	return best
}

// checkDistance compares g's field with the brute-force distance to the
// boundary of p's fill on a sparse grid of texels, and returns how many
// unsaturated texels it checked.
func checkDistance(t *testing.T, name string, g *Glyph, p Path) int {
	t.Helper()
	pp := DefaultParams()
	n := pp.TileSize
	// Quantisation (Spread/255) + flattening (flattenTol) + the
	// reference's piece length / 2 + slack.
	tol := float64(pp.Spread)/255 + flattenTol + 0.025 + 0.005
	ls := bruteBoundary(g, p)
	checked := 0
	for j := 1; j < n; j += 5 {
		for i := 2; i < n; i += 7 {
			want := bruteDistance(ls, float64(i)+0.5, float64(j)+0.5)
			if want >= float64(pp.Spread)-0.1 {
				continue // saturated
			}
			checked++
			got := math.Abs(float64(sdAt(g, i, j)))
			if math.Abs(got-want) > tol {
				t.Errorf("%s texel (%d,%d): |sd| %.3f, brute-force distance to the fill's boundary %.3f", name, i, j, got, want)
			}
		}
	}
	return checked
}

// The field's magnitude is the distance to the boundary of the filled
// region (nonzero rule), not to every contour: fonts without and with
// overlapping contours, and the crafted outlines of overlap_test.go.
func TestDistanceMatchesBruteForce(t *testing.T) {
	type glyph struct {
		name string
		g    *Glyph
		p    Path
	}
	var gs []glyph
	for _, f := range testFaces(t) {
		for _, r := range "aegoRS" {
			g, p := build(t, f, r)
			gs = append(gs, glyph{fmt.Sprintf("%s %q", f, r), g, p})
		}
	}
	for _, of := range overlapFonts[:3] {
		f := fileFace(t, of.path)
		for _, r := range []rune(of.overlaps)[:4] {
			g, p := build(t, f, r)
			gs = append(gs, glyph{fmt.Sprintf("%s %q", of.name, r), g, p})
		}
	}
	for _, c := range craftedShapes() {
		g, err := buildGlyph(DefaultParams(), c.p)
		if err != nil {
			t.Fatal(err)
		}
		gs = append(gs, glyph{c.name, g, c.p})
	}
	for _, x := range gs {
		if checked := checkDistance(t, x.name, x.g, x.p); checked < 10 {
			t.Errorf("%s: only %d unsaturated texels checked", x.name, checked)
		}
	}
}

func TestInkBox(t *testing.T) {
	f := face(t, "DejaVu Sans")
	g, _ := build(t, f, 'o')
	var buf sfnt.Buffer
	gi, err := f.Font().GlyphIndex(&buf, 'o')
	if err != nil {
		t.Fatal(err)
	}
	upem := f.UnitsPerEm()
	b, _, err := f.Font().GlyphBounds(&buf, gi, fixed.Int26_6(upem), font.HintingNone)
	if err != nil {
		t.Fatal(err)
	}
	// ppem = unitsPerEm: each 26.6 unit is one font unit.
	want := [4]float32{float32(b.Min.X) / float32(upem), float32(b.Min.Y) / float32(upem),
		float32(b.Max.X) / float32(upem), float32(b.Max.Y) / float32(upem)}
	for k := range want {
		if math.Abs(float64(g.Ink[k]-want[k])) > 1e-6 {
			t.Errorf("Ink %v, sfnt bounds %v", g.Ink, want)
			break
		}
	}
	if g.Ink[1] >= 0 || g.Ink[3] <= 0 {
		t.Errorf("'o' ink box %v should straddle the baseline slightly (y down)", g.Ink)
	}
	// Cairo measured DejaVu Sans 'o' at 200 px as 101×116 px, in whole
	// pixels (hinted metrics round the box outwards; docs/geometry.md).
	px := func(v float32, round func(float64) float64) float64 { return round(200 * float64(v)) }
	w := px(g.Ink[2], math.Ceil) - px(g.Ink[0], math.Floor)
	h := px(g.Ink[3], math.Ceil) - px(g.Ink[1], math.Floor)
	if w != 101 || h != 116 {
		t.Errorf("'o' at 200 px rounded out: %v×%v, Cairo measured 101×116", w, h)
	}
	// The longer side spans TileSize-2*Pad texels, centred.
	p := DefaultParams()
	m := emToTexel(g)
	x0, y0 := m(g.Ink[0], g.Ink[1])
	x1, y1 := m(g.Ink[2], g.Ink[3])
	if math.Abs(float64(y0-float32(p.Pad))) > 1e-3 || math.Abs(float64(y1-float32(p.TileSize-p.Pad))) > 1e-3 ||
		math.Abs(float64(x0+x1-float32(p.TileSize))) > 1e-3 {
		t.Errorf("ink box in texels (%.3f,%.3f)-(%.3f,%.3f)", x0, y0, x1, y1)
	}
}

func TestRasterizeCoverage(t *testing.T) {
	for _, f := range testFaces(t) {
		g, p := build(t, f, 'a')
		cov := coverage(g, p)
		m := emToTexel(g)
		x0, y0 := m(g.Ink[0], g.Ink[1])
		x1, y1 := m(g.Ink[2], g.Ink[3])
		var in, out int
		for j := range cov.Rect.Dy() {
			for i := range cov.Rect.Dx() {
				a := int(cov.AlphaAt(i, j).A)
				if float32(i) >= x0-1 && float32(i) < x1+1 && float32(j) >= y0-1 && float32(j) < y1+1 {
					in += a
				} else {
					out += a
				}
			}
		}
		if in == 0 || out != 0 {
			t.Errorf("%s 'a': coverage inside ink box %d, outside %d", f, in, out)
		}
	}
}

func TestErrors(t *testing.T) {
	a, err := New(DefaultParams(), "")
	if err != nil {
		t.Fatal(err)
	}
	f := face(t, "DejaVu Sans")
	if _, err := a.Glyph(f, ' '); !errors.Is(err, ErrEmptyGlyph) {
		t.Errorf("space: %v, want ErrEmptyGlyph", err)
	}
	if _, err := a.Glyph(f, 0x10FFFD); !errors.Is(err, ErrNoGlyph) {
		t.Errorf("U+10FFFD: %v, want ErrNoGlyph", err)
	}
	id, err := a.Glyph(f, 'x')
	if err != nil || id != 0 || len(a.Glyphs()) != 1 {
		t.Errorf("first good glyph: id %d, err %v, %d glyphs; failures must take no id", id, err, len(a.Glyphs()))
	}
	for _, p := range []Params{{TileSize: 4, Pad: 0, Spread: 1}, {TileSize: 64, Pad: 31, Spread: 8}, {TileSize: 64, Pad: 8, Spread: 0}} {
		if _, err := New(p, ""); !errors.Is(err, ErrParams) {
			t.Errorf("New(%+v): %v, want ErrParams", p, err)
		}
	}
}

func TestEncodeDecode(t *testing.T) {
	p := DefaultParams()
	for _, sd := range []float32{-8, -3.3, -0.5, 0, 0.2, 4, 7.9} {
		if got := p.Decode(p.Encode(sd)); math.Abs(float64(got-sd)) > float64(p.Spread)/255+1e-6 {
			t.Errorf("Decode(Encode(%v)) = %v", sd, got)
		}
	}
	if p.Encode(-100) != 0 || p.Encode(100) != 255 || p.Encode(0) != 128 {
		t.Errorf("Encode: -100→%d 100→%d 0→%d", p.Encode(-100), p.Encode(100), p.Encode(0))
	}
}

func TestCacheRoundTrip(t *testing.T) {
	dir := t.TempDir()
	f := face(t, "Nimbus Sans")
	runes := []rune("agQ")
	first, err := New(DefaultParams(), dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runes {
		if _, err := first.Glyph(f, r); err != nil {
			t.Fatal(err)
		}
	}
	if s := first.Stats(); s.Built != 3 || s.Loaded != 0 || first.CacheErr() != nil {
		t.Fatalf("first atlas: %+v, cache error %v", s, first.CacheErr())
	}

	second, _ := New(DefaultParams(), dir)
	for _, r := range runes {
		if _, err := second.Glyph(f, r); err != nil {
			t.Fatal(err)
		}
	}
	if s := second.Stats(); s.Built != 0 || s.Loaded != 3 {
		t.Fatalf("second atlas: %+v, want all loaded", s)
	}
	g1, g2 := first.Glyphs(), second.Glyphs()
	for i := range g1 {
		a, b := g1[i], g2[i]
		if a.Ink != b.Ink || a.Origin != b.Origin || a.TexelsPerEm != b.TexelsPerEm || string(a.Tile) != string(b.Tile) {
			t.Errorf("glyph %d differs after the cache round trip", i)
		}
	}

	// Corrupt files are never trusted: flip a tile byte of 'a' and
	// truncate 'g'; 'Q' stays good.
	pa, pg := first.cachePath(f, 'a'), first.cachePath(f, 'g')
	data, err := os.ReadFile(pa)
	if err != nil {
		t.Fatal(err)
	}
	data[200] ^= 0xFF
	if err := os.WriteFile(pa, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(pg, 100); err != nil {
		t.Fatal(err)
	}
	third, _ := New(DefaultParams(), dir)
	for _, r := range runes {
		if _, err := third.Glyph(f, r); err != nil {
			t.Fatal(err)
		}
	}
	if s := third.Stats(); s.Built != 2 || s.Loaded != 1 {
		t.Errorf("after corrupting two files: %+v, want 2 built, 1 loaded", s)
	}
	for i, g := range third.Glyphs() {
		if string(g.Tile) != string(g1[0].Tile) && string(g.Tile) != string(g1[1].Tile) && string(g.Tile) != string(g1[2].Tile) {
			t.Errorf("rebuilt glyph %d differs from the original build", i)
		}
	}
	// A valid file for another key is rejected too (the key is inside).
	good, _ := os.ReadFile(first.cachePath(f, 'Q'))
	if err := os.WriteFile(pa, good, 0o644); err != nil {
		t.Fatal(err)
	}
	fourth, _ := New(DefaultParams(), dir)
	if _, err := fourth.Glyph(f, 'a'); err != nil {
		t.Fatal(err)
	}
	if s := fourth.Stats(); s.Built != 1 {
		t.Errorf("misplaced cache file trusted: %+v", s)
	}
	if string(fourth.Glyphs()[0].Tile) != string(g1[0].Tile) {
		t.Error("'a' rebuilt differently")
	}
	// Other Params use another folder.
	other, _ := New(Params{TileSize: 32, Pad: 4, Spread: 4}, dir)
	if _, err := other.Glyph(f, 'a'); err != nil {
		t.Fatal(err)
	}
	if s := other.Stats(); s.Built != 1 || len(other.Glyphs()[0].Tile) != 32*32 {
		t.Errorf("other params: %+v", s)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "*", "*", ".tmp-*")); len(m) != 0 {
		t.Errorf("temporary files left: %v", m)
	}
}

func TestConcurrentGlyph(t *testing.T) {
	a, err := New(DefaultParams(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	faces := testFaces(t)
	const workers = 16
	ids := make([][]uint32, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, f := range faces {
				for _, r := range "qwerty" {
					id, err := a.Glyph(f, r)
					if err != nil {
						t.Error(err)
						return
					}
					ids[w] = append(ids[w], id)
				}
			}
		}()
	}
	wg.Wait()
	for w := 1; w < workers; w++ {
		for k := range ids[0] {
			if ids[w][k] != ids[0][k] {
				t.Fatalf("worker %d got id %d for request %d, worker 0 got %d", w, ids[w][k], k, ids[0][k])
			}
		}
	}
	n := len(faces) * 6
	if s := a.Stats(); s.Built+s.Loaded != int64(n) {
		t.Errorf("%+v: each glyph must be built once", s)
	}
	seen := map[uint32]bool{}
	for _, id := range ids[0] {
		seen[id] = true
	}
	if len(seen) != n || len(a.Glyphs()) != n {
		t.Errorf("%d distinct ids, %d glyphs, want %d", len(seen), len(a.Glyphs()), n)
	}
	for id := range seen {
		if int(id) >= n {
			t.Errorf("id %d not dense", id)
		}
	}
	// Lookup gives each request's id and the very tile Glyphs holds
	// there, the same for a request answered from the index.
	all := a.Glyphs()
	for _, f := range faces {
		for _, r := range "qwerty" {
			id, g, err := a.Lookup(f, r)
			if err != nil || g == nil || int(id) >= len(all) || all[id] != g {
				t.Fatalf("Lookup(%v, %q) = %d, %p, %v; Glyphs()[%d] = %p", f, r, id, g, err, id, all[min(int(id), len(all)-1)])
			}
		}
	}
	if _, g, err := a.Lookup(faces[0], 0xE000); err == nil || g != nil {
		t.Errorf("Lookup of an unmapped rune: %p, %v; want nil and an error", g, err)
	}
}

// BenchmarkGlyph measures building one 64×64 tile from the outline (no
// cache), cycling through a–z of a TrueType and a CFF face, and through
// a–z and the overlapping-contour glyphs of Roboto (overlap_test.go).
func BenchmarkGlyph(b *testing.B) {
	type set struct {
		name  string
		f     *fonts.Face
		runes string
	}
	var sets []set
	for _, f := range testFaces(b) {
		sets = append(sets, set{f.Family, f, "abcdefghijklmnopqrstuvwxyz"})
	}
	roboto := fileFace(b, overlapFonts[0].path)
	sets = append(sets, set{"Roboto", roboto, "abcdefghijklmnopqrstuvwxyz"}, set{"Roboto overlaps", roboto, overlapFonts[0].overlaps})
	for _, s := range sets {
		b.Run(s.name, func(b *testing.B) {
			var paths []Path
			for _, r := range s.runes {
				p, err := Outline(s.f, r)
				if err != nil {
					b.Fatal(err)
				}
				paths = append(paths, p)
			}
			p := DefaultParams()
			b.ResetTimer()
			for i := range b.N {
				if _, err := buildGlyph(p, paths[i%len(paths)]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkLookupHit measures Lookup of glyphs already built, from
// GOMAXPROCS goroutines at once: the planner's case after the first batch.
func BenchmarkLookupHit(b *testing.B) {
	f := testFaces(b)[0]
	a, err := New(Params{TileSize: 32, Pad: 4, Spread: 4}, "")
	if err != nil {
		b.Fatal(err)
	}
	runes := []rune("abcdefghijklmnopqrstuvwxyz")
	for _, r := range runes {
		if _, _, err := a.Lookup(f, r); err != nil {
			b.Fatal(err)
		}
	}
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, _, err := a.Lookup(f, runes[i%len(runes)]); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}
