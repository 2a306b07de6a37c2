package bench

import (
	"fmt"
	"time"

	"github.com/synbols-gpu/synbols-gpu/engine"
)

// breakdownHeader names the table's last columns: the shares of the
// painting measurement's Paint time (engine.Times) that went to each part
// the backend tells apart. Upload, read-back wait and the wait for host
// copies are the painting goroutine's own wall time; compute and DMA are
// the device's time from timer queries; host copy is the copy goroutines'
// wall time, overlapping the device. On a pipelined path the device's
// shares and the host's overlap, so a row need not sum to 100%: the share
// near 100% is what bounds the painted rate.
const breakdownHeader = "upload\tcompute\tDMA\tread-back wait\thost copy\tcopy wait\t"

// breakdown is a row's cells under breakdownHeader: "-" for a backend
// without parts (the CPU backend paints, nothing else).
func breakdown(t engine.Times) string {
	if !t.HasParts() || t.Paint <= 0 {
		return "-\t-\t-\t-\t-\t-\t"
	}
	share := func(d time.Duration) string { return fmt.Sprintf("%.0f%%", 100*d.Seconds()/t.Paint.Seconds()) }
	compute := share(t.Compute)
	if !t.ComputeMeasured {
		compute = "n/a"
	}
	return share(t.Upload) + "\t" + compute + "\t" + share(t.Transfer) + "\t" + share(t.ReadBack) + "\t" + share(t.HostCopy) + "\t" + share(t.CopyWait) + "\t"
}
