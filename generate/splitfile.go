package generate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/synbols-gpu/synbols-gpu/internal/hdf5"
	"github.com/synbols-gpu/synbols-gpu/output"
	"github.com/synbols-gpu/synbols-gpu/splits"
)

// ErrSplitFile is wrapped when splits cannot be computed from, or added
// to, a file: not a dataset, no typed column for the attribute, no seed,
// (a split of that name already there is ErrSplitExists).
var ErrSplitFile = errors.New("generate: cannot add splits")

// ErrSplitExists is wrapped by AddSplits when the file already has a
// requested split and AddSplitsOptions.Force is not set.
var ErrSplitExists = errors.New("generate: split exists")

// AddSplitsOptions tune AddSplits.
type AddSplitsOptions struct {
	// Seed is the splits' seed when SeedSet; otherwise the file's: its
	// root attribute seed if it records one, else the seed attribute of
	// its split/random (or, without one, of its first split by name).
	Seed    uint64
	SeedSet bool
	// Force replaces splits the file already has; without it a request
	// for an existing name fails with ErrSplitFile before anything is
	// written.
	Force bool
	// InPlace adds the splits in the file where it lies instead of in a
	// copy renamed over it (output.AddSplitsInPlace): seconds and no free
	// space for any size of file, but a reader that has it open meanwhile
	// may fail, and a kill is undone only by the next run on the file.
	InPlace bool
}

// AddSplits computes the requested splits from the typed columns of the
// HDF5 dataset at path and adds them (output.AddSplits: atomically, the
// file replaced whole or left as it was). Every partition is computed
// before the file is touched, so a request the file cannot serve changes
// nothing. The partitions are those generate --split writes for the same
// requests and seed. It returns the seed used. Cancelling ctx before the
// file is replaced (an interrupt) leaves it as it was.
func AddSplits(ctx context.Context, path string, reqs []SplitRequest, o AddSplitsOptions) (uint64, error) {
	if len(reqs) == 0 {
		return 0, fmt.Errorf("%w: %s: no split requested", ErrSplitRequest, path)
	}
	if err := CheckSplitRequests(reqs); err != nil {
		return 0, err
	}
	// A killed in-place change first: the splits are computed from the
	// file's columns, which it may have left unreadable.
	if err := output.RecoverInPlace(path); err != nil {
		return 0, err
	}
	parts, seed, err := computeFileSplits(path, reqs, o)
	if err != nil {
		return 0, err
	}
	add := output.AddSplits
	if o.InPlace {
		add = output.AddSplitsInPlace
	}
	if err := add(ctx, path, parts, o.Force); err != nil {
		if errors.Is(err, output.ErrSplitExists) {
			return 0, fmt.Errorf("%w: %w", ErrSplitExists, err)
		}
		return 0, err
	}
	return seed, nil
}

// computeFileSplits reads what the requests need from the file, read-only.
func computeFileSplits(path string, reqs []SplitRequest, o AddSplitsOptions) ([]output.Split, uint64, error) {
	f, err := hdf5.Open(path)
	if err != nil {
		return nil, 0, fmt.Errorf("%w: %w", ErrSplitFile, err) // hdf5's errors name the file (and a foreign one's format)
	}
	defer f.Close()
	y, err := f.OpenDataset("y")
	if err != nil {
		return nil, 0, fmt.Errorf("%w: %s: no y dataset: not a Synbols file", ErrSplitFile, path)
	}
	dims := y.Dims()
	y.Close()
	if len(dims) != 1 {
		return nil, 0, fmt.Errorf("%w: %s: y has shape %v, want (N,)", ErrSplitFile, path, dims)
	}
	n := int(dims[0])
	var existing []string
	if ok, err := f.Exists("split"); err != nil {
		return nil, 0, fmt.Errorf("%w: %s: %w", ErrSplitFile, path, err)
	} else if ok {
		if existing, err = f.Members("split"); err != nil {
			return nil, 0, fmt.Errorf("%w: %s: %w", ErrSplitFile, path, err)
		}
	}
	if !o.Force {
		for _, r := range reqs {
			if slices.Contains(existing, r.SplitName()) {
				return nil, 0, fmt.Errorf("%w: %s already has split/%s (--force replaces it)", ErrSplitExists, path, r.SplitName())
			}
		}
	}
	seed := o.Seed
	if !o.SeedSet {
		if seed, err = fileSeed(f, path, existing); err != nil {
			return nil, 0, err
		}
	}
	src := &fileSource{f: f, path: path, cache: map[string]splits.Attr{}}
	out := make([]output.Split, 0, len(reqs))
	for _, r := range reqs {
		p, err := partition(r, n, src, seed)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, output.Split{Name: r.SplitName(), Part: p, Seed: int64(seed)})
	}
	return out, seed, nil
}

// fileSeed is the dataset's seed as the file records it: a root
// attribute seed (integer, or a decimal string), else the seed attribute
// of split/random, else of the first split with one.
func fileSeed(f *hdf5.File, path string, existing []string) (uint64, error) {
	if v, err := f.AttrInt64("seed"); err == nil {
		return uint64(v), nil
	}
	if s, err := f.AttrString("seed"); err == nil {
		if v, err := strconv.ParseUint(s, 10, 64); err == nil {
			return v, nil
		}
	}
	order := existing
	if slices.Contains(existing, "random") {
		order = append([]string{"random"}, existing...)
	}
	for _, name := range order {
		d, err := f.OpenDataset("split/" + name)
		if err != nil {
			continue
		}
		v, err := d.AttrInt64("seed")
		d.Close()
		if err == nil {
			// The seed attribute is the uint64 seed as int64 (docs).
			return uint64(v), nil
		}
	}
	return 0, fmt.Errorf("%w: %s records no seed (no root seed, no split with one): give --seed", ErrSplitFile, path)
}

// fileSource reads attributes from a file's typed columns, caching them.
// Not safe for concurrent use (nor is the File).
type fileSource struct {
	f     *hdf5.File
	path  string
	cache map[string]splits.Attr
}

func (s *fileSource) attr(name string) (splits.Attr, error) {
	if a, ok := s.cache[name]; ok {
		return a, nil
	}
	a, err := s.read(name)
	if err == nil {
		s.cache[name] = a
	}
	return a, err
}

func (s *fileSource) read(name string) (splits.Attr, error) {
	sa := splitAttrs[name]
	missing := func(p string) error {
		return fmt.Errorf("%w: %s has no typed column %s (for %s): files of the original, or of runs without typed columns, hold only y", ErrSplitFile, s.path, p, name)
	}
	ok, err := s.f.Exists(sa.path)
	if err != nil {
		return splits.Attr{}, fmt.Errorf("%w: %s: %w", ErrSplitFile, s.path, err)
	}
	if !ok {
		return splits.Attr{}, missing(sa.path)
	}
	d, err := s.f.OpenDataset(sa.path)
	if err != nil {
		return splits.Attr{}, fmt.Errorf("%w: %s: %w", ErrSplitFile, s.path, err)
	}
	defer d.Close()
	dims := d.Dims()
	wantRank := 1
	if sa.component >= 0 {
		wantRank = 2
	}
	if len(dims) != wantRank || (wantRank == 2 && dims[1] <= uint64(sa.component)) {
		return splits.Attr{}, fmt.Errorf("%w: %s: %s has shape %v", ErrSplitFile, s.path, sa.path, dims)
	}
	start, count := []uint64{0}, []uint64{dims[0]}
	if wantRank == 2 {
		start, count = []uint64{0, uint64(sa.component)}, []uint64{dims[0], 1}
	}
	bad := func(err error) (splits.Attr, error) {
		return splits.Attr{}, fmt.Errorf("%w: %s: %s: %w", ErrSplitFile, s.path, sa.path, err)
	}
	switch {
	case sa.continuous:
		v, err := d.ReadFloat64(start, count)
		if err != nil {
			return bad(err)
		}
		return splits.Attr{Continuous: true, Values: v}, nil
	case sa.boolean:
		v, err := d.ReadUint8(start, count)
		if err != nil {
			return bad(err)
		}
		return numberAttr(widen(v), true), nil
	}
	codes, err := d.ReadInt32(start, count)
	if err != nil {
		return bad(err)
	}
	if sa.values == "" {
		return numberAttr(widen(codes), false), nil
	}
	if ok, err := s.f.Exists(sa.values); err != nil || !ok {
		return splits.Attr{}, missing(sa.values)
	}
	vd, err := s.f.OpenDataset(sa.values)
	if err != nil {
		return bad(err)
	}
	defer vd.Close()
	vdims := vd.Dims()
	if len(vdims) != 1 {
		return splits.Attr{}, fmt.Errorf("%w: %s: %s has shape %v", ErrSplitFile, s.path, sa.values, vdims)
	}
	names, err := vd.ReadStrings(0, vdims[0])
	if err != nil {
		return bad(err)
	}
	a, err := codedAttr(codes, names)
	if err != nil {
		return splits.Attr{}, fmt.Errorf("%s: %s: %w", s.path, sa.path, err)
	}
	return a, nil
}

// widen converts a column's integers to int64.
func widen[T uint8 | int32](v []T) []int64 {
	out := make([]int64, len(v))
	for i, x := range v {
		out[i] = int64(x)
	}
	return out
}
