package generate

import (
	"fmt"

	"github.com/synbols-gpu/synbols-gpu/engine"
)

// paintParts are the sub-rows of the paint stage, from the backend's
// engine.Times over the run (none when the backend is not an
// engine.Timer): the time inside Paint, whose gap to the paint stage's
// busy time is the pipeline's own work around it (allocating each batch's
// output, the hand-off), and for a backend that tells them apart the
// parts of Paint. Every row is a wall time on the painter's goroutine
// except GPU compute and device copy, the device's own times from its
// timer queries, and host copy, which overlaps the device's work.
func (r *run) paintParts() []Stage {
	now, ok := engine.BackendTimes(r.cfg.Backend)
	if !ok {
		return nil
	}
	t := now.Sub(r.times0)
	parts := []Stage{{Name: "  in Paint (the backend's own time)", Busy: t.Paint,
		Note: fmt.Sprintf("%d calls; %.3f s of the paint stage outside them: output buffers, hand-off", t.Paints, (r.paintT.busy - t.Paint).Seconds())}}
	if !t.HasParts() {
		return parts // the CPU backend: nothing inside Paint to tell apart
	}
	parts = append(parts, Stage{Name: "  · upload (records, atlas, pool)", Busy: t.Upload})
	if t.ComputeMeasured {
		parts = append(parts, Stage{Name: "  · GPU compute (timer queries)", Busy: t.Compute, Note: "device time of the dispatches"})
	} else {
		parts = append(parts, Stage{Name: "  · GPU compute (timer queries)", Note: "not measured: the driver's timer queries count no bits"})
	}
	if t.Transfer > 0 {
		parts = append(parts, Stage{Name: "  · device copy to mapped memory", Busy: t.Transfer, Note: "device time, timer queries"})
	}
	parts = append(parts,
		Stage{Name: "  · read-back wait (fences, downloads)", Busy: t.ReadBack},
		Stage{Name: "  · host copy out of mapped memory", Busy: t.HostCopy, Note: "wall time of the copy goroutines, overlapping the device"},
		Stage{Name: "  · Paint waiting for host copies", Busy: t.CopyWait})
	return parts
}
