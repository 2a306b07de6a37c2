package generate

import (
	"fmt"

	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/engine/cpu"
	"github.com/synbols-gpu/synbols-gpu/masks"
)

// MaxCandidates bounds how many candidates of one sample index a selecting
// spec (select: {overlap: …}) may draw before the run fails: a selection
// that almost never passes is a spec mistake, not a reason to spin.
const MaxCandidates = 10000

// selector applies a spec's select: to planned candidates. It paints the
// candidate's masks with the CPU painter — the same bytes every backend
// paints — and measures overlap_score on them as flatten_mask does, so the
// choice does not depend on the backend. One selector per goroutine: it
// keeps its scratch buffers.
type selector struct {
	want    string // "none" or "some"
	w, h, k int
	out     engine.Output
	label   []byte
	regions []masks.Box
	sum     []uint16
	one     engine.Batch
	geom    engine.Batch // geometry shared by every candidate
}

// newSelector returns nil when the spec selects nothing.
func newSelector(want string, geom engine.Batch) *selector {
	if want == "" {
		return nil
	}
	w, h, c, k := geom.Width, geom.Height, geom.Channels, geom.MaskChannels
	return &selector{
		want: want, w: w, h: h, k: k,
		out:   engine.Output{X: make([]byte, w*h*c), Mask: make([]byte, w*h*k)},
		label: make([]byte, w*h), regions: make([]masks.Box, k), sum: make([]uint16, w*h),
		geom: geom,
	}
}

// pass reports whether the last image planned into plan passes.
func (s *selector) pass(plan *engine.Batch) bool {
	im := plan.Images[len(plan.Images)-1]
	s.one = s.geom
	s.one.Symbols = plan.Symbols[im.FirstSymbol : im.FirstSymbol+im.NumSymbols]
	s.one.Layers = plan.Layers
	im.FirstSymbol = 0
	s.one.Images = []engine.Image{im}
	cpu.PaintImage(&s.one, 0, s.out)
	ns := int(im.NumSymbols)
	planRegions(s.regions[:ns], &s.one, 0, ns)
	overlap := masks.FlattenMaskIn(s.label, s.out.Mask, s.w, s.h, s.k, ns, s.regions, s.sum)
	if s.want == "none" {
		return overlap == 0
	}
	return overlap > 0
}

// truncate drops what the last Plan appended to plan, back to the given
// lengths.
func truncate(plan *engine.Batch, images, symbols, layers int) {
	plan.Images = plan.Images[:images]
	plan.Symbols = plan.Symbols[:symbols]
	plan.Layers = plan.Layers[:layers]
}

// errSelect reports an index no candidate of which passed.
func errSelect(i int, want string) error {
	return fmt.Errorf("%w: sample %d: no candidate of %d has overlap %s (select: {overlap: %s})", ErrConfig, i, MaxCandidates, want, want)
}
