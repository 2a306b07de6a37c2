package fonts

import (
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	ot "github.com/go-text/typesetting/font/opentype"
	"golang.org/x/image/font/sfnt"
)

// varDir holds Karla[wght].ttf (OFL-1.1, from Debian's fonts-karla; see
// its copyright file): a variable font with one axis, wght 200–800.
const varDir = "testdata/variable"

// fvarBytes builds an fvar table with the given axes and axis record size.
func fvarBytes(size int, axes ...varAxis) []byte {
	b := make([]byte, 16+len(axes)*size)
	binary.BigEndian.PutUint16(b[0:], 1)  // major
	binary.BigEndian.PutUint16(b[4:], 16) // axesArrayOffset
	binary.BigEndian.PutUint16(b[6:], 2)  // reserved
	binary.BigEndian.PutUint16(b[8:], uint16(len(axes)))
	binary.BigEndian.PutUint16(b[10:], uint16(size))
	fix := func(v float64) uint32 { return uint32(int32(v * 65536)) }
	for i, a := range axes {
		r := b[16+i*size:]
		copy(r, a.Tag)
		binary.BigEndian.PutUint32(r[4:], fix(a.Min))
		binary.BigEndian.PutUint32(r[8:], fix(a.Default))
		binary.BigEndian.PutUint32(r[12:], fix(a.Max))
	}
	return b
}

func TestParseFvar(t *testing.T) {
	want := []varAxis{{"wght", 100, 400, 900}, {"slnt", -10, 0, 0}, {"opsz", 8.5, 14, 32}}
	for _, size := range []int{20, 24} { // 24: records with trailing bytes must be skipped
		got, err := parseFvar(fvarBytes(size, want...))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("size %d: %d axes, want %d", size, len(got), len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("size %d: axis %d = %+v, want %+v", size, i, got[i], want[i])
			}
		}
	}
	if got, err := parseFvar(fvarBytes(20)); err != nil || got != nil {
		t.Errorf("no axes: %v, %v", got, err)
	}
	good := fvarBytes(20, want...)
	bad := map[string][]byte{
		"short":          good[:10],
		"truncated axes": good[:len(good)-1],
		"record size":    fvarBytes(16, varAxis{"wght", 100, 400, 900}),
		"min > default":  fvarBytes(20, varAxis{"wght", 500, 400, 900}),
		"version": func() []byte {
			b := append([]byte(nil), good...)
			binary.BigEndian.PutUint16(b, 2)
			return b
		}(),
	}
	for name, b := range bad {
		if _, err := parseFvar(b); !errors.Is(err, errMalformed) {
			t.Errorf("%s: err = %v, want errMalformed", name, err)
		}
	}
}

func TestSegmentOpsAgree(t *testing.T) {
	// varOutline converts go-text's segment ops to sfnt's by value.
	if ot.SegmentOpMoveTo != ot.SegmentOp(sfnt.SegmentOpMoveTo) || ot.SegmentOpLineTo != ot.SegmentOp(sfnt.SegmentOpLineTo) ||
		ot.SegmentOpQuadTo != ot.SegmentOp(sfnt.SegmentOpQuadTo) || ot.SegmentOpCubeTo != ot.SegmentOp(sfnt.SegmentOpCubeTo) {
		t.Fatal("go-text and sfnt number segment operations differently")
	}
}

func loadVariable(t *testing.T) *Family {
	t.Helper()
	lib, err := Load(Options{Dirs: []string{varDir}, Warn: func(m string) { t.Errorf("unexpected warning: %s", m) }})
	if err != nil {
		t.Fatal(err)
	}
	fam, ok := lib.Family("Karla")
	if !ok {
		t.Fatal("no Karla family in", varDir)
	}
	return fam
}

func inkWidth(t *testing.T, f *Face, r rune) int {
	t.Helper()
	segs, err := f.Outline(r)
	if err != nil {
		t.Fatal(err)
	}
	bb := sfnt.Segments(segs).Bounds()
	return int(bb.Max.X - bb.Min.X)
}

func TestVariableBold(t *testing.T) {
	fam := loadVariable(t)
	reg, bold := fam.Regular, fam.Bold
	if a, ok := reg.axis("wght"); !reg.Variable() || !ok || a.Min != 200 || a.Default != 400 || a.Max != 800 {
		t.Fatalf("regular axes %+v", reg.axes)
	}
	if bold == nil {
		t.Fatal("a variable font with a wght axis has no bold face")
	}
	if !bold.Bold || bold.Weight != 700 || bold.Wght() != 700 || bold.Style != "Bold (wght 700)" || reg.Wght() != 0 {
		t.Errorf("bold face: Bold %v Weight %d Wght %g Style %q", bold.Bold, bold.Weight, bold.Wght(), bold.Style)
	}
	if bold.ID() == reg.ID() || bold.ID() != reg.ID()+"-wght700" {
		t.Errorf("IDs: regular %s, bold %s", reg.ID(), bold.ID())
	}
	if !strings.Contains(bold.String(), "wght 700") || !strings.Contains(faceRef(bold), "wght 700") {
		t.Errorf("bold face named %q, ref %q", bold.String(), faceRef(bold))
	}
	// A thicker stem: 'l' and 'I' have wider ink at wght 700.
	for _, r := range "lI" {
		if wr, wb := inkWidth(t, reg, r), inkWidth(t, bold, r); wb <= wr {
			t.Errorf("%c: bold ink width %d, regular %d", r, wb, wr)
		}
	}
	// Coverage is the regular's, and unmapped runes fail the same way.
	for _, r := range "aZ0é\u4e00 " {
		if reg.Covers(r) != bold.Covers(r) {
			t.Errorf("U+%04X: regular covers %v, bold %v", r, reg.Covers(r), bold.Covers(r))
		}
	}
	if _, err := bold.Outline('\u4e00'); !errors.Is(err, ErrNoGlyph) {
		t.Errorf("unmapped rune: %v", err)
	}
	if _, err := bold.Outline(' '); !errors.Is(err, ErrEmptyGlyph) {
		t.Errorf("space: %v", err)
	}
}

// At the axis default, go-text's outline converted by varOutline is the
// one sfnt reads from the file: same units, same y direction.
func TestVariableOutlineMatchesDefault(t *testing.T) {
	reg := loadVariable(t).Regular
	inst := reg.boldInstance()
	inst.wght = 400 // the default: no variation applied
	for _, r := range "aglIOQ&8" {
		a, err1 := reg.Outline(r)
		b, err2 := inst.Outline(r)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if ba, bb := sfnt.Segments(a).Bounds(), sfnt.Segments(b).Bounds(); ba != bb {
			t.Errorf("%c: bounds %v (sfnt) vs %v (go-text at default)", r, ba, bb)
		}
	}
}

func TestVariableBoldCapability(t *testing.T) {
	fam := loadVariable(t)
	cfg := DefaultCheckConfig()
	sample := []rune("abcdefghijklmnopqrstuvwxyz")
	rd := newRenderer()
	if got := rd.boldCapability(fam, sample, cfg); got != BoldVariable || !drawsBold(got) {
		t.Errorf("capability %q, want %q", got, BoldVariable)
	}
	// A wght instance that renders as the regular is still caught.
	same := fam.Regular.boldInstance()
	same.wght = 400
	if got := rd.boldCapability(&Family{Name: "Karla", Regular: fam.Regular, Bold: same}, sample, cfg); got != BoldIdentical {
		t.Errorf("default-instance bold: capability %q, want %q", got, BoldIdentical)
	}
}

// A static bold face wins over the wght instance; fonts without a wght
// axis reaching 600 get none.
func TestVariableBoldOnlyWhenNeeded(t *testing.T) {
	reg := loadVariable(t).Regular
	static := &Face{Family: "Karla", Style: "Bold", Bold: true, Weight: 700}
	if fam := makeFamily("Karla", []*Face{reg, static}); fam.Bold != static {
		t.Errorf("bold face %v, want the static one", fam.Bold)
	}
	for _, axes := range [][]varAxis{
		{{"wdth", 75, 100, 125}},
		{{"wght", 100, 400, 500}},
		{{"wght", 400, 700, 900}},
	} {
		f := &Face{Family: "X", Style: "Regular", Weight: 400, axes: axes}
		if fam := makeFamily("X", []*Face{f}); fam.Bold != nil {
			t.Errorf("axes %+v: got bold %v", axes, fam.Bold)
		}
	}
	f := &Face{Family: "X", Style: "Regular", Weight: 400, axes: []varAxis{{"wght", 100, 400, 650}}}
	if b := makeFamily("X", []*Face{f}).Bold; b == nil || b.Wght() != 650 || b.Weight != 650 {
		t.Errorf("wght max 650: bold %+v", b)
	}
}
