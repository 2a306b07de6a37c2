package par

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestForSplit checks that For's runs cover [0, n) exactly once, are
// contiguous and ordered as Run says, number Workers(n, workers) ≤ n, and
// differ in length by at most one.
func TestForSplit(t *testing.T) {
	for n := range 40 {
		for _, workers := range []int{-1, 0, 1, 2, 3, 7, 16, 39, 40, 100} {
			var mu sync.Mutex
			runs := map[int]int{} // lo → hi
			hits := make([]int32, n)
			For(n, workers, func(lo, hi int) {
				for i := lo; i < hi; i++ {
					atomic.AddInt32(&hits[i], 1)
				}
				mu.Lock()
				if _, dup := runs[lo]; dup && lo != hi {
					t.Errorf("n=%d workers=%d: two runs start at %d", n, workers, lo)
				}
				runs[lo] = hi
				mu.Unlock()
			})
			for i, h := range hits {
				if h != 1 {
					t.Fatalf("n=%d workers=%d: index %d visited %d times", n, workers, i, h)
				}
			}
			k := Workers(n, workers)
			if n == 0 && k != 0 || n > 0 && (k < 1 || k > n || workers >= 1 && k > workers) {
				t.Fatalf("n=%d workers=%d: Workers = %d", n, workers, k)
			}
			lo := 0
			for w := range k {
				l, h := Run(n, k, w)
				if l != lo || h < l || h-l > n/k+1 || h-l < n/k {
					t.Fatalf("n=%d workers=%d: run %d is [%d, %d) after %d", n, workers, w, l, h, lo)
				}
				if got, ok := runs[l]; !ok || got != h {
					t.Fatalf("n=%d workers=%d: run [%d, %d) not called (%v)", n, workers, l, h, runs)
				}
				lo = h
			}
			if lo != n {
				t.Fatalf("n=%d workers=%d: runs end at %d", n, workers, lo)
			}
		}
	}
}

func TestForZero(t *testing.T) {
	called := false
	For(0, 4, func(lo, hi int) { called = true })
	For(-3, 4, func(lo, hi int) { called = true })
	if err := ForErr(0, 4, func(lo, hi int) error { called = true; return nil }); err != nil || called {
		t.Fatalf("n = 0: err %v, called %v", err, called)
	}
	Each(nil, 0, 4, func(int) { called = true })
	if called {
		t.Fatal("n = 0 called fn")
	}
}

// TestForErrFirst checks that ForErr waits for every run and returns the
// error of the earliest failing run, whatever order they finish in.
func TestForErrFirst(t *testing.T) {
	const n, workers = 100, 10
	var done atomic.Int32
	err := ForErr(n, workers, func(lo, hi int) error {
		defer done.Add(1)
		if lo >= 30 {
			return fmt.Errorf("run at %d", lo)
		}
		return nil
	})
	if err == nil || err.Error() != "run at 30" {
		t.Fatalf("err = %v, want the run at 30's", err)
	}
	if done.Load() != workers {
		t.Fatalf("%d of %d runs returned before ForErr did", done.Load(), workers)
	}
	if err := ForErr(n, workers, func(lo, hi int) error { return nil }); err != nil {
		t.Fatal(err)
	}
}

func TestForErrPanic(t *testing.T) {
	sentinel := errors.New("later")
	err := ForErr(10, 5, func(lo, hi int) error {
		if lo == 4 {
			panic("boom")
		}
		if lo == 8 {
			return sentinel
		}
		return nil
	})
	var pe *PanicError
	if !errors.As(err, &pe) || pe.Value != "boom" || len(pe.Stack) == 0 {
		t.Fatalf("err = %#v, want the panic", err)
	}
	if err.Error() != "par: worker panicked: boom" {
		t.Fatalf("message %q", err)
	}
	// A run's own recovery comes first.
	own := errors.New("own")
	err = ForErr(10, 5, func(lo, hi int) (err error) {
		defer func() {
			if recover() != nil {
				err = own
			}
		}()
		panic("x")
	})
	if err != own {
		t.Fatalf("err = %v, want the run's own", err)
	}
}

func TestEach(t *testing.T) {
	for _, n := range []int{1, 2, 7, 1000} {
		for _, workers := range []int{0, 1, 3, 64} {
			hits := make([]int32, n)
			var live, most atomic.Int32
			Each(context.Background(), n, workers, func(i int) {
				l := live.Add(1)
				for {
					m := most.Load()
					if l <= m || most.CompareAndSwap(m, l) {
						break
					}
				}
				atomic.AddInt32(&hits[i], 1)
				live.Add(-1)
			})
			for i, h := range hits {
				if h != 1 {
					t.Fatalf("n=%d workers=%d: index %d visited %d times", n, workers, i, h)
				}
			}
			if m := int(most.Load()); m > Workers(n, workers) {
				t.Fatalf("n=%d workers=%d: %d calls at once", n, workers, m)
			}
		}
	}
}

// TestEachCancel checks that no index starts once the context is done.
func TestEachCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var calls atomic.Int32
	Each(ctx, 1000, 4, func(i int) {
		if calls.Add(1) == 10 {
			cancel()
		}
	})
	if c := calls.Load(); c < 10 || c > 10+4 {
		t.Fatalf("%d calls after cancelling at the 10th with 4 workers", c)
	}
	calls.Store(0)
	Each(ctx, 1000, 4, func(int) { calls.Add(1) })
	if calls.Load() != 0 {
		t.Fatalf("%d calls on a done context", calls.Load())
	}
}

// TestClock: a period with a goroutine still working is not in Take
// (the first Stop of two Starts ends nothing); once both stop, Take holds
// at least the whole 50 ms period and resets; a nil Clock measures
// nothing.
func TestClock(t *testing.T) {
	var c Clock
	c.Start()
	time.Sleep(20 * time.Millisecond)
	c.Start()
	time.Sleep(10 * time.Millisecond)
	c.Stop()
	if d := c.Take(); d != 0 {
		t.Errorf("Take with a goroutine still working: %v, want 0", d)
	}
	time.Sleep(20 * time.Millisecond)
	c.Stop()
	if d := c.Take(); d < 50*time.Millisecond {
		t.Errorf("Take: %v, want at least the 50 ms union", d)
	}
	if d := c.Take(); d != 0 {
		t.Errorf("second Take: %v, want 0", d)
	}
	var n *Clock
	n.Start()
	n.Stop()
	if d := n.Take(); d != 0 {
		t.Errorf("nil Clock: %v", d)
	}
}
