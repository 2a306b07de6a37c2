// Package pytest finds the Python that has h5py and numpy, for tests that
// check our files the way Synbols users read them.
//
// Debian's python3-h5py installs into /usr/bin/python3; the python3 first on
// PATH may be another build without it. Under CI (CI set) a missing h5py is
// a failure, elsewhere the test is skipped with the reason.
package pytest

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Python returns the path of a python3 that imports h5py and numpy.
func Python(t testing.TB) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		path, err := exec.LookPath(p)
		if err != nil {
			continue
		}
		if exec.Command(path, "-c", "import h5py, numpy").Run() == nil {
			return path
		}
	}
	msg := "no python3 with h5py and numpy (Debian: apt-get install python3-h5py)"
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// Run runs script with python and the given arguments, failing the test
// with the script's output if it exits non-zero. It returns stdout.
func Run(t testing.TB, python, script string, args ...string) string {
	t.Helper()
	cmd := exec.Command(python, append([]string{"-c", script}, args...)...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("python check failed: %v\nstdout:\n%s\nstderr:\n%s", err, out.String(), errb.String())
	}
	return out.String()
}

// PNGDecode defines png_decode(data) -> (h, w, c) uint8 array, a PNG
// decoder in plain Python and numpy (8-bit grey or RGB, no interlace),
// since PIL may not be installed: tests prepend it to their scripts.
const PNGDecode = `
import struct, zlib, numpy as np
def png_decode(data):
    assert data[:8] == b'\x89PNG\r\n\x1a\n'
    pos, idat = 8, b''
    while pos < len(data):
        n, typ = struct.unpack('>I4s', data[pos:pos+8])
        body = data[pos+8:pos+8+n]
        if typ == b'IHDR':
            w, h, depth, ct, _, _, interlace = struct.unpack('>IIBBBBB', body)
            assert depth == 8 and ct in (0, 2) and interlace == 0, (depth, ct, interlace)
        elif typ == b'IDAT':
            idat += body
        pos += 12 + n
    c = 1 if ct == 0 else 3
    raw = zlib.decompress(idat)
    stride = w * c
    out = np.zeros((h, stride), np.uint8)
    prev = [0] * stride
    for r in range(h):
        f = raw[r*(stride+1)]
        line = list(raw[r*(stride+1)+1:(r+1)*(stride+1)])
        for i in range(stride):
            a = line[i-c] if i >= c else 0
            b = prev[i]
            cc = prev[i-c] if i >= c else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - cc
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - cc)
                pr = a if pa <= pb and pa <= pc else (b if pb <= pc else cc)
                line[i] = (line[i] + pr) & 255
        out[r] = line
        prev = line
    return out.reshape(h, w, c)
`
