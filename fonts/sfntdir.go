package fonts

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"
)

// This file reads the few things golang.org/x/image/font/sfnt does not
// expose: the table directory (to check that every table lies inside the
// file, so a truncated file is rejected at load time instead of failing
// glyph by glyph later), the OS/2 table (weight, width, italic bits), the
// head table's macStyle, and the name table with an English preference
// (sfnt.Font.Name returns the first record whatever its language and
// does not read Unicode-platform records).

// errMalformed is wrapped by every structural error found by this file.
var errMalformed = errors.New("malformed sfnt")

type tableRec struct{ off, length uint32 }

// readAt reads exactly n bytes at off. A short read is an error (the
// source's own, which for a file that shrank wraps ErrFontChanged).
func readAt(r io.ReaderAt, off int64, n int) ([]byte, error) {
	b := make([]byte, n)
	if got, err := r.ReadAt(b, off); got < n {
		if err == nil || err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return b, nil
}

// fontOffsets returns the offsets of the fonts in a file of size bytes:
// one (0) for a plain sfnt file, several for a TrueType/OpenType
// collection ('ttcf').
func fontOffsets(r io.ReaderAt, size int64) (offs []uint32, collection bool, err error) {
	if size < 12 {
		return nil, false, fmt.Errorf("%w: %d bytes is too short for a font", errMalformed, size)
	}
	hdr, err := readAt(r, 0, 12)
	if err != nil {
		return nil, false, err
	}
	if string(hdr[:4]) != "ttcf" {
		return []uint32{0}, false, nil
	}
	n := binary.BigEndian.Uint32(hdr[8:])
	if n == 0 || 12+4*uint64(n) > uint64(size) {
		return nil, true, fmt.Errorf("%w: collection header claims %d fonts in %d bytes", errMalformed, n, size)
	}
	b, err := readAt(r, 12, 4*int(n))
	if err != nil {
		return nil, true, err
	}
	offs = make([]uint32, n)
	for i := range offs {
		offs[i] = binary.BigEndian.Uint32(b[4*i:])
	}
	return offs, true, nil
}

// readTableDir parses the table directory of the font starting at off and
// checks that every table record lies inside the file's size bytes.
func readTableDir(r io.ReaderAt, size int64, off uint32) (map[string]tableRec, error) {
	if int64(off)+12 > size {
		return nil, fmt.Errorf("%w: table directory at %d beyond end of file (%d bytes)", errMalformed, off, size)
	}
	d, err := readAt(r, int64(off), 12)
	if err != nil {
		return nil, err
	}
	switch tag := string(d[:4]); tag {
	case "\x00\x01\x00\x00", "OTTO", "true":
	default:
		return nil, fmt.Errorf("%w: unknown sfnt version %q", errMalformed, tag)
	}
	n := int(binary.BigEndian.Uint16(d[4:]))
	if int64(off)+12+16*int64(n) > size {
		return nil, fmt.Errorf("%w: %d table records do not fit in the file", errMalformed, n)
	}
	recs, err := readAt(r, int64(off)+12, 16*n)
	if err != nil {
		return nil, err
	}
	tables := make(map[string]tableRec, n)
	for i := range n {
		rec := recs[16*i:]
		tag := string(rec[:4])
		t := tableRec{off: binary.BigEndian.Uint32(rec[8:]), length: binary.BigEndian.Uint32(rec[12:])}
		if int64(t.off)+int64(t.length) > size {
			return nil, fmt.Errorf("%w: table %q (%d+%d) extends beyond end of file (%d bytes)",
				errMalformed, tag, t.off, t.length, size)
		}
		tables[tag] = t
	}
	return tables, nil
}

// maxMetaTable caps the tables read whole at load (name, OS/2, head,
// fvar): real ones are a few KiB to a few hundred KiB; a larger one is a
// broken or hostile file, not worth the memory.
const maxMetaTable = 4 << 20

// table reads one table's bytes; a table absent from tables gives nil.
func table(r io.ReaderAt, tables map[string]tableRec, tag string) ([]byte, error) {
	t, ok := tables[tag]
	if !ok {
		return nil, nil
	}
	if t.length > maxMetaTable {
		return nil, fmt.Errorf("%w: %q table of %d bytes", errMalformed, tag, t.length)
	}
	return readAt(r, int64(t.off), int(t.length))
}

// os2Info is what the OS/2 and head tables say about a face's style.
type os2Info struct {
	weight, width int // usWeightClass (0 = unknown), usWidthClass (0 = unknown)
	italic        bool
	// symbolic: the face declares itself a symbol font — IBM family
	// class 12 "Symbolic" (sFamilyClass high byte) or PANOSE family kind
	// 5 "Latin Pictorial". URW's Standard Symbols PS (Greek letters and
	// mathematical signs at the Latin code points) and D050000L
	// (dingbats) do; text and display faces do not.
	symbolic bool
}

// readStyleTables reads the OS/2 and head tables' bytes (nil = absent).
func readStyleTables(os2, head []byte) os2Info {
	var s os2Info
	if b := os2; b != nil {
		if len(b) >= 8 {
			s.weight = int(binary.BigEndian.Uint16(b[4:]))
			s.width = int(binary.BigEndian.Uint16(b[6:]))
		}
		if len(b) >= 42 {
			class, panoseFamily := b[30], b[32]
			s.symbolic = class == 12 || panoseFamily == 5
		}
		if len(b) >= 64 {
			fsSel := binary.BigEndian.Uint16(b[62:])
			// bit 0 ITALIC, bit 9 OBLIQUE (OS/2 version 4).
			s.italic = fsSel&(1<<0) != 0 || fsSel&(1<<9) != 0
		}
	}
	if b := head; b != nil {
		if len(b) >= 46 && binary.BigEndian.Uint16(b[44:])&(1<<1) != 0 { // macStyle italic
			s.italic = true
		}
	}
	return s
}

// nameRank orders name records: Windows English first, then other
// Windows Unicode records, then the Unicode platform, then Mac Roman.
// Lower is better; -1 means unreadable.
func nameRank(platform, encoding, lang uint16) int {
	switch {
	case platform == 3 && (encoding == 1 || encoding == 10) && lang == 0x0409:
		return 0
	case platform == 3 && (encoding == 1 || encoding == 10):
		return 2
	case platform == 0:
		return 1
	case platform == 1 && encoding == 0 && lang == 0:
		return 3
	}
	return -1
}

// readNames returns the best-ranked string for each name ID in the name
// table's bytes b (nil = absent). Unreadable records are ignored, never
// fatal: a font with a strange name table still gets a family name from
// its file name.
func readNames(b []byte) map[uint16]string {
	out := map[uint16]string{}
	if len(b) < 6 {
		return out
	}
	count := int(binary.BigEndian.Uint16(b[2:]))
	strOff := int(binary.BigEndian.Uint16(b[4:]))
	best := map[uint16]int{}
	for i := range count {
		r := 6 + 12*i
		if r+12 > len(b) {
			break
		}
		pl := binary.BigEndian.Uint16(b[r:])
		enc := binary.BigEndian.Uint16(b[r+2:])
		lang := binary.BigEndian.Uint16(b[r+4:])
		id := binary.BigEndian.Uint16(b[r+6:])
		ln := int(binary.BigEndian.Uint16(b[r+8:]))
		off := strOff + int(binary.BigEndian.Uint16(b[r+10:]))
		rank := nameRank(pl, enc, lang)
		if rank < 0 || off+ln > len(b) {
			continue
		}
		if prev, ok := best[id]; ok && prev <= rank {
			continue
		}
		raw := b[off : off+ln]
		var s string
		if pl == 1 {
			s = macRoman(raw)
		} else {
			if len(raw)%2 != 0 {
				continue
			}
			u := make([]uint16, len(raw)/2)
			for j := range u {
				u[j] = binary.BigEndian.Uint16(raw[2*j:])
			}
			s = string(utf16.Decode(u))
		}
		s = strings.TrimSpace(strings.ReplaceAll(s, "\x00", ""))
		if s == "" {
			continue
		}
		best[id] = rank
		out[id] = s
	}
	return out
}

// macRoman decodes Mac Roman, mapping the (rare in names) upper half to
// '?' rather than carrying a 128-entry table.
func macRoman(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		if c < 0x80 {
			r[i] = rune(c)
		} else {
			r[i] = '?'
		}
	}
	return string(r)
}
