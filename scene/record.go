package scene

import (
	"math"
	"strconv"
	"unicode/utf8"
)

// AppendRecord appends the JSON attribute record of s to b, written as the
// original's Python json.dumps wrote it: the same keys in the same order,
// ", " and ": " separators, ASCII-only (non-ASCII escaped as \uXXXX), floats
// in Python's repr form (1.0, not 1), booleans of is_bold/is_slant as the
// strings "True"/"False". The first symbol's fields repeat at the top level.
//
// Keys the original wrote only in some datasets are written only when set:
// "true_char" after "char" (TrueChar != ""), "bbox" after "foreground"
// (HasBox), and "overlap_score" last, after "symbols" (HasOverlap), where
// the original's flatten_mask aggregator added it to the record.
func (s *Sample) AppendRecord(b []byte) []byte {
	b = append(b, `{"resolution": [`...)
	b = strconv.AppendInt(b, int64(s.Width), 10)
	b = append(b, ", "...)
	b = strconv.AppendInt(b, int64(s.Height), 10)
	b = append(b, `], "pixel_noise_scale": `...)
	b = appendPyFloat(b, s.NoiseScale)
	b = append(b, `, "seed": `...)
	b = strconv.AppendUint(b, uint64(s.Seed), 10)
	b = append(b, `, "background": `...)
	b = s.Background.appendRecord(b)
	// The first symbol's fields appear twice, at the top level and in
	// the list: formatted once (its floats' shortest forms are most of a
	// record's cost) and copied.
	var first []byte
	if len(s.Symbols) > 0 {
		b = append(b, ", "...)
		at := len(b)
		b = s.Symbols[0].appendFields(b)
		first = b[at:]
	}
	b = append(b, `, "symbols": [`...)
	for i := range s.Symbols {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, '{')
		if i == 0 {
			b = append(b, first...)
		} else {
			b = s.Symbols[i].appendFields(b)
		}
		b = append(b, '}')
	}
	b = append(b, ']')
	if s.Component > 0 {
		// Which mixture component drew the sample, counted from 0.
		b = append(b, `, "mixture_component": `...)
		b = strconv.AppendInt(b, int64(s.Component-1), 10)
	}
	if s.HasOverlap {
		b = append(b, `, "overlap_score": `...)
		b = appendPyFloat(b, s.Overlap)
	}
	return append(b, '}')
}

func (y *Symbol) appendFields(b []byte) []byte {
	b = append(b, `"alphabet": `...)
	b = appendPyString(b, y.Alphabet)
	b = append(b, `, "char": `...)
	b = appendPyString(b, y.Char)
	if y.TrueChar != "" {
		b = append(b, `, "true_char": `...)
		b = appendPyString(b, y.TrueChar)
	}
	b = append(b, `, "font": `...)
	b = appendPyString(b, y.Font)
	b = append(b, `, "is_bold": `...)
	b = appendPyBool(b, y.Bold)
	b = append(b, `, "is_slant": `...)
	b = appendPyBool(b, y.Slant)
	b = append(b, `, "scale": `...)
	b = appendPyFloat(b, y.Scale)
	b = append(b, `, "translation": [`...)
	b = appendPyFloat(b, y.Translation[0])
	b = append(b, ", "...)
	b = appendPyFloat(b, y.Translation[1])
	b = append(b, `], "rotation": `...)
	b = appendPyFloat(b, y.Rotation)
	b = append(b, `, "foreground": `...)
	b = y.Foreground.appendRecord(b)
	if y.HasBox {
		b = append(b, `, "bbox": [`...)
		for i, v := range y.Box {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = strconv.AppendInt(b, int64(v), 10)
		}
		b = append(b, ']')
	}
	return b
}

func (p *Pattern) appendRecord(b []byte) []byte {
	b = append(b, `{"style": "`...)
	b = append(b, p.Style.String()...)
	b = append(b, '"')
	// A random pattern's seed re-creates it; an image pattern also needs
	// the image, named relative to the pool's folder.
	if p.Style.Random() {
		b = append(b, `, "seed": `...)
		b = strconv.AppendUint(b, uint64(p.Seed), 10)
	}
	if p.Style == ImagePattern {
		b = append(b, `, "path": `...)
		b = appendPyString(b, p.Image.Path)
	}
	if p.Style == SolidColor {
		// The colour itself, which a spec may draw (a choice, or a
		// mixture component's): a joint distribution is then checkable
		// from the records alone.
		b = append(b, `, "color": [`...)
		for i, c := range p.Color {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = appendPyFloat(b, c)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

func appendPyBool(b []byte, v bool) []byte {
	if v {
		return append(b, `"True"`...)
	}
	return append(b, `"False"`...)
}

// appendPyFloat writes v as Python's repr(float) does: the shortest
// round-tripping digits, positional notation for 1e-4 ≤ |v| < 1e16 with a
// ".0" on integral values, scientific (1e-05, 1e+16) otherwise. NaN and
// infinities, which json.dumps writes as NaN/Infinity, are written the same.
func appendPyFloat(b []byte, v float64) []byte {
	switch {
	case math.IsNaN(v):
		return append(b, "NaN"...)
	case math.IsInf(v, 1):
		return append(b, "Infinity"...)
	case math.IsInf(v, -1):
		return append(b, "-Infinity"...)
	}
	a := math.Abs(v)
	if a != 0 && (a < 1e-4 || a >= 1e16) {
		return strconv.AppendFloat(b, v, 'e', -1, 64)
	}
	start := len(b)
	b = strconv.AppendFloat(b, v, 'f', -1, 64)
	for _, c := range b[start:] {
		if c == '.' {
			return b
		}
	}
	return append(b, ".0"...)
}

// appendPyString writes s as a JSON string with json.dumps' default
// ensure_ascii escaping.
func appendPyString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for _, r := range s {
		switch {
		case r == '"':
			b = append(b, `\"`...)
		case r == '\\':
			b = append(b, `\\`...)
		case r == '\n':
			b = append(b, `\n`...)
		case r == '\r':
			b = append(b, `\r`...)
		case r == '\t':
			b = append(b, `\t`...)
		case r == '\b':
			b = append(b, `\b`...)
		case r == '\f':
			b = append(b, `\f`...)
		case r < 0x20 || r >= 0x80:
			if r == utf8.RuneError {
				r = 0xfffd
			}
			var units []rune
			if r > 0xffff {
				r -= 0x10000
				units = []rune{0xd800 + (r>>10)&0x3ff, 0xdc00 + r&0x3ff}
			} else {
				units = []rune{r}
			}
			for _, u := range units {
				b = append(b, '\\', 'u', hex[u>>12&15], hex[u>>8&15], hex[u>>4&15], hex[u&15])
			}
		default:
			b = append(b, byte(r))
		}
	}
	return append(b, '"')
}
