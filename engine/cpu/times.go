package cpu

import (
	"sync"
	"time"

	"github.com/synbols-gpu/synbols-gpu/engine"
)

// timer sums the Paint calls' wall time. Its own lock, not the caller's
// discipline, guards it: Times may be read from any goroutine while
// another paints.
type timer struct {
	mu sync.Mutex
	t  engine.Times
}

func (t *timer) add(images int, d time.Duration) {
	t.mu.Lock()
	t.t.Paints++
	t.t.Images += images
	t.t.Paint += d
	t.mu.Unlock()
}

// Times implements engine.Timer. The CPU backend has no stages to tell
// apart inside Paint: only Paints, Images and Paint are set, so that
// callers treat every backend alike.
func (c *Backend) Times() engine.Times {
	c.timer.mu.Lock()
	defer c.timer.mu.Unlock()
	return c.timer.t
}

var _ engine.Timer = (*Backend)(nil)
