package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/synbols-gpu/synbols-gpu/generate"
	"github.com/synbols-gpu/synbols-gpu/merge"
)

// cmdMerge joins the shards of one dataset (generate --shard) into the file
// a single run writes (package merge).
func cmdMerge(ctx context.Context, args []string, stdout io.Writer) error {
	start := time.Now()
	fs := newFlags("merge", func(w io.Writer, fs *flag.FlagSet) {
		fmt.Fprint(w, "Usage: synbols-gpu merge [--copy] [--force] OUT SHARD...\n\n"+
			"Joins the shards of one dataset (generate --shard K/N or --range START:END) into OUT, the file\n"+
			"a single run of the same spec and seed writes: x, mask and symbol_mask as HDF5 virtual datasets\n"+
			"over the shards (named relative to OUT's folder: move them together), or with --copy in OUT itself;\n"+
			"y and the typed columns copied, the splits computed over every sample. The shards are only read.\n\n")
		printFlags(w, fs)
	})
	cp := fs.Bool("copy", false, "copy x, mask and symbol_mask into OUT (a self-contained file) instead of virtual datasets over the shards")
	force := fs.Bool("force", false, "replace an existing OUT (and its preview)")
	preview := fs.Bool("preview", true, "write <OUT>_preview.png, the first 100 images, as generate does")
	pos, err := parseFlags(fs, args, stdout)
	if err != nil {
		return err
	}
	if len(pos) < 2 {
		return fmt.Errorf("%w: merge: want OUT and at least one SHARD, got %d arguments (see 'synbols-gpu merge --help')", errUsage, len(pos))
	}
	res, err := merge.Merge(ctx, merge.Options{Out: pos[0], Shards: pos[1:], Copy: *cp, Overwrite: *force, Preview: *preview})
	if err != nil {
		var ee *generate.ExistsError
		if errors.As(err, &ee) {
			return fmt.Errorf("%w: %s exists: give --force to replace it", errUsage, ee.Path)
		}
		return err
	}
	kind := "virtual datasets over the shards"
	if !res.Virtual {
		kind = "copied"
	}
	fmt.Fprintf(stdout, "%s: %d samples from %d shards (x, mask: %s), %s, in %.2f s\n",
		pos[0], res.N, res.Shards, kind, humanBytes(res.Bytes), time.Since(start).Seconds())
	return nil
}

// parseShard reads generate --shard K/N.
func parseShard(s string) (k, n int, err error) {
	a, b, ok := strings.Cut(s, "/")
	k, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || k < 0 || k >= n || !digitsOnly(a) || !digitsOnly(b) {
		return 0, 0, fmt.Errorf("%w: --shard %q: want K/N with 0 <= K < N, e.g. 0/4", errUsage, s)
	}
	return k, n, nil
}

// parseRange reads generate --range START:END.
func parseRange(s string) (generate.Range, error) {
	a, b, ok := strings.Cut(s, ":")
	lo, err1 := strconv.Atoi(a)
	hi, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || lo < 0 || hi <= lo || !digitsOnly(a) || !digitsOnly(b) {
		return generate.Range{}, fmt.Errorf("%w: --range %q: want START:END with 0 <= START < END, e.g. 0:1000", errUsage, s)
	}
	return generate.Range{Start: lo, End: hi}, nil
}

func digitsOnly(s string) bool { return s != "" && len(s) <= 18 && strings.Trim(s, "0123456789") == "" }

// shardFlags resolves --shard and --range against --n_samples: the zero
// Range when neither is given.
func shardFlags(shard, rng string, n int) (generate.Range, error) {
	switch {
	case shard != "" && rng != "":
		return generate.Range{}, fmt.Errorf("%w: --shard and --range: give one", errUsage)
	case shard != "":
		k, m, err := parseShard(shard)
		if err != nil {
			return generate.Range{}, err
		}
		r, err := generate.ShardOf(k, m, n)
		if err != nil {
			return generate.Range{}, fmt.Errorf("%w: --shard %s with --n_samples %d: %s", errUsage, shard, n, strings.TrimPrefix(err.Error(), generate.ErrConfig.Error()+": "))
		}
		return r, nil
	case rng != "":
		r, err := parseRange(rng)
		if err != nil {
			return generate.Range{}, err
		}
		if r.End > n {
			return generate.Range{}, fmt.Errorf("%w: --range %s ends past --n_samples %d", errUsage, rng, n)
		}
		return r, nil
	}
	return generate.Range{}, nil
}
