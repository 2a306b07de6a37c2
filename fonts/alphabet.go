package fonts

import (
	"errors"
	"fmt"
	"strings"
)

// ErrUnknownAlphabet is returned by Alphabet for a language or letter case
// it has no data for.
var ErrUnknownAlphabet = errors.New("fonts: unknown alphabet")

// Alphabet returns the symbols of a language in a letter case: "lower"
// (the Synbols default), "upper" or "both" (lower then upper). Only
// English ("english" or "en") is known for now; the CLDR exemplar sets of
// the other Synbols locales come later (SPEC.md §3). The runes are in a
// fixed order, so sampling "uniform over the alphabet" is reproducible.
func Alphabet(language, letterCase string) ([]rune, error) {
	switch strings.ToLower(language) {
	case "english", "en":
	default:
		return nil, fmt.Errorf("%w: language %q (known: english)", ErrUnknownAlphabet, language)
	}
	lower := make([]rune, 0, 26)
	upper := make([]rune, 0, 26)
	for r := 'a'; r <= 'z'; r++ {
		lower = append(lower, r)
		upper = append(upper, r-'a'+'A')
	}
	switch strings.ToLower(letterCase) {
	case "lower", "":
		return lower, nil
	case "upper":
		return upper, nil
	case "both":
		return append(lower, upper...), nil
	}
	return nil, fmt.Errorf("%w: letter case %q for %s (want lower, upper or both)", ErrUnknownAlphabet, letterCase, language)
}
