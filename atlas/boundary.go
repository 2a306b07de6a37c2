package atlas

import (
	"github.com/synbols-gpu/synbols-gpu/internal/detmath"
	"math"
	"slices"
)

// Tolerances of the boundary extraction, in texels. Coordinates are at
// most TileSize ≤ 1024, so float64 rounding is around 1e-13: both are
// far above it and far below anything the 8-bit field can show.
const (
	// meetTol: two segments closer than this are taken to meet (crossing
	// parameters are accepted this far beyond a segment's ends, and
	// parallel segments this close are collinear). Cutting a segment
	// where nothing meets it only costs a piece and a classification, so
	// it errs generously.
	meetTol = 1e-9
	// sideTol: a piece is classified by the winding numbers at points
	// this far on either side of its midpoint. Slivers thinner than it
	// (two contours sharing an edge up to rounding, as when both were
	// flattened from the same curve in opposite directions) are looked
	// through, as they should be: they have no area.
	sideTol = 1e-4
)

// rowIndex buckets lines by texel rows [y0+r, y0+r+1):
// cells[start[r]:start[r+1]] are the indices of the lines listed in row
// r (see rows), in increasing order. Rows hold a handful of lines each,
// so pair tests and winding numbers cost O(lines · lines per row) rather
// than O(lines²).
type rowIndex struct {
	y0    int
	start []int32
	cells []int32
}

// rows is the range of rows l is listed in: those its y extent, widened
// by meetTol, touches, so that lines meeting within meetTol across a row
// boundary still share a row.
func (x *rowIndex) rows(l line) (int, int) {
	last := len(x.start) - 2
	lo := min(last, max(0, int(math.Floor(min(l.ay, l.by)-meetTol))-x.y0))
	hi := min(last, max(0, int(math.Floor(max(l.ay, l.by)+meetTol))-x.y0))
	return lo, hi
}

func newRowIndex(lines []line) *rowIndex {
	ylo, yhi := math.Inf(1), math.Inf(-1)
	for _, l := range lines {
		ylo, yhi = min(ylo, l.ay, l.by), max(yhi, l.ay, l.by)
	}
	x := &rowIndex{y0: int(math.Floor(ylo - meetTol))}
	x.start = make([]int32, int(math.Floor(yhi+meetTol))-x.y0+2)
	for _, l := range lines {
		lo, hi := x.rows(l)
		for r := lo; r <= hi; r++ {
			x.start[r+1]++
		}
	}
	for r := 1; r < len(x.start); r++ {
		x.start[r] += x.start[r-1]
	}
	x.cells = make([]int32, x.start[len(x.start)-1])
	fill := slices.Clone(x.start[:len(x.start)-1])
	for i, l := range lines {
		lo, hi := x.rows(l)
		for r := lo; r <= hi; r++ {
			x.cells[fill[r]] = int32(i)
			fill[r]++
		}
	}
	return x
}

// winding is the nonzero winding number of lines at (px, py): the signed
// count of crossings of the ray to +x, with the half-open rule of the
// sign sweep. Only the lines of py's row can cross the ray.
func (x *rowIndex) winding(lines []line, px, py float64) int32 {
	r := int(math.Floor(py)) - x.y0
	if r < 0 || r >= len(x.start)-1 {
		return 0
	}
	w := int32(0)
	for _, i := range x.cells[x.start[r]:x.start[r+1]] {
		l := &lines[i]
		if !((l.ay <= py && py < l.by) || (l.by <= py && py < l.ay)) || max(l.ax, l.bx) <= px {
			continue
		}
		if min(l.ax, l.bx) > px || l.ax+(py-l.ay)*(l.bx-l.ax)/(l.by-l.ay) > px {
			if l.by > l.ay {
				w++
			} else {
				w--
			}
		}
	}
	return w
}

// split is a point where a line must be cut: line index and parameter.
type split struct {
	i int32
	t float64
}

// contacts collects where lines meet: splits inside lines, and vertices
// (vertex i is the start of line i) that another line touches.
type contacts struct {
	sp     []split
	vertex []bool
	next   []int32 // next[i]: the line after i in its contour (cyclic)
}

// touch records that line i is met at parameter t, of length l.
func (c *contacts) touch(i, other int32, t, l float64) {
	switch {
	case t*l > meetTol && (1-t)*l > meetTol:
		c.sp = append(c.sp, split{i, t})
	case t < 0.5:
		// Line i's start, shared with its predecessor in the contour:
		// the contour itself, unless another line touches it too.
		if c.next[other] != i {
			c.vertex[i] = true
		}
	default:
		if n := c.next[i]; n != other {
			c.vertex[n] = true
		}
	}
}

// meet records where lines a and b (indices ia, ib) touch: a proper
// crossing, a vertex of one on the other (a T), shared vertices, or, for
// collinear overlapping lines, each one's endpoints on the other.
func (c *contacts) meet(ia, ib int32, a, b line) {
	dax, day := a.bx-a.ax, a.by-a.ay
	dbx, dby := b.bx-b.ax, b.by-b.ay
	// Coordinates are small (texels): no need for math.Hypot's overflow care.
	la, lb := math.Sqrt(float64(dax*dax)+float64(day*day)), math.Sqrt(float64(dbx*dbx)+float64(dby*dby))
	on := func(t, l float64) bool { return t*l >= -meetTol && (t-1)*l <= meetTol }
	wx, wy := b.ax-a.ax, b.ay-a.ay
	den := float64(dax*dby) - float64(day*dbx) // la·lb·sin(angle)
	if math.Abs(den) <= 1e-12*la*lb {
		// Parallel: they meet only if collinear (b.a on a's line).
		if math.Abs(float64(wx*day)-float64(wy*dax)) > meetTol*la {
			return
		}
		for _, q := range [2][3]float64{{b.ax, b.ay, 0}, {b.bx, b.by, 1}} {
			if t := (float64((q[0]-a.ax)*dax) + float64((q[1]-a.ay)*day)) / (la * la); on(t, la) {
				c.touch(ia, ib, t, la)
				c.touch(ib, ia, q[2], lb)
			}
		}
		for _, q := range [2][3]float64{{a.ax, a.ay, 0}, {a.bx, a.by, 1}} {
			if t := (float64((q[0]-b.ax)*dbx) + float64((q[1]-b.ay)*dby)) / (lb * lb); on(t, lb) {
				c.touch(ib, ia, t, lb)
				c.touch(ia, ib, q[2], la)
			}
		}
		return
	}
	s := (float64(wx*dby) - float64(wy*dbx)) / den // a.a + s·da = b.a + u·db
	u := (float64(wx*day) - float64(wy*dax)) / den
	if on(s, la) && on(u, lb) {
		c.touch(ia, ib, s, la)
		c.touch(ib, ia, u, lb)
	}
}

// fillBoundary returns the parts of the closed polylines lines (contour k
// is lines[starts[k]:starts[k+1]]) that bound their nonzero fill,
// appended to out.
//
// Every line is cut where another one touches it. The winding number
// changes only across the outline, so along a stretch of a contour that
// nothing else touches the winding numbers just left and right of it are
// constant: each such run of pieces (a whole contour when nothing
// touches it) is classified once, at the midpoint of its longest piece.
// It is boundary when the winding number is zero on exactly one side
// (sideTol away). Runs inside the fill (where contours overlap, or an
// inner contour turns the same way as the outer one) or with zero on both
// sides are dropped.
//
// Degenerate cases: collinear overlapping lines (contours sharing an
// edge) cut each other at their endpoints, so a piece is shared wholly or
// not at all; its two sides then see 1 and 1 for boxes abutting along it
// (dropped) or 2 and 0 where both run the same way (kept, twice, which
// the distance pass does not mind). A vertex lying on another line cuts
// that line and breaks the runs of both; self-intersections are
// crossings like any other; pieces of zero length are skipped. The
// result depends only on lines and their order (no maps; sorts on
// totally ordered keys), so tiles are the same bytes on every run.
func fillBoundary(lines []line, starts []int32, out []line) []line {
	if len(lines) == 0 {
		return out
	}
	idx := newRowIndex(lines)
	c := contacts{vertex: make([]bool, len(lines)), next: make([]int32, len(lines))}
	for k := 0; k+1 < len(starts); k++ {
		for i := starts[k]; i < starts[k+1]; i++ {
			c.next[i] = i + 1
		}
		c.next[starts[k+1]-1] = starts[k]
	}
	rowLo := make([]int32, len(lines))
	for i, l := range lines {
		lo, _ := idx.rows(l)
		rowLo[i] = int32(lo)
	}
	for r := range len(idx.start) - 1 {
		cell := idx.cells[idx.start[r]:idx.start[r+1]]
		for p, ia := range cell {
			a := lines[ia]
			axlo, axhi := min(a.ax, a.bx)-meetTol, max(a.ax, a.bx)+meetTol
			aylo, ayhi := min(a.ay, a.by)-meetTol, max(a.ay, a.by)+meetTol
			for _, ib := range cell[p+1:] {
				// Each pair is tested once, in the first row both touch.
				if int(max(rowLo[ia], rowLo[ib])) != r {
					continue
				}
				b := lines[ib]
				if max(b.ax, b.bx) < axlo || min(b.ax, b.bx) > axhi || max(b.ay, b.by) < aylo || min(b.ay, b.by) > ayhi {
					continue
				}
				c.meet(ia, ib, a, b)
			}
		}
	}
	sp := c.sp
	slices.SortFunc(sp, func(x, y split) int {
		switch {
		case x.i != y.i:
			return int(x.i - y.i)
		case x.t < y.t:
			return -1
		case x.t > y.t:
			return 1
		}
		return 0
	})

	// Cut the lines into pieces and number the runs. A run starts at
	// every split and touched vertex; the pieces of a contour before its
	// first such break continue its last run (contours are cyclic).
	pieces := make([]line, 0, len(lines)+len(sp))
	run := make([]int32, 0, len(lines)+len(sp))
	runs := int32(0)
	k := 0
	for ci := 0; ci+1 < len(starts); ci++ {
		first, base := len(pieces), runs
		runs++
		cut := func(brk bool, l line) {
			if brk && len(pieces) > first {
				runs++
			}
			if l.ax == l.bx && l.ay == l.by {
				return // two splits at one point: an empty run at worst
			}
			pieces = append(pieces, l)
			run = append(run, runs-1)
		}
		for i := starts[ci]; i < starts[ci+1]; i++ {
			l := lines[i]
			ax, ay, brk := l.ax, l.ay, c.vertex[i]
			for ; k < len(sp) && sp[k].i == i; k++ {
				t := sp[k].t
				bx, by := l.ax+float64(t*(l.bx-l.ax)), l.ay+float64(t*(l.by-l.ay))
				cut(brk, line{ax, ay, bx, by})
				ax, ay, brk = bx, by, true
			}
			cut(brk, line{ax, ay, l.bx, l.by})
		}
		if last := runs - 1; last != base && !c.vertex[starts[ci]] {
			for p := first; p < len(pieces) && run[p] == base; p++ {
				run[p] = last
			}
		}
	}

	// Classify each run at its longest piece.
	best := make([]int32, runs)
	for i := range best {
		best[i] = -1
	}
	length := func(l line) float64 { return float64((l.bx-l.ax)*(l.bx-l.ax)) + float64((l.by-l.ay)*(l.by-l.ay)) } // squared
	for p, r := range run {
		if b := best[r]; b < 0 || length(pieces[p]) > length(pieces[b]) {
			best[r] = int32(p)
		}
	}
	keep := make([]bool, runs)
	for r, p := range best {
		if p < 0 {
			continue
		}
		l := pieces[p]
		dx, dy := l.bx-l.ax, l.by-l.ay
		n := detmath.Hypot(dx, dy)
		mx, my := float64((l.ax+l.bx)/2), float64((l.ay+l.by)/2)
		nx, ny := float64(-dy/n*sideTol), float64(dx/n*sideTol)
		keep[r] = (idx.winding(lines, mx+nx, my+ny) == 0) != (idx.winding(lines, mx-nx, my-ny) == 0)
	}
	out = slices.Grow(out, len(pieces))
	for p, l := range pieces {
		if keep[run[p]] {
			out = append(out, l)
		}
	}
	return out
}
