package adler

import (
	"hash/adler32"
	"math/rand/v2"
	"os"
	"testing"
)

// TestMatchesHashAdler32: Checksum and Update give hash/adler32's checksum
// for every length 0–600 and for lengths around the reduction's run
// (nmax) and several runs, of random bytes, all 0xff (the sums' worst
// case) and all zero, from the start and split at random points. In the
// vector build (engine/cpu's TestVectorBuild runs this package there,
// with SYNBOLS_WANT_VECTOR set) the AVX2 loop must be the one running.
func TestMatchesHashAdler32(t *testing.T) {
	if os.Getenv("SYNBOLS_WANT_VECTOR") != "" && !vectorized {
		t.Fatal("the AVX2 loop does not run in this build (GOEXPERIMENT=simd on a CPU with AVX2 expected)")
	}
	r := rand.New(rand.NewPCG(1, 2))
	var lengths []int
	for n := range 601 {
		lengths = append(lengths, n)
	}
	for _, n := range []int{nmax - 33, nmax - 1, nmax, nmax + 1, nmax + 31, nmax + 32, 2*nmax + 7, 100000, 1 << 20} {
		lengths = append(lengths, n)
	}
	for _, n := range lengths {
		for kind := range 3 {
			p := make([]byte, n)
			for i := range p {
				switch kind {
				case 0:
					p[i] = byte(r.Uint32())
				case 1:
					p[i] = 0xff
				}
			}
			want := adler32.Checksum(p)
			if got := Checksum(p); got != want {
				t.Fatalf("%d bytes (kind %d): %#08x, hash/adler32 %#08x", n, kind, got, want)
			}
			if n > 0 {
				k := r.IntN(n)
				if got := Update(Checksum(p[:k]), p[k:]); got != want {
					t.Fatalf("%d bytes split at %d (kind %d): %#08x, hash/adler32 %#08x", n, k, kind, got, want)
				}
			}
		}
	}
	t.Logf("vectorized: %v", vectorized)
}

// benchmark times sum over 1 MiB of varied bytes.
func benchmark(b *testing.B, sum func([]byte) uint32) {
	p := make([]byte, 1<<20)
	for i := range p {
		p[i] = byte(i * 7)
	}
	b.SetBytes(int64(len(p)))
	for b.Loop() {
		sum(p)
	}
}

func BenchmarkChecksum(b *testing.B) { benchmark(b, Checksum) }

func BenchmarkHashAdler32(b *testing.B) { benchmark(b, adler32.Checksum) }
