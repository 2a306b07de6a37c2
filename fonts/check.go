package fonts

import (
	"errors"
	"fmt"
	"image"
	"image/draw"
	"math"
	"sync"
	"unicode"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"

	"github.com/synbols-gpu/synbols-gpu/internal/outline"
)

// This file holds the original Synbols' font filters (docs/alphabets.md), run
// when the catalogue is built: fonts that map characters to glyphs that
// are not those characters (a .notdef box, a bar-code, keycaps, dingbat
// pictures) render fine and would silently poison a dataset, so each
// family is rendered and judged on small bitmaps of its alphabet.

// glyphSize is the side of the bitmaps the checks render. 24 pixels keep
// the letters recognisable (the original's images are 32×32 with margins)
// while a whole alphabet of a whole pool renders in well under a second.
const glyphSize = 24

// glyphPixels is the number of pixels of one bitmap.
const glyphPixels = glyphSize * glyphSize

// glyphBitmap is one rendered glyph: coverage 0..255 per pixel, row-major.
type glyphBitmap [glyphPixels]uint8

// CheckConfig holds the thresholds of the rendering checks. They are
// data, not code, so that a pool with unusual fonts can be re-judged
// without a rebuild; DefaultCheckConfig documents why each value was
// chosen.
type CheckConfig struct {
	// SampleSize is how many symbols of an alphabet (its first ones) are
	// rendered per family.
	SampleSize int `json:"sample_size"`
	// SameShape is the mean absolute pixel difference (0..1) below which
	// two bitmaps count as the same shape.
	SameShape float64 `json:"same_shape"`
	// MinDistinct is the fraction of the sample that must render as
	// distinct shapes (26 letters: 20).
	MinDistinct float64 `json:"min_distinct"`
	// BoxFill is the ink fraction, glyph stretched to its ink box, above
	// which a glyph counts as a filled box; BoxFrame the ink fraction of
	// the box's border ring above which it counts as a framed box
	// (.notdef rectangles, keycaps).
	BoxFill  float64 `json:"box_fill"`
	BoxFrame float64 `json:"box_frame"`
	// MaxBoxes is the fraction of the sample that may be boxes.
	MaxBoxes float64 `json:"max_boxes"`
	// FrameSide is the fraction of each side of a stretched glyph's box
	// that must be inked near the edge for the glyph to count as framed
	// (a letter drawn inside a key-cap or a box); MaxFramed the fraction
	// of the sample that may be framed.
	FrameSide float64 `json:"frame_side"`
	MaxFramed float64 `json:"max_framed"`
	// MinRecognised is the fraction of the sample whose nearest reference
	// glyph (in the embedded fonts that draw the sample) must be the same
	// symbol. Dingbat fonts such as URW D050000L draw distinct pictures
	// for a-z and pass the other checks; this one catches them.
	MinRecognised float64 `json:"min_recognised"`
	// Duplicate is the mean absolute pixel difference over the sample
	// below which two families are near-duplicates.
	Duplicate float64 `json:"duplicate"`
	// BoldSame is the mean absolute difference below which a bold face
	// counts as identical to the regular one (no real bold).
	BoldSame float64 `json:"bold_same"`
}

// DefaultCheckConfig returns the thresholds, measured on the fonts of
// Debian's fonts-* packages rendered by these checks:
//
//   - SameShape 0.01: the closest two letters of a real font differ by
//     ≥ 0.007 (URW Gothic, where most pairs are > 0.02), one glyph drawn
//     for several chars by 0; merging such rare close pairs costs one
//     distinct shape, well within MinDistinct.
//   - MinDistinct 0.75: 20 of 26; all-caps and small-caps fonts still
//     have 25-26.
//   - BoxFill 0.92, BoxFrame 0.9, MaxBoxes 0.5: a sans "l" or "i" is a
//     filled box once stretched, so real fonts have 0-2 boxes among a-z;
//     half the alphabet is not a font.
//   - FrameSide 0.8, MaxFramed 0.5: the glyph's ink is within 3 pixels
//     of all four sides of its stretched box along ≥ 80% of each side,
//     the glyphs so framed share one ink box (within 2%), and no glyph
//     is much narrower than that box (framedLetters).
//     Linux Biolinum Keyboard O (every letter in a key-cap) frames 26 of
//     26; text fonts 0-2 (a stretched "o" or "l"), URW D050000L 8. Over
//     Debian's full pool the stretched-box test alone framed 14-19 of 26
//     letters of 12 blocky but readable BRK display faces (Revert,
//     Jawbreaker, Underwhelmed…); with the shared box and narrow letters
//     they are kept, while key-cap, boxed-letter and ornament faces
//     (Binary, Grudge, Symmetry BRK) still frame 19-26.
//   - MinRecognised 0.06 (flag at ≤ 1 of 26, no better than chance):
//     on Debian's full pool (1,600 families drawing a-z), URW D050000L
//     (dingbats), layered and pixel-art display fonts score 0-1, while
//     real but far-from-reference designs score from 2 up (script faces
//     such as UKIJ Jelliy 2, Telephasic BRK 7; ordinary text faces 20-26).
//     Either case of a letter counts (all-caps fonts such as Bebas Neue).
//     Standard Symbols PS (Greek letters for a-z) scores 4; it is caught
//     by its OS/2 table, which declares a symbol font (CheckSymbolFont).
//   - Duplicate 0.025: clones of one design measure 0.001-0.003
//     (FreeSans / Nimbus Sans, FreeSerif / Nimbus Roman, DejaVu Math TeX
//     Gyre / DejaVu Serif) and 0.017 (Carlito, derived from Lato);
//     different designs of one genre start at 0.036 (FreeSans /
//     Liberation Sans, Liberation Sans / Nimbus Sans).
//   - BoldSame 0.01: a real bold differs from its regular by far more
//     (its strokes are thicker in every glyph).
func DefaultCheckConfig() CheckConfig {
	return CheckConfig{
		SampleSize:    26,
		SameShape:     0.01,
		MinDistinct:   0.75,
		BoxFill:       0.92,
		BoxFrame:      0.9,
		MaxBoxes:      0.5,
		FrameSide:     0.8,
		MaxFramed:     0.5,
		MinRecognised: 0.06,
		Duplicate:     0.025,
		BoldSame:      0.01,
	}
}

// The names of the checks, as recorded in the catalogue.
const (
	CheckCoverage     = "coverage"     // glyphs missing or empty
	CheckSameShape    = "same-shape"   // too few distinct shapes
	CheckBoxes        = "boxes"        // glyphs drawn as boxes
	CheckUnrecognised = "unrecognised" // glyphs unlike the reference letters
	CheckDuplicate    = "duplicate"    // near-duplicate of a kept family
	CheckBlocked      = "blocked"      // named in the user's block-list
	CheckRender       = "render"       // a sample glyph failed to load
	CheckSymbolFont   = "symbol-font"  // the font declares itself a symbol font
	CheckFramed       = "framed"       // glyphs drawn inside frames (key-caps, boxed letters)
	CheckDrawing      = "drawing"      // painted glyphs differ from their exact rasterisation
)

// Bold capabilities recorded per family.
const (
	BoldReal      = "real"      // a bold face that differs from the regular
	BoldSynthetic = "synthetic" // no bold face: the painter synthesises it
	BoldIdentical = "identical" // a "bold" face that renders as the regular: synthesised too
	BoldVariable  = "variable"  // no bold face, but a variable font's wght instance that differs from the regular
)

// Reason is why a family was dropped from a language: the check's name
// and a one-line explanation.
type Reason struct {
	Check  string `json:"check"`
	Detail string `json:"detail"`
}

// ShapeStats are the measurements the rendering checks make on one
// family's sample; kept in the catalogue so that thresholds can be
// reviewed against the numbers.
type ShapeStats struct {
	Sample     int `json:"sample"`
	Distinct   int `json:"distinct"`
	Boxes      int `json:"boxes"`
	Framed     int `json:"framed"`
	Recognised int `json:"recognised"` // -1: no reference draws the sample
}

// renderer rasterises glyphs to bitmaps and caches them per face and
// rune. Safe for concurrent use.
type renderer struct {
	mu    sync.Mutex
	cache map[renderKey]*renderVal
	pool  sync.Pool // *vector.Rasterizer
}

type renderKey struct {
	face    *Face
	r       rune
	stretch bool
}

type renderVal struct {
	bm  *glyphBitmap
	err error
}

func newRenderer() *renderer {
	return &renderer{cache: map[renderKey]*renderVal{}}
}

// glyph renders r in f, scaled to fit its ink (control) box into the
// bitmap with a one-pixel margin: keeping the aspect ratio and centred,
// or stretched to fill the square when stretch is true (the box checks
// look at the stretched one). Normalising away size and position makes
// the comparisons independent of the font's metrics, so a clone scaled
// differently is still a duplicate.
func (rd *renderer) glyph(f *Face, r rune, stretch bool) (*glyphBitmap, error) {
	k := renderKey{f, r, stretch}
	rd.mu.Lock()
	v, ok := rd.cache[k]
	rd.mu.Unlock()
	if ok {
		return v.bm, v.err
	}
	bm, err := rd.render(f, r, stretch)
	rd.mu.Lock()
	rd.cache[k] = &renderVal{bm, err}
	rd.mu.Unlock()
	return bm, err
}

func (rd *renderer) render(f *Face, r rune, stretch bool) (*glyphBitmap, error) {
	segs, err := f.Outline(r)
	if err != nil {
		return nil, err
	}
	bb := sfnt.Segments(segs).Bounds()
	x0, y0 := float64(bb.Min.X), float64(bb.Min.Y)
	w, h := float64(bb.Max.X-bb.Min.X), float64(bb.Max.Y-bb.Min.Y)
	const inner = glyphSize - 2
	sx, sy := inner/w, inner/h
	ox, oy := 1.0, 1.0
	if !stretch {
		s := math.Min(sx, sy)
		sx, sy = s, s
		ox += float64((inner - float64(w*s)) / 2)
		oy += float64((inner - float64(h*s)) / 2)
	}
	m := func(x, y int32) (float32, float32) {
		return float32(float64((float64(x)-x0)*sx) + ox), float32(float64((float64(y)-y0)*sy) + oy)
	}
	z, _ := rd.pool.Get().(*vector.Rasterizer)
	if z == nil {
		z = vector.NewRasterizer(glyphSize, glyphSize)
	} else {
		z.Reset(glyphSize, glyphSize)
	}
	defer rd.pool.Put(z)
	outline.Path(z, segs, func(p fixed.Point26_6) (float32, float32) { return m(int32(p.X), int32(p.Y)) })
	dst := image.NewAlpha(image.Rect(0, 0, glyphSize, glyphSize))
	z.DrawOp = draw.Src
	z.Draw(dst, dst.Bounds(), image.Opaque, image.Point{})
	bm := new(glyphBitmap)
	copy(bm[:], dst.Pix)
	return bm, nil
}

// bitmapDistance is the mean absolute difference of two bitmaps, 0..1.
func bitmapDistance(a, b *glyphBitmap) float64 {
	s := 0
	for i := range a {
		d := int(a[i]) - int(b[i])
		if d < 0 {
			d = -d
		}
		s += d
	}
	return float64(s) / (255 * glyphPixels)
}

// isBox reports whether a stretched bitmap is a filled box or a framed
// one (its outer ring inked all round).
func isBox(bm *glyphBitmap, cfg CheckConfig) bool {
	total, ring, nring := 0, 0, 0
	for y := range glyphSize {
		for x := range glyphSize {
			v := int(bm[y*glyphSize+x])
			total += v
			// the ring: the two pixels inside the one-pixel margin
			if x >= 1 && x <= 2 || x >= glyphSize-3 && x <= glyphSize-2 || y >= 1 && y <= 2 || y >= glyphSize-3 && y <= glyphSize-2 {
				if x >= 1 && x <= glyphSize-2 && y >= 1 && y <= glyphSize-2 {
					ring += v
					nring++
				}
			}
		}
	}
	inner := (glyphSize - 2) * (glyphSize - 2)
	fill := float64(total) / float64(255*inner)
	frame := float64(ring) / float64(255*nring)
	return fill >= cfg.BoxFill || frame >= cfg.BoxFrame
}

// isFramed reports whether a stretched bitmap has ink near all four sides
// of its box along most of each side: a glyph enclosed by a frame. A
// letter touches its stretched box on each side too, but only where its
// strokes end (the two stems of an "n" along the bottom), not along the
// whole side.
func isFramed(bm *glyphBitmap, cfg CheckConfig) bool {
	if cfg.FrameSide <= 0 {
		return false
	}
	const band = 3 // pixels from the edge of the box
	lo, hi := 1, glyphSize-2
	inked := func(x, y int) bool { return bm[y*glyphSize+x] >= 128 }
	var sides [4]int // left, right, top, bottom
	for k := lo; k <= hi; k++ {
		for d := range band {
			if inked(lo+d, k) {
				sides[0]++
				break
			}
		}
		for d := range band {
			if inked(hi-d, k) {
				sides[1]++
				break
			}
		}
		for d := range band {
			if inked(k, lo+d) {
				sides[2]++
				break
			}
		}
		for d := range band {
			if inked(k, hi-d) {
				sides[3]++
				break
			}
		}
	}
	need := cfg.FrameSide * float64(hi-lo+1)
	for _, n := range sides {
		if float64(n) < need {
			return false
		}
	}
	return true
}

// framedLetters counts the glyphs drawn inside one frame: framed glyphs
// (isFramed) that share one ink box — a key-cap is one shape around every
// letter — provided no glyph of the sample is much narrower than that box.
// Blocky display faces (Jawbreaker, Underwhelmed, Reason Shadow BRK) draw
// their square letters to one box too, and those touch it on all four
// sides, but their "i" stays narrow; a key-cap or boxed-letter face puts
// even an "i" in the full frame. 0 when a narrow glyph shows there is no
// frame.
func framedLetters(boxes [][4]float64, framed []bool) int {
	if len(boxes) == 0 {
		return 0
	}
	size := 0.0
	for _, b := range boxes {
		size = max(size, b[2]-b[0], b[3]-b[1])
	}
	const tol = 0.02 // of the largest box dimension
	same := func(a, b [4]float64) bool {
		return math.Abs(a[0]-b[0]) <= tol*size && math.Abs(a[1]-b[1]) <= tol*size &&
			math.Abs(a[2]-b[2]) <= tol*size && math.Abs(a[3]-b[3]) <= tol*size
	}
	// The largest group of framed glyphs with one box.
	best, bestAt := 0, -1
	for i := range boxes {
		if !framed[i] {
			continue
		}
		n := 0
		for j := range boxes {
			if framed[j] && same(boxes[i], boxes[j]) {
				n++
			}
		}
		if n > best {
			best, bestAt = n, i
		}
	}
	if bestAt < 0 {
		return 0
	}
	// No glyph much narrower than the frame: a frame holds an "i" as
	// wide as an "m".
	aspect := func(b [4]float64) float64 { return (b[2] - b[0]) / math.Max(b[3]-b[1], 1e-9) }
	frameAspect := aspect(boxes[bestAt])
	for _, b := range boxes {
		if aspect(b) < 0.75*frameAspect {
			return 0
		}
	}
	return best
}

// familySample is one family's rendered sample for one alphabet.
type familySample struct {
	fam    *Family
	shapes []*glyphBitmap // aspect kept, one per sample rune
	err    error          // first glyph that failed to render
}

// renderSample renders the sample runes in a family's regular face.
func (rd *renderer) renderSample(fam *Family, sample []rune) familySample {
	fs := familySample{fam: fam, shapes: make([]*glyphBitmap, len(sample))}
	for i, r := range sample {
		bm, err := rd.glyph(fam.Regular, r, false)
		if err != nil {
			fs.err = err
			return fs
		}
		fs.shapes[i] = bm
	}
	return fs
}

// shapeChecks runs the same-shape, box and recognition checks on a
// rendered sample. refs are the reference families' renderings of
// refRunes (referenceRunes); none means the recognition check is not run.
func (rd *renderer) shapeChecks(fs familySample, sample []rune, refs []familySample, refOf []int, cfg CheckConfig) (ShapeStats, []Reason) {
	st := ShapeStats{Sample: len(sample), Recognised: -1}
	if fs.err != nil {
		return st, []Reason{{CheckRender, oneLine(fs.err)}}
	}
	var reasons []Reason
	// Distinct shapes: greedy clustering, each new glyph compared with
	// the representatives so far.
	var reps []*glyphBitmap
	for _, g := range fs.shapes {
		same := false
		for _, r := range reps {
			if bitmapDistance(g, r) < cfg.SameShape {
				same = true
				break
			}
		}
		if !same {
			reps = append(reps, g)
		}
	}
	st.Distinct = len(reps)
	if float64(st.Distinct) < cfg.MinDistinct*float64(len(sample)) {
		reasons = append(reasons, Reason{CheckSameShape, fmt.Sprintf("%d distinct shapes for %d symbols", st.Distinct, len(sample))})
	}
	var boxes [][4]float64 // ink boxes of the sample's glyphs
	var framed []bool
	for _, r := range sample {
		bm, err := rd.glyph(fs.fam.Regular, r, true)
		if err == nil && isBox(bm, cfg) {
			st.Boxes++
		}
		if segs, oerr := fs.fam.Regular.Outline(r); err == nil && oerr == nil {
			b := sfnt.Segments(segs).Bounds()
			boxes = append(boxes, [4]float64{float64(b.Min.X), float64(b.Min.Y), float64(b.Max.X), float64(b.Max.Y)})
			framed = append(framed, isFramed(bm, cfg))
		}
	}
	st.Framed = framedLetters(boxes, framed)
	if float64(st.Boxes) > cfg.MaxBoxes*float64(len(sample)) {
		reasons = append(reasons, Reason{CheckBoxes, fmt.Sprintf("%d of %d symbols drawn as boxes", st.Boxes, len(sample))})
	}
	if cfg.MaxFramed > 0 && float64(st.Framed) > cfg.MaxFramed*float64(len(sample)) {
		reasons = append(reasons, Reason{CheckFramed, fmt.Sprintf("%d of %d symbols drawn inside a frame (key-caps or boxed letters)", st.Framed, len(sample))})
	}
	if len(refs) > 0 {
		st.Recognised = 0
		for i, g := range fs.shapes {
			best, bestJ := math.Inf(1), -1
			for _, ref := range refs {
				for j, rg := range ref.shapes {
					if d := bitmapDistance(g, rg); d < best {
						best, bestJ = d, j
					}
				}
			}
			if bestJ >= 0 && refOf[bestJ] == i {
				st.Recognised++
			}
		}
		if float64(st.Recognised) < cfg.MinRecognised*float64(len(sample)) {
			reasons = append(reasons, Reason{CheckUnrecognised, fmt.Sprintf("%d of %d symbols look like the reference symbols", st.Recognised, len(sample))})
		}
	}
	return st, reasons
}

// referenceRunes is the sample and the other letter case of each of its
// symbols, with refOf[k] the sample index of refRunes[k]: an all-caps
// font (Bebas Neue) draws "a" as "A", and recognising either case keeps
// it, while a dingbat font matches neither.
func referenceRunes(sample []rune) (refRunes []rune, refOf []int) {
	refRunes = append(refRunes, sample...)
	for i := range sample {
		refOf = append(refOf, i)
	}
	for i, r := range sample {
		for _, o := range []rune{unicode.ToUpper(r), unicode.ToLower(r)} {
			if o != r {
				refRunes = append(refRunes, o)
				refOf = append(refOf, i)
			}
		}
	}
	return refRunes, refOf
}

// boldCapability compares a family's bold face with its regular face on
// the sample (BoldReal, BoldVariable, BoldSynthetic or BoldIdentical).
func (rd *renderer) boldCapability(fam *Family, sample []rune, cfg CheckConfig) string {
	if fam.Bold == nil {
		return BoldSynthetic
	}
	sum, n := 0.0, 0
	for _, r := range sample {
		a, err1 := rd.glyph(fam.Regular, r, false)
		b, err2 := rd.glyph(fam.Bold, r, false)
		if err1 != nil || err2 != nil {
			continue
		}
		sum += bitmapDistance(a, b)
		n++
	}
	if n > 0 && sum/float64(n) < cfg.BoldSame {
		return BoldIdentical
	}
	if fam.Bold.wght != 0 {
		return BoldVariable
	}
	return BoldReal
}

// drawsBold reports whether a bold capability means a drawn bold design
// (a real bold face or a variable font's wght instance) rather than a
// synthesised one.
func drawsBold(capability string) bool {
	return capability == BoldReal || capability == BoldVariable
}

// coarseSize is the side of the block-sum signature used to skip far
// pairs in the duplicate search: a sum of |block sum differences| never
// exceeds the full sum of |pixel differences|, so a coarse distance above
// the threshold proves the pair is not a duplicate.
const coarseSize = 6

type signature struct {
	coarse []int32 // coarseSize² block sums per glyph
}

func makeSignature(fs familySample) signature {
	const blk = glyphSize / coarseSize
	sig := signature{coarse: make([]int32, len(fs.shapes)*coarseSize*coarseSize)}
	for g, bm := range fs.shapes {
		base := g * coarseSize * coarseSize
		for y := range glyphSize {
			for x := range glyphSize {
				sig.coarse[base+(y/blk)*coarseSize+x/blk] += int32(bm[y*glyphSize+x])
			}
		}
	}
	return sig
}

// sampleDistance is the mean absolute pixel difference between two
// rendered samples, or +Inf as soon as it is known to exceed limit.
func sampleDistance(a, b familySample, sa, sb signature, limit float64) float64 {
	bound := limit * 255 * glyphPixels * float64(len(a.shapes))
	var c int64
	for i := range sa.coarse {
		d := int64(sa.coarse[i] - sb.coarse[i])
		if d < 0 {
			d = -d
		}
		c += d
	}
	if float64(c) > bound {
		return math.Inf(1)
	}
	var s int64
	for g := range a.shapes {
		x, y := a.shapes[g], b.shapes[g]
		for i := range x {
			d := int64(x[i]) - int64(y[i])
			if d < 0 {
				d = -d
			}
			s += d
		}
		if float64(s) > bound {
			return math.Inf(1)
		}
	}
	return float64(s) / (255 * glyphPixels * float64(len(a.shapes)))
}

// Duplicate records one family dropped as a near-duplicate of another.
type Duplicate struct {
	Kept     string  `json:"kept"`
	Dropped  string  `json:"dropped"`
	Distance float64 `json:"distance"`
}

// dedupe clusters near-duplicate families: samples are taken in order
// (the caller puts families with a real bold face first, then by name),
// and each is dropped when it is within cfg.Duplicate of a family kept
// before it, the nearest such one being named.
func dedupe(samples []familySample, cfg CheckConfig) (kept []familySample, dups []Duplicate) {
	sigs := make([]signature, len(samples))
	for i := range samples {
		sigs[i] = makeSignature(samples[i])
	}
	var keptIdx []int
	for i, s := range samples {
		best, bestK := math.Inf(1), -1
		for _, k := range keptIdx {
			if d := sampleDistance(s, samples[k], sigs[i], sigs[k], cfg.Duplicate); d < cfg.Duplicate && d < best {
				best, bestK = d, k
			}
		}
		if bestK >= 0 {
			dups = append(dups, Duplicate{Kept: samples[bestK].fam.Name, Dropped: s.fam.Name, Distance: math.Round(best*1e4) / 1e4})
			continue
		}
		keptIdx = append(keptIdx, i)
		kept = append(kept, s)
	}
	return kept, dups
}

// glyphProblem names the first rune of rs that f cannot draw and whether
// it is missing or empty, for the coverage reason.
func glyphProblem(f *Face, rs []rune) string {
	missing, empty := 0, 0
	first := ""
	for _, r := range rs {
		_, err := f.Outline(r)
		switch {
		case err == nil:
			continue
		case errors.Is(err, ErrEmptyGlyph):
			empty++
			if first == "" {
				first = fmt.Sprintf("U+%04X %q empty", r, r)
			}
		default:
			missing++
			if first == "" {
				first = fmt.Sprintf("U+%04X %q missing", r, r)
			}
		}
	}
	return fmt.Sprintf("%d missing, %d empty of %d (first: %s)", missing, empty, len(rs), first)
}

// oneLine shortens an error for a reason.
func oneLine(err error) string {
	return fmt.Sprint(err)
}
