package output

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/synbols-gpu/synbols-gpu/internal/hdf5"
)

// ErrSplitExists is wrapped by AddSplits when a split of the same name is
// already in the file and replace is false.
var ErrSplitExists = errors.New("output: split already in the file")

// AddSplits adds the splits s to the existing HDF5 dataset at path, as
// split/<name> and split_index/<name>/… exactly as WriteSplits stores
// them. A split whose name the file already has is refused
// (ErrSplitExists) unless replace, which removes the old one first.
//
// The file is never changed where it lies: it is copied into a private
// folder beside it (under the output's lock, as a run's file is
// written), the copy is opened and extended, closed, synced and renamed
// over path, so a reader sees the old file or the new one, and a failure
// or a kill leaves the old file as it was (a killed run's folder is
// removed by the next run on the same output). The copy needs as much
// free space as the file. A replaced split's space is mostly reused
// (libhdf5 hands freed blocks to later allocations of the same session):
// replacing a split of 20,000 samples grew the file by about 5 KB of
// metadata each time, against 104 KB for the split itself. A ctx cancelled
// before the rename (an interrupt) stops it with ctx's error and the file
// unchanged.
func AddSplits(ctx context.Context, path string, s []Split, replace bool) (err error) {
	for _, sp := range s {
		if sp.Name == "" || sp.Name == "." || sp.Name == ".." || strings.ContainsAny(sp.Name, "/\x00") {
			return fmt.Errorf("%w: %s: invalid split name %q", ErrInput, path, sp.Name)
		}
		if strings.IndexByte(sp.Timestamp, 0) >= 0 {
			return fmt.Errorf("%w: %s: split %q: NUL byte in timestamp", ErrInput, path, sp.Name)
		}
		for i, p := range sp.Part {
			if p > 2 {
				return fmt.Errorf("%w: %s: split %q: sample %d in partition %d, want 0..2", ErrInput, path, sp.Name, i, p)
			}
		}
	}
	st, err := openStaging(path, nil)
	if err != nil {
		return err
	}
	defer st.cleanup()
	if !st.target.Exist {
		return fmt.Errorf("%w: %s: %w", ErrIO, path, os.ErrNotExist)
	}
	tmp := st.temp(filepath.Base(st.target.Path))
	if err := copyFile(ctx, st.target.Path, tmp); err != nil {
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		return fmt.Errorf("%w: %s: copy: %w", ErrIO, path, err)
	}
	f, err := hdf5.OpenRW(tmp)
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrIO, path, err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("%w: %s: close: %w", ErrIO, path, cerr)
		}
		if err == nil && ctx.Err() != nil {
			err = context.Cause(ctx)
		}
		if err == nil {
			err = st.commit(tmp, nil)
		}
	}()
	return addSplits(f, path, s, replace)
}

// addSplits is AddSplits on the open copy f.
func addSplits(f *hdf5.File, path string, s []Split, replace bool) error {
	y, err := f.OpenDataset("y")
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrInput, path, err)
	}
	n := int(y.Dims()[0])
	y.Close()
	w := &Writer{f: f, o: Options{Path: path, N: n, Level: 1}, groups: map[string]bool{}}
	for _, g := range []string{"split", "split_index"} {
		ok, err := f.Exists(g)
		if err != nil {
			return w.ioErr("look up "+g, err)
		}
		w.groups[g] = ok
	}
	if !w.groups["split"] {
		if err := w.ensureGroups("split/x"); err != nil {
			return err
		}
	}
	stamp, err := Stamp()
	if err != nil {
		return err
	}
	for _, sp := range s {
		if len(sp.Part) != n {
			return fmt.Errorf("%w: %s: split %q has %d entries, want N=%d", ErrInput, path, sp.Name, len(sp.Part), n)
		}
		for _, p := range []string{"split/" + sp.Name, "split_index/" + sp.Name} {
			ok, err := f.Exists(p)
			if err != nil {
				return w.ioErr("look up "+p, err)
			}
			if !ok {
				continue
			}
			if !replace {
				return fmt.Errorf("%w: %s: %s", ErrSplitExists, path, p)
			}
			if err := f.Delete(p); err != nil {
				return w.ioErr("remove "+p, err)
			}
		}
		data := make([]bool, 3*n)
		for i, p := range sp.Part {
			data[3*i+int(p)] = true
		}
		ts := sp.Timestamp
		if ts == "" {
			ts = stamp
		}
		p := "split/" + sp.Name
		d, err := f.CreateBool(p, []uint64{uint64(n), 3}, data)
		if err != nil {
			return w.ioErr("create "+p, err)
		}
		if err := errors.Join(d.SetAttrInt64("seed", sp.Seed), d.SetAttrString("timestamp", ts), d.Close()); err != nil {
			return w.ioErr("write "+p, err)
		}
		if err := w.writeSplitIndex(sp.Name, sp.Part); err != nil {
			return err
		}
	}
	return nil
}

// copyFile copies src to the new file dst (created, mode 0600 until the
// commit gives it the target's mode), synced by the commit. It stops
// between blocks of 64 MiB once ctx is done.
func copyFile(ctx context.Context, src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	// io.CopyN uses copy_file_range where the kernel has it: on file
	// systems that share extents the copy costs almost nothing.
	for err == nil {
		if err = ctx.Err(); err != nil {
			break
		}
		_, err = io.CopyN(out, in, 64<<20)
	}
	if err == io.EOF {
		err = nil
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}
