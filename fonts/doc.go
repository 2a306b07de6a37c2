// Package fonts finds, parses and groups the fonts Synbols draws with.
//
// Fonts come from three sources (Load): user folders, the system's font
// folders and a default set embedded in the binary (fonts/embedded, open
// licences, see its README.md). Files are parsed with
// golang.org/x/image/font/sfnt (TrueType and CFF outlines, .ttc/.otc
// collections); the OS/2, head and name tables are read directly for the
// weight, width, italic flag and English names that sfnt does not expose.
// Faces are grouped into families of a regular face and, when there is
// one, a bold face (drawn for is_bold; without one the painter
// synthesises bold). Coverage (Face.Covers) means "mapped by the cmap and
// drawn with a non-empty outline", the original's "renders a non-empty
// image" filter. docs/alphabets.md describes the languages, their
// alphabets and the filters.
//
// Everything here is safe for concurrent use once Load has returned.
package fonts
