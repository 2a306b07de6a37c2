package gpu

import (
	"sync"
	"time"
	"unsafe"

	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/internal/gl"
)

// The pipelined read-back. Paint's sub-batches go round a ring of slots;
// on the context goroutine:
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

// slotBudget bounds the device and mapped bytes of one ring slot, so that
// the ring stays small beside the device's memory (llvmpipe's device memory
// is the host's) while a sub-batch is still thousands of small images.
const slotBudget = 64 << 20

// minSubBatch keeps sub-batches from shrinking to a handful of images,
// where the cost per dispatch and fence would dominate.
const minSubBatch = 256

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
	copying sync.WaitGroup
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

// subBatch is the pipelined paths' images per dispatch for a batch of n:
// Options.SubBatch if set; else about two sub-batches per ring slot, so
// that painting and copy-out overlap within one Paint call and only a
// small last copy is left exposed, but never below minSubBatch images nor
// above slotBudget bytes per slot.
func (g *Backend) subBatch(n, p4, nc, k int) int {
	if g.sub > 0 {
		return g.sub
	}
	perImage := int64(p4)*int64(g.scratchPix)*4 + int64(p4*(nc+k)) + int64(unsafe.Sizeof(engine.Image{})) + int64(k)*int64(unsafe.Sizeof(engine.Symbol{}))
	if g.readBack == ReadBackCopy {
		perImage += int64(p4 * (nc + k)) // device outputs beside the mapped ones
	}
	s := max((n+2*len(g.slots)-1)/(2*len(g.slots)), minSubBatch)
	return int(max(min(int64(s), slotBudget/perImage), 1))
}

// paintRing paints the chunks through the ring. It runs on the context
// goroutine and returns once every byte is in out.
func (g *Backend) paintRing(b *engine.Batch, out engine.Output, chunks []chunk, p4 int) (err error) {
	r := len(g.slots)
	defer func() {
		// On error, let started copies finish (they write into out and
		// read the mapped buffers) and drop unwaited fences and queries;
		// on success, the last copies are what Paint waits for.
		t := time.Now()
		for _, s := range g.slots {
			s.copying.Wait()
			s.fence.Delete()
			s.q.computePending, s.q.transferPending = false, false
		}
		since(&g.cur.CopyWait, t)
	}()
	for i, c := range chunks {
		if err := g.submit(b, c, p4, g.slots[i%r]); err != nil {
			return err
		}
		if i > 0 {
			if err := g.retire(b, out, chunks[i-1], p4, g.slots[(i-1)%r]); err != nil {
				return err
			}
		}
	}
	last := len(chunks) - 1
	return g.retire(b, out, chunks[last], p4, g.slots[last%r])
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
// mapped buffers into out on goroutines; s.copying tracks them.
func (g *Backend) retire(b *engine.Batch, out engine.Output, c chunk, p4 int, s *slot) error {
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
	copyOut(segs, g.copiers, &s.copying, g.clock)
	return nil
}

// segment is one copy: len(dst) bytes from the start of src.
type segment struct{ dst, src []byte }

// copyOut copies the segments on up to k goroutines, each taking an equal
// run of bytes (at least copyPiece), and returns without waiting; wg
// counts the goroutines, clock (if not nil) their wall time. Reads of mapped memory run at about 6 GB/s per
// core, so spreading them is what brings the copy near the bus's speed.
func copyOut(segs []segment, k int, wg *sync.WaitGroup, clock *copyClock) {
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
		wg.Go(func() {
			clock.start()
			defer clock.stop()
			for _, s := range j {
				copy(s.dst, s.src[:len(s.dst)])
			}
		})
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
