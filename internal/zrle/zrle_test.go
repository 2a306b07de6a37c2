package zrle

import (
	"bytes"
	"compress/zlib"
	"io"
	"math/rand/v2"
	"os"
	"testing"

	kzlib "github.com/klauspost/compress/zlib"
)

// inflate decodes z with the standard library's inflater, which checks
// the header and the Adler-32 trailer.
func inflate(t testing.TB, z []byte) []byte {
	t.Helper()
	r, err := zlib.NewReader(bytes.NewReader(z))
	if err != nil {
		t.Fatalf("zlib header: %v", err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("inflate: %v", err)
	}
	return out
}

// cases are the hard inputs for a run coder: empty, one to three bytes,
// runs of every length around deflate's limits (3, 258, 259 = 258 + 1,
// 261 = 258 + 3), every byte value (codes of 8 and 9 bits), noise, and
// a mask-like image.
func cases() map[string][]byte {
	r := rand.New(rand.NewPCG(1, 2))
	m := map[string][]byte{"empty": {}, "one": {7}, "two": {7, 7}, "three": {7, 7, 7}, "four": {200, 200, 200, 200}}
	for _, n := range []int{5, 10, 11, 257, 258, 259, 260, 261, 262, 516, 517, 70000} {
		m["run of "+string(rune('0'+n%10))+string(rune('a'+len(m)))] = bytes.Repeat([]byte{255}, n)
	}
	all := make([]byte, 0, 256*5)
	for v := range 256 {
		all = append(all, bytes.Repeat([]byte{byte(v)}, v%5+1)...)
	}
	m["every value"] = all
	noise := make([]byte, 5000)
	for i := range noise {
		noise[i] = byte(r.Uint32())
	}
	m["noise"] = noise
	var runs []byte
	for len(runs) < 100000 {
		runs = append(runs, bytes.Repeat([]byte{byte(r.IntN(3) * 127)}, 1+r.IntN(600))...)
	}
	m["random runs"] = runs
	mask := make([]byte, 32*32*10)
	for i := range mask {
		x, y := i%32, i/32%32
		switch {
		case x > 8 && x < 20 && y > 5:
			mask[i] = 255
		case x == 8 || x == 20:
			mask[i] = byte(r.Uint32())
		}
	}
	m["mask"] = mask
	return m
}

func TestRoundTrip(t *testing.T) {
	for name, src := range cases() {
		z := Append(nil, src)
		if got := inflate(t, z); !bytes.Equal(got, src) {
			t.Fatalf("%s: inflated %d bytes differ from the %d written", name, len(got), len(src))
		}
		if len(z) > Bound(len(src)) {
			t.Fatalf("%s: %d bytes of stream, over Bound %d", name, len(z), Bound(len(src)))
		}
		// Appending keeps what dst held.
		z2 := Append([]byte("prefix"), src)
		if string(z2[:6]) != "prefix" || !bytes.Equal(z2[6:], z) {
			t.Fatalf("%s: Append to a prefix changed the prefix or the stream", name)
		}
	}
}

// TestRuns checks that runs are coded as matches: 70,000 equal bytes take
// 272 runs of at most 258 at 18 bits each and one literal apiece, about
// 900 bytes, where 70,000 literals would take 78,750; noise stays within
// the 9-bit codes' 1/8.
func TestRuns(t *testing.T) {
	c := cases()
	if n := len(Append(nil, bytes.Repeat([]byte{9}, 70000))); n > 1000 {
		t.Errorf("70,000-byte run: %d bytes of stream, want at most 1,000", n)
	}
	if n, m := len(Append(nil, c["noise"])), len(c["noise"])*9/8+8; n > m {
		t.Errorf("5,000 bytes of noise: %d bytes of stream, want at most %d", n, m)
	}
}

func FuzzRoundTrip(f *testing.F) {
	for _, src := range cases() {
		if len(src) < 2000 {
			f.Add(src)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		z := Append(nil, src)
		if got := inflate(t, z); !bytes.Equal(got, src) {
			t.Fatalf("inflated %d bytes differ from the %d written", len(got), len(src))
		}
	})
}

// BenchmarkMask compares Append with klauspost's level 1 on chunks of 10
// masks (SYNBOLS_MASKS: a file of raw 32×32 masks, e.g. from a default
// run), reporting ns per mask and the stream's share of the input.
func BenchmarkMask(b *testing.B) {
	p := os.Getenv("SYNBOLS_MASKS")
	var data []byte
	if p != "" {
		var err error
		if data, err = os.ReadFile(p); err != nil {
			b.Fatal(err)
		}
	} else {
		for range 100 {
			data = append(data, cases()["mask"]...)
		}
	}
	const chunk = 10240
	data = data[:len(data)/chunk*chunk]
	report := func(b *testing.B, out int) {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(data)/1024), "ns/mask")
		b.ReportMetric(float64(out)/float64(b.N*len(data)), "ratio")
	}
	b.Run("zrle", func(b *testing.B) {
		var z []byte
		out := 0
		for b.Loop() {
			for o := 0; o < len(data); o += chunk {
				z = Append(z[:0], data[o:o+chunk])
				out += len(z)
			}
		}
		report(b, out)
	})
	b.Run("klauspost1", func(b *testing.B) {
		var buf bytes.Buffer
		zw, _ := kzlib.NewWriterLevel(&buf, 1)
		out := 0
		for b.Loop() {
			for o := 0; o < len(data); o += chunk {
				buf.Reset()
				zw.Reset(&buf)
				zw.Write(data[o : o+chunk])
				zw.Close()
				out += buf.Len()
			}
		}
		report(b, out)
	})
}
