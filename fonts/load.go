package fonts

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/synbols-gpu/synbols-gpu/internal/filekind"
)

// ErrNoFonts is returned (wrapped, with the places looked in) when Load
// finds no usable font family at all.
var ErrNoFonts = errors.New("fonts: no usable font")

// Family is a regular face and, when the family has one, its bold face.
// Bold == nil means the painter must synthesise bold: it grows the outline
// by 1/48 em a side, as Cairo's FreeType backend does, by moving the SDF
// threshold (docs/geometry.md). Immutable once Load returns; safe for
// concurrent use.
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
	// Dirs are user folders (--font-dir), walked recursively (a
	// symbolic link to a folder is followed, at the top and inside). A
	// folder that does not exist, is not a folder or cannot be read is
	// an error: it was asked for by name. (A missing system folder is
	// not: most of SystemDirs do not exist on a given machine.)
	Dirs []string
	// Warn receives one line per font file that is skipped because it
	// does not parse (or is too big, or not a font), and per unreadable
	// sub-folder. nil discards them. The package never logs by itself.
	Warn func(msg string)
	// Context, if set, stops Load between font files once it is done
	// (Ctrl-C while a large pool is hashed): Load then returns its error.
	Context context.Context
	// IndexDir, if set, is the folder of the face index (index.go):
	// per font file of Dirs and the system folders, its identity
	// (device, inode, size, modification and change time), SHA-256 and
	// parsed faces. A file whose identity matches its record is not
	// read: its faces come from the record, and it is opened only when
	// an outline of one of them is first asked for. "" reads and hashes
	// every file. It is not part of what a catalogue is keyed on.
	IndexDir string
}

// Library is the set of font families found by Load. Families is sorted
// by Name (byte order, like Python's sorted() on the original's names),
// so "uniform over the fonts" is reproducible. Read-only after Load: safe
// for concurrent use.
type Library struct {
	Families []*Family
}

// Size caps: a file bigger than this is skipped with a warning before
// any of it beyond the header is read. The largest real font files are
// CJK pan-Unicode faces: 20-30 MB single fonts, 20-30 MB collections in
// Debian (fonts-noto-cjk's NotoSerifCJK-Regular.ttc is 26 MB); the caps
// leave twice that and more, and keep a stray huge (or sparse) file named
// .ttf from being hashed (a 1 GB one took 2.5 s and 2.2 GB).
const (
	maxFontBytes       = 64 << 20  // a single font
	maxCollectionBytes = 256 << 20 // a 'ttcf' collection
)

// ParserCounts says how many faces of the library's families (regular
// and bold, counted once each; a variable font's bold instance is not a
// face of its own) each parser reads: keys ParserSfnt and ParserGoText,
// a parser reading none is absent.
func (l *Library) ParserCounts() map[string]int {
	out := map[string]int{}
	seen := map[*Face]bool{}
	for _, fam := range l.Families {
		for _, f := range []*Face{fam.Regular, fam.Bold} {
			if f == nil || f.base != nil || seen[f] {
				continue
			}
			seen[f] = true
			out[f.parser]++
		}
	}
	return out
}

// Err returns the first error wrapping ErrFontChanged met so far by a
// face of the library (see Face.Err), nil when none. Covers and Usable
// cannot return errors; a face whose file changed counts as covering
// (so its family is drawn and the draw fails naming the file), and a
// caller that wants to fail sooner calls Err after filtering.
func (l *Library) Err() error {
	for _, fam := range l.Families {
		for _, f := range []*Face{fam.Regular, fam.Bold} {
			if f != nil {
				if err := f.Err(); err != nil {
					return err
				}
			}
		}
	}
	return nil
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
// A file that fails to parse (or is not an sfnt font, or is bigger than
// the size caps) is reported once through o.Warn and skipped. Faces
// that golang.org/x/image/font/sfnt cannot parse are read by go-text
// (Face.Parser). Load fails only when a user folder cannot be read or
// when no family at all is found (ErrNoFonts, wrapped with the places
// looked in).
//
// Files are read with read(2), never mapped, and only their header, name
// and style tables are kept: outlines are read from the files when asked
// for (fileSrc), so a font file that changes after Load makes Outline
// fail with ErrFontChanged; it cannot crash the process. With
// o.IndexDir, a file whose face-index record is current is not even
// opened (index.go); the embedded set is always parsed.
func Load(o Options) (*Library, error) {
	warn := o.Warn
	if warn == nil {
		warn = func(string) {}
	}
	seen := map[[32]byte]bool{}
	taken := map[string]bool{}
	idx := openIndex(o)
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

	ctx := o.Context
	if ctx == nil {
		ctx = context.Background()
	}
	for _, d := range o.Dirs {
		faces, err := walkDir(ctx, d, true, seen, idx, warn)
		if err != nil {
			return nil, err
		}
		looked = append(looked, d)
		add(faces)
	}
	if o.System {
		var faces []*Face
		for _, d := range SystemDirs() {
			// A missing system folder is normal: silent. One that
			// exists but cannot be read was warned about.
			got, err := walkDir(ctx, d, false, seen, idx, warn)
			if ctx.Err() != nil {
				return nil, fmt.Errorf("fonts: loading stopped: %w", context.Cause(ctx))
			}
			if err != nil {
				continue
			}
			looked = append(looked, d)
			faces = append(faces, got...)
		}
		add(faces)
	}
	if ctx.Err() != nil {
		return nil, fmt.Errorf("fonts: loading stopped: %w", context.Cause(ctx))
	}
	if o.Embedded {
		looked = append(looked, "the embedded set")
		add(embeddedFaces(seen, idx, warn))
	}
	if idx != nil {
		idx.save()
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

// walkDir parses every font file below root, in lexical order, following
// symbolic links to files and to folders (each real folder is walked
// once, so a link loop ends). Faces' Source paths are spelt below root
// as given, links unresolved. Unreadable sub-folders and broken files
// are reported through warn and skipped.
//
// A root that cannot be walked is an error naming it and wrapping the os
// error (errors.Is fs.ErrNotExist, fs.ErrPermission): for a user folder
// that is Load's error; for a system one (user false) a missing folder
// is dropped silently and an unreadable one warned about.
func walkDir(ctx context.Context, root string, user bool, seen map[[32]byte]bool, idx *faceIndex, warn func(string)) ([]*Face, error) {
	if root == "" {
		// EvalSymlinks would make it ".": an empty --font-dir is a
		// mistake, not the current folder.
		return nil, fmt.Errorf("fonts: font folder %q: %w", root, fs.ErrNotExist)
	}
	real, err := filepath.EvalSymlinks(root)
	if err == nil {
		var st os.FileInfo
		if st, err = os.Stat(real); err == nil && !st.IsDir() {
			err = fmt.Errorf("not a folder")
		}
	}
	var ents []fs.DirEntry
	if err == nil {
		// Read now, so that an unreadable root is an error (fs.WalkDir
		// would hand it to the callback as a mere skip).
		ents, err = os.ReadDir(real)
	}
	if err != nil {
		err = fmt.Errorf("fonts: font folder %s: %w", root, err)
		if !user && !errors.Is(err, fs.ErrNotExist) {
			warn(err.Error())
		}
		return nil, err
	}
	w := &walker{ctx: ctx, seen: seen, idx: idx, warn: warn, user: user, visited: map[string]bool{real: true}}
	w.dir(root, ents)
	if ctx.Err() != nil {
		return nil, fmt.Errorf("fonts: loading stopped: %w", context.Cause(ctx))
	}
	return w.faces, nil
}

type walker struct {
	ctx     context.Context
	seen    map[[32]byte]bool
	idx     *faceIndex // nil: no face index
	warn    func(string)
	user    bool            // a --font-dir: a font name that holds no font is said
	visited map[string]bool // real paths of the folders walked
	faces   []*Face
	buf     []byte // loadFile's, reused
}

func (w *walker) skip(p string, err error) { w.warn(fmt.Sprintf("fonts: skipping %s: %v", p, err)) }

// dir walks the entries of folder p (os.ReadDir sorts them by name).
func (w *walker) dir(p string, ents []fs.DirEntry) {
	for _, e := range ents {
		if w.ctx.Err() != nil {
			return
		}
		q := filepath.Join(p, e.Name())
		t := e.Type()
		if t&fs.ModeSymlink != 0 {
			st, err := os.Stat(q)
			if err != nil {
				// Nothing there. System folders hold such links by the
				// dozen; in the user's own, a font's name is worth a line.
				if w.user && fontExt(q) {
					w.skip(q, fmt.Errorf("a symbolic link to nothing (%w)", err))
				}
				continue
			}
			t = st.Mode().Type()
		}
		switch {
		case t.IsDir():
			real, err := filepath.EvalSymlinks(q)
			if err != nil {
				w.skip(q, err)
				continue
			}
			if w.visited[real] {
				continue
			}
			w.visited[real] = true
			sub, err := os.ReadDir(q)
			if err != nil {
				w.skip(q, err)
			}
			// ReadDir returns what it read before an error.
			w.dir(q, sub)
		case t.IsRegular() && fontExt(q):
			w.faces = append(w.faces, w.file(q)...)
		case w.user && fontExt(q) && !t.IsRegular():
			// Not opened: reading a fifo would block until a writer came.
			w.skip(q, fmt.Errorf("it is %s, not a font file", filekind.Name(t)))
		}
	}
}

// file returns the faces of one font file: from the face index when its
// record is current, else read (and recorded).
func (w *walker) file(p string) []*Face {
	if w.idx == nil {
		faces, _ := loadFile(p, w.seen, w.warn, &w.buf)
		return faces
	}
	if faces, ok := w.idx.lookup(p, w.seen, w.warn); ok {
		return faces
	}
	faces, rec := loadFile(p, w.seen, w.warn, &w.buf)
	w.idx.record(rec, faces)
	return faces
}

// loadFile reads and parses one font file unless the same content was
// parsed before: magic and size cap first (a file that is no font, or
// too big, costs 4 bytes of reading), then the whole file, read once
// with read(2), is hashed and the tables Load needs are parsed from
// those bytes. The file is closed again unless a face was kept (and
// even then its handle is only cached: see fileSrc).
//
// rec is the file's record for the face index, nil when it has none (the
// file could not be opened, changed while read, or changed too recently
// to be trusted: newRecord).
func loadFile(p string, seen map[[32]byte]bool, warn func(string), buf *[]byte) (faces []*Face, rec *indexFile) {
	s, err := openFileSrc(p)
	if err != nil {
		warn(fmt.Sprintf("fonts: skipping %s: %v", p, err))
		return nil, nil
	}
	readAt := time.Now()
	faces, info, err := loadSrc(s, seen, buf)
	s.release()
	if len(faces) == 0 {
		s.close()
	}
	if !errors.Is(err, ErrFontChanged) {
		rec = newRecord(p, s.stamp, readAt)
	}
	if err != nil {
		msg := fmt.Sprintf("fonts: skipping %s: %v", p, err)
		warn(msg)
		if rec != nil {
			rec.Warn = msg
		}
	}
	if rec != nil {
		if info.hashed {
			rec.SHA256 = hex.EncodeToString(info.sum[:])
		}
		rec.Collection, rec.Dup = info.collection, info.dup
		for _, f := range faces {
			rec.Faces = append(rec.Faces, recordFace(f))
		}
	}
	return faces, rec
}

// srcInfo is what loadSrc learnt of a file besides its faces.
type srcInfo struct {
	sum        [32]byte
	hashed     bool // sum is set
	dup        bool // the content was parsed before (seen)
	collection bool
}

// errNotFont reports a file whose first bytes are no sfnt header.
var errNotFont = errors.New("not an sfnt (TrueType/OpenType) font")

func loadSrc(s *fileSrc, seen map[[32]byte]bool, buf *[]byte) ([]*Face, srcInfo, error) {
	var info srcInfo
	if s.size < 12 {
		return nil, info, fmt.Errorf("%w: %d bytes is too short for a font", errMalformed, s.size)
	}
	hdr, err := readAt(s, 0, 4)
	if err != nil {
		return nil, info, err
	}
	limit := int64(maxFontBytes)
	switch m := string(hdr); m {
	case "\x00\x01\x00\x00", "OTTO", "true":
	case "ttcf":
		limit = maxCollectionBytes
		info.collection = true
	case "wOFF", "wOF2":
		return nil, info, fmt.Errorf("%w: WOFF-compressed (%q), which is not supported", errNotFont, m)
	default:
		return nil, info, fmt.Errorf("%w: starts with %q", errNotFont, m)
	}
	if s.size > limit {
		return nil, info, fmt.Errorf("%w: %d MiB is over the %d MiB cap for a font file", errMalformed, s.size>>20, limit>>20)
	}
	// Read whole (into buf, reused from file to file: the peak is the
	// largest file, at most the cap), hash, and parse from memory.
	if int64(cap(*buf)) < s.size {
		*buf = make([]byte, s.size)
	}
	data := (*buf)[:s.size]
	if _, err := io.ReadFull(io.NewSectionReader(s, 0, s.size), data); err != nil {
		return nil, info, err
	}
	sum := sha256.Sum256(data)
	info.sum, info.hashed = sum, true
	if seen[sum] {
		info.dup = true
		return nil, info, nil
	}
	seen[sum] = true
	s.mem = data
	faces, err := parseSrc(s, s.size, sum, s.path, "")
	s.mem = nil
	if cerr := s.check(); cerr != nil {
		// Changed while Load read it: what was parsed is not what was
		// hashed.
		return nil, info, cerr
	}
	return faces, info, err
}

// parseData parses one file held in memory unless the same content was
// parsed before.
func parseData(data []byte, source, license string, seen map[[32]byte]bool, warn func(string)) []*Face {
	return parseDataSum(data, sha256.Sum256(data), source, license, seen, warn)
}

// parseDataSum is parseData for data whose SHA-256 is known to be sum.
func parseDataSum(data []byte, sum [32]byte, source, license string, seen map[[32]byte]bool, warn func(string)) []*Face {
	if seen[sum] {
		return nil
	}
	seen[sum] = true
	faces, err := parseSrc(memSrc(data), int64(len(data)), sum, source, license)
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
