package alphabet

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// errUnicodeSet marks a UnicodeSet pattern parseUnicodeSet cannot read.
var errUnicodeSet = errors.New("alphabet: bad UnicodeSet pattern")

// maxSetSize bounds how many code points the ranges of one pattern may
// expand to. The largest CLDR exemplar set (Korean, all 11,172 Hangul
// syllables) is far below it; the bound keeps a hostile or mistyped
// pattern such as [\u0000-\U0010FFFF] from allocating a million strings.
const maxSetSize = 1 << 17

// usetParser holds the state of one parse (see parseUnicodeSet).
type usetParser struct {
	s      string
	i      int // byte offset of the next unread character
	ranges [][2]rune
	strs   [][]rune
	size   int // code points covered by ranges so far (may double count)
}

func (p *usetParser) errf(format string, args ...any) error {
	return fmt.Errorf("%w at byte %d: %s", errUnicodeSet, p.i, fmt.Sprintf(format, args...))
}

func (p *usetParser) peek() (rune, int) {
	if p.i >= len(p.s) {
		return -1, 0
	}
	return utf8.DecodeRuneInString(p.s[p.i:])
}

func (p *usetParser) eat(r rune) bool {
	if c, n := p.peek(); c == r {
		p.i += n
		return true
	}
	return false
}

func (p *usetParser) skipSpace() {
	for {
		c, n := p.peek()
		if n == 0 || !unicode.IsSpace(c) {
			return
		}
		p.i += n
	}
}

// set parses the inside of a bracketed set whose '[' has been read, up to
// and including its ']'. depth counts the enclosing sets.
func (p *usetParser) set(depth int) error {
	if depth > 16 {
		return p.errf("sets nested too deeply")
	}
	p.skipSpace()
	if c, _ := p.peek(); c == '^' {
		return p.errf("negated sets are not supported")
	}
	first := true
	for {
		p.skipSpace()
		c, n := p.peek()
		switch c {
		case -1:
			return p.errf("missing ']'")
		case ']':
			p.i += n
			return nil
		case '[':
			p.i += n
			if c2, _ := p.peek(); c2 == ':' {
				return p.errf("property sets [:...:] are not supported")
			}
			if err := p.set(depth + 1); err != nil {
				return err
			}
			first = false
			continue
		case '{':
			p.i += n
			if err := p.str(); err != nil {
				return err
			}
			first = false
			continue
		case '-':
			// Literal only first or last; elsewhere it would be a set
			// difference or a range without a start.
			p.i += n
			p.skipSpace()
			if c2, _ := p.peek(); first || c2 == ']' {
				if err := p.addRange('-', '-'); err != nil {
					return err
				}
				first = false
				continue
			}
			return p.errf("'-' without a range start (set difference is not supported)")
		case '&', '$':
			return p.errf("%q (set operations and variables) is not supported", c)
		}
		lo, err := p.char()
		if err != nil {
			return err
		}
		first = false
		p.skipSpace()
		hi := lo
		if c2, n2 := p.peek(); c2 == '-' {
			save := p.i
			p.i += n2
			p.skipSpace()
			if c3, _ := p.peek(); c3 == ']' {
				p.i = save // "a-]": the '-' is a literal, handled next turn
			} else {
				if c3 == '[' || c3 == '{' {
					return p.errf("range end must be a single character")
				}
				if hi, err = p.char(); err != nil {
					return err
				}
				if hi < lo {
					return p.errf("range U+%04X-U+%04X is reversed", lo, hi)
				}
			}
		}
		if err := p.addRange(lo, hi); err != nil {
			return err
		}
	}
}

func (p *usetParser) addRange(lo, hi rune) error {
	p.size += int(hi-lo) + 1
	if p.size > maxSetSize {
		return p.errf("set larger than %d code points", maxSetSize)
	}
	p.ranges = append(p.ranges, [2]rune{lo, hi})
	return nil
}

// str parses a {string} whose '{' has been read. White space inside is
// insignificant, as everywhere in a pattern.
func (p *usetParser) str() error {
	var str []rune
	for {
		p.skipSpace()
		c, n := p.peek()
		switch c {
		case -1:
			return p.errf("missing '}'")
		case '}':
			p.i += n
			p.strs = append(p.strs, str)
			return nil
		}
		r, err := p.char()
		if err != nil {
			return err
		}
		str = append(str, r)
	}
}

// char reads one possibly escaped character.
func (p *usetParser) char() (rune, error) {
	c, n := p.peek()
	if c == utf8.RuneError && n <= 1 {
		return 0, p.errf("invalid UTF-8")
	}
	p.i += n
	if c != '\\' {
		return c, nil
	}
	e, n := p.peek()
	if n == 0 {
		return 0, p.errf("pattern ends with a backslash")
	}
	if e == utf8.RuneError && n <= 1 {
		return 0, p.errf("invalid UTF-8")
	}
	p.i += n
	switch e {
	case 'u':
		return p.hex(4, 4)
	case 'U':
		return p.hex(8, 8)
	case 'x':
		if p.eat('{') {
			r, err := p.hex(1, 6)
			if err != nil {
				return 0, err
			}
			if !p.eat('}') {
				return 0, p.errf("missing '}' after \\x{")
			}
			return r, nil
		}
		return p.hex(2, 2)
	case 't':
		return '\t', nil
	case 'n':
		return '\n', nil
	case 'r':
		return '\r', nil
	case 'N', 'p', 'P':
		return 0, p.errf("\\%c is not supported", e)
	}
	return e, nil
}

// hex reads min to max hex digits (as many as there are, up to max).
func (p *usetParser) hex(min, max int) (rune, error) {
	j := p.i
	for j < len(p.s) && j-p.i < max && isHex(p.s[j]) {
		j++
	}
	if j-p.i < min {
		return 0, p.errf("want %d hex digits", min)
	}
	v, err := strconv.ParseUint(p.s[p.i:j], 16, 32)
	if err != nil || v > unicode.MaxRune {
		return 0, p.errf("code point %s out of range", p.s[p.i:j])
	}
	p.i = j
	return rune(v), nil
}

func isHex(b byte) bool {
	return '0' <= b && b <= '9' || 'a' <= b && b <= 'f' || 'A' <= b && b <= 'F'
}

// drawable reports whether r can be a symbol, or part of one: not a
// format character, control, surrogate or white space.
func drawable(r rune) bool {
	return !unicode.Is(unicode.Cf, r) && !unicode.Is(unicode.Cc, r) &&
		!unicode.Is(unicode.Cs, r) && !unicode.IsSpace(r) && utf8.ValidRune(r)
}

// parseUnicodeSetRaw parses like parseUnicodeSet but drops nothing: it
// returns the distinct code points of the single characters and ranges,
// in code point order, and the {strings} as written (in pattern order,
// duplicates included). It is what a UnicodeSet's own size counts,
// format characters included, and lets tests compare against CLDR's
// published set sizes.
func parseUnicodeSetRaw(pattern string) (cps []rune, strs [][]rune, err error) {
	p := usetParser{s: pattern}
	p.skipSpace()
	if !p.eat('[') {
		return nil, nil, p.errf("want '[' at the start")
	}
	if err := p.set(0); err != nil {
		return nil, nil, err
	}
	p.skipSpace()
	if p.i < len(p.s) {
		return nil, nil, p.errf("trailing text after the closing ']'")
	}
	slices.SortFunc(p.ranges, func(a, b [2]rune) int { return int(a[0] - b[0]) })
	next := rune(-1) // lowest code point not yet emitted
	for _, rg := range p.ranges {
		for r := max(rg[0], next); r <= rg[1]; r++ {
			cps = append(cps, r)
		}
		next = max(next, rg[1]+1)
	}
	return cps, p.strs, nil
}

// parseUnicodeSet reads the subset of the ICU UnicodeSet syntax that CLDR
// uses for exemplar characters and returns the set's symbols:
//
//   - the set is one bracketed list, [ ... ]; nested brackets inside it
//     are a union ([a[b-c]] is [a b c]);
//   - items are single characters, ranges x-y of single characters
//     (inclusive, in code point order) and {multi-character strings};
//   - white space between items is ignored (a pattern may also write
//     items with no space between them, as CLDR's Japanese set does);
//   - escapes: \uXXXX, \UXXXXXXXX, \xXX, \x{X...} (1 to 6 hex digits),
//     \t \n \r, and a backslash before any other character stands for
//     that character (\- \[ \{ \\ \  ...);
//   - a '-' first or last in a set is a literal hyphen.
//
// Negation ([^...]), set operations (& and - between sets), properties
// ([:Lu:], \p{...}), named characters (\N{...}) and $variables are not
// used by exemplar sets and are reported as errors rather than guessed.
//
// The symbols drop what cannot be drawn as a glyph: format characters
// (category Cf, e.g. ZWJ, ZWNJ, left-to-right marks, ZWSP), controls
// (Cc), surrogates (Cs) and white space, both as items and inside
// strings; a string left with one rune becomes that single character, an
// empty one disappears. The result is in the order ICU iterates a set
// (the order the original Synbols received from PyICU): single characters
// in code point order, then strings in code point order, without
// duplicates. Never panics, whatever the input (fuzzed).
func parseUnicodeSet(pattern string) ([]string, error) {
	cps, strs, err := parseUnicodeSetRaw(pattern)
	if err != nil {
		return nil, err
	}
	seen := map[rune]bool{}
	var runes []rune
	add := func(r rune) {
		if drawable(r) && !seen[r] {
			seen[r] = true
			runes = append(runes, r)
		}
	}
	for _, r := range cps {
		add(r)
	}
	var multi []string
	for _, s := range strs {
		var kept []rune
		for _, r := range s {
			if drawable(r) {
				kept = append(kept, r)
			}
		}
		switch len(kept) {
		case 0:
		case 1:
			add(kept[0])
		default:
			multi = append(multi, string(kept))
		}
	}
	slices.Sort(runes)
	slices.Sort(multi) // byte order of UTF-8 = code point order
	multi = slices.Compact(multi)
	out := make([]string, 0, len(runes)+len(multi))
	for _, r := range runes {
		out = append(out, string(r))
	}
	return append(out, multi...), nil
}
