package generate

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"testing"
	"time"
)

// TestRelayConcurrent: 60 batches worked on for 0–3 ms each, up to k at
// once, come out in order; a failed batch passes through unworked; at
// most k are ever worked on at once, and k are at some point (the work
// overlaps); and the stage's busy time is no more than its wall time.
func TestRelayConcurrent(t *testing.T) {
	for _, k := range []int{2, 3} {
		in := make(chan *batch)
		out := make(chan *batch)
		bs := make([]*batch, 60)
		for i := range bs {
			bs[i] = &batch{start: i}
		}
		bs[17].err = errors.New("planning failed")
		var mu sync.Mutex
		now, most, worked := 0, 0, 0
		work := func(b *batch) {
			if b.err != nil {
				t.Errorf("k=%d: batch %d worked on despite its error", k, b.start)
			}
			mu.Lock()
			now++
			most = max(most, now)
			worked++
			mu.Unlock()
			time.Sleep(time.Duration(rand.IntN(3000)) * time.Microsecond)
			mu.Lock()
			now--
			mu.Unlock()
		}
		var st stageTimer
		go func() {
			for _, b := range bs {
				in <- b
			}
			close(in)
		}()
		t0 := time.Now()
		go relayConcurrent(context.Background(), in, out, &st, k, work)
		next := 0
		for b := range out {
			if b.start != next {
				t.Fatalf("k=%d: batch %d came out where %d was due", k, b.start, next)
			}
			next++
		}
		wall := time.Since(t0)
		if next != len(bs) || worked != len(bs)-1 {
			t.Errorf("k=%d: %d batches out, %d worked on; want %d and %d", k, next, worked, len(bs), len(bs)-1)
		}
		if most > k || most < 2 {
			t.Errorf("k=%d: at most %d batches worked on at once, want 2 to %d", k, most, k)
		}
		if st.busy <= 0 || st.busy > wall {
			t.Errorf("k=%d: busy %v over a wall time of %v", k, st.busy, wall)
		}
	}
}

// TestRelayConcurrentCancelled: cancelling the context while batches are
// worked on and out is not read returns, closes out, and leaves no
// work running.
func TestRelayConcurrentCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	in := make(chan *batch)
	out := make(chan *batch)
	var mu sync.Mutex
	running := 0
	work := func(*batch) {
		mu.Lock()
		running++
		mu.Unlock()
		time.Sleep(5 * time.Millisecond)
		mu.Lock()
		running--
		mu.Unlock()
	}
	go func() {
		defer close(in)
		for i := 0; ; i++ {
			select {
			case in <- &batch{start: i}:
			case <-ctx.Done():
				return
			}
		}
	}()
	returned := make(chan struct{})
	var st stageTimer
	go func() {
		relayConcurrent(ctx, in, out, &st, 2, work)
		close(returned)
	}()
	<-out // one batch out, then nobody reads
	time.Sleep(10 * time.Millisecond)
	cancel()
	select {
	case <-returned:
	case <-time.After(10 * time.Second):
		t.Fatal("relayConcurrent did not return after the context was cancelled")
	}
	mu.Lock()
	defer mu.Unlock()
	if running != 0 {
		t.Errorf("%d batches still worked on after relayConcurrent returned", running)
	}
	for range out { // closed: the range ends
	}
}
