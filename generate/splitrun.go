package generate

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"github.com/synbols-gpu/synbols-gpu/output"
	"github.com/synbols-gpu/synbols-gpu/splits"
)

// The run's splits (Config.Splits): char and font come from the codes the
// planners keep for every sample (r.chars, r.fontCol; every format has
// them), every other attribute from the typed columns, kept from the
// write stage's batches, the bytes the file gets, so that a split the
// run writes is the one AddSplits computes from the finished file.

// runSplits is Config.Splits resolved: nil means DefaultSplitRequests.
func runSplits(cfg *Config) []SplitRequest {
	if cfg.Splits == nil {
		return DefaultSplitRequests()
	}
	return cfg.Splits
}

// checkRunSplits is setUp's check of Config.Splits: well-formed, and
// attributes other than char and font only where the format has typed
// columns (HDF5).
func checkRunSplits(cfg *Config) error {
	reqs := runSplits(cfg)
	if err := CheckSplitRequests(reqs); err != nil {
		return fmt.Errorf("%w: %w", ErrConfig, err)
	}
	if cfg.Format == output.FormatH5 || cfg.Format == "" {
		return nil
	}
	for _, r := range reqs {
		for _, a := range r.Attrs {
			if a != "char" && a != "font" {
				return fmt.Errorf("%w: split %s: attribute %s needs the typed columns of the HDF5 format (--format %s has none)", ErrConfig, r, a, cfg.Format)
			}
		}
	}
	return nil
}

// keptCol is one typed column's values, kept for the splits.
type keptCol struct {
	sa splitAttr
	f  []float64 // continuous
	i  []int64   // codes, integers, booleans
}

// prepareSplits, at the end of prepare, checks that the spec records every
// attribute the splits use and sets up r.kept for the write stage.
func (r *run) prepareSplits() error {
	if r.cols == nil {
		return nil // no typed columns: checkRunSplits allowed only char and font, or a dry run
	}
	for _, q := range runSplits(&r.cfg) {
		for _, a := range q.Attrs {
			if a == "char" || a == "font" {
				continue
			}
			sa := splitAttrs[a]
			if r.cols.index[sa.col] < 0 {
				return fmt.Errorf("%w: split %s: this run records no %s (no %s column)", ErrConfig, q, a, sa.path)
			}
			if r.kept == nil {
				r.kept = map[string]*keptCol{}
			}
			if r.kept[a] == nil {
				r.kept[a] = &keptCol{sa: sa}
			}
		}
	}
	return nil
}

// keepSplitCols appends the batch's rows of the kept columns, after
// r.cols.code(b) filled its codes.
func (r *run) keepSplitCols(b *batch) {
	for _, k := range r.kept {
		c := r.cols.cols[r.cols.index[k.sa.col]]
		raw := b.cols[r.cols.index[k.sa.col]]
		row := c.Type.Size()
		for _, d := range c.Shape {
			row *= d
		}
		off := 0
		if k.sa.component >= 0 {
			off = k.sa.component * c.Type.Size()
		}
		for j := 0; j+row <= len(raw); j += row {
			v := raw[j+off:]
			switch {
			case k.sa.continuous:
				k.f = append(k.f, math.Float64frombits(binary.LittleEndian.Uint64(v)))
			case k.sa.boolean:
				k.i = append(k.i, int64(v[0]))
			default:
				k.i = append(k.i, int64(int32(binary.LittleEndian.Uint32(v))))
			}
		}
	}
}

// runSource gives the run's columns to partition.
type runSource struct{ r *run }

func (s runSource) attr(name string) (splits.Attr, error) {
	r := s.r
	switch name {
	case "char":
		return splits.Attr{Codes: r.chars, Names: r.charBook.table()}, nil
	case "font":
		return splits.Attr{Codes: r.fontCol, Names: r.fontBook.table()}, nil
	}
	k := r.kept[name]
	if k == nil {
		return splits.Attr{}, fmt.Errorf("%w: split attribute %s was not kept", ErrConfig, name)
	}
	switch {
	case k.sa.continuous:
		return splits.Attr{Continuous: true, Values: k.f}, nil
	case k.sa.values != "":
		codes := make([]int32, len(k.i))
		for i, v := range k.i {
			codes[i] = int32(v)
		}
		book := r.cols.books[2] // the only coded column kept here: alphabet
		return codedAttr(codes, book.names)
	}
	return numberAttr(k.i, k.sa.boolean), nil
}

// runSplit is one split of the run, computed when written.
type runSplit struct {
	name string
	part func() ([]uint8, error)
}

// splitParts lists the run's splits. Without a file (a dry run) only those
// over char and font are computed: the others need typed columns.
func (r *run) splitParts() []runSplit {
	var out []runSplit
	for _, q := range runSplits(&r.cfg) {
		if r.wr == nil && slices.ContainsFunc(q.Attrs, notCharOrFont) {
			continue
		}
		out = append(out, runSplit{name: q.SplitName(), part: func() ([]uint8, error) {
			return partition(q, r.cfg.N, runSource{r}, r.cfg.Seed)
		}})
	}
	return out
}

func charOrFont(a string) bool    { return a == "char" || a == "font" }
func notCharOrFont(a string) bool { return !charOrFont(a) }
