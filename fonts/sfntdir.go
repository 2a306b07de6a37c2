package fonts

import (
	"encoding/binary"
	"errors"
	"fmt"
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

// fontOffsets returns the offsets of the fonts in data: one (0) for a
// plain sfnt file, several for a TrueType/OpenType collection ('ttcf').
func fontOffsets(data []byte) (offs []uint32, collection bool, err error) {
	if len(data) < 12 {
		return nil, false, fmt.Errorf("%w: %d bytes is too short for a font", errMalformed, len(data))
	}
	if string(data[:4]) != "ttcf" {
		return []uint32{0}, false, nil
	}
	n := binary.BigEndian.Uint32(data[8:])
	if n == 0 || uint64(12+4*uint64(n)) > uint64(len(data)) {
		return nil, true, fmt.Errorf("%w: collection header claims %d fonts in %d bytes", errMalformed, n, len(data))
	}
	offs = make([]uint32, n)
	for i := range offs {
		offs[i] = binary.BigEndian.Uint32(data[12+4*i:])
	}
	return offs, true, nil
}

// readTableDir parses the table directory of the font starting at off and
// checks that every table record lies inside data.
func readTableDir(data []byte, off uint32) (map[string]tableRec, error) {
	if uint64(off)+12 > uint64(len(data)) {
		return nil, fmt.Errorf("%w: table directory at %d beyond end of file (%d bytes)", errMalformed, off, len(data))
	}
	d := data[off:]
	switch tag := string(d[:4]); tag {
	case "\x00\x01\x00\x00", "OTTO", "true":
	default:
		return nil, fmt.Errorf("%w: unknown sfnt version %q", errMalformed, tag)
	}
	n := int(binary.BigEndian.Uint16(d[4:]))
	if 12+16*n > len(d) {
		return nil, fmt.Errorf("%w: %d table records do not fit in the file", errMalformed, n)
	}
	tables := make(map[string]tableRec, n)
	for i := range n {
		r := d[12+16*i:]
		tag := string(r[:4])
		t := tableRec{off: binary.BigEndian.Uint32(r[8:]), length: binary.BigEndian.Uint32(r[12:])}
		if uint64(t.off)+uint64(t.length) > uint64(len(data)) {
			return nil, fmt.Errorf("%w: table %q (%d+%d) extends beyond end of file (%d bytes)",
				errMalformed, tag, t.off, t.length, len(data))
		}
		tables[tag] = t
	}
	return tables, nil
}

func (t tableRec) bytes(data []byte) []byte { return data[t.off : t.off+t.length] }

// os2Info is what the OS/2 and head tables say about a face's style.
type os2Info struct {
	weight, width int // usWeightClass (0 = unknown), usWidthClass (0 = unknown)
	italic        bool
}

func readStyleTables(data []byte, tables map[string]tableRec) os2Info {
	var s os2Info
	if t, ok := tables["OS/2"]; ok {
		b := t.bytes(data)
		if len(b) >= 8 {
			s.weight = int(binary.BigEndian.Uint16(b[4:]))
			s.width = int(binary.BigEndian.Uint16(b[6:]))
		}
		if len(b) >= 64 {
			fsSel := binary.BigEndian.Uint16(b[62:])
			// bit 0 ITALIC, bit 9 OBLIQUE (OS/2 version 4).
			s.italic = fsSel&(1<<0) != 0 || fsSel&(1<<9) != 0
		}
	}
	if t, ok := tables["head"]; ok {
		b := t.bytes(data)
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
// table. Unreadable records are ignored, never fatal: a font with a
// strange name table still gets a family name from its file name.
func readNames(data []byte, tables map[string]tableRec) map[uint16]string {
	out := map[uint16]string{}
	t, ok := tables["name"]
	if !ok {
		return out
	}
	b := t.bytes(data)
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
