package fonts

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/synbols-gpu/synbols-gpu/alphabet"
	"github.com/synbols-gpu/synbols-gpu/internal/atomicfile"
	"github.com/synbols-gpu/synbols-gpu/internal/par"
)

// CatalogFormat is the version of the catalogue's JSON layout and of the
// rules that fill it; a cached catalogue of another format is rebuilt.
// Bump it whenever a check or a threshold changes meaning.
const CatalogFormat = 3

var (
	// ErrBlockList reports an unreadable block-list file.
	ErrBlockList = errors.New("fonts: block-list")
	// ErrCatalog reports a catalogue that cannot be built or read.
	ErrCatalog = errors.New("fonts: catalogue")
)

// CatalogOptions says which fonts a catalogue describes and how they are
// judged.
type CatalogOptions struct {
	// Sources are the places fonts are loaded from (see Load). Its Warn
	// also receives the catalogue's own warnings (a cache that cannot be
	// written).
	Sources Options
	// BlockList names families to drop everywhere (ReadBlockList), e.g.
	// fonts found wrong by error analysis, as the original did by hand.
	BlockList []string
	// Checks are the thresholds; the zero value means DefaultCheckConfig.
	Checks CheckConfig
	// CacheDir is where catalogues are cached: "" means
	// os.UserCacheDir()/synbols-gpu; NoCache disables the cache.
	CacheDir string
	NoCache  bool
	// Rebuild ignores a cached catalogue (it is still rewritten).
	Rebuild bool
	// Draw, if set, is the drawing check: every family the other checks
	// keep is painted through the painters' own path and compared with
	// an exact rasterisation of its outlines; a family that differs
	// beyond the check's bound is dropped (CheckDrawing). This package
	// cannot paint (the atlas and painters build on it), so the caller
	// provides the check: see package fonts/drawcheck.
	Draw DrawChecker
}

// A DrawChecker proves that a family draws right: see CatalogOptions.Draw.
// Check is called from several goroutines at once.
type DrawChecker interface {
	// ID names the check and its bounds; it is part of the catalogue's
	// cache key, so a changed check rebuilds the catalogue.
	ID() string
	// Check paints the symbols of fam (its regular face, and its real or
	// variable bold face) and reports what it measured; a non-empty
	// Failure drops the family.
	Check(fam *Family, symbols []rune) DrawStats
}

// DrawStats is what a DrawChecker measured for one family, kept in the
// catalogue so that bounds can be reviewed against the numbers.
type DrawStats struct {
	// Mean is the family's mean |painted − exact| coverage over inked
	// pixels at each size checked (pixels of the image's side → mean).
	Mean map[int]float64 `json:"mean"`
	// Ink is the painted ink mass over the exact one at each size.
	Ink map[int]float64 `json:"ink"`
	// Worst names the glyph that differs most, e.g. "g (bold) at 24 px: 0.081".
	Worst string `json:"worst"`
	// Failure says why the family fails the check; "" when it passes.
	Failure string `json:"failure,omitempty"`
}

// Catalog describes a font pool per language: which families draw each
// alphabet, which were dropped and why, and each family's bold
// capability. It is plain data, cached as JSON (OpenCatalog).
type Catalog struct {
	Format int `json:"format"`
	// Key is the fingerprint the cache is validated with: the font files
	// (path, size, modification and change time, inode), the options,
	// the block-list, the thresholds and the alphabet data.
	Key       string            `json:"key"`
	Built     time.Time         `json:"built"`
	Files     int               `json:"files"`
	Checks    CheckConfig       `json:"checks"`
	Families  []FamilyInfo      `json:"families"`
	Languages []LanguageCatalog `json:"languages"`
	// Parsers counts the faces (regular and bold) read by each outline
	// parser: "sfnt" (golang.org/x/image) or "go-text", the fallback for
	// faces sfnt cannot read (CFF2, some collections).
	Parsers map[string]int `json:"parsers"`
	// Warnings are the parse warnings of the load the catalogue was
	// built from (files skipped), kept so a cached catalogue still says.
	Warnings []string `json:"warnings,omitempty"`
	// FromCache reports that OpenCatalog read the catalogue from disk.
	FromCache bool `json:"-"`
}

// FamilyInfo is one family of the pool.
type FamilyInfo struct {
	Name    string `json:"name"`
	Regular string `json:"regular"`        // face source#index
	Bold    string `json:"bold,omitempty"` // "" without a bold face
	License string `json:"license,omitempty"`
}

// LanguageCatalog is the pool judged for one language's alphabet.
type LanguageCatalog struct {
	Language string `json:"language"`
	// Exemplars is the size of the alphabet before filtering; Symbols
	// the number of symbols every kept family draws.
	Exemplars int `json:"exemplars"`
	Symbols   int `json:"symbols"`
	// BoldFamilies and BoldSymbols are the same counts when only
	// families with a real bold face are used (--bold).
	BoldFamilies int              `json:"bold_families"`
	BoldSymbols  int              `json:"bold_symbols"`
	Families     []LanguageFamily `json:"families"`
	Dropped      []LanguageFamily `json:"dropped,omitempty"`
	Duplicates   []Duplicate      `json:"duplicates,omitempty"`
}

// LanguageFamily is one family's verdict for one language.
type LanguageFamily struct {
	Name string `json:"name"`
	// Bold is BoldReal, BoldVariable, BoldSynthetic or BoldIdentical.
	Bold string `json:"bold,omitempty"`
	// InBold says the family is kept when only real bold faces are
	// used (it draws the bold alphabet); a variable font's wght
	// instance (BoldVariable) counts as a real bold face.
	InBold  bool        `json:"in_bold,omitempty"`
	Stats   *ShapeStats `json:"stats,omitempty"`
	Draw    *DrawStats  `json:"draw,omitempty"`
	Reasons []Reason    `json:"reasons,omitempty"`
}

// Language returns the catalogue of a language, by name, CLDR code or
// alias.
func (c *Catalog) Language(name string) (*LanguageCatalog, bool) {
	lang, err := alphabet.Canonical(name)
	if err != nil {
		return nil, false
	}
	for i := range c.Languages {
		if c.Languages[i].Language == lang {
			return &c.Languages[i], true
		}
	}
	return nil, false
}

// ReadBlockList reads a block-list: one family name per line; blank
// lines and everything after '#' are ignored; surrounding spaces are
// trimmed.
func ReadBlockList(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBlockList, err)
	}
	defer f.Close()
	return parseBlockList(f)
}

func parseBlockList(r io.Reader) ([]string, error) {
	var out []string
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		// A block-list is text: a binary file given by mistake (a font,
		// an archive) must not silently block nothing.
		if !utf8.ValidString(line) || strings.ContainsFunc(line, func(r rune) bool { return r < ' ' && r != '\t' }) {
			return nil, fmt.Errorf("%w: line %d is not text (a list of family names, one per line, is expected)", ErrBlockList, n)
		}
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBlockList, err)
	}
	return out, nil
}

// DefaultCacheDir is where catalogues are cached by default.
func DefaultCacheDir() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("%w: no cache folder: %w", ErrCatalog, err)
	}
	return filepath.Join(d, "synbols-gpu"), nil
}

// OpenCatalog returns the catalogue of the fonts o describes: the cached
// one when its key still matches (no font file added, removed, resized,
// touched or written; same options, block-list, thresholds and format), else a
// new one built from a fresh Load and written back to the cache. A
// cache that cannot be written is reported through o.Sources.Warn only.
func OpenCatalog(o CatalogOptions) (*Catalog, error) {
	if o.Checks == (CheckConfig{}) {
		o.Checks = DefaultCheckConfig()
	}
	warn := o.Sources.Warn
	if warn == nil {
		warn = func(string) {}
	}
	key, nfiles, err := catalogKey(o)
	if err != nil {
		return nil, err
	}
	var path string
	if !o.NoCache {
		dir := o.CacheDir
		if dir == "" {
			if dir, err = DefaultCacheDir(); err != nil {
				warn(err.Error())
			}
		}
		if dir != "" {
			path = filepath.Join(dir, "catalog-"+sourcesHash(o)+".json")
		}
	}
	if path != "" && !o.Rebuild {
		if c, err := readCatalog(path); err == nil && c.Format == CatalogFormat && c.Key == key {
			c.FromCache = true
			return c, nil
		}
	}
	var warnings []string
	src := o.Sources
	src.Warn = func(m string) {
		warnings = append(warnings, m)
		warn(m)
	}
	lib, err := Load(src)
	if err != nil {
		return nil, err
	}
	ctx := o.Sources.Context
	if ctx == nil {
		ctx = context.Background()
	}
	c, err := buildCatalog(ctx, lib, o.BlockList, o.Checks, o.Draw)
	if err != nil {
		return nil, err
	}
	c.Key, c.Files, c.Warnings = key, nfiles, warnings
	c.Parsers = lib.ParserCounts()
	if path != "" {
		if err := writeCatalog(path, c); err != nil {
			warn(err.Error())
		}
	}
	return c, nil
}

func readCatalog(path string) (*Catalog, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	c := new(Catalog)
	if err := json.Unmarshal(data, c); err != nil {
		return nil, err
	}
	return c, nil
}

// writeCatalog writes atomically (internal/atomicfile: temporary file,
// then rename), so a reader never sees half a catalogue. The cache is
// only a cache: no fsync, and the file is private to its user (0600).
func writeCatalog(path string, c *Catalog) error {
	data, err := json.MarshalIndent(c, "", " ")
	if err != nil {
		return fmt.Errorf("%w: %w", ErrCatalog, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("%w: cache: %w", ErrCatalog, err)
	}
	if err := atomicfile.Write(path, data, atomicfile.Options{Prefix: ".catalog-", Perm: 0o600, NoSync: true}); err != nil {
		return fmt.Errorf("%w: cache: %w", ErrCatalog, err)
	}
	return nil
}

// sourcesHash names the cache file after the sources, so that catalogues
// of different option sets (with and without system fonts, say) do not
// evict each other.
func sourcesHash(o CatalogOptions) string {
	h := sha256.New()
	fmt.Fprintf(h, "%v %v\n", o.Sources.Embedded, o.Sources.System)
	if o.Draw != nil { // catalogues with and without the drawing check coexist
		fmt.Fprintf(h, "draw %s\n", o.Draw.ID())
	}
	for _, d := range o.Sources.Dirs {
		if a, err := filepath.Abs(d); err == nil {
			d = a
		}
		fmt.Fprintln(h, d)
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// catalogKey fingerprints everything a catalogue depends on without
// parsing a font: each font file's path, size, modification and change
// time and inode, in the walk order of Load.
func catalogKey(o CatalogOptions) (string, int, error) {
	h := sha256.New()
	fmt.Fprintf(h, "format %d\ncldr %s\nembedded %v system %v\n", CatalogFormat, alphabet.CLDRVersion(), o.Sources.Embedded, o.Sources.System)
	cfg, _ := json.Marshal(o.Checks)
	h.Write(cfg)
	fmt.Fprintf(h, "\nblock %q\n", o.BlockList)
	if o.Draw != nil {
		fmt.Fprintf(h, "draw %q\n", o.Draw.ID())
	}
	n := 0
	stamp := func(root string) {
		// Resolve a symlinked root as Load does, so fonts changed behind
		// the link change the key.
		if real, err := filepath.EvalSymlinks(root); err == nil {
			root = real
		}
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !fontExt(p) {
				return nil
			}
			st, err := os.Stat(p) // follows symlinked files, as Load does
			if err != nil || !st.Mode().IsRegular() {
				return nil
			}
			n++
			// The change time and inode too, as the face index
			// does (index.go): a file rewritten with its size and
			// modification time kept is then judged again, so the
			// verdicts are always those of the bytes whose digests
			// the faces carry.
			_, ino, _ := fileID(st)
			fmt.Fprintf(h, "%s %d %d %d %d\n", p, st.Size(), st.ModTime().UnixNano(), changeTime(st), ino)
			return nil
		})
	}
	for _, d := range o.Sources.Dirs {
		st, err := os.Stat(d)
		if err != nil {
			return "", 0, fmt.Errorf("fonts: font dir: %w", err)
		}
		if !st.IsDir() {
			return "", 0, fmt.Errorf("fonts: font dir %s: not a directory", d)
		}
		stamp(d)
	}
	if o.Sources.System {
		for _, d := range SystemDirs() {
			if st, err := os.Stat(d); err == nil && st.IsDir() {
				stamp(d)
			}
		}
	}
	if o.Sources.Embedded {
		for _, rel := range EmbeddedFiles() {
			n++
			size := int64(-1)
			if st, err := fs.Stat(embeddedFS, "embedded/"+rel); err == nil {
				size = st.Size()
			}
			fmt.Fprintf(h, "embedded:%s %d\n", rel, size)
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:32], n, nil
}

// referenceLibrary is the embedded set, loaded once: its families are the
// references the recognition check compares glyphs with (known-good
// designs of every script of alphabet.Languages()).
var referenceLibrary = sync.OnceValue(func() *Library {
	lib, err := Load(Options{Embedded: true})
	if err != nil {
		return &Library{}
	}
	return lib
})

// BuildCatalog judges every family of lib for every language of
// alphabet.Languages(). Per language:
//
//  1. Candidates: families not block-listed whose regular face draws at
//     least half of an evenly spread sample of up to 64 symbols (a cheap
//     pre-filter before exact coverage of 11,172 Korean syllables).
//  2. Coverage: English keeps the families that draw all of a-z
//     (Library.Usable); other languages apply FilterAlphabet. Candidates
//     dropped here are recorded with what they miss (CheckCoverage).
//  3. Rendering checks on the first cfg.SampleSize symbols (single-rune
//     ones) of the alphabet: same-shape, boxes, recognition against the
//     embedded reference fonts (shapeChecks).
//  4. Near-duplicates (dedupe), families with a real bold face first,
//     then by name: so the kept one of a pair is the bold-capable one,
//     else the alphabetically first.
//  5. The survivors are filtered again by FilterAlphabet (dropping
//     families can only enlarge the alphabet), with and without
//     requiring a real bold face.
func BuildCatalog(lib *Library, blockList []string, cfg CheckConfig) *Catalog {
	c, _ := buildCatalog(context.Background(), lib, blockList, cfg, nil)
	return c
}

// buildCatalog is BuildCatalog, stopping between languages once ctx is
// done (with the full pool a language takes seconds).
func buildCatalog(ctx context.Context, lib *Library, blockList []string, cfg CheckConfig, draw DrawChecker) (*Catalog, error) {
	if cfg == (CheckConfig{}) {
		cfg = DefaultCheckConfig()
	}
	c := &Catalog{Format: CatalogFormat, Built: time.Now().UTC().Truncate(time.Second), Checks: cfg}
	for _, f := range lib.Families {
		fi := FamilyInfo{Name: f.Name, Regular: faceRef(f.Regular), License: f.Regular.License}
		if f.Bold != nil {
			fi.Bold = faceRef(f.Bold)
		}
		c.Families = append(c.Families, fi)
	}
	blocked := map[string]bool{}
	for _, b := range blockList {
		blocked[strings.ToLower(b)] = true
	}
	for _, lang := range alphabet.Languages() {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%w: stopped: %w", ErrCatalog, context.Cause(ctx))
		}
		c.Languages = append(c.Languages, buildLanguage(lib, lang, blocked, cfg, draw))
	}
	return c, nil
}

func faceRef(f *Face) string {
	ref := f.Source
	if f.Index != 0 {
		ref = fmt.Sprintf("%s#%d", f.Source, f.Index)
	}
	if f.wght != 0 {
		ref += fmt.Sprintf(" (wght %g)", f.wght)
	}
	return ref
}

// buildLanguage judges the families of lib for one language, in the five
// steps BuildCatalog lists.
func buildLanguage(lib *Library, lang string, blocked map[string]bool, cfg CheckConfig, draw DrawChecker) LanguageCatalog {
	lc := LanguageCatalog{Language: lang}
	symbols, err := alphabet.Symbols(lang, "lower")
	if err != nil || len(symbols) == 0 {
		return lc
	}
	lc.Exemplars = len(symbols)
	english := lang == "english"
	runes := singleRunes(symbols, 0) // the single-rune symbols, for sampling
	cands := candidates(&lc, lib, symbols, blocked)
	kept, keptSyms := coverage(&lc, cands, symbols, runes, english)
	if len(kept) == 0 {
		sortDropped(lc.Dropped)
		return lc
	}
	verdicts := renderingChecks(&lc, kept, singleRunes(keptSyms, cfg.SampleSize), cfg, draw)
	survivors := nearDuplicates(&lc, lib, kept, verdicts, cfg)
	finalAlphabet(&lc, kept, survivors, verdicts, symbols, english)
	sortDropped(lc.Dropped)
	return lc
}

// singleRunes returns the single-rune symbols of symbols, in order, at
// most limit of them (0: all).
func singleRunes(symbols []string, limit int) []rune {
	var out []rune
	for _, s := range symbols {
		if r, n := utf8.DecodeRuneInString(s); n == len(s) {
			out = append(out, r)
			if len(out) == limit {
				break
			}
		}
	}
	return out
}

// candidates is step 1: the families not block-listed whose regular face
// draws at least half of an evenly spread sample of up to 64 symbols; the
// block-listed and symbol fonts among them are recorded in lc.Dropped.
func candidates(lc *LanguageCatalog, lib *Library, symbols []string, blocked map[string]bool) []*Family {
	var spread []string
	step := max(1, len(symbols)/64)
	for i := 0; i < len(symbols) && len(spread) < 64; i += step {
		spread = append(spread, symbols[i])
	}
	var cands []*Family
	for _, f := range lib.Families {
		if _, n := familyCoverage(&Family{Regular: f.Regular}, spread); 2*n < len(spread) {
			continue
		}
		if blocked[strings.ToLower(f.Name)] {
			lc.Dropped = append(lc.Dropped, LanguageFamily{Name: f.Name, Reasons: []Reason{{CheckBlocked, "in the block-list"}}})
			continue
		}
		if f.Regular.symbolic {
			// Its code points do not mean the letters they draw (Greek
			// at a-z, signs): no rendering check needed.
			lc.Dropped = append(lc.Dropped, LanguageFamily{Name: f.Name, Reasons: []Reason{{CheckSymbolFont,
				"its OS/2 table declares a symbol font (family class Symbolic or PANOSE Latin Pictorial)"}}})
			continue
		}
		cands = append(cands, f)
	}
	return cands
}

// coverage is step 2: English keeps the candidates that draw all of runes
// (a-z), other languages apply FilterAlphabet; the candidates dropped are
// recorded in lc.Dropped with what they miss (CheckCoverage). It returns
// the kept families and the symbols they all draw.
func coverage(lc *LanguageCatalog, cands []*Family, symbols []string, runes []rune, english bool) ([]*Family, []string) {
	var kept []*Family
	var keptSyms []string
	if english {
		keptSyms = symbols
		for _, f := range cands {
			if f.Regular.CoversAll(runes) && (f.Bold == nil || f.Bold.CoversAll(runes)) {
				kept = append(kept, f)
			}
		}
	} else {
		kept, keptSyms = FilterAlphabet(cands, symbols, false)
	}
	isKept := map[*Family]bool{}
	for _, f := range kept {
		isKept[f] = true
	}
	for _, f := range cands {
		if isKept[f] {
			continue
		}
		face := f.Regular
		detail := glyphProblem(face, runes)
		if f.Regular.CoversAll(runes) && f.Bold != nil {
			detail = "bold face: " + glyphProblem(f.Bold, runes)
		}
		if !english {
			_, n := familyCoverage(f, symbols)
			detail = fmt.Sprintf("draws %d of %d symbols, below 80%% of the best; %s", n, len(symbols), detail)
		}
		lc.Dropped = append(lc.Dropped, LanguageFamily{Name: f.Name, Reasons: []Reason{{CheckCoverage, detail}}})
	}
	return kept, keptSyms
}

// familyVerdict is what the rendering checks found for one kept family.
type familyVerdict struct {
	sample  familySample
	stats   ShapeStats
	reasons []Reason
	bold    string
	draw    *DrawStats
}

// renderingChecks is step 3: each kept family, concurrently, is rendered
// on sample and judged (same-shape, boxes, recognition against the
// embedded reference fonts: shapeChecks; its bold capability; the
// drawing check, only for families the cheaper checks keep). The
// families that fail are recorded in lc.Dropped; verdicts[i] is kept[i]'s.
func renderingChecks(lc *LanguageCatalog, kept []*Family, sample []rune, cfg CheckConfig, draw DrawChecker) []familyVerdict {
	rd := newRenderer()
	var refs []familySample
	refRunes, refOf := referenceRunes(sample)
	for _, f := range referenceLibrary().Families {
		if f.Regular.CoversAll(refRunes) {
			if s := rd.renderSample(f, refRunes); s.err == nil {
				refs = append(refs, s)
			}
		}
	}
	verdicts := make([]familyVerdict, len(kept))
	par.Each(nil, len(kept), runtime.GOMAXPROCS(0), func(i int) {
		v := &verdicts[i]
		v.sample = rd.renderSample(kept[i], sample)
		v.stats, v.reasons = rd.shapeChecks(v.sample, sample, refs, refOf, cfg)
		v.bold = rd.boldCapability(kept[i], sample, cfg)
		// The drawing check paints: run it only on families the
		// cheap checks keep.
		if draw != nil && len(v.reasons) == 0 {
			ds := draw.Check(kept[i], sample)
			v.draw = &ds
			if ds.Failure != "" {
				v.reasons = append(v.reasons, Reason{CheckDrawing, ds.Failure})
			}
		}
	})
	for i, v := range verdicts {
		if len(v.reasons) > 0 {
			st := v.stats
			lc.Dropped = append(lc.Dropped, LanguageFamily{Name: kept[i].Name, Bold: v.bold, Stats: &st, Draw: v.draw, Reasons: v.reasons})
		}
	}
	return verdicts
}

// nearDuplicates is step 4: among the families that passed step 3, real
// bold first, then by name, dedupe keeps one of each near-duplicate pair
// (the bold-capable one, else the alphabetically first); the others are
// recorded in lc.Dropped and lc.Duplicates. It returns the survivors.
func nearDuplicates(lc *LanguageCatalog, lib *Library, kept []*Family, verdicts []familyVerdict, cfg CheckConfig) []familySample {
	var passed []int
	for i, v := range verdicts {
		if len(v.reasons) == 0 {
			passed = append(passed, i)
		}
	}
	sort.SliceStable(passed, func(a, b int) bool {
		ra, rb := drawsBold(verdicts[passed[a]].bold), drawsBold(verdicts[passed[b]].bold)
		if ra != rb {
			return ra
		}
		return kept[passed[a]].Name < kept[passed[b]].Name
	})
	samples := make([]familySample, len(passed))
	for j, i := range passed {
		samples[j] = verdicts[i].sample
	}
	survivors, dups := dedupe(samples, cfg)
	lc.Duplicates = dups
	byFam := familyIndex(kept)
	for _, d := range dups {
		fam, _ := lib.Family(d.Dropped)
		v := verdicts[byFam[fam]]
		st := v.stats
		lc.Dropped = append(lc.Dropped, LanguageFamily{Name: d.Dropped, Bold: v.bold, Stats: &st, Draw: v.draw,
			Reasons: []Reason{{CheckDuplicate, fmt.Sprintf("similar to %s, distance %.4f", d.Kept, d.Distance)}}})
	}
	return survivors
}

// familyIndex maps each family of fams to its index.
func familyIndex(fams []*Family) map[*Family]int {
	byFam := map[*Family]int{}
	for i, f := range fams {
		byFam[f] = i
	}
	return byFam
}

// finalAlphabet is step 5: the survivors, by name, are filtered again by
// FilterAlphabet (dropping families can only enlarge the alphabet), with
// and without requiring a real bold face, into lc's counts and families.
func finalAlphabet(lc *LanguageCatalog, kept []*Family, survivors []familySample, verdicts []familyVerdict, symbols []string, english bool) {
	byFam := familyIndex(kept)
	var final []*Family
	for _, s := range survivors {
		final = append(final, s.fam)
	}
	sort.Slice(final, func(a, b int) bool { return final[a].Name < final[b].Name })
	var boldFams []*Family
	for _, f := range final {
		if drawsBold(verdicts[byFam[f]].bold) {
			boldFams = append(boldFams, f)
		}
	}
	var finalSyms, boldSyms []string
	var boldKept []*Family
	if english {
		finalSyms = symbols
		boldKept, boldSyms = boldFams, symbols
		if len(boldFams) == 0 {
			boldSyms = nil
		}
	} else {
		final, finalSyms = FilterAlphabet(final, symbols, false)
		boldKept, boldSyms = FilterAlphabet(boldFams, symbols, true)
	}
	inBold := map[*Family]bool{}
	for _, f := range boldKept {
		inBold[f] = true
	}
	lc.Symbols, lc.BoldSymbols, lc.BoldFamilies = len(finalSyms), len(boldSyms), len(boldKept)
	for _, f := range final {
		v := verdicts[byFam[f]]
		st := v.stats
		lc.Families = append(lc.Families, LanguageFamily{Name: f.Name, Bold: v.bold, InBold: inBold[f], Stats: &st, Draw: v.draw})
	}
}

func sortDropped(d []LanguageFamily) {
	sort.SliceStable(d, func(i, j int) bool { return d[i].Name < d[j].Name })
}
