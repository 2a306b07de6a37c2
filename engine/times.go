package engine

import "time"

// Times is where a backend's Paint calls spent their time, summed over
// every Paint that returned since the backend was opened: callers take the
// difference of two readings (Sub) around the calls they measure. Paint is
// the wall time inside Paint; the other fields are parts of it that a
// backend can tell apart, zero where it has no such part (the CPU backend
// has only Paint). They are wall times on the goroutine that paints unless
// said otherwise, so each is at most Paint; the parts need not add up to
// Paint (what is left is the backend's own set-up: chunking, binding,
// launching).
type Times struct {
	Paints int // Paint calls that returned
	Images int // images they painted

	Paint time.Duration // wall time inside Paint

	// Upload: host time handing records, atlas tiles and the image pool
	// to the device (glBufferSubData and friends).
	Upload time.Duration
	// Compute: device time of the painting dispatches, from the device's
	// own timer queries (ComputeMeasured says whether there were any):
	// not a host wall time, and on a pipelined path overlapping Upload
	// and HostCopy.
	Compute         time.Duration
	ComputeMeasured bool
	// Transfer: device time of the device-side copies into host-visible
	// memory (the DMA of the GPU backend's copy read-back), from timer
	// queries like Compute.
	Transfer time.Duration
	// ReadBack: host time blocked waiting for the device's results
	// (fences, or a synchronous glGetBufferSubData, which includes its
	// copy).
	ReadBack time.Duration
	// HostCopy: wall time during which at least one goroutine was copying
	// results out of mapped memory into the Output (copies of several
	// goroutines at once count once), overlapping the device's work.
	HostCopy time.Duration
	// CopyWait: the part of HostCopy that Paint waited for: a ring slot
	// not yet copied out, or the last copies before returning.
	CopyWait time.Duration
}

// Timer is the optional interface of a Backend that reports Times. Times
// is safe to call from any goroutine at any time, also while Paint runs (it
// then reports the Paints that have returned), and costs no device work.
type Timer interface {
	Times() Times
}

// Sub returns t − u, field by field: the Times of the Paint calls between
// reading u and reading t. ComputeMeasured is t's.
func (t Times) Sub(u Times) Times {
	return Times{
		Paints: t.Paints - u.Paints, Images: t.Images - u.Images,
		Paint: t.Paint - u.Paint, Upload: t.Upload - u.Upload,
		Compute: t.Compute - u.Compute, ComputeMeasured: t.ComputeMeasured,
		Transfer: t.Transfer - u.Transfer, ReadBack: t.ReadBack - u.ReadBack,
		HostCopy: t.HostCopy - u.HostCopy, CopyWait: t.CopyWait - u.CopyWait,
	}
}

// Add returns t + u, field by field; ComputeMeasured if either is.
func (t Times) Add(u Times) Times {
	return Times{
		Paints: t.Paints + u.Paints, Images: t.Images + u.Images,
		Paint: t.Paint + u.Paint, Upload: t.Upload + u.Upload,
		Compute: t.Compute + u.Compute, ComputeMeasured: t.ComputeMeasured || u.ComputeMeasured,
		Transfer: t.Transfer + u.Transfer, ReadBack: t.ReadBack + u.ReadBack,
		HostCopy: t.HostCopy + u.HostCopy, CopyWait: t.CopyWait + u.CopyWait,
	}
}

// BackendTimes returns be's Times and whether be is a Timer.
func BackendTimes(be Backend) (Times, bool) {
	if t, ok := be.(Timer); ok {
		return t.Times(), true
	}
	return Times{}, false
}

// HasParts reports whether t tells any part of Paint apart (the GPU
// backend), not only Paint's own time (the CPU backend).
func (t Times) HasParts() bool {
	return t.ComputeMeasured || t.Upload+t.Compute+t.Transfer+t.ReadBack+t.HostCopy+t.CopyWait != 0
}
