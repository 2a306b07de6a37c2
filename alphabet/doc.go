// Package alphabet holds the alphabets Synbols draws: the 16 languages of
// the original Synbols (Languages, in its order, english first) and their
// symbols, taken from the exemplar characters of Unicode CLDR.
//
// The data is alphabet/alphabets.txt, generated from CLDR by the command
// alphabet/cldr (go generate ./alphabet) and embedded, so that building
// and running need neither CLDR nor a network. It keeps CLDR's UnicodeSet
// patterns as written; this package parses them (a subset of ICU's
// UnicodeSet syntax: ranges, \u/\U/\x escapes, {strings}, nested sets)
// once, on first use.
//
// What it offers:
//   - Languages: the names; Canonical: a name, CLDR code ("ko") or alias
//     ("latin", "cyrillic", "chinese") to its name.
//   - ExemplarSets: a language's CLDR standard and auxiliary sets.
//   - Symbols: the alphabet in a letter case ("lower", "upper", "both"),
//     multi-character symbols included; Alphabet: its single-rune
//     symbols, for callers that draw one rune per symbol.
//   - CLDRVersion: the CLDR release of the data.
//
// An alphabet here is the language's, before any font is considered: the
// 80% coverage filter that turns it and a font pool into the alphabet a
// dataset draws is fonts.FilterAlphabet, which needs the fonts. This
// package imports nothing of the module, so that packages which only name
// languages (spec) do not depend on the font loader. docs/alphabets.md
// describes the languages, their sizes and the filters.
//
// Concurrency: every function is safe for concurrent use; each returns a
// fresh slice the caller may keep and change.
//
// Errors: an unknown language or letter case is ErrUnknownAlphabet
// ("alphabet: unknown alphabet"), wrapped with the name asked for and the
// known ones. A malformed alphabets.txt (a build defect) is reported by
// every call that needs the data, as an error starting "alphabet: ".
package alphabet
