package output

import (
	"archive/tar"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/synbols-gpu/synbols-gpu/internal/atomicfile"
	"github.com/synbols-gpu/synbols-gpu/internal/par"
)

// WDSWriter writes a dataset as WebDataset tar shards (docs/format.md,
// "wds"): Options.Path is the manifest, <stem>.json, and the shards are
// <stem>-000000.tar, <stem>-000001.tar, … beside it, Options.ShardSize
// samples each. A sample is the consecutive members KEY.png (x: grey L or
// RGB), KEY.mask.png (the mask when it has one or three channels) or
// KEY.mask.npy (any other shape), KEY.symbol_mask.npy with
// Options.SymbolMask, and KEY.json (the record, ASCII as the HDF5 y), with
// KEY the sample index, zero-padded to at least 6 digits.
//
// Each shard is written, synced and closed in the private temporary
// folder as it fills; Close renames the side files, then the shards, then
// the manifest into place, so until Close a reader sees none of the new
// run (an earlier dataset at the same path stays whole), and the
// manifest, renamed last, marks a complete set. Shards of an earlier set
// beyond the new count are removed before the manifest is renamed.
type WDSWriter struct {
	extras
	tmp       string // the manifest's temporary
	stem      string // <stem> of the shards' names
	size      int    // samples per shard
	keyWidth  int
	maskPNG   bool
	shard     *os.File
	tw        *tar.Writer
	shards    []string // names of the shards, complete or being written
	inShard   int
	committed int64
	writeNS   int64
	encodeNS  int64
	workers   int
}

// CreateWDS checks the options (as Create; Columns are HDF5-only) and
// takes the output's lock. Options.Path should end in ".json".
func CreateWDS(o Options) (*WDSWriter, error) {
	o, err := o.normalize()
	if err != nil {
		return nil, err
	}
	if len(o.Columns) > 0 {
		return nil, fmt.Errorf("%w: %s: typed columns are written only by the HDF5 format", ErrOptions, o.Path)
	}
	if o.ShardSize < 0 {
		return nil, fmt.Errorf("%w: %s: shard size %d", ErrOptions, o.Path, o.ShardSize)
	}
	if o.ShardSize == 0 {
		o.ShardSize = DefaultShardSize
	}
	e, err := openExtras(o)
	if err != nil {
		return nil, err
	}
	base := filepath.Base(e.st.target.Path)
	mc := 1
	if len(o.MaskShape) == 3 {
		mc = o.MaskShape[2]
	}
	w := &WDSWriter{
		extras: e, tmp: e.st.temp(base), stem: strings.TrimSuffix(base, ".json"),
		size: o.ShardSize, keyWidth: max(6, len(strconv.Itoa(o.N-1))),
		maskPNG: mc == 1 || mc == 3, workers: min(runtime.NumCPU(), o.Workers),
	}
	return w, nil
}

// ShardName is the name of shard i of the WebDataset whose manifest is
// named manifest: <stem>-%06d.tar.
func ShardName(manifest string, i int) string {
	return fmt.Sprintf("%s-%06d.tar", strings.TrimSuffix(manifest, ".json"), i)
}

type member struct {
	name string
	data []byte
}

// WriteSamples appends the next samples (as Writer.WriteSamples; no
// columns): the images are encoded on several goroutines, then written
// to the shard in order. A rejected call writes nothing. It copies what
// it keeps, so Samples.Release is called before it returns.
func (w *WDSWriter) WriteSamples(s Samples) error {
	if s.Release != nil {
		defer s.Release()
	}
	recs, err := w.startWrite(s)
	if err != nil {
		return err
	}
	o := w.o
	n := len(recs)
	sx, sm, sk := o.H*o.W*o.C, prod(o.MaskShape), o.H*o.W*o.K
	mc := sm / (o.H * o.W)
	maskHdr := npyHeader("|u1", o.MaskShape)
	symHdr := npyHeader("|u1", []int{o.H, o.W, o.K})
	members := make([][]member, n)
	t0 := time.Now()
	err = par.ForErr(n, w.workers, func(lo, hi int) error {
		for j := lo; j < hi; j++ {
			key := fmt.Sprintf("%0*d", w.keyWidth, w.written+j)
			xp, err := encodePNG(s.X[j*sx:(j+1)*sx], o.H, o.W, o.C)
			if err != nil {
				return err
			}
			ms := []member{{key + ".png", xp}}
			m := s.Mask[j*sm : (j+1)*sm]
			if w.maskPNG {
				mp, err := encodePNG(m, o.H, o.W, mc)
				if err != nil {
					return err
				}
				ms = append(ms, member{key + ".mask.png", mp})
			} else {
				ms = append(ms, member{key + ".mask.npy", append(append([]byte(nil), maskHdr...), m...)})
			}
			if o.SymbolMask {
				ms = append(ms, member{key + ".symbol_mask.npy", append(append([]byte(nil), symHdr...), s.SymbolMask[j*sk:(j+1)*sk]...)})
			}
			members[j] = append(ms, member{key + ".json", recs[j]})
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("%w: %s: encoding PNG: %w", ErrInput, o.Path, err)
	}
	t1 := time.Now()
	w.encodeNS += int64(t1.Sub(t0))
	defer func() { w.writeNS += int64(time.Since(t1)) }()
	for _, ms := range members {
		if w.tw == nil || w.inShard == w.size {
			if err := w.nextShard(); err != nil {
				return err
			}
		}
		for _, m := range ms {
			hdr := &tar.Header{Typeflag: tar.TypeReg, Name: m.name, Mode: 0o644, Size: int64(len(m.data)),
				ModTime: time.Unix(0, 0), Format: tar.FormatUSTAR}
			if err := w.tw.WriteHeader(hdr); err != nil {
				return w.ioErr("write "+w.shards[len(w.shards)-1], err)
			}
			if _, err := w.tw.Write(m.data); err != nil {
				return w.ioErr("write "+w.shards[len(w.shards)-1], err)
			}
		}
		w.inShard++
		w.written++
	}
	return nil
}

// nextShard completes the current shard (tar end, sync, close) and
// starts the next in the private folder.
func (w *WDSWriter) nextShard() error {
	if err := w.endShard(); err != nil {
		return err
	}
	name := ShardName(w.stem, len(w.shards))
	f, err := os.OpenFile(w.st.temp(name), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
	if err != nil {
		return w.ioErr("create "+name, err)
	}
	w.shards = append(w.shards, name)
	w.shard, w.tw, w.inShard = f, tar.NewWriter(f), 0
	return nil
}

func (w *WDSWriter) endShard() error {
	if w.tw == nil {
		return nil
	}
	f, name := w.shard, w.shards[len(w.shards)-1]
	err := w.tw.Close()
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	w.shard, w.tw = nil, nil
	if err != nil {
		return w.ioErr("write "+name, err)
	}
	return nil
}

// wdsManifest is the manifest's content (docs/format.md).
type wdsManifest struct {
	Format    string            `json:"format"`
	N         int               `json:"n"`
	ShardSize int               `json:"shard_size"`
	Shards    []string          `json:"shards"`
	KeyWidth  int               `json:"key_width"`
	Members   map[string]string `json:"members"`
	Shapes    map[string][]int  `json:"shapes"`
	Splits    string            `json:"splits,omitempty"`
	SplitMeta []splitMeta       `json:"split_meta,omitempty"`
	Attrs     map[string]string `json:"attrs"`
}

// Close completes the last shard, writes the manifest and renames the
// side files, the shards and the manifest into place, in that order. It
// fails if fewer than N samples were written or a write failed; then
// nothing is left behind.
func (w *WDSWriter) Close() error {
	if w.closed {
		return fmt.Errorf("%w: Close of %s", ErrClosed, w.o.Path)
	}
	w.closed = true
	defer w.cleanup()
	if err := w.completed(); err != nil {
		return err
	}
	if err := w.endShard(); err != nil {
		return err
	}
	o := w.o
	m := wdsManifest{
		Format: "webdataset", N: o.N, ShardSize: w.size, Shards: w.shards, KeyWidth: w.keyWidth,
		Members: map[string]string{"x": "png", "y": "json", "mask": "mask.npy"},
		Shapes:  map[string][]int{"x": {o.H, o.W, o.C}, "mask": o.MaskShape},
		Attrs:   o.Attrs, SplitMeta: w.splitMeta,
	}
	if w.maskPNG {
		m.Members["mask"] = "mask.png"
	}
	if o.SymbolMask {
		m.Members["symbol_mask"] = "symbol_mask.npy"
		m.Shapes["symbol_mask"] = []int{o.H, o.W, o.K}
	}
	if w.splitsIdx >= 0 && w.splitsF != nil {
		m.Splits = filepath.Base(o.Splits)
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return w.ioErr("manifest", err)
	}
	f, err := os.OpenFile(w.tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
	if err != nil {
		return w.ioErr("manifest", err)
	}
	if err := atomicfile.Fill(f, append(data, '\n'), false); err != nil {
		return w.ioErr("manifest", err)
	}
	if err := w.stage(); err != nil {
		return err
	}
	dir := filepath.Dir(w.st.target.Path)
	var total int64
	err = w.st.commit(w.tmp, func() error {
		for _, name := range w.shards {
			if fi, err := os.Stat(w.st.temp(name)); err == nil {
				total += fi.Size()
			}
			if err := os.Rename(w.st.temp(name), filepath.Join(dir, name)); err != nil {
				return w.ioErr("rename "+name, err)
			}
		}
		// An earlier, larger set's shards past the new last one.
		for i := len(w.shards); ; i++ {
			p := filepath.Join(dir, ShardName(w.stem, i))
			fi, err := os.Lstat(p)
			if err != nil || !fi.Mode().IsRegular() {
				break
			}
			os.Remove(p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	w.committed = total + int64(len(data)+1)
	return nil
}

func (w *WDSWriter) cleanup() {
	if w.shard != nil {
		w.shard.Close()
		w.shard, w.tw = nil, nil
	}
	w.release()
}

// Abort drops everything written; safe at any time, and a no-op after a
// successful Close.
func (w *WDSWriter) Abort() {
	w.closed = true
	w.cleanup()
}

// Stats reports the PNG encoding time (Compress, summed over the
// goroutines' wall time) and the tar writes (HDF5, the field shared with
// the HDF5 writer).
func (w *WDSWriter) Stats() WriterStats {
	return WriterStats{Compress: time.Duration(w.encodeNS), HDF5: time.Duration(w.writeNS), Workers: w.workers}
}

// Size is the bytes committed: the shards and the manifest.
func (w *WDSWriter) Size() int64 { return w.committed }
