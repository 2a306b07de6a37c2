package fonts

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
)

// ErrNoFonts is returned (wrapped, with the places looked in) when Load
// finds no usable font family at all.
var ErrNoFonts = errors.New("fonts: no usable font")

// Family is a regular face and, when the family has one, its bold face.
// Bold == nil means the painter must synthesise bold (DESIGN.md: shift the
// SDF threshold). Immutable once Load returns; safe for concurrent use.
type Family struct {
	Name    string
	Regular *Face
	Bold    *Face
}

// Options says where Load looks for fonts.
type Options struct {
	// Embedded includes the font set compiled into the binary
	// (fonts/embedded; see its README.md).
	Embedded bool
	// System includes the platform's font folders (SystemDirs).
	System bool
	// Dirs are user folders (--font-dir), walked recursively. A folder
	// that does not exist is an error: it was asked for by name.
	Dirs []string
	// Warn receives one line per font file that is skipped because it
	// does not parse, and per unreadable folder. nil discards them. The
	// package never logs by itself.
	Warn func(msg string)
}

// Library is the set of font families found by Load. Families is sorted
// by Name (byte order, like Python's sorted() on the original's names),
// so "uniform over the fonts" is reproducible. Read-only after Load: safe
// for concurrent use.
type Library struct {
	Families []*Family
}

// fontExt reports whether a file name has one of the extensions we parse.
func fontExt(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".ttf", ".otf", ".ttc", ".otc":
		return true
	}
	return false
}

// SystemDirs lists the platform's usual font folders, whether or not
// they exist.
func SystemDirs() []string {
	home, _ := os.UserHomeDir()
	var dirs []string
	switch runtime.GOOS {
	case "darwin":
		dirs = []string{"/System/Library/Fonts", "/Library/Fonts"}
		if home != "" {
			dirs = append(dirs, filepath.Join(home, "Library", "Fonts"))
		}
	case "windows":
		if w := os.Getenv("WINDIR"); w != "" {
			dirs = append(dirs, filepath.Join(w, "Fonts"))
		}
		if l := os.Getenv("LOCALAPPDATA"); l != "" {
			dirs = append(dirs, filepath.Join(l, "Microsoft", "Windows", "Fonts"))
		}
	default:
		dirs = []string{"/usr/share/fonts", "/usr/local/share/fonts"}
		if home != "" {
			dirs = append(dirs, filepath.Join(home, ".fonts"))
		}
		if x := os.Getenv("XDG_DATA_HOME"); x != "" {
			dirs = append(dirs, filepath.Join(x, "fonts"))
		} else if home != "" {
			dirs = append(dirs, filepath.Join(home, ".local", "share", "fonts"))
		}
	}
	return dirs
}

// Load finds, parses and groups fonts into families.
//
// Sources are taken in this order: each of o.Dirs (in order), then the
// system folders (all together), then the embedded set. When two sources
// provide a family of the same name, the earlier source wins and the
// later one's faces of that family are ignored entirely (faces from
// different sources are never mixed into one family): a user folder can
// override an installed font, and an installed (typically newer) font
// overrides the embedded copy. For runs that must be reproducible across
// machines, load the embedded set alone (System false, no Dirs); the
// face IDs (content hashes) recorded by callers show what was used.
//
// Italic and oblique faces are skipped. Within one source, a family's
// regular face is chosen among its non-bold faces and its bold face among
// its bold ones, preferring, in order: normal width (OS/2 usWidthClass 5),
// weight closest to 400 (regular) or 700 (bold), a style named "Regular"
// (or Roman/Book/Normal/Plain) or "Bold", and then the first face found
// (folders are walked in lexical order). A family with only bold faces
// uses its face closest to weight 400 as Regular and has no Bold. A
// family with no bold face whose Regular is a variable font with a 'wght'
// axis reaching 600 gets as Bold that font drawn at wght min(700, axis
// maximum) (a Face with its own ID and Style "Bold (wght 700)"). The
// same file content met twice (a copy, a symlink) is parsed once.
//
// A file that fails to parse is reported once through o.Warn and skipped.
// Load fails only when a user folder cannot be read or when no family at
// all is found (ErrNoFonts, wrapped with the places looked in).
func Load(o Options) (*Library, error) {
	warn := o.Warn
	if warn == nil {
		warn = func(string) {}
	}
	seen := map[[32]byte]bool{}
	taken := map[string]bool{}
	lib := &Library{}
	var looked []string
	add := func(faces []*Face) {
		groups := map[string][]*Face{}
		var order []string
		for _, f := range faces {
			if f.italic {
				continue
			}
			if _, ok := groups[f.Family]; !ok {
				order = append(order, f.Family)
			}
			groups[f.Family] = append(groups[f.Family], f)
		}
		for _, name := range order {
			if taken[name] {
				continue
			}
			taken[name] = true
			lib.Families = append(lib.Families, makeFamily(name, groups[name]))
		}
	}

	for _, d := range o.Dirs {
		st, err := os.Stat(d)
		if err != nil {
			return nil, fmt.Errorf("fonts: font dir: %w", err)
		}
		if !st.IsDir() {
			return nil, fmt.Errorf("fonts: font dir %s: not a directory", d)
		}
		looked = append(looked, d)
		add(walkDir(d, seen, warn))
	}
	if o.System {
		var faces []*Face
		for _, d := range SystemDirs() {
			if st, err := os.Stat(d); err != nil || !st.IsDir() {
				continue
			}
			looked = append(looked, d)
			faces = append(faces, walkDir(d, seen, warn)...)
		}
		add(faces)
	}
	if o.Embedded {
		looked = append(looked, "the embedded set")
		add(embeddedFaces(seen, warn))
	}
	if len(lib.Families) == 0 {
		where := "nowhere (no source enabled)"
		if len(looked) > 0 {
			where = strings.Join(looked, ", ")
		}
		return nil, fmt.Errorf("%w: looked in %s", ErrNoFonts, where)
	}
	sort.Slice(lib.Families, func(i, j int) bool { return lib.Families[i].Name < lib.Families[j].Name })
	return lib, nil
}

// walkDir parses every font file below root, in lexical order. Unreadable
// sub-folders and broken files are reported through warn and skipped.
func walkDir(root string, seen map[[32]byte]bool, warn func(string)) []*Face {
	var faces []*Face
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			warn(fmt.Sprintf("fonts: skipping %s: %v", p, err))
			if d != nil && d.IsDir() && p != root {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || !fontExt(p) {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			// Follow symlinked files (common in distribution font
			// folders), never symlinked folders (loops).
			if st, err := os.Stat(p); err != nil || !st.Mode().IsRegular() {
				return nil
			}
		} else if !d.Type().IsRegular() {
			return nil
		}
		data, err := readFontFile(p)
		if err != nil {
			warn(fmt.Sprintf("fonts: skipping %s: %v", p, err))
			return nil
		}
		faces = append(faces, parseData(data, p, "", seen, warn)...)
		return nil
	})
	return faces
}

// parseData parses one file unless the same content was parsed before.
func parseData(data []byte, source, license string, seen map[[32]byte]bool, warn func(string)) []*Face {
	sum := sha256.Sum256(data)
	if seen[sum] {
		return nil
	}
	seen[sum] = true
	faces, err := parseFile(data, source, license)
	if err != nil {
		warn(fmt.Sprintf("fonts: skipping %s: %v", source, err))
	}
	return faces
}

// makeFamily picks the regular and bold faces of one family from one
// source (see Load for the rules).
func makeFamily(name string, faces []*Face) *Family {
	var plain, bold []*Face
	for _, f := range faces {
		if f.Bold {
			bold = append(bold, f)
		} else {
			plain = append(plain, f)
		}
	}
	fam := &Family{Name: name}
	if len(plain) == 0 {
		fam.Regular = pick(bold, 400)
		return fam
	}
	fam.Regular = pick(plain, 400)
	fam.Bold = pick(bold, 700)
	if fam.Bold == nil {
		// A variable font with a wght axis draws its own bold
		// (variable.go); nil when it has none.
		fam.Bold = fam.Regular.boldInstance()
	}
	return fam
}

// pick returns the best face for a target weight, or nil.
func pick(faces []*Face, target int) *Face {
	canonical := func(f *Face) int {
		s := strings.ToLower(f.Style)
		if target >= 600 {
			if s == "bold" {
				return 0
			}
			return 1
		}
		switch s {
		case "regular", "roman", "book", "normal", "plain":
			return 0
		}
		return 1
	}
	abs := func(v int) int {
		if v < 0 {
			return -v
		}
		return v
	}
	var best *Face
	for _, f := range faces { // first found wins ties: strict comparisons only
		if best == nil {
			best = f
			continue
		}
		a := [3]int{f.widthPenalty(), abs(f.Weight - target), canonical(f)}
		b := [3]int{best.widthPenalty(), abs(best.Weight - target), canonical(best)}
		for i := range a {
			if a[i] != b[i] {
				if a[i] < b[i] {
					best = f
				}
				break
			}
		}
	}
	return best
}

// Family returns the family with this exact name, or failing that the
// only one whose name matches ignoring case.
func (l *Library) Family(name string) (*Family, bool) {
	i := sort.Search(len(l.Families), func(i int) bool { return l.Families[i].Name >= name })
	if i < len(l.Families) && l.Families[i].Name == name {
		return l.Families[i], true
	}
	var found *Family
	for _, f := range l.Families {
		if strings.EqualFold(f.Name, name) {
			if found != nil {
				return nil, false
			}
			found = f
		}
	}
	return found, found != nil
}

// Usable returns the families that can draw every rune of rs, in name
// order: the regular face must cover them all; so must the bold face when
// requireBoldFace is true (families without a bold face are then
// excluded), and when it is false a bold face that exists must still
// cover them (a family whose real bold face lacks a glyph would otherwise
// draw that glyph with two different designs).
func (l *Library) Usable(rs []rune, requireBoldFace bool) []*Family {
	var out []*Family
	for _, fam := range l.Families {
		if !fam.Regular.CoversAll(rs) {
			continue
		}
		if fam.Bold == nil {
			if requireBoldFace {
				continue
			}
		} else if !fam.Bold.CoversAll(rs) {
			continue
		}
		out = append(out, fam)
	}
	return out
}
