package gpu

import (
	"sync"
	"time"
	"unsafe"

	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/internal/gl"
	"github.com/synbols-gpu/synbols-gpu/internal/par"
)

// The pipelined read-back. Sub-batches go round a ring of slots, on the
// context goroutine:
//
//	submit(0); for k ≥ 1 { submit(k); retire(k−1) }; retire(last)
//
// submit(k) waits until slot k mod R has been copied out (by sub-batch
// k−R), uploads the records, dispatches, copies the results into the
// slot's mapped buffers on the device (ReadBackCopy), and sets a fence.
// retire(k) waits for that fence and hands the copy-out of sub-batch k to
// goroutines, returning at once: the device paints sub-batch k+1 while the
// host copies sub-batch k, and the context goroutine is already setting up
// k+2 when its slot is free.
//
// The ring stays in flight across Paint calls. Paint may be called from
// several goroutines at once (engine.Concurrent; generate keeps two calls
// in flight): a call that ends its submissions while another call waits
// for the ring leaves its last sub-batch submitted and unretired (the
// ring's tail), and the next call retires it after submitting its own
// first sub-batch, so that the device never idles between calls for the
// host's copy-out, its fence wait or the next call's first upload. The
// waiting call returns once its tail's copy is done. A call that finds no
// call waiting retires its own tail: nobody else would.

// slotBudget bounds the mapped host bytes, and deviceBudget the device
// bytes, of one ring slot on a hardware device: large enough for a
// dispatch of thousands of small images (a full wave of a large GPU: 132
// SMs of an H200 hold 8 workgroups of 256 invocations each), small beside
// its memory. On a software rasteriser (llvmpipe) the device's memory is
// the host's and both are softSlotBudget.
const (
	slotBudget     = 256 << 20
	deviceBudget   = 256 << 20
	softSlotBudget = 64 << 20
)

// minSubBatch keeps sub-batches from shrinking below a full wave of a
// large GPU (see slotBudget), where the device would idle between
// dispatches, unless the slot budgets or the batch are smaller.
const minSubBatch = 2048

// fenceTimeout bounds one wait for the device: far beyond any sub-batch
// (at most slotBudget bytes), short of hanging forever on a lost device.
const fenceTimeout = 5 * time.Minute

// copyPiece is the smallest share of a copy-out handed to one goroutine:
// below it a goroutine costs more than the copy it saves.
const copyPiece = 256 << 10

// slot is one ring entry: device buffers for one sub-batch and the mapped
// host buffers its results land in.
type slot struct {
	images, symbols, scratch, outX, outMask buffer
	mapX, mapMask                           mapped
	fence                                   gl.Fence
	q                                       slotQueries
	// copying counts the goroutines still copying this slot's mapped
	// buffers out: the slot is reused (or freed) only once it is zero.
	// Only the context goroutine waits on it and adds to it.
	copying sync.WaitGroup
}

// call is one Paint call on the pipelined path. Its sub-batches may be
// retired by the next call's work on the context goroutine.
type call struct {
	// copies counts the call's copy goroutines.
	copies sync.WaitGroup
	// retired is closed once the call's last sub-batch has been retired
	// (its copy started), or failed with err set before.
	retired chan struct{}
	err     error
}

// finish closes c.retired with err.
func (c *call) finish(err error) {
	c.err = err
	close(c.retired)
}

// tail is the ring's newest sub-batch: submitted, not yet retired.
type tail struct {
	b    *engine.Batch
	out  engine.Output
	c    chunk
	p4   int
	s    *slot
	call *call
	last bool // the call's last sub-batch
}

// delete frees the slot's GL objects; it runs on the context goroutine
// after every copy-out has finished.
func (s *slot) delete() {
	s.copying.Wait()
	s.fence.Delete()
	s.q.delete()
	for _, b := range []*buffer{&s.images, &s.symbols, &s.scratch, &s.outX, &s.outMask} {
		if b.b != 0 {
			b.b.Delete()
			*b = buffer{}
		}
	}
	s.mapX.delete()
	s.mapMask.delete()
}

// mapped is a persistently mapped buffer and its host view.
type mapped struct {
	b    gl.Buffer
	data []byte
}

// ensure makes m at least n bytes. The store of a persistent buffer is
// immutable, so growing means a new buffer; callers ensure nobody reads
// the old view any more.
func (m *mapped) ensure(n int64) error {
	if m.b != 0 && int64(len(m.data)) >= n {
		return nil
	}
	c := max(n, int64(len(m.data))*3/2, 4096)
	m.delete()
	b, data, err := gl.NewMapped(c, true)
	if err != nil {
		return err
	}
	m.b, m.data = b, data
	return nil
}

func (m *mapped) delete() {
	if m.b != 0 {
		m.b.Delete() // unmaps
	}
	*m = mapped{}
}

// subBatch is the pipelined paths' images per dispatch for a batch of n
// images with sp scratch floats a pixel: Options.SubBatch if set; else
// half the batch, so that a call alone still overlaps its first copy-out
// with its second dispatch, but at least minSubBatch images, and within
// the slot budgets.
func (g *Backend) subBatch(n, p4, nc, k, sp int) int {
	if g.sub > 0 {
		return g.sub
	}
	records := int64(unsafe.Sizeof(engine.Image{})) + int64(k)*int64(unsafe.Sizeof(engine.Symbol{}))
	host := int64(p4 * (nc + k))           // mapped
	dev := int64(p4)*int64(sp)*4 + records // scratch and records
	if g.readBack == ReadBackCopy {
		dev += int64(p4 * (nc + k)) // device outputs beside the mapped ones
	}
	hb, db := int64(slotBudget), int64(deviceBudget)
	if g.soft {
		// One memory: the slot's bytes together.
		hb, db, host, dev = softSlotBudget, softSlotBudget, host+dev, host+dev
	}
	s := max((n+1)/2, minSubBatch)
	return int(max(min(int64(s), hb/host, db/dev), 1))
}

// paintRing submits the chunks of call cl through the ring, retiring each
// sub-batch after the next is submitted (the first retires the previous
// call's tail). It leaves its last sub-batch as the ring's tail when
// another call waits for the ring, and retires it otherwise. It runs on
// the context goroutine; on error, the ring is drained (abort).
func (g *Backend) paintRing(b *engine.Batch, out engine.Output, chunks []chunk, p4 int, cl *call) error {
	for i, c := range chunks {
		s := g.slots[g.next%len(g.slots)]
		g.next++
		if err := g.submit(b, c, p4, s); err != nil {
			return err
		}
		if g.tail != nil && g.tail.call != cl {
			g.handoffs++
		}
		if err := g.retireTail(); err != nil {
			return err
		}
		g.tail = &tail{b: b, out: out, c: c, p4: p4, s: s, call: cl, last: i == len(chunks)-1}
	}
	if g.waiters.Load() > 0 {
		return nil
	}
	return g.retireTail()
}

// retireTail retires the ring's tail, if any. A failure is the tail's
// call's: it is told, and the error returned.
func (g *Backend) retireTail() error {
	t := g.tail
	if t == nil {
		return nil
	}
	g.tail = nil
	err := g.retire(t.b, t.out, t.c, t.p4, t.s, &t.call.copies)
	if err != nil || t.last {
		t.call.finish(err)
	}
	return err
}

// abort drains the ring after call cl failed: another call's tail is
// retired (its sub-batch was painted; it is that call's to lose), cl's own
// dropped, every started copy waited for (they write into the calls'
// outputs and read the mapped buffers), and unwaited fences and queries
// dropped. On the context goroutine.
func (g *Backend) abort(cl *call) {
	if t := g.tail; t != nil {
		if t.call != cl {
			g.retireTail() // its error goes to its call
		} else {
			g.tail = nil
		}
	}
	t := time.Now()
	for _, s := range g.slots {
		s.copying.Wait()
		s.fence.Delete()
		s.q.computePending, s.q.transferPending = false, false
	}
	since(&g.cur.CopyWait, t)
}

// submit paints chunk c into slot s, once the slot's previous copy-out is
// done, and fences it.
func (g *Backend) submit(b *engine.Batch, c chunk, p4 int, s *slot) error {
	t := time.Now()
	s.copying.Wait()
	since(&g.cur.CopyWait, t)
	m := c.end - c.start
	xBytes, mBytes := int64(m*p4*b.Channels), int64(m*p4*b.MaskChannels)
	if err := s.mapX.ensure(xBytes); err != nil {
		return err
	}
	if err := s.mapMask.ensure(mBytes); err != nil {
		return err
	}
	outX, outMask := s.mapX.b, s.mapMask.b
	if g.readBack == ReadBackCopy {
		if err := s.outX.ensure(xBytes, gl.DynamicDraw); err != nil {
			return err
		}
		if err := s.outMask.ensure(mBytes, gl.DynamicDraw); err != nil {
			return err
		}
		outX, outMask = s.outX.b, s.outMask.b
	}
	if err := g.dispatch(b, c, p4, s, outX, outMask); err != nil {
		return err
	}
	if g.readBack == ReadBackCopy {
		// Shader writes must land before the device-side copies read them.
		gl.MemoryBarrier(gl.BarrierBufferUpdate)
		g.mark(&s.q.transfer, 0, &s.q.transferPending)
		s.outX.b.CopyTo(s.mapX.b, 0, 0, xBytes)
		s.outMask.b.CopyTo(s.mapMask.b, 0, 0, mBytes)
		g.mark(&s.q.transfer, 1, &s.q.transferPending)
	}
	gl.MemoryBarrier(gl.BarrierClientMapped)
	if err := gl.CheckError("submitting a sub-batch"); err != nil {
		return err
	}
	s.fence = gl.NewFence()
	return nil
}

// retire waits for slot s's fence and starts copying chunk c out of the
// mapped buffers into out on goroutines; s.copying and cw (its call's)
// track them.
func (g *Backend) retire(b *engine.Batch, out engine.Output, c chunk, p4 int, s *slot, cw *sync.WaitGroup) error {
	t := time.Now()
	err := s.fence.Wait(fenceTimeout)
	since(&g.cur.ReadBack, t)
	s.fence.Delete()
	if err != nil {
		return err
	}
	// The fence follows the slot's queries: their results are available.
	if err := g.resolve(s); err != nil {
		return err
	}
	m := c.end - c.start
	px, nc, k := b.Width*b.Height, b.Channels, b.MaskChannels
	x := out.X[c.start*px*nc : c.end*px*nc]
	mk := out.Mask[c.start*px*k : c.end*px*k]
	var segs []segment
	if p4 == px {
		segs = []segment{{x, s.mapX.data[:len(x)]}, {mk, s.mapMask.data[:len(mk)]}}
	} else {
		// Drop each image's padding.
		segs = make([]segment, 0, 2*m)
		for i := range m {
			segs = append(segs, segment{x[i*px*nc : (i+1)*px*nc], s.mapX.data[i*p4*nc:]})
		}
		for i := range m {
			segs = append(segs, segment{mk[i*px*k : (i+1)*px*k], s.mapMask.data[i*p4*k:]})
		}
	}
	copyOut(segs, g.copiers, []*sync.WaitGroup{&s.copying, cw}, g.clock)
	return nil
}

// segment is one copy: len(dst) bytes from the start of src.
type segment struct{ dst, src []byte }

// copyOut copies the segments on up to k goroutines, each taking an equal
// run of bytes (at least copyPiece), and returns without waiting; each
// of wgs counts the goroutines, clock (if not nil) their wall time. Reads
// of mapped memory run at about 6 GB/s per core, so spreading them is
// what brings the copy near the bus's speed.
func copyOut(segs []segment, k int, wgs []*sync.WaitGroup, clock *par.Clock) {
	total := 0
	for _, s := range segs {
		total += len(s.dst)
	}
	per := max((total+k-1)/max(k, 1), copyPiece)
	var job []segment
	size := 0
	flush := func() {
		if len(job) == 0 {
			return
		}
		j := job
		for _, wg := range wgs {
			wg.Add(1)
		}
		go func() {
			clock.Start()
			defer func() {
				clock.Stop()
				for _, wg := range wgs {
					wg.Done()
				}
			}()
			for _, s := range j {
				copy(s.dst, s.src[:len(s.dst)])
			}
		}()
		job, size = nil, 0
	}
	for _, s := range segs {
		for len(s.dst) > 0 {
			take := min(len(s.dst), per-size)
			job = append(job, segment{s.dst[:take], s.src[:take]})
			size += take
			s.dst, s.src = s.dst[take:], s.src[take:]
			if size >= per {
				flush()
			}
		}
	}
	flush()
}
