package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/synbols-gpu/synbols-gpu/internal/pytest"
)

// parsedStream is a stream read back by readStream, the small reader
// docs/format.md's "Stream" section describes.
type parsedStream struct {
	header              map[string]any
	x, mask, sym        []byte
	y                   [][]byte
	firsts              []int // each batch's first index
	end                 map[string]any
	errMsg              string // a SYNX frame's message
	sampleX, sampleMask int
	sampleSym           int
}

func readStream(t *testing.T, r io.Reader) *parsedStream {
	t.Helper()
	br := bufio.NewReader(r)
	p := &parsedStream{}
	next := -1
	for {
		var head [12]byte
		if _, err := io.ReadFull(br, head[:]); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("frame head: %v", err)
		}
		tag, n := string(head[:4]), binary.LittleEndian.Uint64(head[4:])
		payload := make([]byte, n)
		if _, err := io.ReadFull(br, payload); err != nil {
			t.Fatalf("%s payload of %d bytes: %v", tag, n, err)
		}
		if p.header == nil && tag != "SYNH" {
			t.Fatalf("first frame %s, want SYNH", tag)
		}
		switch tag {
		case "SYNH":
			if err := json.Unmarshal(payload, &p.header); err != nil {
				t.Fatal(err)
			}
			num := func(k string) int { return int(p.header[k].(float64)) }
			h, w := num("height"), num("width")
			p.sampleX = h * w * num("channels")
			p.sampleMask = 1
			for _, d := range p.header["mask_shape"].([]any) {
				p.sampleMask *= int(d.(float64))
			}
			p.sampleSym = h * w * num("symbol_mask_channels")
			next = num("start")
		case "SYNB":
			first := int(binary.LittleEndian.Uint64(payload))
			count := int(binary.LittleEndian.Uint32(payload[8:]))
			if first != next {
				t.Fatalf("batch at %d, want %d", first, next)
			}
			if binary.LittleEndian.Uint32(payload[12:]) != 0 {
				t.Fatal("reserved word not 0")
			}
			next += count
			p.firsts = append(p.firsts, first)
			rest := payload[16:]
			take := func(n int) []byte { b := rest[:n]; rest = rest[n:]; return b }
			p.x = append(p.x, take(count*p.sampleX)...)
			p.mask = append(p.mask, take(count*p.sampleMask)...)
			p.sym = append(p.sym, take(count*p.sampleSym)...)
			for range count {
				l := int(binary.LittleEndian.Uint32(take(4)))
				p.y = append(p.y, bytes.Clone(take(l)))
			}
			if len(rest) != 0 {
				t.Fatalf("batch at %d: %d bytes past its records", first, len(rest))
			}
		case "SYNE":
			if err := json.Unmarshal(payload, &p.end); err != nil {
				t.Fatal(err)
			}
		case "SYNX":
			p.errMsg = string(payload)
		default:
			t.Fatalf("unknown frame %q", tag)
		}
	}
	return p
}

// digests are sha256 of x, mask, symbol_mask and of y as the stream
// frames it (uint32 length, bytes): what the Python side prints for a
// slice of the file.
func (p *parsedStream) digests() map[string]string {
	d := func(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }
	var ys []byte
	for _, r := range p.y {
		ys = binary.LittleEndian.AppendUint32(ys, uint32(len(r)))
		ys = append(ys, r...)
	}
	out := map[string]string{"x": d(p.x), "mask": d(p.mask), "y": d(ys)}
	if p.sampleSym > 0 {
		out["symbol_mask"] = d(p.sym)
	}
	return out
}

// fileDigests reads rows [a, b) of the file with h5py and prints the same
// digests as parsedStream.digests.
const fileDigests = `
import sys, json, hashlib, struct, h5py
path, a, b = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with h5py.File(path, 'r') as f:
    out = {k: hashlib.sha256(f[k][a:b].tobytes()).hexdigest() for k in ('x', 'mask', 'symbol_mask') if k in f}
    ys = b''
    for r in f['y'][a:b]:
        r = r if isinstance(r, bytes) else r.encode()
        ys += struct.pack('<I', len(r)) + r
    out['y'] = hashlib.sha256(ys).hexdigest()
    out['mask_mode'] = f.attrs['mask_mode']
    out['font_pool'] = f.attrs['font_pool']
    out['spec'] = f.attrs['spec']
print(json.dumps(out))
`

func stream(t *testing.T, dir string, args ...string) *parsedStream {
	t.Helper()
	code, out, errs := command(t, dir, append(append([]string{"stream"}, args...), fastArgs...)...)
	if code != 0 {
		t.Fatalf("stream %v: exit %d: %s", args, code, errs)
	}
	if errs != "" {
		t.Errorf("stream --quiet wrote to stderr: %q", errs)
	}
	return readStream(t, strings.NewReader(out))
}

// TestStreamEqualsFile: a stream of [0, 300) and of [100, 200) holds, byte
// for byte, the rows of the file generate writes with the same spec and
// seed (x, mask, symbol_mask and y, read with h5py), for the default
// preset and for counting (label-map masks, K = 9, with --symbol-masks).
func TestStreamEqualsFile(t *testing.T) {
	py := pytest.Python(t)
	for _, c := range []struct {
		preset string
		extra  []string
		shape  string
	}{
		{"default", nil, "[32,32,1]"},
		{"counting", []string{"--symbol-masks"}, "[128,128]"},
	} {
		t.Run(c.preset, func(t *testing.T) {
			dir := t.TempDir()
			args := append([]string{"--dataset", c.preset, "--seed", "5"}, c.extra...)
			code, _, errs := command(t, dir, append(append([]string{"generate", "--n_samples", "300", "--no-preview", "--out", "f.h5py"}, args...), fastArgs...)...)
			if code != 0 {
				t.Fatalf("generate: exit %d: %s", code, errs)
			}
			for _, r := range [][2]int{{0, 300}, {100, 200}} {
				// A batch size that cuts the range unevenly: frames need
				// not follow the file's chunks.
				s := stream(t, dir, append(args, "--start", fmt.Sprint(r[0]), "--stop", fmt.Sprint(r[1]), "--batch-size", "64")...)
				var want map[string]string
				if err := json.Unmarshal([]byte(pytest.Run(t, py, fileDigests, filepath.Join(dir, "f.h5py"), fmt.Sprint(r[0]), fmt.Sprint(r[1]))), &want); err != nil {
					t.Fatal(err)
				}
				got := s.digests()
				for _, k := range []string{"x", "mask", "symbol_mask", "y"} {
					if got[k] != want[k] {
						t.Errorf("[%d, %d): %s differs from the file's rows (stream %.12s, file %.12s)", r[0], r[1], k, got[k], want[k])
					}
				}
				h := s.header
				mshape, _ := json.Marshal(h["mask_shape"])
				if h["format"] != "synbols-gpu-stream" || h["version"] != 1.0 || h["start"] != float64(r[0]) || h["stop"] != float64(r[1]) ||
					h["mask_mode"] != want["mask_mode"] || h["font_pool"] != want["font_pool"] || h["spec"] != want["spec"] {
					t.Errorf("[%d, %d): header %v", r[0], r[1], h)
				}
				if c.preset == "default" && string(mshape) != c.shape || c.preset == "counting" && (string(mshape) != c.shape || h["symbol_mask_channels"] != 9.0) {
					t.Errorf("mask_shape %s, symbol_mask_channels %v", mshape, h["symbol_mask_channels"])
				}
				if len(s.y) != r[1]-r[0] || s.end["samples"] != float64(r[1]-r[0]) || s.errMsg != "" {
					t.Errorf("[%d, %d): %d records, end %v, error %q", r[0], r[1], len(s.y), s.end, s.errMsg)
				}
			}
		})
	}
}

// TestStreamReaderCloses: an unbounded stream whose reader stops (head -c)
// ends quietly with exit 0.
func TestStreamReaderCloses(t *testing.T) {
	cmd := child(t.TempDir(), nil, append([]string{"stream", "--dataset", "default"}, fastArgs...)...)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// More than one batch frame, so the engine is well into the stream.
	if _, err := io.CopyN(io.Discard, out, 3<<20); err != nil {
		t.Fatal(err)
	}
	out.Close()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit: %v: %s", err, errb.String())
		}
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatal("stream did not stop after its reader closed")
	}
	if errb.Len() != 0 {
		t.Errorf("stderr %q, want nothing", errb.String())
	}
}

// TestStreamSocket: --out PATH that does not exist listens on a Unix
// socket there for one reader, which gets the same frames as stdout; the
// socket is gone afterwards.
func TestStreamSocket(t *testing.T) {
	dir, err := os.MkdirTemp("", "sg") // short: a socket path has ~100 bytes
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	sock := filepath.Join(dir, "s")
	args := []string{"--dataset", "tiny", "--seed", "3", "--stop", "500"}
	cmd := child(dir, nil, append(append([]string{"stream", "--out", sock}, args...), fastArgs...)...)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var conn net.Conn
	for i := 0; ; i++ {
		if conn, err = net.Dial("unix", sock); err == nil {
			break
		}
		if i > 600 {
			cmd.Process.Kill()
			t.Fatalf("no socket at %s: %v", sock, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	got := readStream(t, conn)
	conn.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit: %v: %s", err, errb.String())
	}
	want := stream(t, dir, args...)
	if fmt.Sprint(got.digests()) != fmt.Sprint(want.digests()) || len(got.y) != 500 {
		t.Errorf("socket stream (%d samples) differs from stdout's", len(got.y))
	}
	if _, err := os.Lstat(sock); err == nil {
		t.Errorf("socket %s left behind", sock)
	}
}

// TestStreamUsage: mistakes are one-line usage errors (exit 2) with
// nothing on stdout, before any frame.
func TestStreamUsage(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--no-such-flag"}, "no-such-flag"},
		{[]string{"--start", "-1"}, "--start"},
		{[]string{"--start", "10", "--stop", "10"}, "--stop"},
		{[]string{"--dataset", "nope"}, "nope"},
		{[]string{"--out", os.TempDir()}, "folder"},
		{[]string{"--progress-every", "-1s"}, "--progress-every"},
	} {
		code, out, errs := command(t, t.TempDir(), append([]string{"stream"}, c.args...)...)
		if code != 2 || out != "" {
			t.Errorf("%v: exit %d, %d bytes on stdout, want 2 and none", c.args, code, len(out))
		}
		oneLine(t, errs, c.want)
	}
}

// TestStreamProgressInLog: with stderr a pipe (a batch job's log), stream
// prints a plain progress line every --progress-every, as generate does,
// and none with --quiet.
func TestStreamProgressInLog(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "frames.bin")
	if err := os.WriteFile(out, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"stream", "--dataset", "default", "--stop", "8000", "--batch-size", "64", "--progress-every", "1ms", "--out", out, "--system-fonts=false"}
	code, _, errs := run1(t, dir, nil, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if n := strings.Count(errs, "/8000 samples ("); n < 2 || strings.Contains(errs, "\r") {
		t.Errorf("stderr has %d progress lines (want several, no carriage returns):\n%s", n, errs)
	}
	if code, _, errs = run1(t, dir, nil, append(args, "--quiet", "--force")...); code != 0 || errs != "" {
		t.Errorf("--quiet: exit %d, stderr %q", code, errs)
	}
}

// TestStreamKeepsFiles: --out naming a file with bytes in it (a dataset,
// say) is refused in one line and the file is unchanged; with --force, or
// when the file is empty, the stream replaces its contents.
func TestStreamKeepsFiles(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data.h5py")
	old := []byte("\x89HDF\r\n\x1a\nan earlier dataset")
	must(t, os.WriteFile(data, old, 0o644))
	args := []string{"stream", "--dataset", "default", "--stop", "4", "--out", data, "--system-fonts=false", "--quiet"}
	code, _, errs := run1(t, dir, nil, args...)
	if code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	oneLine(t, errs, data, "--force")
	if b, _ := os.ReadFile(data); !bytes.Equal(b, old) {
		t.Errorf("the file changed: %d bytes", len(b))
	}
	empty := filepath.Join(dir, "frames.bin")
	must(t, os.WriteFile(empty, nil, 0o644))
	for _, c := range [][]string{append(args, "--force"), {"stream", "--dataset", "default", "--stop", "4", "--out", empty, "--system-fonts=false", "--quiet"}} {
		if code, _, errs := run1(t, dir, nil, c...); code != 0 {
			t.Fatalf("%q: exit %d: %s", c, code, errs)
		}
	}
	a, _ := os.ReadFile(data)
	b, _ := os.ReadFile(empty)
	if len(a) < 1000 || !bytes.Equal(a, b) {
		t.Errorf("--force wrote %d bytes, the empty file got %d: want the same stream", len(a), len(b))
	}
}
