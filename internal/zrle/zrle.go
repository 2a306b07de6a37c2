// Package zrle writes zlib streams (RFC 1950, deflate of RFC 1951) the
// way zlib's Z_RLE strategy does: the only matches are runs of one byte
// (distance 1), coded with deflate's fixed Huffman table. It makes one
// pass, keeps no hash table and builds no code tree, which suits masks:
// a Synbols mask is mostly runs of 0 and 255 with anti-aliased edges, and
// a general encoder's hash lookups and per-block Huffman trees cost more
// there than its longer matches save.
//
// Every stream is valid zlib, which any inflater reads (zlib's, Go's,
// libhdf5's deflate filter), and depends only on the input, so files stay
// reproducible.
package zrle

import (
	"encoding/binary"
	"math/bits"

	"github.com/synbols-gpu/synbols-gpu/internal/adler"
)

const (
	minMatch = 3   // deflate's shortest match
	maxMatch = 258 // and longest
)

// code is a bit pattern ready for an LSB-first stream (Huffman codes
// reversed already) and its length.
type code struct {
	bits uint32
	n    uint32
}

var (
	// lit holds the fixed codes of the literals 0–255 and of end of
	// block (256).
	lit [257]code
	// run holds, for each match length 3–258, its length code, extra
	// bits and the code of distance 1 (a 5-bit zero) as one pattern.
	run [maxMatch + 1]code
)

func reverse(v, n uint32) uint32 { return bits.Reverse32(v) >> (32 - n) }

// fixed returns the fixed Huffman code of literal/length symbol s
// (RFC 1951 §3.2.6).
func fixed(s int) code {
	switch {
	case s < 144:
		return code{reverse(uint32(0x30+s), 8), 8}
	case s < 256:
		return code{reverse(uint32(0x190+s-144), 9), 9}
	case s < 280:
		return code{reverse(uint32(s-256), 7), 7}
	default:
		return code{reverse(uint32(0xc0+s-280), 8), 8}
	}
}

func init() {
	for s := 0; s <= 256; s++ {
		lit[s] = fixed(s)
	}
	// Length symbols 257–284 cover 3–257 in groups of 8 codes with no
	// extra bits, then 4 codes each with 1 to 5; 285 is 258. Distance 1
	// is distance code 0: five zero bits after the length.
	base, sym := 3, 257
	for extra := uint32(0); extra <= 5; extra++ {
		groups := 4
		if extra == 0 {
			groups = 8
		}
		for range groups {
			for e := 0; e < 1<<extra && base+e < maxMatch; e++ {
				c := fixed(sym)
				run[base+e] = code{c.bits | uint32(e)<<c.n, c.n + extra + 5}
			}
			base += 1 << extra
			sym++
		}
	}
	c := fixed(285)
	run[maxMatch] = code{c.bits, c.n + 5}
}

// Bound is the most bytes Append adds for n bytes of input.
func Bound(n int) int {
	// No byte costs more than 9 bits (a literal ≥ 144; a run costs
	// less), plus header, block bits, end of block, checksum and the
	// 8-byte stores' slack.
	return n*9/8 + 24
}

// Append appends the zlib stream of src to dst and returns it.
func Append(dst, src []byte) []byte {
	start := len(dst)
	room := Bound(len(src))
	if cap(dst)-start < room {
		nd := make([]byte, start, start+room)
		copy(nd, dst)
		dst = nd
	}
	out := dst[start : start+room]
	// CMF 0x78 (deflate, 32 KiB window) and FLG 0x01 (the fastest
	// level's mark; 0x7801 is a multiple of 31, the header check).
	out[0], out[1] = 0x78, 0x01
	pos := 2
	// One final block of fixed codes: BFINAL 1, BTYPE 01.
	acc, nacc := uint64(0b011), uint32(3)
	n := len(src)
	for i := 0; i < n; {
		c := lit[src[i]]
		i++
		// The run of the byte just coded, eight bytes at a time.
		r := 0
		if i+minMatch <= n && src[i] == src[i-1] {
			r = runLen(src[i:min(n, i+maxMatch)], src[i-1])
		}
		acc |= uint64(c.bits) << nacc
		nacc += c.n
		if r >= minMatch {
			m := run[r]
			acc |= uint64(m.bits) << nacc
			nacc += m.n
			i += r
		} else if r > 0 {
			// Too short for a match: the byte again, once or twice.
			for range r {
				acc |= uint64(c.bits) << nacc
				nacc += c.n
			}
			i += r
		}
		// At most 9 + 31 bits joined fewer than 32: 64 hold them.
		if nacc >= 32 {
			binary.LittleEndian.PutUint64(out[pos:], acc)
			pos += 4
			acc >>= 32
			nacc -= 32
		}
	}
	c := lit[256]
	acc |= uint64(c.bits) << nacc
	nacc += c.n
	for nacc >= 32 {
		binary.LittleEndian.PutUint64(out[pos:], acc)
		pos += 4
		acc >>= 32
		nacc -= 32
	}
	binary.LittleEndian.PutUint64(out[pos:], acc)
	pos += int(nacc+7) / 8
	binary.BigEndian.PutUint32(out[pos:], adler.Checksum(src))
	return dst[:start+pos+4]
}

// runLen returns how many leading bytes of p equal b.
func runLen(p []byte, b byte) int {
	w := uint64(b) * 0x0101010101010101
	k := 0
	for len(p)-k >= 8 {
		if x := binary.LittleEndian.Uint64(p[k:]) ^ w; x != 0 {
			return k + bits.TrailingZeros64(x)>>3
		}
		k += 8
	}
	for k < len(p) && p[k] == b {
		k++
	}
	return k
}
