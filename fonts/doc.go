// Package fonts finds, parses and groups the fonts Synbols draws with, and
// judges them per language into a catalogue.
//
// Fonts come from three sources (Load): user folders, the system's font
// folders and a default set embedded in the binary (fonts/embedded, open
// licences, see its README.md). Files are parsed with
// golang.org/x/image/font/sfnt (TrueType and CFF outlines, .ttc/.otc
// collections), with github.com/go-text/typesetting as the fallback for
// faces sfnt cannot read (CFF2, some collections); the OS/2, head and name
// tables are read directly for the weight, width, italic flag and English
// names that sfnt does not expose. Faces are grouped into families of a
// regular face and, when there is one, a bold face (drawn for is_bold;
// without one the painter synthesises bold, or a variable font's wght
// axis gives one). Coverage (Face.Covers) means "mapped by the cmap and
// drawn with a non-empty outline", the original's "renders a non-empty
// image" filter.
//
// The languages and their alphabets are package alphabet's; this package
// applies them to fonts: FilterAlphabet is the original's 80% coverage
// rule over a pool of families, Library.Usable the all-runes one, and
// OpenCatalog / BuildCatalog the per-language catalogue (candidates,
// coverage, rendering checks, near-duplicates, the final alphabet; cached
// as JSON, keyed on the font files). Installing font packages is package
// fonts/install's; the drawing check that paints through the engine is
// package fonts/drawcheck's (this package cannot paint: the atlas and the
// painters build on it). docs/alphabets.md describes the languages, their
// alphabets and the filters.
//
// Concurrency: Load and OpenCatalog may be called from any goroutine;
// everything a Library, Family or Face offers is safe for concurrent use
// once Load has returned (coverage is computed on demand, under a lock,
// and cached per rune). A font file is read through a small cache of
// open handles; one that changes after Load makes its face fail with
// ErrFontChanged from then on (Face.Err, Library.Err), never crash.
//
// Start-up: with Options.IndexDir, Load keeps a face index (index.go): a
// file whose identity (device, inode, size, modification and change time)
// is the one recorded is neither read nor hashed; its faces and digest
// come from the record, and it is opened when an outline of one of its
// faces is first asked for. Library.SaveIndex records the coverage a run
// asked, so the next start answers it without opening files.
//
// Errors, all prefixed "fonts: ", keep their cause (%w), so errors.Is also
// sees fs.ErrNotExist, fs.ErrPermission or context.Canceled through them:
// ErrNoFonts (no usable font in the sources), ErrNoGlyph and ErrEmptyGlyph
// (a rune the face does not map, or maps to an empty outline),
// ErrFontChanged (a font file changed or vanished since Load), ErrBlockList
// (an unreadable block-list) and ErrCatalog (a catalogue that cannot be
// built, read or cached). A missing font folder given by the user is an
// error wrapping fs.ErrNotExist; unreadable files in a folder are warnings
// (Options.Warn), not errors.
package fonts
