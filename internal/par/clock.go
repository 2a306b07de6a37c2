package par

import (
	"sync"
	"time"
)

// Clock measures the wall time during which at least one of several
// goroutines works: goroutines working at once count once, so the figure
// compares with a stage's or a call's wall time. Start and Stop bracket
// each goroutine's work; Take returns the time of the periods completed so
// far (no goroutine working) and resets it, so a period still running is
// counted by a later Take. Safe for concurrent use; a nil *Clock measures
// nothing.
type Clock struct {
	mu     sync.Mutex
	active int
	from   time.Time
	total  time.Duration
}

// Start marks a goroutine starting work.
func (c *Clock) Start() {
	if c == nil {
		return
	}
	c.mu.Lock()
	if c.active == 0 {
		c.from = time.Now()
	}
	c.active++
	c.mu.Unlock()
}

// Stop marks a goroutine done with the work Start began.
func (c *Clock) Stop() {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.active--
	if c.active == 0 {
		c.total += time.Since(c.from)
	}
	c.mu.Unlock()
}

// Take returns the completed periods' time and resets it.
func (c *Clock) Take() time.Duration {
	if c == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	d := c.total
	c.total = 0
	return d
}
