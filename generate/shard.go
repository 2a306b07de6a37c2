package generate

import (
	"fmt"
	"strconv"
	"time"

	"github.com/synbols-gpu/synbols-gpu/output"
)

// Sharded generation: one run writes rows [Start, End) of a dataset of N
// samples to a file of their own (a shard), so that many machines make one
// dataset; synbols-gpu merge (package merge) joins the shards into the file
// a single run writes. Sample i depends only on (spec, seed, i), so a
// shard's rows are those rows of the single run's file; what a shard
// cannot hold is what needs every sample — the splits — which merge
// computes (DefaultSplits).

// Range is a shard of a dataset: rows [Start, End).
type Range struct{ Start, End int }

// ShardOf is shard k of n of a dataset of total samples: rows
// [k·total/n, (k+1)·total/n), integer (floor) arithmetic, so that the n
// shards tile the dataset with sizes differing by at most one.
func ShardOf(k, n, total int) (Range, error) {
	if n < 1 || k < 0 || k >= n {
		return Range{}, fmt.Errorf("%w: shard %d/%d: want 0 <= K < N", ErrConfig, k, n)
	}
	if total < 1 {
		return Range{}, fmt.Errorf("%w: shard %d/%d of %d samples", ErrConfig, k, n, total)
	}
	// In uint64: k·total overflows int only past 2^63, but be exact.
	lo := int(uint64(k) * uint64(total) / uint64(n))
	hi := int(uint64(k+1) * uint64(total) / uint64(n))
	if lo == hi {
		return Range{}, fmt.Errorf("%w: shard %d/%d of %d samples is empty (more shards than samples)", ErrConfig, k, n, total)
	}
	return Range{lo, hi}, nil
}

// The root attributes of a shard (with those of a full file, and SeedAttr
// in both): the dataset's size and the shard's rows, decimal strings.
const (
	SeedAttr       = "seed"
	NTotalAttr     = "n_total"
	ShardStartAttr = "shard_start"
	ShardEndAttr   = "shard_end"
)

// shardSetUp turns a Config with a Shard into the run of its rows
// (cfg.Start, cfg.N), returning the dataset's size; 0 without a Shard.
func shardSetUp(cfg *Config) (total int, err error) {
	if cfg.Shard == (Range{}) {
		return 0, nil
	}
	s := cfg.Shard
	if s.Start < 0 || s.End <= s.Start || s.End > cfg.N {
		return 0, fmt.Errorf("%w: shard rows [%d, %d): want 0 <= start < end <= n_samples (%d)", ErrConfig, s.Start, s.End, cfg.N)
	}
	if cfg.Start != 0 {
		return 0, fmt.Errorf("%w: start %d with a shard: the shard's range says where it starts", ErrConfig, cfg.Start)
	}
	f, err := output.ParseFormat(string(cfg.Format))
	if err != nil {
		return 0, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	if f != output.FormatH5 {
		return 0, fmt.Errorf("%w: a shard is an HDF5 file (format h5), not %s: synbols-gpu merge joins HDF5 shards", ErrConfig, f)
	}
	if cfg.Preview {
		return 0, fmt.Errorf("%w: a shard has no preview (the preview shows the dataset's first images)", ErrConfig)
	}
	total = cfg.N
	cfg.Start, cfg.N = s.Start, s.End-s.Start
	return total, nil
}

// addRunAttrs adds the seed, and a shard's rows, to the root attributes.
func (r *run) addRunAttrs(attrs map[string]string) {
	attrs[SeedAttr] = strconv.FormatUint(r.cfg.Seed, 10)
	attrs[SplitRequestsAttr] = encodeSplitRequests(runSplits(&r.cfg))
	if r.total == 0 {
		return
	}
	attrs[NTotalAttr] = strconv.Itoa(r.total)
	attrs[ShardStartAttr] = strconv.Itoa(r.cfg.Start)
	attrs[ShardEndAttr] = strconv.Itoa(r.cfg.Start + r.cfg.N)
}

// finishShard commits a shard: its value lists, no splits (they need the
// whole dataset: merge writes them).
func (r *run) finishShard(res *Result) (commitTime time.Duration, err error) {
	for i, book := range r.cols.books {
		if err := r.wr.(*output.Writer).WriteValues(r.cols.named[i], book.names); err != nil {
			return 0, err
		}
	}
	t := time.Now()
	if err := r.wr.Close(); err != nil {
		return 0, err
	}
	res.Bytes = r.wr.Size()
	return time.Since(t), nil
}
