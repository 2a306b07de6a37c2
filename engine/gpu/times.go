package gpu

import (
	"time"

	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/internal/gl"
)

// Timing. The context goroutine gathers upload, read-back and copy-wait
// wall times in Backend.cur as it goes, and the device times of timer
// queries when it resolves them, and adds them to the sums (flushTimes) at
// the end of each call's work there; the copy goroutines run one
// par.Clock, the Paint calls another (active), and each call, once its
// copies have finished, adds itself and the clocks' completed time to the
// sums (commit). So Times never shows a call's images before its bytes;
// with calls in flight together, a device time may be counted before the
// call it belongs to returns.
//
// The timer queries are resolved without stalling the pipeline: a slot's
// queries are read in retire, after its fence has signalled (the commands
// they timed are complete, so the result is available), and on the simple
// path after glGetBufferSubData has waited for the dispatch.

// slotQueries are one slot's timer queries: timestamps before and after
// the dispatch (compute) and the device-side copies into mapped memory
// (transfer). pending marks a pair recorded and not yet read.
type slotQueries struct {
	compute, transfer               [2]gl.Query
	computePending, transferPending bool
}

// delete frees the queries; on the context goroutine.
func (q *slotQueries) delete() {
	for i := range 2 {
		q.compute[i].Delete()
		q.transfer[i].Delete()
	}
	*q = slotQueries{}
}

// mark records timestamp i of pair p (no-op without usable timer
// queries), creating the query objects on first use.
func (g *Backend) mark(p *[2]gl.Query, i int, pending *bool) {
	if !g.timed {
		return
	}
	if p[i] == 0 {
		p[i] = gl.NewQuery()
	}
	p[i].Timestamp()
	*pending = i == 1
}

// resolve reads slot s's pending queries into g.cur. Called once the
// commands they timed are known complete, so it does not wait.
func (g *Backend) resolve(s *slot) error {
	if s.q.computePending {
		s.q.computePending = false
		d, err := gl.Elapsed(s.q.compute[0], s.q.compute[1])
		if err != nil {
			return err
		}
		g.cur.Compute += d
		g.cur.ComputeMeasured = true
	}
	if s.q.transferPending {
		s.q.transferPending = false
		d, err := gl.Elapsed(s.q.transfer[0], s.q.transfer[1])
		if err != nil {
			return err
		}
		g.cur.Transfer += d
	}
	return nil
}

// since adds the wall time from t0 to *d and returns now, for chaining.
func since(d *time.Duration, t0 time.Time) time.Time {
	t := time.Now()
	*d += t.Sub(t0)
	return t
}

// flushTimes adds the context goroutine's times so far (g.cur) to the
// sums. On the context goroutine.
func (g *Backend) flushTimes() {
	t := g.cur
	g.cur = engine.Times{}
	g.timesMu.Lock()
	g.times = g.times.Add(t)
	g.timesMu.Unlock()
}

// commit adds one Paint call of images images to the sums, with the
// clocks' completed time. Paint calls it after every copy of the call
// has finished.
func (g *Backend) commit(images int) {
	t := engine.Times{Paints: 1, Images: images, Paint: g.active.Take(), HostCopy: g.clock.Take()}
	g.timesMu.Lock()
	g.times = g.times.Add(t)
	g.timesMu.Unlock()
}

// Times implements engine.Timer: the sums over every Paint that returned.
// Compute and Transfer come from GL_TIMESTAMP queries; ComputeMeasured
// is false on a driver whose timer queries count no bits.
func (g *Backend) Times() engine.Times {
	g.timesMu.Lock()
	defer g.timesMu.Unlock()
	return g.times
}

// TimerQueries reports whether the device's timer queries are in use.
func (g *Backend) TimerQueries() bool { return g.timed }

var _ engine.Timer = (*Backend)(nil)
