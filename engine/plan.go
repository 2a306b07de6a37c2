package engine

import (
	"errors"
	"fmt"
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

// SlantShear is the original's slant: x' = x, y' = 0.2·x + y (SPEC §1.1).
const SlantShear = 0.2

// ErrPlan reports a sample that cannot be planned (unknown font, a char
// the face lacks, a multi-character symbol).
var ErrPlan = errors.New("engine: cannot plan sample")

// Planner turns resolved samples into paint records: it picks the face
// (a family's bold face, or its regular face with a synthetic bold), asks
// the atlas for the glyph tile, and folds rotation, scale, slant and
// translation into one pixel → tile affine (SPEC §1.1, §8.1, §8.2).
//
// A Planner is safe for concurrent use: its fields are read-only and the
// atlas is itself safe for concurrent use.
type Planner struct {
	Fonts *fonts.Library
	Atlas *atlas.Atlas
}

// Placement is a symbol's resolved geometry in unit image coordinates.
type Placement struct {
	// Linear part A and offset B of the map from glyph em space (y down)
	// to unit image space: u = A·g + B.
	A [4]float64 // a00, a01, a10, a11
	B [2]float64
	// Box is the transformed upright ink box's corners' bounding box in
	// unit coordinates (Cairo's text_extents box, SPEC §8.1): x0, y0, x1, y1.
	Box [4]float64
}

// Place computes where a glyph with upright ink box ink (em, y down, at
// size 1) lands for the symbol's scale, rotation, slant and translation.
func Place(ink [4]float64, sym *scene.Symbol) Placement {
	w, h := ink[2]-ink[0], ink[3]-ink[1]
	size := sym.Scale / math.Max(math.Max(w, h), 0.1)
	sn, cs := math.Sincos(sym.Rotation)
	// Rotate (Cairo's rotate, y down), then scale, then shear.
	a := [4]float64{cs * size, -sn * size, sn * size, cs * size}
	if sym.Slant {
		a[2] += SlantShear * a[0]
		a[3] += SlantShear * a[1]
	}
	box := [4]float64{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for _, c := range [4][2]float64{{ink[0], ink[1]}, {ink[2], ink[1]}, {ink[0], ink[3]}, {ink[2], ink[3]}} {
		x := a[0]*c[0] + a[1]*c[1]
		y := a[2]*c[0] + a[3]*c[1]
		box[0], box[1] = math.Min(box[0], x), math.Min(box[1], y)
		box[2], box[3] = math.Max(box[2], x), math.Max(box[3], y)
	}
	bw, bh := box[2]-box[0], box[3]-box[1]
	tx := (sym.Translation[0] + 1) / 2 * (1 - bw)
	ty := (sym.Translation[1] + 1) / 2 * (1 - bh)
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

// Plan appends the paint records of sample s to images and symbols and
// returns the extended slices. The image's FirstSymbol is the index into
// symbols, so a batch is built by planning its samples in order.
func (p *Planner) Plan(s *scene.Sample, images []Image, symbols []Symbol) ([]Image, []Symbol, error) {
	im := Image{
		FirstSymbol: uint32(len(symbols)),
		NumSymbols:  uint32(len(s.Symbols)),
		NoiseScale:  float32(s.NoiseScale),
		NoiseSeed:   uint32(rng.Mix64(uint64(s.Seed)^0x6e6f697365) >> 32),
		Bg:          patternRecord(&s.Background),
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
	glyphs := p.Atlas.Glyphs()
	for k := range s.Symbols {
		sym := &s.Symbols[k]
		r, size := utf8.DecodeRuneInString(sym.Char)
		if size == 0 || size != len(sym.Char) {
			return images, symbols, fmt.Errorf("%w: symbol %q is not one character", ErrPlan, sym.Char)
		}
		face, bold, err := p.Face(sym)
		if err != nil {
			return images, symbols, err
		}
		id, err := p.Atlas.Glyph(face, r)
		if err != nil {
			return images, symbols, fmt.Errorf("%w: %q in %s: %w", ErrPlan, sym.Char, sym.Font, err)
		}
		if int(id) >= len(glyphs) {
			glyphs = p.Atlas.Glyphs()
		}
		g := glyphs[id]
		ink := [4]float64{
			float64(g.Ink[0]) - bold, float64(g.Ink[1]) - bold,
			float64(g.Ink[2]) + bold, float64(g.Ink[3]) + bold,
		}
		pl := Place(ink, sym)
		symbols = append(symbols, symbolRecord(pl, g, m, id, bold, &sym.Foreground))
	}
	return append(images, im), symbols, nil
}

// symbolRecord composes pixel → unit → em → texel into one affine:
// g = A⁻¹(P/m − B), t = K·(g − Origin).
func symbolRecord(pl Placement, g *atlas.Glyph, m float64, id uint32, bold float64, fg *scene.Pattern) Symbol {
	a := pl.A
	det := a[0]*a[3] - a[1]*a[2]
	inv := [4]float64{a[3] / det, -a[1] / det, -a[2] / det, a[0] / det}
	k := float64(g.TexelsPerEm)
	l := [4]float64{k * inv[0] / m, k * inv[1] / m, k * inv[2] / m, k * inv[3] / m}
	c0 := -k*(inv[0]*pl.B[0]+inv[1]*pl.B[1]) - k*float64(g.Origin[0])
	c1 := -k*(inv[2]*pl.B[0]+inv[3]*pl.B[1]) - k*float64(g.Origin[1])
	texelsPerPixel := math.Sqrt(math.Abs(l[0]*l[3] - l[1]*l[2]))
	return Symbol{
		Glyph:     id,
		Affine:    [6]float32{float32(l[0]), float32(l[1]), float32(c0), float32(l[2]), float32(l[3]), float32(c1)},
		DistScale: float32(1 / texelsPerPixel),
		Bias:      float32(bold * k),
		Fg:        patternRecord(fg),
	}
}

// patternRecord resolves a scene pattern into its paint record.
func patternRecord(p *scene.Pattern) Pattern {
	switch p.Style {
	case scene.SolidColor:
		c := p.Color
		return Pattern{Kind: PatternSolid, Stops: [3][4]float32{{float32(c[0]), float32(c[1]), float32(c[2]), 1}}}
	case scene.Gradient:
		g := p.Gradient()
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
	default:
		return Pattern{Kind: PatternNone}
	}
}
