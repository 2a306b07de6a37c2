// Package masks says what a dataset's mask holds and computes it from the
// painter's per-symbol masks, as the original Synbols' mask aggregators did.
//
// # The contract
//
// A painter gives, per image, the per-symbol masks: H·W·K bytes, row-major,
// channel s at pixel p the coverage·255 of symbol s of the image drawn alone
// (K is the spec's largest symbol count; channels n..K-1 of an image with n
// symbols are 0). From it a Mode makes the stored mask of one sample:
//
//	Symbols             (H, W, K)  the per-symbol masks, unchanged (the default)
//	Flatten             (H, W)     a label map: 0 background, i+1 where symbol i covers the pixel
//	FlattenExceptFirst  (H, W, 2)  channel 0 symbol 0's coverage, channel 1 the label map of
//	                               symbols 1..n-1 (label j for symbol j)
//
// A symbol covers a pixel when its mask there is > Threshold, and a later
// symbol's label replaces an earlier one's: the original's flatten_mask,
//
//	overlap = np.mean(masks.sum(axis=-1) >= 256)
//	flat = zeros; for i: flat[masks[..., i] > 2] = i + 1
//
// so the label map loses what later symbols hide, and overlap_score (Flatten
// only, as the original recorded it) says how much: the fraction of pixels
// whose coverage summed over the image's symbols is ≥ OverlapSum.
//
// Boxes are measured on the same threshold, so that a symbol's box holds
// exactly the pixels its per-symbol mask would label.
//
// The functions are named after the original's (flatten_mask,
// flatten_mask_except_first); Mode.Aggregate picks the one of a mode.
//
// Every function works on one image and writes into the caller's buffers:
// aggregating a batch allocates nothing per image. None keeps its
// arguments; all are safe for concurrent use on distinct buffers.
package masks

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
)

// Mode is what the dataset's mask dataset holds.
type Mode uint8

const (
	// Symbols stores the per-symbol masks (N, H, W, K), coverage 0..255.
	Symbols Mode = iota
	// Flatten stores a label map (N, H, W) and records overlap_score.
	Flatten
	// FlattenExceptFirst stores (N, H, W, 2): symbol 0's coverage and the
	// label map of the other symbols (the original's occlusion datasets,
	// where symbol 0 is the occluded one).
	FlattenExceptFirst
)

// Threshold is the coverage above which a pixel belongs to a symbol (the
// original's masks[..., i] > 2): antialiasing fringes below it are not
// labelled.
const Threshold = 2

// MaxSymbols is the most symbols an image may have: labels are bytes.
const MaxSymbols = 255

// OverlapSum is the summed coverage at which a pixel counts as overlapped:
// more than one fully covering symbol's worth.
const OverlapSum = 256

// ErrMode is wrapped by ParseMode for a name that is no mode.
var ErrMode = errors.New("masks: unknown mask mode")

var names = [...]string{Symbols: "symbols", Flatten: "flatten", FlattenExceptFirst: "flatten_except_first"}

// String is the mode's name, as specs and the file's mask_mode attribute
// write it.
func (m Mode) String() string {
	if int(m) < len(names) {
		return names[m]
	}
	return fmt.Sprintf("Mode(%d)", uint8(m))
}

// ParseMode reads a mode's name (String's inverse).
func ParseMode(s string) (Mode, error) {
	for i, n := range names {
		if n == s {
			return Mode(i), nil
		}
	}
	return 0, fmt.Errorf("%w %q (want symbols, flatten or flatten_except_first)", ErrMode, s)
}

// Valid reports whether m is one of the modes above.
func (m Mode) Valid() bool { return int(m) < len(names) }

// Channels is the number of bytes per pixel of one sample's stored mask
// for K per-symbol channels: K, 1 or 2.
func (m Mode) Channels(k int) int {
	switch m {
	case Flatten:
		return 1
	case FlattenExceptFirst:
		return 2
	default:
		return k
	}
}

// Shape is the HDF5 shape of the mask dataset of n samples of h×w pixels
// and K per-symbol channels: (n, h, w, K), (n, h, w) or (n, h, w, 2).
func (m Mode) Shape(n, h, w, k int) []uint64 {
	s := []uint64{uint64(n), uint64(h), uint64(w)}
	if m == Flatten {
		return s
	}
	return append(s, uint64(m.Channels(k)))
}

// Overlap reports whether the mode records overlap_score.
func (m Mode) Overlap() bool { return m == Flatten }

// Aggregate writes the stored mask of one image into dst
// (w·h·Channels(k) bytes) from its per-symbol masks src (w·h·k bytes, n
// symbols in the image). It returns overlap_score for Flatten (ok true),
// nothing for the other modes. Symbols copies src.
func (m Mode) Aggregate(dst, src []byte, w, h, k, n int) (overlap float64, ok bool) {
	switch m {
	case Flatten:
		return FlattenMask(dst, src, w, h, k, n), true
	case FlattenExceptFirst:
		FlattenMaskExceptFirst(dst, src, w, h, k, n)
	default:
		copy(dst[:w*h*k], src[:w*h*k])
	}
	return 0, false
}

func check(dst, src []byte, w, h, k, n, c int) {
	if w < 0 || h < 0 || n < 0 || n > k || n > MaxSymbols || len(src) < w*h*k || len(dst) < w*h*c {
		panic(fmt.Sprintf("masks: %d×%d, %d of %d channels, src %d bytes, dst %d (want %d, %d)", w, h, n, k, len(src), len(dst), w*h*k, w*h*c))
	}
}

// FlattenMask is the Flatten mode's aggregation (the original's flatten_mask):
// dst (w·h bytes) gets at each pixel the label i+1 of the last symbol i < n
// whose mask there is > Threshold, 0 where none is; the result is
// overlap_score, the fraction of pixels whose coverage summed over the n
// symbols is ≥ OverlapSum.
func FlattenMask(dst, src []byte, w, h, k, n int) float64 {
	check(dst, src, w, h, k, n, 1)
	px := w * h
	if px == 0 {
		return 0 // numpy's mean of nothing is NaN; no image is empty
	}
	over := 0
	for p := range px {
		ch := src[p*k : p*k+n]
		var label byte
		sum := 0
		for i, v := range ch {
			sum += int(v)
			if v > Threshold {
				label = byte(i + 1)
			}
		}
		dst[p] = label
		if sum >= OverlapSum {
			over++
		}
	}
	// Exact: numpy's mean of a bool array sums integers exactly, then
	// divides once, as here.
	return float64(over) / float64(px)
}

// FlattenMaskExceptFirst is the FlattenExceptFirst mode's aggregation (the
// original's flatten_mask_except_first): dst (w·h·2 bytes) gets at each
// pixel symbol 0's coverage, then the label j of the last symbol 1 ≤ j < n
// whose mask is > Threshold (0 where none is).
func FlattenMaskExceptFirst(dst, src []byte, w, h, k, n int) {
	check(dst, src, w, h, k, n, 2)
	for p := range w * h {
		ch := src[p*k : p*k+k]
		var first, label byte
		if n > 0 {
			first = ch[0]
		}
		for j := 1; j < n; j++ {
			if ch[j] > Threshold {
				label = byte(j)
			}
		}
		dst[2*p], dst[2*p+1] = first, label
	}
}

// Box is a pixel rectangle x0, y0, x1, y1, x1 and y1 exclusive; the zero
// Box is empty.
type Box = [4]int

// Boxes writes into dst[:n] the box of each of the n symbols of one image:
// the tightest rectangle holding every pixel whose mask (src, w·h·k bytes)
// is > Threshold, the zero Box when there is none. len(dst) ≥ n.
func Boxes(dst []Box, src []byte, w, h, k, n int) {
	check(nil, src, w, h, k, n, 0)
	dst = dst[:n]
	for i := range dst {
		// x0 > x1 marks "none yet" while scanning.
		dst[i] = Box{w, h, 0, 0}
	}
	for y := range h {
		row := src[y*w*k : (y+1)*w*k]
		for x := range w {
			for i, v := range row[x*k : x*k+n] {
				if v > Threshold {
					b := &dst[i]
					b[0], b[1] = min(b[0], x), min(b[1], y)
					b[2], b[3] = max(b[2], x+1), max(b[3], y+1)
				}
			}
		}
	}
	for i := range dst {
		if dst[i][2] == 0 {
			dst[i] = Box{}
		}
	}
}

// Regions, in the functions ending in In, bound where each symbol's mask
// can be non-zero: regions[i] holds every pixel of symbol i whose mask is
// not 0 (the painters' symbol boxes, engine.Symbol.Box, clipped to the
// image). The functions then visit Σ|regions| pixels instead of w·h·k
// bytes — for a 128×128 scene of small symbols a hundredth — and give
// exactly what the whole-image functions give.

// clip bounds r to the image.
func clip(r Box, w, h int) Box {
	r[0], r[1] = max(r[0], 0), max(r[1], 0)
	r[2], r[3] = min(r[2], w), min(r[3], h)
	return r
}

// BoxesIn is Boxes visiting only the regions. Each row is scanned from
// its ends inwards, to its first and last pixel over Threshold, so a row
// costs the gaps at its sides rather than a comparison per lit pixel.
func BoxesIn(dst []Box, src []byte, w, h, k, n int, regions []Box) {
	check(nil, src, w, h, k, n, 0)
	for i := range n {
		r := clip(regions[i], w, h)
		b := Box{w, h, 0, 0}
		for y := r[1]; y < r[3]; y++ {
			row := src[y*w*k:]
			x0 := r[0]
			if k == 1 {
				// Eight pixels a step (most rows of a region are
				// mostly empty), then one at a time.
				for ; x0+8 <= r[2]; x0 += 8 {
					if m := above(binary.LittleEndian.Uint64(row[x0:])); m != 0 {
						x0 += bits.TrailingZeros64(m) >> 3
						break
					}
				}
			}
			for x0 < r[2] && row[x0*k+i] <= Threshold {
				x0++
			}
			if x0 == r[2] {
				continue
			}
			x1 := r[2] - 1
			if k == 1 {
				for ; x1-8 >= x0; x1 -= 8 {
					if m := above(binary.LittleEndian.Uint64(row[x1-7:])); m != 0 {
						x1 -= bits.LeadingZeros64(m) >> 3
						break
					}
				}
			}
			for row[x1*k+i] <= Threshold {
				x1--
			}
			b[0], b[2] = min(b[0], x0), max(b[2], x1+1)
			b[1], b[3] = min(b[1], y), y+1
		}
		if b[2] == 0 {
			b = Box{}
		}
		dst[i] = b
	}
}

// above returns, for the eight bytes of v, 0x80 in each byte > Threshold
// and 0 in the others: a byte below 0x80 reaches bit 7 when Threshold's
// complement to 127 is added (no carry: at most 0x7f + 0x7d), one at or
// above 0x80 has it already.
func above(v uint64) uint64 {
	const low7, high = 0x7f7f7f7f7f7f7f7f, 0x8080808080808080
	return ((v & low7) + 0x0101010101010101*(127-Threshold) | v) & high
}

// FlattenMaskIn is FlattenMask visiting only the regions. sum is w·h
// zeros of scratch, left zero on return.
func FlattenMaskIn(dst, src []byte, w, h, k, n int, regions []Box, sum []uint16) float64 {
	check(dst, src, w, h, k, n, 1)
	px := w * h
	if px == 0 {
		return 0
	}
	clear(dst[:px])
	// Labels in symbol order: a later symbol's label replaces an earlier
	// one's, as the whole-image loop does.
	for i := range n {
		r := clip(regions[i], w, h)
		for y := r[1]; y < r[3]; y++ {
			for x := r[0]; x < r[2]; x++ {
				p := y*w + x
				v := src[p*k+i]
				sum[p] += uint16(v)
				if v > Threshold {
					dst[p] = byte(i + 1)
				}
			}
		}
	}
	// Count each pixel once, zeroing the scratch behind: only pixels of
	// two regions or more can reach OverlapSum (one mask is ≤ 255).
	over := 0
	for i := range n {
		r := clip(regions[i], w, h)
		for y := r[1]; y < r[3]; y++ {
			for x := r[0]; x < r[2]; x++ {
				p := y*w + x
				if sum[p] >= OverlapSum {
					over++
				}
				sum[p] = 0
			}
		}
	}
	return float64(over) / float64(px)
}

// FlattenMaskExceptFirstIn is FlattenMaskExceptFirst visiting only the
// regions.
func FlattenMaskExceptFirstIn(dst, src []byte, w, h, k, n int, regions []Box) {
	check(dst, src, w, h, k, n, 2)
	clear(dst[:2*w*h])
	if n == 0 {
		return
	}
	r := clip(regions[0], w, h)
	for y := r[1]; y < r[3]; y++ {
		for x := r[0]; x < r[2]; x++ {
			p := y*w + x
			dst[2*p] = src[p*k]
		}
	}
	for j := 1; j < n; j++ {
		r := clip(regions[j], w, h)
		for y := r[1]; y < r[3]; y++ {
			for x := r[0]; x < r[2]; x++ {
				p := y*w + x
				if src[p*k+j] > Threshold {
					dst[2*p+1] = byte(j)
				}
			}
		}
	}
}
