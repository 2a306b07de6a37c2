package alphabet

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// exemplarSizes are, per Synbols locale (docs/alphabets.md) and for CLDR 41:
//   - cp: the code points of the standard set, format characters included
//     and {strings} not, which is how issue 4 counts CLDR's sizes
//     (en 26, vi 89, ... ko 11,172, zh 2,210, ja 2,311);
//   - std: the symbols parseUnicodeSet keeps from the standard set
//     (format characters dropped, strings kept): ml loses ZWNJ and ZWJ
//     (76 → 74), km gains {អា} {ឧក} (72 → 74), bn gains {ক্ষ} {ড়} {ঢ়}
//     {য়} (68 → 72);
//   - all: standard ∪ auxiliary, the alphabet before font filtering.
//
// A new CLDR release changes them: regenerate (go generate ./alphabet) and
// update this table from the failure messages after checking the diff of
// alphabets.txt.
var exemplarSizes = []struct {
	locale       string
	cp, std, all int
}{
	{"en", 26, 26, 64}, // Symbols("english") stays at the 26 standard letters
	{"te", 70, 70, 80},
	{"th", 73, 73, 73},
	{"vi", 89, 89, 93},
	{"ar", 45, 45, 59},
	{"he", 27, 27, 45},
	{"km", 72, 74, 82},
	{"ta", 47, 47, 47},
	{"gu", 68, 68, 69},
	{"bn", 68, 72, 82},
	{"ml", 76, 74, 74},
	{"el", 36, 36, 99},
	{"ru", 33, 33, 42},
	{"ko", 11172, 11172, 11994},
	{"zh", 2210, 2210, 2689},
	{"ja", 2311, 2311, 2386},
}

func TestExemplarSizes(t *testing.T) {
	tab, err := exemplarData()
	if err != nil {
		t.Fatal(err)
	}
	if tab.version != "41" {
		t.Errorf("CLDR version %q; the sizes below are CLDR 41's", tab.version)
	}
	if len(exemplarSizes) != len(languages) {
		t.Fatalf("%d sizes for %d languages", len(exemplarSizes), len(languages))
	}
	for i, c := range exemplarSizes {
		if languages[i].locale != c.locale {
			t.Errorf("languages[%d] is %s, want %s (the order of the original's language list)", i, languages[i].locale, c.locale)
		}
		raw, ok := tab.raw[c.locale+" standard"]
		if !ok {
			t.Errorf("%s: no standard set in alphabets.txt", c.locale)
			continue
		}
		cps, _, err := parseUnicodeSetRaw(raw)
		if err != nil {
			t.Errorf("%s: %v", c.locale, err)
			continue
		}
		if len(cps) != c.cp {
			t.Errorf("%s: standard set has %d code points, want %d", c.locale, len(cps), c.cp)
		}
		std, aux, err := ExemplarSets(c.locale)
		if err != nil {
			t.Errorf("%s: %v", c.locale, err)
			continue
		}
		union := map[string]bool{}
		for _, s := range append(slices.Clone(std), aux...) {
			union[s] = true
		}
		if len(std) != c.std || len(union) != c.all {
			t.Errorf("%s: %d standard symbols, %d with the auxiliary set; want %d, %d", c.locale, len(std), len(union), c.std, c.all)
		}
		syms, err := Symbols(c.locale, "lower")
		if err != nil {
			t.Errorf("%s: %v", c.locale, err)
			continue
		}
		want := c.all
		if c.locale == "en" {
			want = c.std
		}
		if len(syms) != want {
			t.Errorf("Symbols(%s) has %d symbols, want %d", c.locale, len(syms), want)
		}
		if !slices.Equal(syms[:len(std)], std) {
			t.Errorf("Symbols(%s) does not start with the standard set", c.locale)
		}
	}
}

// TestKoreanSyllables: the standard set is the range of all 11,172 Hangul
// syllables, in code point order, so korean-1k's "first 1,000" is
// U+AC00..U+AFE7.
func TestKoreanSyllables(t *testing.T) {
	rs, err := Alphabet("korean", "lower")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 11172 {
		if rs[i] != rune(0xAC00+i) {
			t.Fatalf("symbol %d is U+%04X, want U+%04X", i, rs[i], 0xAC00+i)
		}
	}
	if rs[999] != 0xAFE7 {
		t.Errorf("1,000th symbol U+%04X", rs[999])
	}
}

func TestSymbolsCaseAndNames(t *testing.T) {
	get := func(lang, cs string) []string {
		t.Helper()
		s, err := Symbols(lang, cs)
		if err != nil {
			t.Fatalf("%s/%s: %v", lang, cs, err)
		}
		return s
	}
	if got := strings.Join(get("en", "upper"), ""); got != "ABCDEFGHIJKLMNOPQRSTUVWXYZ" {
		t.Errorf("english upper %q", got)
	}
	if got := strings.Join(get("english", "both"), ""); got != "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" {
		t.Errorf("english both %q", got)
	}
	// Names, codes and aliases, in any case, give the same alphabet.
	for _, alias := range [][2]string{{"EN", "english"}, {"latin", "english"}, {"Cyrillic", "ru"}, {"chinese", "chinese-simplified"}, {"zh_CN", "zh"}, {"iw", "hebrew"}} {
		if !slices.Equal(get(alias[0], ""), get(alias[1], "lower")) {
			t.Errorf("%s and %s differ", alias[0], alias[1])
		}
	}
	// Greek: σ and ς are both Σ (kept once); ΐ has no simple upper case
	// and stays; every upper-case symbol but those is a capital.
	up := get("greek", "upper")
	if n := strings.Count(strings.Join(up, ""), "Σ"); n != 1 {
		t.Errorf("greek upper has Σ %d times", n)
	}
	if !slices.Contains(up, "ΐ") || !slices.Contains(up, "Ω") || slices.Contains(up, "ω") {
		t.Errorf("greek upper %q", up)
	}
	if n := len(up); n != 98 {
		t.Errorf("greek upper has %d symbols, want 98", n)
	}
	// "both" is lower ∪ upper, each symbol once: the symbols without a
	// simple upper case (ΐ, ΰ, many polytonic letters such as ᾶ) are
	// not repeated.
	both, lo := get("greek", "both"), get("greek", "lower")
	union := map[string]bool{}
	for _, s := range append(slices.Clone(lo), up...) {
		union[s] = true
	}
	if len(both) != len(union) || !slices.Contains(both, "ᾶ") || !slices.Contains(both, "Σ") {
		t.Errorf("greek both has %d symbols, lower ∪ upper %d", len(both), len(union))
	}
	// Both = standard lower, standard upper, auxiliary lower, auxiliary
	// upper (the original's order): Vietnamese aux is f j w z.
	vi := get("vi", "both")
	if len(vi) != 2*93 || vi[0] != "a" || vi[89] != "A" || vi[178] != "f" || vi[182] != "F" {
		t.Errorf("vietnamese both: %d symbols, %q %q %q %q", len(vi), vi[0], vi[89], vi[178], vi[182])
	}
	// Caseless scripts do not change.
	if !slices.Equal(get("japanese", "upper"), get("japanese", "lower")) || !slices.Equal(get("thai", "both"), get("thai", "")) {
		t.Error("case changed a caseless script")
	}
	// Russian: the auxiliary stressed vowels are multi-rune symbols, which
	// Alphabet leaves out.
	ru := get("russian", "lower")
	if !slices.Contains(ru, "а\u0301") || !slices.Contains(get("russian", "upper"), "А\u0301") {
		t.Errorf("russian symbols %q", ru)
	}
	rs, err := Alphabet("russian", "lower")
	if err != nil || len(rs) != 33 || rs[0] != 'а' || rs[32] != 'ё' {
		t.Errorf("russian alphabet %q, %v", string(rs), err)
	}
	for _, lang := range Languages() {
		for _, s := range get(lang, "both") {
			for _, r := range s {
				if !drawable(r) {
					t.Errorf("%s: symbol %+q has an undrawable rune", lang, s)
				}
			}
		}
	}
	if _, err := Symbols("klingon", ""); !errors.Is(err, ErrUnknownAlphabet) || !strings.Contains(err.Error(), "klingon") {
		t.Errorf("unknown language: %v", err)
	}
	if _, err := Symbols("korean", "title"); !errors.Is(err, ErrUnknownAlphabet) {
		t.Errorf("unknown case: %v", err)
	}
	if _, _, err := ExemplarSets("xx"); !errors.Is(err, ErrUnknownAlphabet) {
		t.Errorf("unknown language: %v", err)
	}
}

// TestLanguages: 16 names, each with data, and no data without a name.
func TestLanguages(t *testing.T) {
	names := Languages()
	if len(names) != 16 || names[0] != "english" || names[13] != "korean" {
		t.Errorf("Languages() = %q", names)
	}
	tab, err := exemplarData()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		l, err := lookupLanguage(n)
		if err != nil || l.name != n {
			t.Errorf("%s: %v", n, err)
		}
		if len(tab.sets[l.locale].standard) == 0 {
			t.Errorf("%s: empty standard set", n)
		}
	}
	if len(tab.sets) != len(names) || len(tab.raw) != 2*len(names) {
		t.Errorf("alphabets.txt has %d locales, %d sets", len(tab.sets), len(tab.raw))
	}
	if CLDRVersion() == "" {
		t.Error("no CLDR version")
	}
}

func TestParseExemplarFileErrors(t *testing.T) {
	for _, text := range []string{
		"en standard [a]\n",                                 // no version
		"cldr 41\nen standard\n",                            // no pattern
		"cldr 41\nen other [a]\n",                           // bad type
		"cldr 41\nen standard [a\n",                         // bad pattern
		"cldr 41\nen standard [a]\nen standard [b]\n",       // duplicate
		"cldr 41\nen standard [a-\\U0010FFFF]\n",            // too large
		"cldr 41\nen auxiliary [a]\nen standard [[:Lu:]]\n", // unsupported
	} {
		if _, err := parseExemplarFile(text); err == nil {
			t.Errorf("%q: no error", text)
		}
	}
	tab, err := parseExemplarFile("# c\ncldr 9\n\nxx standard [b a]\nxx auxiliary []\n")
	if err != nil || tab.version != "9" || !slices.Equal(tab.sets["xx"].standard, []string{"a", "b"}) || len(tab.sets["xx"].auxiliary) != 0 {
		t.Errorf("%+v, %v", tab, err)
	}
}

// TestAlphabetsFileUpToDate regenerates alphabets.txt from the CLDR on
// this machine (Debian: apt-get install unicode-cldr-core) and compares
// it with the committed file, so hand edits and a stale file are caught.
// Skipped when CLDR or the go command is missing, or under -short.
func TestAlphabetsFileUpToDate(t *testing.T) {
	const dir = "/usr/share/unicode/cldr/common"
	if testing.Short() {
		t.Skip("runs go run ./cldr")
	}
	if _, err := os.Stat(filepath.Join(dir, "main", "en.xml")); err != nil {
		t.Skip("no CLDR at", dir)
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	out := filepath.Join(t.TempDir(), "alphabets.txt")
	cmd := exec.Command(goCmd, "run", "./cldr", "-cldr", dir, "-o", out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go run ./cldr: %v\n%s", err, msg)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := parseExemplarFile(string(got)); v.version != CLDRVersion() {
		t.Skipf("this machine has CLDR %s, the committed file %s", v.version, CLDRVersion())
	}
	if !bytes.Equal(got, []byte(alphabetsTxt)) {
		t.Error("alphabets.txt differs from what go generate writes: run go generate ./alphabet")
	}
}

func TestParseUnicodeSet(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"[]", nil},
		{" [ c a b ] ", []string{"a", "b", "c"}},
		{"[a-d]", []string{"a", "b", "c", "d"}},
		{"[a - c]", []string{"a", "b", "c"}},
		{"[ゝヽ]", []string{"ゝ", "ヽ"}}, // no space between items
		{`[\u0041 \U0001F600 \x42 \x{1F601} \x{43}]`, []string{"A", "B", "C", "😀", "😁"}},
		{`[\u0041-\u0043]`, []string{"A", "B", "C"}},
		{`[\- \[ \] \{ \} \\ \^]`, []string{"-", "[", `\`, "]", "^", "{", "}"}},
		{"[-a]", []string{"-", "a"}},
		{"[a-]", []string{"-", "a"}},
		{"[a[b-c]d]", []string{"a", "b", "c", "d"}},
		{"[b a b a-b]", []string{"a", "b"}},
		{"[{ch} c {ab} {ch}]", []string{"c", "ab", "ch"}},
		{`[{а\u0301}]`, []string{"а\u0301"}},
		{`[{a b}]`, []string{"ab"}}, // white space inside strings is insignificant
		// Format characters, controls, white space and surrogates go,
		// alone, in ranges and inside strings.
		{`[\u200C\u200D a \u200B \  \t \u0000 \uD800 b]`, []string{"a", "b"}},
		{`[\u2009-\u200F]`, nil},
		{`[{x\u200D} {\u200C\u200D} {y\u200Dz}]`, []string{"x", "yz"}},
		{`[\uD7FF-\uE000]`, []string{"\uD7FF", "\uE000"}},
	} {
		got, err := parseUnicodeSet(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%q = %q, want %q", c.in, got, c.want)
		}
	}
	for _, bad := range []string{
		"", "a", "[", "[a", "]", "[a]x", "[a]]", "[^a]", "[[:Lu:]]", `[\p{L}]`, `[\N{LATIN SMALL LETTER A}]`,
		"[c-a]", "[a-c-e]", "[a--]", "[[a]-[b]]", "[a&b]", "[$x]", "[{ab]", `[\u12]`, `[\U0011FFFF]`,
		`[\x{110000}]`, `[\x{}]`, `[\x{41]`, `[a\`, "[a-{b}]", "[\xff]", `[\` + "\xff]",
		"[" + strings.Repeat("[", 40) + "a" + strings.Repeat("]", 41),
		`[\u0000-\U0010FFFF]`, `[a-z a-z a-z` + strings.Repeat(` \u0100-\uFFFF`, 3) + "]",
	} {
		if got, err := parseUnicodeSet(bad); !errors.Is(err, errUnicodeSet) {
			t.Errorf("%q: got %q, %v; want errUnicodeSet", bad, got, err)
		}
	}
}

// FuzzParseUnicodeSet: any input either fails with errUnicodeSet or gives
// distinct drawable symbols, single runes first in code point order then
// multi-rune strings in order, each accounted for by the raw parse.
// Never panics.
func FuzzParseUnicodeSet(f *testing.F) {
	tab, err := exemplarData()
	if err != nil {
		f.Fatal(err)
	}
	for _, raw := range tab.raw {
		if len(raw) < 1000 {
			f.Add(raw)
		}
	}
	for _, s := range []string{"[]", `[a-c {ch} \u0041 \U0001F600 \x{41} \- \[ [d]]`, "[-a-]", `[{\u200D}]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, pattern string) {
		syms, err := parseUnicodeSet(pattern)
		cps, strs, rawErr := parseUnicodeSetRaw(pattern)
		if (err == nil) != (rawErr == nil) {
			t.Fatalf("parse %v, raw parse %v", err, rawErr)
		}
		if err != nil {
			if !errors.Is(err, errUnicodeSet) {
				t.Fatalf("error %v is not errUnicodeSet", err)
			}
			return
		}
		if len(cps) > maxSetSize || !slices.IsSorted(cps) || len(slices.Compact(slices.Clone(cps))) != len(cps) {
			t.Fatalf("raw code points not sorted, distinct and bounded")
		}
		seen := map[string]bool{}
		prev, multi := rune(-1), false
		for _, s := range syms {
			if seen[s] || !utf8.ValidString(s) || s == "" {
				t.Fatalf("symbol %+q repeated, empty or invalid", s)
			}
			seen[s] = true
			for _, r := range s {
				if !drawable(r) {
					t.Fatalf("symbol %+q has an undrawable rune", s)
				}
			}
			if n := utf8.RuneCountInString(s); n == 1 {
				r, _ := utf8.DecodeRuneInString(s)
				if multi || r <= prev {
					t.Fatalf("single rune %+q out of order", s)
				}
				prev = r
				_, inCps := slices.BinarySearch(cps, r)
				if !inCps && !slices.ContainsFunc(strs, func(x []rune) bool { return slices.Contains(x, r) }) {
					t.Fatalf("symbol %+q comes from nowhere", s)
				}
			} else {
				multi = true
			}
		}
	})
}

func TestAlphabet(t *testing.T) {
	for _, c := range []struct {
		lang, cs    string
		n           int
		first, last rune
	}{
		{"english", "lower", 26, 'a', 'z'},
		{"english", "upper", 26, 'A', 'Z'},
		{"English", "both", 52, 'a', 'Z'},
		{"en", "", 26, 'a', 'z'},
	} {
		rs, err := Alphabet(c.lang, c.cs)
		if err != nil {
			t.Errorf("%s/%s: %v", c.lang, c.cs, err)
			continue
		}
		if len(rs) != c.n || rs[0] != c.first || rs[len(rs)-1] != c.last {
			t.Errorf("%s/%s: %q", c.lang, c.cs, string(rs))
		}
	}
	_, err := Alphabet("klingon", "lower")
	if !errors.Is(err, ErrUnknownAlphabet) || !strings.Contains(err.Error(), "klingon") {
		t.Errorf("unknown language: %v", err)
	}
	if _, err := Alphabet("english", "title"); !errors.Is(err, ErrUnknownAlphabet) {
		t.Errorf("unknown case: %v", err)
	}
}
