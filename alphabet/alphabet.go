package alphabet

import (
	"errors"
	"unicode/utf8"
)

// ErrUnknownAlphabet is returned by Alphabet for a language or letter case
// it has no data for.
var ErrUnknownAlphabet = errors.New("alphabet: unknown alphabet")

// Alphabet returns the single-character symbols of a language's alphabet
// in a letter case: "lower" (or "", the Synbols default), "upper" or
// "both". It is Symbols without the multi-character symbols, for callers
// that draw one rune per symbol (Russian loses its auxiliary stressed
// vowels, Bengali its few conjuncts and nukta forms, Khmer two clusters);
// the order is Symbols' order. The language is a name from Languages
// ("english", "korean", ...) or its CLDR code ("en", "ko", ...); English
// is the 26 letters a-z (docs/alphabets.md), the others CLDR's standard
// and auxiliary exemplar sets, before the coverage filter (FilterAlphabet).
func Alphabet(language, letterCase string) ([]rune, error) {
	syms, err := Symbols(language, letterCase)
	if err != nil {
		return nil, err
	}
	out := make([]rune, 0, len(syms))
	for _, s := range syms {
		if r, n := utf8.DecodeRuneInString(s); n == len(s) {
			out = append(out, r)
		}
	}
	return out, nil
}
