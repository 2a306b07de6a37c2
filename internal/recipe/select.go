package recipe

import (
	"errors"
	"fmt"

	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/engine/cpu"
	"github.com/synbols-gpu/synbols-gpu/masks"
	"github.com/synbols-gpu/synbols-gpu/scene"
	"github.com/synbols-gpu/synbols-gpu/spec"
)

// MaxCandidates bounds how many candidates of one sample index a selecting
// spec (select: {overlap: …}) may draw before the run fails: a selection
// that almost never passes is a spec mistake, not a reason to spin.
const MaxCandidates = 10000

// Selector applies a spec's select: to planned candidates. It paints the
// candidate's masks with the CPU painter — the same bytes every backend
// paints — and measures overlap_score on them as flatten_mask does, so the
// choice does not depend on the backend. One selector per goroutine: it
// keeps its scratch buffers.
type Selector struct {
	want    string // "none" or "some"
	w, h, k int
	out     engine.Output
	label   []byte
	regions []masks.Box
	sum     []uint16
	one     engine.Batch
	geom    engine.Batch // geometry shared by every candidate
}

// NewSelector returns the selector of select.overlap want ("none",
// "some") for batches of geom's geometry (size, channels, atlas, pool);
// nil when want is "" (the spec selects nothing).
func NewSelector(want string, geom engine.Batch) *Selector {
	if want == "" {
		return nil
	}
	w, h, c, k := geom.Width, geom.Height, geom.Channels, geom.MaskChannels
	return &Selector{
		want: want, w: w, h: h, k: k,
		out:   engine.Output{X: make([]byte, w*h*c), Mask: make([]byte, w*h*k)},
		label: make([]byte, w*h), regions: make([]masks.Box, k), sum: make([]uint16, w*h),
		geom: geom,
	}
}

// pass reports whether the last image planned into plan passes.
func (s *Selector) pass(plan *engine.Batch) bool {
	im := plan.Images[len(plan.Images)-1]
	s.one = s.geom
	s.one.Symbols = plan.Symbols[im.FirstSymbol : im.FirstSymbol+im.NumSymbols]
	s.one.Layers = plan.Layers
	im.FirstSymbol = 0
	s.one.Images = []engine.Image{im}
	cpu.PaintImage(&s.one, 0, s.out)
	ns := int(im.NumSymbols)
	Regions(s.regions[:ns], &s.one, 0, ns)
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

// ErrSelect reports a sample index none of whose MaxCandidates candidates
// passes the spec's select:.
var ErrSelect = errors.New("recipe: no candidate passes select:")

// PlanIndex plans sample i of the dataset (sm, seed) into dst: candidate
// 0, or with a selector the first candidate that passes it, so that every
// program planning a selecting spec gets the same samples. It returns the
// sample planned; on error dst is as it was.
func PlanIndex(sm *spec.Sampler, pl *engine.Planner, sel *Selector, seed uint64, i int, dst *engine.Batch) (scene.Sample, error) {
	for a := range MaxCandidates {
		ni, ns, nl := len(dst.Images), len(dst.Symbols), len(dst.Layers)
		s := sm.Candidate(seed, i, a)
		if err := pl.Plan(&s, dst); err != nil {
			return s, fmt.Errorf("sample %d: %w", i, err)
		}
		if sel == nil || sel.pass(dst) {
			return s, nil
		}
		truncate(dst, ni, ns, nl)
	}
	return scene.Sample{}, fmt.Errorf("%w: sample %d: none of %d candidates has overlap %s", ErrSelect, i, MaxCandidates, sel.want)
}

// Regions writes the plan boxes of image j's first n symbols into dst:
// where their masks can be non-zero (masks' In functions).
func Regions(dst []masks.Box, plan *engine.Batch, j, n int) {
	first := int(plan.Images[j].FirstSymbol)
	for i := range n {
		b := plan.Symbols[first+i].Box
		dst[i] = masks.Box{int(b[0]), int(b[1]), int(b[2]), int(b[3])}
	}
}
