package alphabet

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"
)

// The exemplar data is generated once from Unicode CLDR and committed, so
// that building and running need neither CLDR nor a network, and so that
// an alphabet only changes when someone regenerates the file on purpose
// (a diff of alphabets.txt shows what changed). To regenerate, on
// Debian/Ubuntu: apt-get install unicode-cldr-core; go generate ./alphabet
// (see alphabet/cldr for the flags).
//
//go:generate go run ./cldr -o alphabets.txt
//go:embed alphabets.txt
var alphabetsTxt string

// language is one Synbols language: the name the original Synbols and the
// spec use, its CLDR locale, and whether its alphabet includes CLDR's
// auxiliary set.
type language struct {
	name, locale string
	auxiliary    bool
}

// languages are the original Synbols' 16 locales, in its order, under the
// names the original Synbols gave them (its alphabet names: the CLDR
// language name in lower case, "chinese-simplified" for zh).
//
// English is the one alphabet without its auxiliary set: the original's
// datasets and the paper (Table 1, "26 Symbols") fix the English default
// at the 26 letters a-z. The original reached 26 by its coverage filter, which
// dropped CLDR's 37 auxiliary accented letters (à, ă, ĕ, ø, œ, ...)
// because some of its ~900 Google Fonts lacked them; with pools that all
// cover Latin-1 and Latin Extended-A (the embedded set, Debian's fonts)
// the filter would keep them and the default dataset would change
// meaning. ExemplarSets still returns the English auxiliary set.
var languages = []language{
	{"english", "en", false},
	{"telugu", "te", true},
	{"thai", "th", true},
	{"vietnamese", "vi", true},
	{"arabic", "ar", true},
	{"hebrew", "he", true},
	{"khmer", "km", true},
	{"tamil", "ta", true},
	{"gujarati", "gu", true},
	{"bengali", "bn", true},
	{"malayalam", "ml", true},
	{"greek", "el", true},
	{"russian", "ru", true},
	{"korean", "ko", true},
	{"chinese-simplified", "zh", true},
	{"japanese", "ja", true},
}

// languageAliases are other names accepted for a language: the original's
// older script names and the obvious short forms.
var languageAliases = map[string]string{
	"latin":    "en",
	"cyrillic": "ru",
	"chinese":  "zh",
	"zh-hans":  "zh",
	"zh-cn":    "zh",
	"iw":       "he", // the pre-1989 ISO code, used by the original ("iw_IL")
}

// Languages returns the names of the known languages, in the original
// Synbols' order (english first; docs/alphabets.md). Every name, its CLDR
// locale code ("en", "ko", ...) and a few aliases ("latin", "cyrillic", "chinese") are
// accepted by Alphabet, Symbols and ExemplarSets, in any letter case.
func Languages() []string {
	out := make([]string, len(languages))
	for i, l := range languages {
		out[i] = l.name
	}
	return out
}

// Canonical returns the Synbols name of a language ("english", "korean",
// ...) given its name, CLDR locale code or an alias, in any letter case;
// for anything else it returns an error wrapping ErrUnknownAlphabet.
func Canonical(name string) (string, error) {
	l, err := lookupLanguage(name)
	return l.name, err
}

// lookupLanguage resolves a name, locale code or alias.
func lookupLanguage(name string) (language, error) {
	key := strings.ReplaceAll(strings.ToLower(strings.TrimSpace(name)), "_", "-")
	if loc, ok := languageAliases[key]; ok {
		key = loc
	}
	for _, l := range languages {
		if key == l.name || key == l.locale {
			return l, nil
		}
	}
	return language{}, fmt.Errorf("%w: language %q (known: %s)", ErrUnknownAlphabet, name, strings.Join(Languages(), ", "))
}

// exemplarSet is one locale's parsed standard and auxiliary sets.
type exemplarSet struct {
	standard, auxiliary []string
}

// exemplarData is alphabets.txt parsed: the CLDR version and the sets per
// locale. Parsed once, on first use (all 16 locales take a few ms); a
// malformed file is a build defect, reported by every call.
var exemplarData = sync.OnceValues(func() (exemplarTable, error) {
	return parseExemplarFile(alphabetsTxt)
})

type exemplarTable struct {
	version string
	sets    map[string]exemplarSet
	raw     map[string]string // "<locale> <type>" -> the pattern as in CLDR
}

// parseExemplarFile reads the generated file: '#' comments, one
// "cldr <version>" line, then "<locale> standard|auxiliary <pattern>"
// lines.
func parseExemplarFile(text string) (exemplarTable, error) {
	t := exemplarTable{sets: map[string]exemplarSet{}, raw: map[string]string{}}
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.SplitN(line, " ", 3)
		if fields[0] == "cldr" && len(fields) == 2 {
			t.version = fields[1]
			continue
		}
		if len(fields) != 3 {
			return t, fmt.Errorf("alphabet: alphabets.txt line %d: want \"<locale> standard|auxiliary [pattern]\"", n+1)
		}
		if _, dup := t.raw[fields[0]+" "+fields[1]]; dup {
			return t, fmt.Errorf("alphabet: alphabets.txt line %d: second %s %s set", n+1, fields[0], fields[1])
		}
		syms, err := parseUnicodeSet(fields[2])
		if err != nil {
			return t, fmt.Errorf("alphabet: alphabets.txt line %d (%s %s): %w", n+1, fields[0], fields[1], err)
		}
		s := t.sets[fields[0]]
		switch fields[1] {
		case "standard":
			s.standard = syms
		case "auxiliary":
			s.auxiliary = syms
		default:
			return t, fmt.Errorf("alphabet: alphabets.txt line %d: unknown set type %q", n+1, fields[1])
		}
		t.sets[fields[0]] = s
		t.raw[fields[0]+" "+fields[1]] = fields[2]
	}
	if t.version == "" {
		return t, fmt.Errorf("alphabet: alphabets.txt has no cldr version line")
	}
	return t, nil
}

// CLDRVersion is the Unicode CLDR release the embedded exemplar sets come
// from (e.g. "41"), for manifests and reports.
func CLDRVersion() string {
	t, _ := exemplarData()
	return t.version
}

// ExemplarSets returns a language's CLDR exemplar sets as parsed from the
// embedded data, before any case change or font filtering: the standard
// set (the letters in everyday use) and the auxiliary set (letters of
// loanwords, foreign names, optional marks). Each is in ICU set order
// (single characters by code point, then multi-character strings) with
// format characters and white space dropped (see parseUnicodeSet); it is
// a fresh slice the caller may keep.
func ExemplarSets(lang string) (standard, auxiliary []string, err error) {
	l, err := lookupLanguage(lang)
	if err != nil {
		return nil, nil, err
	}
	t, err := exemplarData()
	if err != nil {
		return nil, nil, err
	}
	s, ok := t.sets[l.locale]
	if !ok {
		return nil, nil, fmt.Errorf("%w: no CLDR data for %s (%s) in alphabets.txt", ErrUnknownAlphabet, l.name, l.locale)
	}
	return append([]string(nil), s.standard...), append([]string(nil), s.auxiliary...), nil
}

// Symbols returns every symbol of a language's alphabet, multi-character
// ones included (e.g. Russian stressed vowels "а́", Bengali "ক্ষ", Khmer
// "អា"): CLDR's standard exemplar set, then the auxiliary symbols not in
// it (English: the standard set only, see languages), before the coverage
// filter (FilterAlphabet), which the caller applies for its font pool.
//
// letterCase is "lower" (or "", the Synbols default), "upper" or "both".
// "lower" and "upper" map each symbol rune by rune with Go's simple case
// mapping (unicode.ToLower/ToUpper), so a symbol never changes length and
// scripts without case are unchanged. "both" is, like the original,
// standard lower, standard upper, auxiliary lower, auxiliary upper. A
// symbol with no other case (ΐ, ß) stays as it is; duplicates (Greek σ
// and ς are both Σ) are kept once, at their first place. The order is
// fixed, so "uniform over the alphabet" and "the first 1,000 Korean
// syllables" (korean-1k) are reproducible.
func Symbols(lang, letterCase string) ([]string, error) {
	l, err := lookupLanguage(lang)
	if err != nil {
		return nil, err
	}
	var lower, upper bool
	switch strings.ToLower(letterCase) {
	case "lower", "":
		lower = true
	case "upper":
		upper = true
	case "both":
		lower, upper = true, true
	default:
		return nil, fmt.Errorf("%w: letter case %q for %s (want lower, upper or both)", ErrUnknownAlphabet, letterCase, l.name)
	}
	std, aux, err := ExemplarSets(l.locale)
	if err != nil {
		return nil, err
	}
	parts := [][]string{std}
	if l.auxiliary {
		parts = append(parts, aux)
	}
	seen := map[string]bool{}
	var out []string
	add := func(set []string, mapping func(string) string) {
		for _, s := range set {
			s = mapping(s)
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	for _, set := range parts {
		if lower {
			add(set, strings.ToLower)
		}
		if upper {
			add(set, strings.ToUpper)
		}
	}
	return out, nil
}
