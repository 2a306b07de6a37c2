// Package par runs loops over [0, n) on a bounded number of goroutines.
//
// For and ForErr split [0, n) into contiguous runs, one per goroutine:
// cache friendly, and each run writes only its own part of a result.
// Each hands out single indices as goroutines become free, for items of
// uneven cost (files to decode, fonts to check).
package par

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"
	"sync/atomic"
)

// Workers is the number of goroutines For, ForErr and Each start for n
// items and at most workers goroutines: workers clamped to [1, n] (0 when
// n ≤ 0).
func Workers(n, workers int) int {
	if n <= 0 {
		return 0
	}
	return max(1, min(workers, n))
}

// Run returns run w of the split of [0, n) into workers contiguous runs:
// [n·w/workers, n·(w+1)/workers). The runs cover [0, n) once, in order,
// and differ in length by at most one.
func Run(n, workers, w int) (lo, hi int) {
	return n * w / workers, n * (w + 1) / workers
}

// For calls fn(lo, hi) for each run of the split of [0, n) into
// Workers(n, workers) contiguous runs (see Run), each on its own
// goroutine, and returns when all have returned. With n ≤ 0 it calls
// nothing.
func For(n, workers int, fn func(lo, hi int)) {
	split(n, Workers(n, workers), func(_, lo, hi int) { fn(lo, hi) })
}

// split runs fn(w, lo, hi) for each run w of the split of [0, n) into k
// runs, each on its own goroutine, and waits for them.
func split(n, k int, fn func(w, lo, hi int)) {
	var wg sync.WaitGroup
	for w := range k {
		lo, hi := Run(n, k, w)
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(w, lo, hi)
		}()
	}
	wg.Wait()
}

// ForErr is For for runs that can fail: it waits for every run and
// returns the error of the first run (in the order of [0, n)) that
// failed, nil if none did. A panic in fn is recovered into a *PanicError,
// that run's error, so a bug on a worker fails the call instead of the
// process; callers with their own panic error recover in fn.
func ForErr(n, workers int, fn func(lo, hi int) error) error {
	k := Workers(n, workers)
	errs := make([]error, k)
	split(n, k, func(w, lo, hi int) {
		defer func() {
			if r := recover(); r != nil {
				errs[w] = &PanicError{Value: r, Stack: debug.Stack()}
			}
		}()
		errs[w] = fn(lo, hi)
	})
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// Each calls fn(i) for every i in [0, n) on Workers(n, workers)
// goroutines, each taking the next index when done with the last, and
// returns when all have returned. Once ctx is done (a nil ctx never is)
// no further index is started; the indices not started are the caller's
// to notice (ctx.Err()).
func Each(ctx context.Context, n, workers int, fn func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range Workers(n, workers) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				if ctx != nil && ctx.Err() != nil {
					return
				}
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(i)
			}
		}()
	}
	wg.Wait()
}

// PanicError is a panic of a ForErr run, recovered.
type PanicError struct {
	Value any    // what was passed to panic
	Stack []byte // the panicking goroutine's trace
}

func (e *PanicError) Error() string { return fmt.Sprintf("par: worker panicked: %v", e.Value) }
