//go:build goexperiment.simd && amd64 && !go1.27

package cpu

import (
	"encoding/binary"
	"syscall"
	"testing"
	"unsafe"
)

// TestTapsGatherAtTileEnd puts tiles flush against an inaccessible page
// and gathers the taps of every interior point, the last ones included:
// the gathers must stay inside the tile (a read past it faults), give the
// scalar taps wherever idx ≤ last, and leave the other entries and every
// non-interior entry as they were.
func TestTapsGatherAtTileEnd(t *testing.T) {
	if !vectorized {
		t.Skip("no AVX2 here: the gathers never run (TestVectorBuildWithoutAVX covers that case)")
	}
	page := syscall.Getpagesize()
	mem, err := syscall.Mmap(-1, 0, 2*page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Munmap(mem)
	if err := syscall.Mprotect(mem[page:], syscall.PROT_NONE); err != nil {
		t.Fatal(err)
	}
	for _, size := range []int{6, 8, 17, 31, 64} {
		if size*size > page {
			continue
		}
		tile := mem[page-size*size : page]
		for i := range tile {
			tile[i] = byte(i*131 + size)
		}
		var idx, state []int32
		for ty := 0; ty <= size-2; ty++ {
			for tx := 0; tx <= size-2; tx++ {
				idx = append(idx, int32(ty*size+tx))
				state = append(state, -1)
			}
		}
		// Non-interior entries with indices that would fault.
		idx = append(idx, int32(len(tile)), 1<<30, -1)
		state = append(state, 0, 0, 0)
		for len(idx)%8 != 0 {
			idx, state = append(idx, int32(len(tile)+1)), append(state, 0)
		}
		taps := make([]uint32, len(idx))
		for i := range taps {
			taps[i] = 0xdeadbeef
		}
		last := len(tile) - size - 4
		tapsGather(&taps[0], &idx[0], &state[0], len(idx), unsafe.SliceData(tile), size, last)
		gathered := 0
		for i, j := range idx {
			want := uint32(0xdeadbeef)
			if state[i] == -1 && int(j) <= last {
				want = uint32(binary.LittleEndian.Uint16(tile[j:])) | uint32(binary.LittleEndian.Uint16(tile[int(j)+size:]))<<16
				gathered++
			}
			if taps[i] != want {
				t.Fatalf("size %d: entry %d (idx %d, state %d): taps %#x, want %#x", size, i, j, state[i], taps[i], want)
			}
		}
		if gathered < (size-1)*(size-1)-2 {
			t.Errorf("size %d: only %d of %d interior entries gathered", size, gathered, (size-1)*(size-1))
		}
	}
}
