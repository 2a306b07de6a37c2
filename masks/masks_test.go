package masks

import (
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
)

// scene is one image's per-symbol masks under construction.
type scene struct {
	w, h, k int
	m       []byte
}

func newScene(w, h, k int) *scene { return &scene{w, h, k, make([]byte, w*h*k)} }

// rect sets symbol s's coverage to v over [x0, x1) × [y0, y1).
func (s *scene) rect(sym, x0, y0, x1, y1 int, v byte) {
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			s.m[(y*s.w+x)*s.k+sym] = v
		}
	}
}

func (s *scene) at(x, y, sym int) byte { return s.m[(y*s.w+x)*s.k+sym] }

func TestDisjoint(t *testing.T) {
	s := newScene(10, 8, 3)
	s.rect(0, 1, 1, 4, 3, 255)
	s.rect(1, 6, 2, 9, 7, 255)
	flat := make([]byte, 80)
	if ov := FlattenMask(flat, s.m, 10, 8, 3, 2); ov != 0 {
		t.Errorf("overlap %v of disjoint symbols, want 0", ov)
	}
	for y := range 8 {
		for x := range 10 {
			want := byte(0)
			if s.at(x, y, 0) > 0 {
				want = 1
			}
			if s.at(x, y, 1) > 0 {
				want = 2
			}
			if flat[y*10+x] != want {
				t.Fatalf("label at %d,%d = %d, want %d", x, y, flat[y*10+x], want)
			}
		}
	}
	var b [3]Box
	Boxes(b[:], s.m, 10, 8, 3, 2)
	if b[0] != (Box{1, 1, 4, 3}) || b[1] != (Box{6, 2, 9, 7}) {
		t.Errorf("boxes %v", b[:2])
	}
}

// TestOverlapFormula: overlap_score is the fraction of pixels whose summed
// coverage is ≥ 256, exactly; the boundary cases 255 and 256 are on both
// sides, and labels go to the later symbol, above the threshold only.
func TestOverlapFormula(t *testing.T) {
	const w, h, k = 16, 10, 4
	s := newScene(w, h, k)
	s.rect(0, 0, 0, 8, 10, 128)  // 80 pixels
	s.rect(1, 4, 0, 12, 5, 128)  // 40 pixels, 20 of them over symbol 0: sum 256
	s.rect(2, 4, 5, 12, 10, 127) // 40 pixels, 20 over symbol 0: sum 255
	s.rect(3, 15, 9, 16, 10, 2)  // at the threshold: no label, no box
	flat := make([]byte, w*h)
	ov := FlattenMask(flat, s.m, w, h, k, 4)
	if want := 20.0 / (w * h); ov != want {
		t.Errorf("overlap %v, want %v", ov, want)
	}
	// The same by the formula, pixel by pixel.
	over := 0
	for p := range w * h {
		sum := 0
		for i := range k {
			sum += int(s.m[p*k+i])
		}
		if sum >= 256 {
			over++
		}
	}
	if float64(over)/(w*h) != ov {
		t.Errorf("formula %d/%d, got %v", over, w*h, ov)
	}
	if flat[0*w+5] != 2 || flat[7*w+5] != 3 || flat[0*w+0] != 1 || flat[9*w+15] != 0 || flat[0*w+13] != 0 {
		t.Errorf("labels %v", flat)
	}
	var b [4]Box
	Boxes(b[:], s.m, w, h, k, 4)
	if want := [4]Box{{0, 0, 8, 10}, {4, 0, 12, 5}, {4, 5, 12, 10}, {}}; b != want {
		t.Errorf("boxes %v, want %v", b, want)
	}
}

// TestChannelsBeyondN: channels of symbols the image does not have are
// ignored, even when not zero.
func TestChannelsBeyondN(t *testing.T) {
	s := newScene(4, 4, 3)
	s.rect(0, 0, 0, 2, 2, 200)
	s.rect(2, 0, 0, 4, 4, 200)
	flat := make([]byte, 16)
	if ov := FlattenMask(flat, s.m, 4, 4, 3, 1); ov != 0 {
		t.Errorf("overlap %v counts channel 2 of a 1-symbol image", ov)
	}
	if c := countNonZero(flat); c != 4 {
		t.Errorf("%d labelled pixels, want 4", c)
	}
	b := []Box{{9, 9, 9, 9}, {9, 9, 9, 9}, {9, 9, 9, 9}}
	Boxes(b, s.m, 4, 4, 3, 1)
	if b[0] != (Box{0, 0, 2, 2}) || b[1] != (Box{9, 9, 9, 9}) {
		t.Errorf("boxes %v: symbol 0 wrong or beyond n written", b)
	}
}

func countNonZero(b []byte) int {
	n := 0
	for _, v := range b {
		if v != 0 {
			n++
		}
	}
	return n
}

// randomScene is n overlapping rectangles of random coverage (antialiased
// fringes included: values 1..3 around each) in a w×h image with k channels.
func randomScene(r *rand.Rand, w, h, k, n int) *scene {
	s := newScene(w, h, k)
	for i := range n {
		x0, y0 := r.IntN(w), r.IntN(h)
		x1, y1 := x0+1+r.IntN(w-x0), y0+1+r.IntN(h-y0)
		s.rect(i, max(0, x0-1), max(0, y0-1), min(w, x1+1), min(h, y1+1), byte(1+r.IntN(3)))
		s.rect(i, x0, y0, x1, y1, byte(r.IntN(256)))
	}
	return s
}

// TestRandomScenes checks the contract on many random scenes: the label of
// each pixel is the last symbol above the threshold, overlap is the
// formula, FlattenMaskExceptFirst is channel 0 then the label map of the
// rest, and every box holds each of its symbol's pixels > 2 with a pixel on
// each of its four edges (tight).
func TestRandomScenes(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for it := range 500 {
		w, h, k := 1+r.IntN(20), 1+r.IntN(20), 1+r.IntN(6)
		n := r.IntN(k + 1)
		s := randomScene(r, w, h, k, n)
		flat := make([]byte, w*h)
		ov := FlattenMask(flat, s.m, w, h, k, n)
		over := 0
		for y := range h {
			for x := range w {
				want, sum := byte(0), 0
				for i := range n {
					if s.at(x, y, i) > 2 {
						want = byte(i + 1)
					}
					sum += int(s.at(x, y, i))
				}
				if sum >= 256 {
					over++
				}
				if flat[y*w+x] != want {
					t.Fatalf("scene %d: label at %d,%d = %d, want %d", it, x, y, flat[y*w+x], want)
				}
			}
		}
		if ov != float64(over)/float64(w*h) {
			t.Fatalf("scene %d: overlap %v, want %d/%d", it, ov, over, w*h)
		}

		two := make([]byte, 2*w*h)
		FlattenMaskExceptFirst(two, s.m, w, h, k, n)
		// The reference: flatten of channels 1..n-1 as their own image.
		rest := make([]byte, w*h*max(1, k-1))
		sub := make([]byte, w*h)
		if n > 1 {
			for p := range w * h {
				copy(rest[p*(k-1):], s.m[p*k+1:p*k+k])
			}
			FlattenMask(sub, rest, w, h, k-1, n-1)
		}
		for p := range w * h {
			first := byte(0)
			if n > 0 {
				first = s.m[p*k]
			}
			if two[2*p] != first || two[2*p+1] != sub[p] {
				t.Fatalf("scene %d: except-first pixel %d = %d,%d, want %d,%d", it, p, two[2*p], two[2*p+1], first, sub[p])
			}
		}

		boxes := make([]Box, k)
		Boxes(boxes, s.m, w, h, k, n)
		for i := range n {
			b := boxes[i]
			var edges [4]bool
			any := false
			for y := range h {
				for x := range w {
					if s.at(x, y, i) <= 2 {
						continue
					}
					any = true
					if x < b[0] || x >= b[2] || y < b[1] || y >= b[3] {
						t.Fatalf("scene %d: symbol %d pixel %d,%d outside box %v", it, i, x, y, b)
					}
					edges[0] = edges[0] || x == b[0]
					edges[1] = edges[1] || y == b[1]
					edges[2] = edges[2] || x == b[2]-1
					edges[3] = edges[3] || y == b[3]-1
				}
			}
			if !any && b != (Box{}) {
				t.Fatalf("scene %d: symbol %d has no pixel > 2 but box %v", it, i, b)
			}
			if any && edges != [4]bool{true, true, true, true} {
				t.Fatalf("scene %d: symbol %d box %v not tight (edges touched %v)", it, i, b, edges)
			}
		}
	}
}

func TestNoAllocation(t *testing.T) {
	s := randomScene(rand.New(rand.NewPCG(3, 4)), 32, 32, 4, 4)
	flat, two, boxes := make([]byte, 32*32), make([]byte, 2*32*32), make([]Box, 4)
	allocs := testing.AllocsPerRun(20, func() {
		FlattenMask(flat, s.m, 32, 32, 4, 4)
		FlattenMaskExceptFirst(two, s.m, 32, 32, 4, 4)
		Boxes(boxes, s.m, 32, 32, 4, 4)
		Flatten.Aggregate(flat, s.m, 32, 32, 4, 4)
	})
	if allocs != 0 {
		t.Errorf("%v allocations per image, want 0", allocs)
	}
}

func TestModes(t *testing.T) {
	for _, m := range []Mode{Symbols, Flatten, FlattenExceptFirst} {
		got, err := ParseMode(m.String())
		if err != nil || got != m {
			t.Errorf("ParseMode(%q) = %v, %v", m.String(), got, err)
		}
	}
	if _, err := ParseMode("flat"); !errors.Is(err, ErrMode) {
		t.Errorf("ParseMode(flat): %v, want ErrMode", err)
	}
	if Mode(0) != Symbols {
		t.Error("the zero Mode is not Symbols")
	}
	for _, c := range []struct {
		m     Mode
		ch    int
		shape []uint64
	}{{Symbols, 5, []uint64{7, 3, 4, 5}}, {Flatten, 1, []uint64{7, 3, 4}}, {FlattenExceptFirst, 2, []uint64{7, 3, 4, 2}}} {
		if got := c.m.Channels(5); got != c.ch {
			t.Errorf("%v: %d channels, want %d", c.m, got, c.ch)
		}
		if got := c.m.Shape(7, 3, 4, 5); !slices.Equal(got, c.shape) {
			t.Errorf("%v: shape %v, want %v", c.m, got, c.shape)
		}
	}
	if !Flatten.Overlap() || Symbols.Overlap() || FlattenExceptFirst.Overlap() {
		t.Error("only Flatten records overlap_score")
	}
}

func TestAggregate(t *testing.T) {
	s := randomScene(rand.New(rand.NewPCG(5, 6)), 9, 7, 3, 3)
	a, b := make([]byte, 9*7*3), make([]byte, 9*7)
	if _, ok := Symbols.Aggregate(a, s.m, 9, 7, 3, 3); ok || !slices.Equal(a, s.m) {
		t.Error("Symbols does not copy the per-symbol masks")
	}
	ov, ok := Flatten.Aggregate(a, s.m, 9, 7, 3, 3)
	if want := FlattenMask(b, s.m, 9, 7, 3, 3); !ok || ov != want || !slices.Equal(a[:63], b) {
		t.Error("Flatten.Aggregate differs from FlattenMask")
	}
}

// TestRegionsMatchWholeImage: the In functions, given regions that hold
// each symbol's non-zero pixels (here its true extent grown by a random
// margin, sometimes beyond the image), give exactly what the whole-image
// functions give, on 500 random scenes; and sum is left zero.
func TestRegionsMatchWholeImage(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for it := range 500 {
		w, h, k := 1+r.IntN(20), 1+r.IntN(20), 1+r.IntN(6)
		n := r.IntN(k + 1)
		s := randomScene(r, w, h, k, n)
		regions := make([]Box, n)
		for i := range n {
			b := Box{w, h, 0, 0}
			for y := range h {
				for x := range w {
					if s.at(x, y, i) != 0 {
						b = Box{min(b[0], x), min(b[1], y), max(b[2], x+1), max(b[3], y+1)}
					}
				}
			}
			g := r.IntN(3)
			regions[i] = Box{b[0] - g, b[1] - g, b[2] + g, b[3] + g}
		}
		flat, flatIn := make([]byte, w*h), make([]byte, w*h)
		for i := range flatIn {
			flatIn[i] = 0xee // FlattenMaskIn must clear
		}
		sum := make([]uint16, w*h)
		ov, ovIn := FlattenMask(flat, s.m, w, h, k, n), FlattenMaskIn(flatIn, s.m, w, h, k, n, regions, sum)
		if ov != ovIn || string(flat) != string(flatIn) {
			t.Fatalf("scene %d: FlattenMaskIn differs (overlap %v vs %v)", it, ovIn, ov)
		}
		for _, v := range sum {
			if v != 0 {
				t.Fatalf("scene %d: scratch not left zero", it)
			}
		}
		two, twoIn := make([]byte, 2*w*h), make([]byte, 2*w*h)
		FlattenMaskExceptFirst(two, s.m, w, h, k, n)
		FlattenMaskExceptFirstIn(twoIn, s.m, w, h, k, n, regions)
		if string(two) != string(twoIn) {
			t.Fatalf("scene %d: FlattenMaskExceptFirstIn differs", it)
		}
		boxes, boxesIn := make([]Box, n), make([]Box, n)
		Boxes(boxes, s.m, w, h, k, n)
		BoxesIn(boxesIn, s.m, w, h, k, n, regions)
		for i := range n {
			if boxes[i] != boxesIn[i] {
				t.Fatalf("scene %d symbol %d: box %v, want %v", it, i, boxesIn[i], boxes[i])
			}
		}
	}
}

// TestAbove: BoxesIn's eight-pixel test marks exactly the bytes above
// Threshold, for every byte value at every position (the others set to
// values that could carry into it: 0xff, 0x7f, 0x80) and 10,000 random
// words.
func TestAbove(t *testing.T) {
	check := func(v uint64) {
		t.Helper()
		var want uint64
		for j := range 8 {
			if byte(v>>(8*j)) > Threshold {
				want |= 0x80 << (8 * j)
			}
		}
		if got := above(v); got != want {
			t.Fatalf("above(%#016x) = %#016x, want %#016x", v, got, want)
		}
	}
	for _, fill := range []uint64{0, 0xffffffffffffffff, 0x7f7f7f7f7f7f7f7f, 0x8080808080808080, 0x0303030303030303, 0x0202020202020202} {
		for j := range 8 {
			for b := range 256 {
				check(fill&^(0xff<<(8*j)) | uint64(b)<<(8*j))
			}
		}
	}
	r := rand.New(rand.NewPCG(5, 6))
	for range 10000 {
		check(r.Uint64())
	}
}
