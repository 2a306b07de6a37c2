package engine

import (
	"errors"
	"fmt"
	"github.com/synbols-gpu/synbols-gpu/internal/detmath"
	"math"
	"unicode/utf8"

	"github.com/synbols-gpu/synbols-gpu/atlas"
	"github.com/synbols-gpu/synbols-gpu/fonts"
	"github.com/synbols-gpu/synbols-gpu/internal/rng"
	"github.com/synbols-gpu/synbols-gpu/scene"
)

// SyntheticBold is how far, in em, a synthetic bold grows the outline on
// each side. Cairo's FreeType backend emboldens by 1/24 em in all
// (FT_Outline_EmboldenXY with strength em/24), i.e. 1/48 em a side.
const SyntheticBold = 1.0 / 48

// SlantShear is the original's slant, a vertical shear applied after
// rotation and scale: x' = x, y' = 0.2·x + y.
const SlantShear = 0.2

// ErrPlan reports a sample that cannot be planned (unknown font, a char
// the face lacks, a multi-character symbol).
var ErrPlan = errors.New("engine: cannot plan sample")

// Planner turns resolved samples into paint records: it picks the face
// (a family's bold face, or its regular face with a synthetic bold), asks
// the atlas for the glyph tile, and folds rotation, scale, slant and
// translation into one pixel → tile affine (see docs/geometry.md).
//
// A Planner is safe for concurrent use: its fields are read-only and the
// atlas is itself safe for concurrent use.
type Planner struct {
	// Fonts resolves a symbol's font family to its faces (Face).
	Fonts *fonts.Library
	// Atlas gives each glyph's tile and id; the batches planned must
	// name the same atlas (Batch.Atlas) to be painted.
	Atlas *atlas.Atlas
	// Images is the pool ImagePatterns draw from; nil when the run has
	// none (planning an ImagePattern is then an error).
	Images *ImagePool
}

// Placement is a symbol's resolved geometry in unit image coordinates.
type Placement struct {
	// Linear part A and offset B of the map from glyph em space (y down)
	// to unit image space: u = A·g + B.
	A [4]float64 // a00, a01, a10, a11
	B [2]float64
	// Box is the transformed upright ink box's corners' bounding box in
	// unit coordinates (Cairo's text_extents box under a rotated or sheared
	// font matrix, not the tight box of the transformed ink): x0, y0, x1, y1.
	Box [4]float64
}

// Place computes where a glyph with upright ink box ink (em, y down, at
// size 1) lands for the symbol's scale, rotation, slant and translation.
func Place(ink [4]float64, sym *scene.Symbol) Placement {
	w, h := ink[2]-ink[0], ink[3]-ink[1]
	size := sym.Scale / math.Max(math.Max(w, h), 0.1)
	sn, cs := detmath.Sincos(sym.Rotation)
	// Rotate (Cairo's rotate, y down), then scale, then shear.
	a := [4]float64{float64(cs * size), float64(-sn * size), float64(sn * size), float64(cs * size)}
	if sym.Slant {
		a[2] += float64(SlantShear * a[0])
		a[3] += float64(SlantShear * a[1])
	}
	box := [4]float64{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for _, c := range [4][2]float64{{ink[0], ink[1]}, {ink[2], ink[1]}, {ink[0], ink[3]}, {ink[2], ink[3]}} {
		x := float64(a[0]*c[0]) + float64(a[1]*c[1])
		y := float64(a[2]*c[0]) + float64(a[3]*c[1])
		box[0], box[1] = math.Min(box[0], x), math.Min(box[1], y)
		box[2], box[3] = math.Max(box[2], x), math.Max(box[3], y)
	}
	bw, bh := box[2]-box[0], box[3]-box[1]
	tx := float64((sym.Translation[0] + 1) / 2 * (1 - bw))
	ty := float64((sym.Translation[1] + 1) / 2 * (1 - bh))
	p := Placement{A: a, B: [2]float64{tx - box[0], ty - box[1]}}
	p.Box = [4]float64{tx, ty, tx + bw, ty + bh}
	return p
}

// Face returns the face a symbol is drawn with and the synthetic bold, in
// em a side, to add to it (0 when the family has a real bold face or the
// symbol is not bold).
func (p *Planner) Face(sym *scene.Symbol) (*fonts.Face, float64, error) {
	fam, ok := p.Fonts.Family(sym.Font)
	if !ok {
		return nil, 0, fmt.Errorf("%w: unknown font family %q", ErrPlan, sym.Font)
	}
	switch {
	case !sym.Bold:
		return fam.Regular, 0, nil
	case fam.Bold != nil:
		return fam.Bold, 0, nil
	default:
		return fam.Regular, SyntheticBold, nil
	}
}

// Plan appends the paint records of sample s to dst: one Image, its
// Symbols (each with its pixel Box, InkBounds), and the Layers of its
// MultiGradient patterns. The image's FirstSymbol and a PatternLayers
// record's first layer index into dst's slices, so a batch is built by
// planning its samples into it in order (or planning runs into separate
// batches joined with Append). An ImagePattern draws from p.Images, sets
// dst.Pool to it and writes the chosen image's path into s. On error dst
// is left as it was.
func (p *Planner) Plan(s *scene.Sample, dst *Batch) error {
	ni, ns, nl, pool := len(dst.Images), len(dst.Symbols), len(dst.Layers), dst.Pool
	if err := p.plan(s, dst); err != nil {
		dst.Images, dst.Symbols, dst.Layers, dst.Pool = dst.Images[:ni], dst.Symbols[:ns], dst.Layers[:nl], pool
		return err
	}
	return nil
}

func (p *Planner) plan(s *scene.Sample, dst *Batch) error {
	im := Image{
		FirstSymbol: uint32(len(dst.Symbols)),
		NumSymbols:  uint32(len(s.Symbols)),
		NoiseScale:  float32(s.NoiseScale),
		NoiseSeed:   uint32(rng.Mix64(uint64(s.Seed)^0x6e6f697365) >> 32),
	}
	var err error
	if im.Bg, err = p.patternRecord(&s.Background, s, dst); err != nil {
		return err
	}
	if s.Gray {
		im.Flags |= FlagGray
	}
	if s.Inverse {
		im.Flags |= FlagInverse
	}
	if s.MaxContrast {
		im.Flags |= FlagMaxContrast
	}
	m := float64(min(s.Width, s.Height))
	params := p.Atlas.Params()
	for k := range s.Symbols {
		sym := &s.Symbols[k]
		// A label-noise sample records another char than it draws.
		char := sym.Char
		if sym.TrueChar != "" {
			char = sym.TrueChar
		}
		r, size := utf8.DecodeRuneInString(char)
		if size == 0 || size != len(char) {
			return fmt.Errorf("%w: symbol %q is not one character", ErrPlan, char)
		}
		face, bold, err := p.Face(sym)
		if err != nil {
			return err
		}
		id, g, err := p.Atlas.Lookup(face, r)
		if err != nil {
			return fmt.Errorf("%w: %q in %s: %w", ErrPlan, char, sym.Font, err)
		}
		ink := [4]float64{
			float64(g.Ink[0]) - bold, float64(g.Ink[1]) - bold,
			float64(g.Ink[2]) + bold, float64(g.Ink[3]) + bold,
		}
		pl := Place(ink, sym)
		rec := symbolRecord(pl, g, m, id, bold, params.Spread)
		if x0, y0, x1, y1, ok := InkBounds(&rec, g, params.TileSize, s.Width, s.Height); ok {
			rec.Box = [4]uint32{uint32(x0), uint32(y0), uint32(x1), uint32(y1)}
		}
		if rec.Fg, err = p.patternRecord(&sym.Foreground, s, dst); err != nil {
			return err
		}
		dst.Symbols = append(dst.Symbols, rec)
	}
	dst.Images = append(dst.Images, im)
	return nil
}

// symbolRecord composes pixel → unit → em → texel into one affine:
// g = A⁻¹(P/m − B), t = K·(g − Origin).
func symbolRecord(pl Placement, g *atlas.Glyph, m float64, id uint32, bold float64, spread float32) Symbol {
	a := pl.A
	det := float64(a[0]*a[3]) - float64(a[1]*a[2])
	inv := [4]float64{a[3] / det, -a[1] / det, -a[2] / det, a[0] / det}
	k := float64(g.TexelsPerEm)
	l := [4]float64{k * inv[0] / m, k * inv[1] / m, k * inv[2] / m, k * inv[3] / m}
	c0 := float64(-k*(float64(inv[0]*pl.B[0])+float64(inv[1]*pl.B[1]))) - float64(k*float64(g.Origin[0]))
	c1 := float64(-k*(float64(inv[2]*pl.B[0])+float64(inv[3]*pl.B[1]))) - float64(k*float64(g.Origin[1]))
	texelsPerPixel := math.Sqrt(math.Abs(float64(l[0]*l[3]) - float64(l[1]*l[2])))
	n := SubSamples(texelsPerPixel)
	return Symbol{
		Glyph:     id,
		Sub:       uint32(n),
		Affine:    [6]float32{float32(l[0]), float32(l[1]), float32(c0), float32(l[2]), float32(l[3]), float32(c1)},
		DistScale: float32(SubDistScale(texelsPerPixel, n, float64(bold*k), float64(spread))),
		Bias:      float32(bold * k),
	}
}

// SubFrom and SubTexels set how many SDF samples a symbol's pixels take
// (SubSamples): one while a pixel spans at most SubFrom texels (the square
// root of the pixel → texel map's determinant), else an n×n grid with
// each sample answering for at most SubTexels texels.
//
// Measured against exact area coverage (TestMinifiedCoverage and its
// sweep), one sample's L1 error relative to the ink is 0.02 at 2.4 texels
// per pixel, 0.05 at 4 (glyphs 12 px tall), 0.08 at 6 (8 px, ink mass off
// by up to 16%), 0.14 at 8 and about 0.5 at 16 (3 px, ink off by a third
// or more on average); n×n samples of at most 4 texels each keep it at
// 0.01–0.03 for glyphs of 1 px and more. SubTexels is that 4. SubFrom is higher because the default
// preset must keep its bytes: its scale, 0.6·exp(N(0, 0.2²)), puts a 32×32
// image's pixels at 1.0–6.4 texels (median 2.5; of 10⁶ planned symbols
// 9,854 above 4, 273 above 5, 42 above 5.5, 7 above 6, none above 6.5),
// half and a quarter of that at 64×64 and 128×128. No threshold keeps a
// lognormal's tail out; SubFrom = 5.5 sub-samples glyphs under 8.7 px
// and changes 4 in 10⁵ default 32×32 images. SubFrom = SubTexels would
// also fix glyphs of 9–12 px (halving their error) and change 1% of the
// default preset's 32×32 images.
const (
	SubFrom   = 5.5
	SubTexels = 4
)

// SubSamples is the sub-sample grid side for a symbol with tpp texels per
// pixel: 1 up to SubFrom, then ⌈tpp/SubTexels⌉ (at least 2), up to MaxSub.
func SubSamples(tpp float64) int {
	if !(tpp > SubFrom) {
		return 1
	}
	return int(min(max(math.Ceil(tpp/SubTexels), 2), MaxSub))
}

// SubDistScale is the DistScale of a symbol with tpp texels per pixel, n
// sub-samples a side and outline growth bias (texels) in an atlas of the
// given spread: 1/tpp, except that a sub-sampled symbol's per-sample ramp,
// of slope DistScale·n, is kept at least as steep as 1/(2(spread − 1 −
// bias)), so that a texel saturated outside (distance −spread) gives a
// sample coverage 0, with a texel to spare for bilinear and quantisation
// error. That matters only where even MaxSub² samples each span more than
// about twice the spread (tpp above ~200, glyphs under ~0.25 px): there the
// saturated texels round the glyph would each add 0.5 − spread·n/tpp,
// filling the tile as a faint box (at 0.1 px, ink mass +124% on average,
// +22% with the steeper ramp; TestMinifiedCoverage). Single-sample symbols
// keep 1/tpp (their bytes unchanged). A larger DistScale only narrows
// InkBounds to where coverage can still be non-zero
// (TestCoverageVanishesOutsideInkBounds): the painters visit only the
// Box it gives, so coverage outside it must be 0 for painting over the
// whole image to give the same bytes.
func SubDistScale(tpp float64, n int, bias, spread float64) float64 {
	ds := 1 / tpp
	if room := spread - 1 - bias; n > 1 && room > 0 {
		ds = max(ds, 1/(2*float64(n)*room))
	}
	return ds
}

// patternRecord resolves a scene pattern of sample s into its paint
// record, appending what it needs to dst.
func (pl *Planner) patternRecord(p *scene.Pattern, s *scene.Sample, dst *Batch) (Pattern, error) {
	switch p.Style {
	case scene.MultiGradient:
		gs := p.MultiGradient()
		r := Pattern{Kind: PatternLayers}
		r.Geom[0] = math.Float32frombits(uint32(len(dst.Layers)))
		r.Geom[1] = math.Float32frombits(uint32(len(gs)))
		for _, g := range gs {
			dst.Layers = append(dst.Layers, gradientParamsRecord(g))
		}
		return r, nil
	case scene.Camouflage:
		c := p.Camo
		if c.Strokes < 0 || c.Strokes > MaxStrokes {
			return Pattern{}, fmt.Errorf("%w: camouflage of %d strokes (at most %d)", ErrPlan, c.Strokes, MaxStrokes)
		}
		// The stroke vector in float64, stored as float32: the painters
		// start from the same float32 values.
		sn, cs := detmath.Sincos(c.Angle)
		r := Pattern{Kind: PatternCamouflage}
		r.Geom = [8]float32{math.Float32frombits(p.Seed), math.Float32frombits(uint32(c.Strokes)),
			float32(c.Length * cs), float32(c.Length * sn), float32(c.Width), float32(c.Noise), float32(c.Alpha)}
		return r, nil
	case scene.ImagePattern:
		return pl.imageRecord(p, s, dst)
	default:
		return gradientRecord(p), nil
	}
}

// ImageStream is the stream (internal/rng) the Planner draws an
// ImagePattern's image, rotation, translation and crop from, keyed by the
// pattern's seed: it separates them from the other patterns' draws of the
// same seed.
const ImageStream = 0x696d616765706174 // "imagepat"

// imageRecord draws an ImagePattern's image and placement from its seed,
// as the original's ImagePattern drew them: the image, uniform over the
// pool; a rotation Rotation·(2u − 1) about the image's centre and a
// translation Translation·(2u − 1)·(w, h) (PIL's Image.rotate, parts
// outside the source black); then, with Crop, a crop [x1, x2)×[y1, y2)
// with sides at least ⌊MinCrop·side⌋ + 1 (x2 uniform in [mx + 1, w), y2 in
// [my + 1, h), x1 in [0, x2 − mx), y1 in [0, y2 − my)), stretched to the
// output image. It folds all of it into one affine from unit output
// coordinates to source pixel coordinates, and picks the tap grid from the
// source pixels per output pixel. The image's path goes into p.Image.Path.
func (pl *Planner) imageRecord(p *scene.Pattern, s *scene.Sample, dst *Batch) (Pattern, error) {
	pool := pl.Images
	if pool == nil || len(pool.Images) == 0 {
		return Pattern{}, fmt.Errorf("%w: an ImagePattern without an image pool", ErrPlan)
	}
	if dst.Pool != nil && dst.Pool != pool {
		return Pattern{}, fmt.Errorf("%w: the batch holds another image pool", ErrPlan)
	}
	r := rng.New(uint64(p.Seed), ImageStream)
	idx := r.Intn(len(pool.Images))
	im := pool.Images[idx]
	w, h := float64(im.Width), float64(im.Height)
	ip := &p.Image
	angle := float64(ip.Rotation * (float64(2*r.Float64()) - 1))
	tx := float64(ip.Translation * (float64(2*r.Float64()) - 1) * w)
	ty := float64(ip.Translation * (float64(2*r.Float64()) - 1) * h)
	cx, cy, cw, ch := 0.0, 0.0, w, h
	if ip.Crop {
		iw, ih := int(im.Width), int(im.Height)
		mx, my := max(int(math.Floor(ip.MinCrop*w)), 0), max(int(math.Floor(ip.MinCrop*h)), 0)
		x2 := drawBetween(&r, mx+1, iw)
		y2 := drawBetween(&r, my+1, ih)
		x1 := drawBetween(&r, 0, x2-mx)
		y1 := drawBetween(&r, 0, y2-my)
		cx, cy, cw, ch = float64(x1), float64(y1), float64(x2-x1), float64(y2-y1)
	}
	// Output unit point u → crop point c = (cx, cy) + (sx·ux, sy·uy) in the
	// rotated image → source R·(c − centre − t) + centre, R the rotation
	// by −angle that PIL's rotate applies to output coordinates.
	m := float64(min(s.Width, s.Height))
	sx, sy := m*cw/float64(s.Width), m*ch/float64(s.Height)
	sn, cs := detmath.Sincos(-angle)
	a, b, d, e := cs, sn, -sn, cs
	ox, oy := cx-float64(w/2)-tx, cy-float64(h/2)-ty
	rec := Pattern{Kind: PatternImage}
	taps := min(max(math.Ceil(max(cw/float64(s.Width), ch/float64(s.Height))), 1), MaxImageTaps)
	rec.Geom = [8]float32{math.Float32frombits(uint32(idx)),
		float32(a * sx), float32(b * sy), float32(float64(a*ox) + float64(b*oy) + float64(w/2)),
		float32(d * sx), float32(e * sy), float32(float64(d*ox) + float64(e*oy) + float64(h/2)),
		math.Float32frombits(uint32(taps))}
	if idx < len(pool.Paths) {
		ip.Path = pool.Paths[idx]
	}
	dst.Pool = pool
	return rec, nil
}

// drawBetween is an integer uniform in [lo, hi), lo when the range is
// empty (an image too small for its minimum crop).
func drawBetween(r *rng.Stream, lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + r.Intn(hi-lo)
}

// gradientRecord is the record of a solid colour or a gradient.
func gradientRecord(p *scene.Pattern) Pattern {
	switch p.Style {
	case scene.SolidColor:
		c := p.Color
		return Pattern{Kind: PatternSolid, Stops: [3][4]float32{{float32(c[0]), float32(c[1]), float32(c[2]), 1}}}
	case scene.Gradient:
		return gradientParamsRecord(p.Gradient())
	default:
		return Pattern{Kind: PatternNone}
	}
}

// gradientParamsRecord is the record of a drawn gradient.
func gradientParamsRecord(g scene.GradientParams) Pattern {
	r := Pattern{Kind: PatternLinear}
	r.Geom = [8]float32{float32(g.P1[0]), float32(g.P1[1]), float32(g.P2[0]), float32(g.P2[1])}
	if g.Radial {
		r.Kind = PatternRadial
		r.Geom = [8]float32{float32(g.P1[0]), float32(g.P1[1]), float32(g.R0), float32(g.P2[0]), float32(g.P2[1]), float32(g.R1)}
	}
	for k, c := range g.Stops {
		r.Stops[k] = [4]float32{float32(c[0]), float32(c[1]), float32(c[2]), float32(g.Alpha)}
	}
	return r
}

// InkBounds returns the pixel rectangle [x0, x1)×[y0, y1) where the symbol
// can have coverage: the glyph's ink box in texels, grown by the distance at
// which coverage reaches zero (half a pixel, or half a sub-sample's cell,
// plus the bold bias, plus a texel for bilinear reach), clipped to the tile,
// mapped back through the inverse affine, with a pixel of margin (which
// also holds a pixel's sub-samples, within half a pixel of its centre).
// Pixels outside it would sample coverage 0 anyway (for a sub-sampled
// symbol, given SubDistScale's ramp); skipping them is only faster.
func InkBounds(sym *Symbol, g *atlas.Glyph, size, w, h int) (x0, y0, x1, y1 int, ok bool) {
	a := sym.Affine
	det := float64(float64(a[0])*float64(a[4])) - float64(float64(a[1])*float64(a[3]))
	if det == 0 || math.IsNaN(det) || sym.DistScale <= 0 {
		return 0, 0, 0, 0, false
	}
	k := float64(g.TexelsPerEm)
	// A sub-sample's ramp reaches 0.5/(DistScale·Sub) texels; the
	// samples' spread within the pixel is in the pixel margin below.
	reach := 0.5 / float64(sym.DistScale)
	if sym.Sub > 1 {
		reach /= float64(sym.Sub)
	}
	m := reach + math.Max(float64(sym.Bias), 0) + 1
	s := float64(size)
	u0 := math.Max(float64((float64(g.Ink[0])-float64(g.Origin[0]))*k)-m, 0)
	v0 := math.Max(float64((float64(g.Ink[1])-float64(g.Origin[1]))*k)-m, 0)
	u1 := math.Min(float64((float64(g.Ink[2])-float64(g.Origin[0]))*k)+m, s)
	v1 := math.Min(float64((float64(g.Ink[3])-float64(g.Origin[1]))*k)+m, s)
	minX, minY := math.Inf(1), math.Inf(1)
	maxX, maxY := math.Inf(-1), math.Inf(-1)
	for _, c := range [4][2]float64{{u0, v0}, {u1, v0}, {u0, v1}, {u1, v1}} {
		du, dv := c[0]-float64(a[2]), c[1]-float64(a[5])
		x := (float64(float64(a[4])*du) - float64(float64(a[1])*dv)) / det
		y := (float64(-float64(a[3])*du) + float64(float64(a[0])*dv)) / det
		minX, maxX = math.Min(minX, x), math.Max(maxX, x)
		minY, maxY = math.Min(minY, y), math.Max(maxY, y)
	}
	// Pixel centres x + ½ within [minX, maxX], with a pixel of margin
	// against float32 rounding of the affine.
	x0 = max(int(math.Floor(minX))-1, 0)
	y0 = max(int(math.Floor(minY))-1, 0)
	x1 = min(int(math.Ceil(maxX))+1, w)
	y1 = min(int(math.Ceil(maxY))+1, h)
	return x0, y0, x1, y1, x0 < x1 && y0 < y1
}
