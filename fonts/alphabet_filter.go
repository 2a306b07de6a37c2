package fonts

import (
	"runtime"

	"github.com/synbols-gpu/synbols-gpu/internal/par"
)

// FilterAlphabet applies the original Synbols' rule (docs/alphabets.md)
// that turns a language's exemplar symbols and a font pool into an alphabet:
// a pool always has fonts that cover a script only in part (a Latin font
// with a handful of Greek letters, a Korean font without hanja), and
// sampling "uniform over fonts × symbols" needs every kept family to draw
// every kept symbol.
//
//  1. A family's coverage is the number of symbols it can draw: its
//     regular face covers every rune of the symbol (Face.Covers: mapped
//     and non-empty), and so does its bold face when it has one (a real
//     bold face lacking a glyph would otherwise draw that symbol in two
//     designs, as in Library.Usable). With requireBold, families without
//     a bold face are left out before anything else, like the original's
//     support_bold.
//  2. Families whose coverage is at least 80% of the best family's are
//     kept (the comparison is exact: 5·coverage ≥ 4·best).
//  3. Only the symbols that every kept family draws are kept.
//
// kept and keptSymbols keep the order of fams and symbols. When no family
// draws any symbol (or there are no symbols), both are nil. Multi-rune
// symbols (alphabet.Symbols) are covered when each of their runes is.
// Coverage is computed concurrently (internal/par); Face.Covers caches it
// per rune, so filtering a second alphabet with the same fonts is cheap.
//
// The rule lives here and not in package alphabet because it judges
// families and faces: alphabet holds the languages' symbols and imports
// nothing of the module, fonts imports alphabet, never the reverse.
func FilterAlphabet(fams []*Family, symbols []string, requireBold bool) (kept []*Family, keptSymbols []string) {
	var cands []*Family
	for _, f := range fams {
		if f == nil || f.Regular == nil || (requireBold && f.Bold == nil) {
			continue
		}
		cands = append(cands, f)
	}
	if len(cands) == 0 || len(symbols) == 0 {
		return nil, nil
	}
	covers := make([][]bool, len(cands)) // covers[family][symbol]
	counts := make([]int, len(cands))
	par.Each(nil, len(cands), runtime.GOMAXPROCS(0), func(i int) {
		covers[i], counts[i] = familyCoverage(cands[i], symbols)
	})

	best := 0
	for _, c := range counts {
		best = max(best, c)
	}
	if best == 0 {
		return nil, nil
	}
	var keptIdx []int
	for i, c := range counts {
		if 5*c >= 4*best {
			keptIdx = append(keptIdx, i)
			kept = append(kept, cands[i])
		}
	}
	for j, s := range symbols {
		all := true
		for _, i := range keptIdx {
			if !covers[i][j] {
				all = false
				break
			}
		}
		if all {
			keptSymbols = append(keptSymbols, s)
		}
	}
	return kept, keptSymbols
}

// familyCoverage says which symbols a family draws (see FilterAlphabet)
// and how many.
func familyCoverage(f *Family, symbols []string) ([]bool, int) {
	cov := make([]bool, len(symbols))
	n := 0
	for j, s := range symbols {
		ok := s != ""
		for _, r := range s {
			if !f.Regular.Covers(r) || (f.Bold != nil && !f.Bold.Covers(r)) {
				ok = false
				break
			}
		}
		if ok {
			cov[j] = true
			n++
		}
	}
	return cov, n
}
