package output

import (
	"encoding/binary"
	"errors"
	"math"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// columnsCheck reads back TestColumns' file: the columns' values, dtypes,
// shapes and chunks, the values list, and split_index with an empty
// partition.
const columnsCheck = `
import sys, h5py, numpy as np
n, cs = int(sys.argv[2]), int(sys.argv[3])
with h5py.File(sys.argv[1], 'r') as f:
    i = np.arange(n)
    a = f['attr']
    assert a['i'].dtype == np.int32 and a['i'].shape == (n,) and a['i'].chunks == (cs,), (a['i'].dtype, a['i'].chunks)
    assert (a['i'][...] == -i).all()
    assert a['f'].dtype == np.float64 and a['f'].shape == (n, 2) and a['f'].chunks == (cs, 2)
    assert (a['f'][:, 0] == i / 3).all() and (a['f'][:, 1] == -0.5).all()
    assert a['b'].dtype == np.bool_ and (a['b'][...] == (i % 2 == 1)).all()
    assert a['u'].dtype == np.uint32 and (a['u'][...] == i + 4000000000).all()
    assert f['deep/g/v'].dtype == np.uint8 and f['deep/g/v'].shape == (n, 2, 3) and (f['deep/g/v'][:, 1, 2] == i % 256).all()
    assert a['i'].compression == 'gzip'
    # Random floats do not deflate: stored raw, the filter marked skipped
    # (filter mask 1); counting integers deflate (0), with Huffman codes.
    r = np.random.default_rng(7).random(n)
    assert np.array_equal(a['r'][...], r)
    fm = lambda d: ''.join(str(d.id.get_chunk_info(k).filter_mask) for k in range(d.id.get_num_chunks()))
    # (The edge chunk, padded with zeros, deflates.)
    assert fm(a['r']) == '110' and fm(a['i']) == '000', (fm(a['r']), fm(a['i']))
    assert list(a['i_values'].asstr()[...]) == ['é', '', 'b'], list(a['i_values'].asstr()[...])
    assert a['empty_values'].shape == (0,)
    s = f['split/s'][...]
    for p, part in enumerate(('train', 'valid', 'test')):
        idx = f['split_index/s/' + part][...]
        assert idx.dtype == np.int64 and np.array_equal(idx, np.where(s[:, p])[0]), part
    assert f['split_index/s/test'].shape == (0,)
print('ok')
`

func TestColumns(t *testing.T) {
	py := python(t)
	defer func(c int) { splitIndexChunk = c }(splitIndexChunk)
	splitIndexChunk = 100    // several chunks, the last one partial
	const n, cs = 2500, 1024 // y's chunk: the least, since x's chunks are smaller
	dir := t.TempDir()
	path := filepath.Join(dir, "c.h5py")
	cols := []Column{
		{Name: "attr/i", Type: Int32},
		{Name: "attr/f", Type: Float64, Shape: []int{2}},
		{Name: "attr/b", Type: Bool},
		{Name: "attr/u", Type: Uint32},
		{Name: "deep/g/v", Type: Uint8, Shape: []int{2, 3}},
		{Name: "attr/r", Type: Float64},
	}
	// attr/r: numpy's default_rng(7).random(n), the same values.
	rs, err := exec.Command(py, "-c", "import sys, numpy as np; sys.stdout.buffer.write(np.random.default_rng(7).random(int(sys.argv[1])).tobytes())", "2500").Output()
	if err != nil || len(rs) != 8*n {
		t.Fatalf("numpy's random floats: %v (%d bytes)", err, len(rs))
	}
	wr, err := Create(Options{Path: path, N: n, H: 2, W: 2, C: 1, K: 1, ChunkSamples: 10, Columns: cols})
	if err != nil {
		t.Fatal(err)
	}
	defer wr.Abort()
	for i := 0; i < n; {
		m := min(n-i, 1+i%777)
		data := make([][]byte, len(cols))
		for j := range m {
			v := i + j
			data[0] = binary.LittleEndian.AppendUint32(data[0], uint32(int32(-v)))
			data[1] = binary.LittleEndian.AppendUint64(data[1], math.Float64bits(float64(v)/3))
			data[1] = binary.LittleEndian.AppendUint64(data[1], math.Float64bits(-0.5))
			data[2] = append(data[2], byte(v%2))
			data[3] = binary.LittleEndian.AppendUint32(data[3], uint32(v+4000000000))
			row := make([]byte, 6)
			row[5] = byte(v)
			data[4] = append(data[4], row...)
			data[5] = append(data[5], rs[8*v:8*v+8]...)
		}
		y := make([][]byte, m)
		for j := range y {
			y[j] = []byte("{}")
		}
		s := Samples{X: make([]byte, 4*m), Mask: make([]byte, 4*m), Y: y, Columns: data}
		if m > 1 {
			// A short column is refused, and nothing is written.
			bad := s
			bad.Columns = append([][]byte(nil), data...)
			bad.Columns[1] = bad.Columns[1][:8]
			if err := wr.WriteSamples(bad); !errors.Is(err, ErrInput) {
				t.Fatalf("short column: %v", err)
			}
		}
		if err := wr.WriteSamples(s); err != nil {
			t.Fatal(err)
		}
		i += m
	}
	part := make([]uint8, n)
	for i := range part {
		part[i] = uint8(i % 2) // no test samples: an empty partition
	}
	if err := wr.WriteSplits([]Split{{Name: "s", Part: part}}); err != nil {
		t.Fatal(err)
	}
	if err := wr.WriteValues("attr/i_values", []string{"é", "", "b"}); err != nil {
		t.Fatal(err)
	}
	if err := wr.WriteValues("attr/empty_values", nil); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"attr/i_values", "attr/i", "split/z", "x", "", "a//b", "attr/i/sub"} {
		if err := wr.WriteValues(bad, nil); !errors.Is(err, ErrInput) {
			t.Errorf("WriteValues(%q): %v, want ErrInput", bad, err)
		}
	}
	if err := wr.Close(); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(py, "-c", columnsCheck, path, "2500", "1024").CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "ok") {
		t.Fatalf("h5py check: %v\n%s", err, out)
	}
}

func TestColumnOptions(t *testing.T) {
	dir := t.TempDir()
	for name, cols := range map[string][]Column{
		"reserved": {{Name: "y/a", Type: Int32}},
		"twice":    {{Name: "attr/a", Type: Int32}, {Name: "attr/a", Type: Float64}},
		"nested":   {{Name: "attr/a", Type: Int32}, {Name: "attr/a/b", Type: Int32}},
		"type":     {{Name: "attr/a"}},
		"shape":    {{Name: "attr/a", Type: Int32, Shape: []int{0}}},
		"path":     {{Name: "/attr/a", Type: Int32}},
	} {
		_, err := Create(Options{Path: filepath.Join(dir, "o.h5py"), N: 3, H: 1, W: 1, C: 1, K: 1, Columns: cols})
		if !errors.Is(err, ErrOptions) {
			t.Errorf("%s: %v, want ErrOptions", name, err)
		}
	}
}
