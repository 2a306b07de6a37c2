package fonts

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

var (
	// ErrNoGlyph reports a rune the face's cmap does not map.
	ErrNoGlyph = errors.New("fonts: rune not mapped by the face")
	// ErrEmptyGlyph reports a mapped rune whose glyph has no visible
	// outline (a space, or a blank placeholder that some fonts map to
	// characters they do not really have).
	ErrEmptyGlyph = errors.New("fonts: glyph has an empty outline")
)

// Parser names, as Face.Parser reports them.
const (
	// ParserSfnt: golang.org/x/image/font/sfnt reads the face (most
	// fonts; glyphs are loaded from the file as they are asked for).
	ParserSfnt = "sfnt"
	// ParserGoText: sfnt could not parse the face (CFF2 outlines, table
	// layouts it refuses, such as wqy-microhei.ttc's), so
	// github.com/go-text/typesetting reads it. go-text parses the whole
	// face into memory, on the first outline asked of it.
	ParserGoText = "go-text"
)

// Face is one parsed font face (one file, or one member of a collection).
//
// The exported fields are plain data, fixed once Load returns; the
// methods are safe for concurrent use (each call borrows its own
// sfnt.Buffer or go-text face from a pool).
//
// A face does not hold its file's bytes: outlines are read from the file
// when asked for (fileSrc says why), and a file that changed since Load
// makes Outline fail with an error wrapping ErrFontChanged.
type Face struct {
	Family string // typographic family (name ID 16), else name ID 1
	Style  string // typographic subfamily (name ID 17), else name ID 2
	Bold   bool   // OS/2 usWeightClass >= 600 or Style mentions "Bold"
	Weight int    // OS/2 usWeightClass (400 regular, 700 bold); guessed from Style when absent
	// Source is the file path, or "embedded:<path below fonts/embedded>".
	Source string
	Index  int      // index within a collection (0 for a plain file)
	SHA256 [32]byte // of the whole file, so caches key on content, not on path
	// License is a short SPDX-like identifier: authoritative for the
	// embedded set, guessed from the name table for other sources, ""
	// when unknown.
	License string
	// CFF reports PostScript (CFF or CFF2) outlines; false means
	// TrueType (glyf).
	CFF bool

	width int // OS/2 usWidthClass, 5 = normal
	// symbolic: the OS/2 table declares a symbol font (see os2Info).
	symbolic bool
	italic   bool
	parser   string     // ParserSfnt or ParserGoText
	sf       *sfntState // sfnt's parse; nil when parser is ParserGoText
	upem     int
	bufs     sync.Pool // *sfnt.Buffer
	src      fontSrc   // the file's bytes (nil only in tests' fake faces)
	size     int64     // of the file

	mu    sync.Mutex
	cover map[rune]bool

	// The face index this face was loaded through and its record there
	// (index.go), nil without one: SaveIndex keeps the coverage
	// learnt in rec.
	idx *faceIndex
	rec *indexFace

	// go-text state (variable.go): the font, parsed on first use and
	// shared with the face's variation instances, and a pool of
	// *gtfont.Face at this face's coordinates. Set for go-text faces and
	// for variable fonts; nil otherwise.
	gt      *gtShared
	gtFaces sync.Pool

	// Variable fonts (variable.go): the fvar axes, and for a face drawn
	// at a variation its wght coordinate (0 = as stored) and the face it
	// is an instance of.
	axes []varAxis
	wght float64
	base *Face
}

// ID is a stable key for the face: the first 16 hex digits of the file's
// SHA-256 and the collection index. It does not depend on where the file
// was found, so caches survive moving or reinstalling fonts.
//
// A face drawn at a variation of a variable font (Wght != 0) adds
// "-wght" and the coordinate, so it never shares a key with the file's
// default instance.
func (f *Face) ID() string {
	id := hex.EncodeToString(f.SHA256[:])[:16] + "-" + strconv.Itoa(f.Index)
	if f.wght != 0 {
		id += "-wght" + strconv.FormatFloat(f.wght, 'f', -1, 64)
	}
	return id
}

// String names the face for messages: family, style and source.
func (f *Face) String() string {
	return fmt.Sprintf("%s %s (%s#%d)", f.Family, f.Style, f.Source, f.Index)
}

// Font returns the parsed sfnt font, nil for a face read by go-text
// (Parser() == ParserGoText): use Outline, which serves both. An
// *sfnt.Font may be shared between goroutines only if each goroutine
// passes its own *sfnt.Buffer (or nil) to its methods; a Buffer must
// never be used by two goroutines at once. Its reads go to the file and
// fail (they do not crash) if the file changed since Load; Outline also
// checks that the file is unchanged, which the Font alone does not.
//
// A face restored from the face index (Options.IndexDir) is parsed by
// sfnt on its first use: Font may then open and read the file; it
// returns nil when that parse fails (Outline says why).
func (f *Face) Font() *sfnt.Font {
	if f.sf == nil {
		return nil
	}
	fnt, _ := f.sf.get()
	return fnt
}

// sfntState is a face's golang.org/x/image/font/sfnt parse: made at Load
// for a file Load read, or on first use (parse) for a face restored from
// the face index without reading its file (index.go), so that a warm
// start opens only the files of the faces it draws. Shared by a face and
// its variation instances; safe for concurrent use.
type sfntState struct {
	done atomic.Pointer[sfnt.Font] // set once parsed successfully: the fast path

	mu    sync.Mutex
	err   error                      // the parse's error, sticky
	parse func() (*sfnt.Font, error) // nil once parsed (or failed for good)
}

func parsedSfnt(fnt *sfnt.Font) *sfntState {
	s := &sfntState{}
	s.done.Store(fnt)
	return s
}

// get returns the parsed font, parsing it first if need be. A failure to
// reopen the file that is not the file's doing (errReopen: out of
// descriptors) is not kept: the next call tries again.
func (s *sfntState) get() (*sfnt.Font, error) {
	if fnt := s.done.Load(); fnt != nil {
		return fnt, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if fnt := s.done.Load(); fnt != nil {
		return fnt, nil
	}
	if s.parse != nil {
		fnt, err := s.parse()
		if err != nil && errors.Is(err, errReopen) {
			return nil, err
		}
		s.parse = nil
		if err != nil {
			s.err = err
		} else {
			s.done.Store(fnt)
			return fnt, nil
		}
	}
	if s.err == nil {
		s.err = errors.New("fonts: face has no sfnt parse")
	}
	return nil, s.err
}

// Parser says which library reads the face: ParserSfnt or ParserGoText.
func (f *Face) Parser() string { return f.parser }

// UnitsPerEm is the size of the em square in font units.
func (f *Face) UnitsPerEm() int { return f.upem }

// Err returns the error wrapping ErrFontChanged that the face's file gave
// since Load, or nil: once a file is seen to change, every Outline of its
// faces fails with this error (and Covers answers true, see there).
func (f *Face) Err() error {
	if s, ok := f.src.(*fileSrc); ok {
		return s.err()
	}
	return nil
}

func (f *Face) getBuf() *sfnt.Buffer {
	if b, ok := f.bufs.Get().(*sfnt.Buffer); ok {
		return b
	}
	return new(sfnt.Buffer)
}

// wrap makes err an Outline error about f. When the file has changed
// that is the cause, whatever sfnt made of the short or odd read.
func (f *Face) wrap(err error, format string, a ...any) error {
	if serr := f.Err(); serr != nil {
		err = serr
	}
	return fmt.Errorf("fonts: %s: %s: %w", f, fmt.Sprintf(format, a...), err)
}

// Outline returns the outline of r's glyph in font units with y pointing
// down, exactly as stored in the font (the segments are loaded with ppem
// = unitsPerEm, so each fixed.Int26_6 value is one font unit, not 1/64).
// The slice is the caller's own. It fails with ErrNoGlyph when the cmap
// does not map r, with ErrEmptyGlyph when the glyph has no segment or a
// control box of zero width or height, and with an error wrapping
// ErrFontChanged (naming the file) when the face's file is no longer the
// one Load read.
//
// A face drawn at a variation of a variable font (Wght != 0) gives the
// outline at that variation, and a face read by go-text its outline,
// rounded to whole font units.
func (f *Face) Outline(r rune) ([]sfnt.Segment, error) {
	if f.src != nil {
		if err := f.src.check(); err != nil {
			return nil, fmt.Errorf("fonts: %s: U+%04X: %w", f, r, err)
		}
	}
	if f.sf == nil {
		return f.gtOutline(r, 0)
	}
	fnt, err := f.sf.get()
	if err != nil {
		return nil, f.wrap(err, "parsing the face for U+%04X", r)
	}
	b := f.getBuf()
	defer f.bufs.Put(b)
	gi, err := fnt.GlyphIndex(b, r)
	if err != nil {
		return nil, f.wrap(err, "cmap lookup of U+%04X", r)
	}
	if gi == 0 {
		if err := f.Err(); err != nil {
			return nil, f.wrap(err, "cmap lookup of U+%04X", r)
		}
		return nil, fmt.Errorf("fonts: %s: U+%04X: %w", f, r, ErrNoGlyph)
	}
	if f.wght != 0 {
		return f.gtOutline(r, gi)
	}
	segs, err := fnt.LoadGlyph(b, gi, fixed.Int26_6(f.upem), nil)
	if err != nil {
		return nil, f.wrap(err, "loading glyph %d for U+%04X", gi, r)
	}
	if len(segs) == 0 {
		return nil, fmt.Errorf("fonts: %s: U+%04X: %w", f, r, ErrEmptyGlyph)
	}
	bb := segs.Bounds()
	if bb.Max.X <= bb.Min.X || bb.Max.Y <= bb.Min.Y {
		return nil, fmt.Errorf("fonts: %s: U+%04X: degenerate bounds: %w", f, r, ErrEmptyGlyph)
	}
	// segs aliases b, which goes back to the pool: copy.
	return append([]sfnt.Segment(nil), segs...), nil
}

// Covers reports whether the face can draw r: the cmap maps it and its
// glyph has a non-empty outline. A face whose file changed since Load
// (Err != nil) answers true, so that the caller's Outline reports it. Results are cached per rune; safe for
// concurrent use. A face drawn at a variation covers what the font's
// default instance covers.
func (f *Face) Covers(r rune) bool {
	if f.base != nil {
		return f.base.Covers(r)
	}
	f.mu.Lock()
	v, ok := f.cover[r]
	f.mu.Unlock()
	if ok {
		return v
	}
	_, err := f.Outline(r)
	v = err == nil
	if errors.Is(err, ErrFontChanged) || errors.Is(err, errReopen) {
		// Not a property of the font, so not cached; and true, not
		// false: the family stays in the pool and the draw that
		// follows fails with the error naming the file, where false
		// would drop the family silently (Usable cannot return an
		// error) and the run would go on with another pool.
		return true
	}
	f.mu.Lock()
	if f.cover == nil {
		f.cover = map[rune]bool{}
	}
	f.cover[r] = v
	f.mu.Unlock()
	return v
}

// CoversAll reports whether Covers holds for every rune of rs.
func (f *Face) CoversAll(rs []rune) bool {
	for _, r := range rs {
		if !f.Covers(r) {
			return false
		}
	}
	return true
}

// parseFile parses every face of one font file held in memory (a
// collection gives several). A non-nil error means the file, or some
// member of it, is broken; faces parsed before the error are still
// returned so that one bad member of a collection does not hide the
// others. license is the licence identifier to use ("" = guess from the
// name table).
func parseFile(data []byte, source, license string) ([]*Face, error) {
	return parseSrc(memSrc(data), int64(len(data)), sha256.Sum256(data), source, license)
}

// parseSrc is parseFile for a file of size bytes read through src, whose
// SHA-256 is sum.
func parseSrc(src fontSrc, size int64, sum [32]byte, source, license string) ([]*Face, error) {
	offs, collection, err := fontOffsets(src, size)
	if err != nil {
		return nil, err
	}
	var coll *sfnt.Collection
	var collErr error
	if collection {
		if m, ok := src.(memSrc); ok {
			coll, collErr = sfnt.ParseCollection(m)
		} else {
			coll, collErr = sfnt.ParseCollectionReaderAt(src)
		}
		if collErr == nil && coll.NumFonts() != len(offs) {
			return nil, fmt.Errorf("%w: collection has %d fonts, header says %d", errMalformed, coll.NumFonts(), len(offs))
		}
	}
	var faces []*Face
	for i, off := range offs {
		face, err := parseFace(src, size, off, i, collection, coll, collErr, source, license)
		if err != nil {
			if collection {
				err = fmt.Errorf("font %d of the collection: %w", i, err)
			}
			return faces, err
		}
		face.SHA256 = sum
		faces = append(faces, face)
	}
	return faces, nil
}

// parseFace parses the face at offset off (index in a collection, where
// coll is sfnt's parse of it or collErr why it failed). The metadata
// (names, OS/2, fvar) is read by this package; the outlines by sfnt, or
// by go-text when sfnt cannot parse the face.
func parseFace(src fontSrc, size int64, off uint32, index int, collection bool, coll *sfnt.Collection, collErr error, source, license string) (*Face, error) {
	tables, err := readTableDir(src, size, off)
	if err != nil {
		return nil, err
	}
	f := &Face{Source: source, Index: index, src: src, size: size}
	var fnt *sfnt.Font
	switch {
	case coll != nil:
		fnt, err = coll.Font(index)
	case collection:
		err = collErr
	default:
		if m, ok := src.(memSrc); ok {
			fnt, err = sfnt.Parse(m)
		} else {
			fnt, err = sfnt.ParseReaderAt(src)
		}
	}
	if err == nil {
		f.parser, f.sf, f.upem = ParserSfnt, parsedSfnt(fnt), int(fnt.UnitsPerEm())
	} else {
		if s, ok := src.(*fileSrc); ok && s.err() != nil {
			return nil, s.err() // the file changed: not go-text's business
		}
		gt, gerr := parseGoText(src, size, index)
		if gerr != nil {
			return nil, fmt.Errorf("%w (go-text: %w)", err, gerr)
		}
		// The parse is dropped: go-text holds the whole face in
		// memory, so it is parsed again only if an outline is asked.
		f.parser, f.upem, f.gt = ParserGoText, int(gt.Upem()), &gtShared{}
	}
	if f.upem <= 0 {
		return nil, fmt.Errorf("%w: unitsPerEm %d", errMalformed, f.upem)
	}
	var tab [4][]byte
	for i, tag := range []string{"name", "OS/2", "head", "fvar"} {
		if tab[i], err = table(src, tables, tag); err != nil {
			return nil, err
		}
	}
	names := readNames(tab[0])
	st := readStyleTables(tab[1], tab[2])
	f.width, f.italic, f.symbolic = st.width, st.italic, st.symbolic
	_, cff := tables["CFF "]
	_, cff2 := tables["CFF2"]
	f.CFF = cff || cff2
	if tab[3] != nil {
		// A broken fvar only costs the variable bold: the default
		// instance still draws.
		if axes, err := parseFvar(tab[3]); err == nil && len(axes) > 0 {
			f.axes = axes
			if f.gt == nil {
				f.gt = &gtShared{}
			}
		}
	}
	f.Family = firstNonEmpty(names[16], names[1])
	if f.Family == "" {
		// No readable name: the file name is the best we have.
		base := path.Base(filepath.ToSlash(source))
		f.Family = strings.TrimSuffix(base, path.Ext(base))
	}
	f.Style = firstNonEmpty(names[17], names[2], "Regular")
	low := strings.ToLower(f.Style)
	if strings.Contains(low, "italic") || strings.Contains(low, "oblique") {
		f.italic = true
	}
	f.Weight = st.weight
	if f.Weight <= 0 || f.Weight > 1000 {
		f.Weight = 400
		if strings.Contains(low, "bold") {
			f.Weight = 700
		}
	}
	f.Bold = f.Weight >= 600 || strings.Contains(low, "bold")
	f.License = license
	if f.License == "" {
		f.License = guessLicense(names[13] + "\n" + names[14] + "\n" + names[0])
	}
	return f, nil
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// widthPenalty is how far a face's width is from normal (usWidthClass 5);
// unknown widths count as normal.
func (f *Face) widthPenalty() int {
	if f.width <= 0 || f.width > 9 {
		return 0
	}
	return int(math.Abs(float64(f.width - 5)))
}
