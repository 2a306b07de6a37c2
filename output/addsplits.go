package output

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/synbols-gpu/synbols-gpu/internal/atomicfile"
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
	st, err := stageSplits(path, s)
	if err != nil {
		return err
	}
	defer st.cleanup()
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

// In-place additions (AddSplitsInPlace) keep, in their private folder
// beside the file, the file's size before the change (inPlaceSize, written
// and synced first) and the undo log of the open (inPlaceUndo): what a
// later run on the same output, under its lock, needs to give the file
// back as it was when this one was killed (recoverInPlace).
const (
	inPlaceSize = "in-place-size"
	inPlaceUndo = "in-place-undo"
)

// AddSplitsInPlace is AddSplits without the copy: the file is opened for
// writing where it lies, with a durable undo log (hdf5.OpenGuardedDurable)
// and its metadata held until the close, so the new splits' bytes go past
// its end and the old ones are rewritten only by the close. It costs the
// splits' bytes instead of the file's, in time and in space, which for a
// file of tens of gigabytes is the difference between seconds and
// minutes (and twice its size free).
//
// A failure or an interrupt is undone at once; a kill, the machine's crash
// included, by the next run that writes the same output (split, generate,
// merge), under its lock, from the log it left (RecoverInPlace for a
// caller that reads the file first). What it gives up:
//   - a reader that has the file open while it runs may fail or see the
//     old splits (AddSplits' readers keep the old file whole);
//   - the file is the same inode, so hard links see the change;
//   - a file killed during the close may not read until that next run
//     (InterruptedInPlace tells readers).
func AddSplitsInPlace(ctx context.Context, path string, s []Split, replace bool) (err error) {
	st, err := stageSplits(path, s)
	if err != nil {
		return err
	}
	defer st.cleanup()
	fi, err := os.Stat(st.target.Path)
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrIO, path, err)
	}
	size := uint64(fi.Size())
	// The size first, durable with its folder entry, so that the undo log
	// is never found without the size to roll back to.
	if err := atomicfile.Write(st.temp(inPlaceSize), []byte(strconv.FormatUint(size, 10)+"\n"), atomicfile.Options{Perm: 0o600}); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrIO, path, err)
	}
	undo := st.temp(inPlaceUndo)
	f, err := hdf5.OpenGuardedDurable(st.target.Path, undo)
	if err != nil {
		return errors.Join(fmt.Errorf("%w: %s: %w", ErrIO, path, err), st.rollBackInPlace(size))
	}
	werr := f.HoldMetadata()
	if werr == nil {
		werr = addSplits(f, path, s, replace)
	}
	if werr == nil && ctx.Err() != nil {
		werr = context.Cause(ctx)
	}
	if cerr := f.Close(); werr == nil && cerr != nil {
		werr = fmt.Errorf("%w: %s: close: %w", ErrIO, path, cerr)
	}
	if werr == nil {
		if err := syncFile(st.target.Path); err != nil {
			werr = fmt.Errorf("%w: %s: sync: %w", ErrIO, path, err)
		}
	}
	if werr == nil {
		return nil // cleanup removes the log: the change is made
	}
	return errors.Join(werr, st.rollBackInPlace(size))
}

// rollBackInPlace gives the target back its bytes as they were at the
// in-place open, from the undo log in the private folder. If that fails
// the folder is kept, for the next run's removeStale to try again.
func (s *staging) rollBackInPlace(size uint64) error {
	if _, err := os.Stat(s.temp(inPlaceUndo)); errors.Is(err, os.ErrNotExist) {
		return nil // the open failed before it wrote anything
	}
	if err := hdf5.RollBack(s.target.Path, size, s.temp(inPlaceUndo)); err != nil {
		keep := s.tmpDir
		s.tmpDir = "" // cleanup keeps it
		return fmt.Errorf("%w: %s: the change could not be undone (%w); the undo log is kept in %s, and the next split, generate or merge on this file applies it", ErrIO, s.target.Given, err, keep)
	}
	return nil
}

// recoverInPlace, under the output's lock, rolls target back from what a
// killed AddSplitsInPlace left in its private folder dir. It reports
// whether dir held such a change; on an error dir must be kept.
func recoverInPlace(dir, target string) (bool, error) {
	b, err := os.ReadFile(filepath.Join(dir, inPlaceSize))
	if errors.Is(err, os.ErrNotExist) {
		return false, nil // killed before the size was written: nothing changed
	}
	if err != nil {
		return true, err
	}
	size, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		return true, fmt.Errorf("%s: %q is not a size", filepath.Join(dir, inPlaceSize), b)
	}
	if _, err := os.Stat(filepath.Join(dir, inPlaceUndo)); errors.Is(err, os.ErrNotExist) {
		return true, nil // killed before the open: nothing changed
	}
	return true, hdf5.RollBack(target, size, filepath.Join(dir, inPlaceUndo))
}

// stageSplits checks s and takes the existing file at path for a change
// (openStaging: its lock, a killed change undone, a private folder).
func stageSplits(path string, s []Split) (*staging, error) {
	if err := checkSplits(path, s); err != nil {
		return nil, err
	}
	st, err := openStaging(path, nil)
	if err != nil {
		return nil, err
	}
	if !st.target.Exist {
		st.cleanup()
		return nil, fmt.Errorf("%w: %s: %w", ErrIO, path, os.ErrNotExist)
	}
	return st, nil
}

// checkSplits refuses names and partitions no file should hold.
func checkSplits(path string, s []Split) error {
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
	return nil
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

// InterruptedInPlace returns the private folder that an in-place change
// of the file at path (AddSplitsInPlace) left when it was killed, "" if
// there is none, or if the change is still running (its lock is held).
// Until the next writer of the file undoes it from that folder's log, a
// file killed in the middle of its close may not read: readers (info,
// view) say so.
func InterruptedInPlace(path string) string {
	t, err := ResolveTarget(path)
	if err != nil || !t.Exist {
		return ""
	}
	dir, base := filepath.Dir(t.Path), filepath.Base(t.Path)
	matches, _ := filepath.Glob(filepath.Join(dir, globEscape(tempPrefix(base))+"*"))
	for _, m := range matches {
		if _, err := os.Stat(filepath.Join(m, inPlaceUndo)); err != nil {
			continue
		}
		if l, err := os.OpenFile(filepath.Join(dir, lockName(base)), os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0); err == nil {
			busy := syscall.Flock(int(l.Fd()), syscall.LOCK_SH|syscall.LOCK_NB) != nil
			l.Close()
			if busy {
				return "" // the change is running, not interrupted
			}
		}
		return m
	}
	return ""
}

// RecoverInPlace undoes, under the file's lock, an in-place change of
// the file at path that was killed (InterruptedInPlace), as every writer
// of it does first: for a caller that reads the file before it writes it
// (split --add computes the splits from the file's columns).
func RecoverInPlace(path string) error {
	if InterruptedInPlace(path) == "" {
		return nil
	}
	st, err := openStaging(path, nil)
	if err != nil {
		return err
	}
	st.cleanup()
	return nil
}
