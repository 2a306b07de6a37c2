package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"syscall"

	"github.com/synbols-gpu/synbols-gpu/generate"
)

// splitsHelp is the split request language, for split --help and
// generate --split.
const splitsHelp = `A SPEC is random, stratified:ATTR or compositional:ATTR,ATTR, optionally
followed by @TRAIN,VALID,TEST ratios (normalised; default 0.6,0.2,0.2) and
preceded by NAME= (default: random, stratified_ATTR, compositional_A_B, with
"." as "-": stratified_translation-x). Floats (scale, rotation, translation.x,
…) are cut by percentiles: valid below, train between, test above. Codes,
integers and booleans (char, font, is_bold, n_symbols, …) by shuffling their
distinct values. ATTR is one of: `

// cmdSplit adds splits to an existing file (generate.AddSplits).
func cmdSplit(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("split", func(w io.Writer, fs *flag.FlagSet) {
		fmt.Fprint(w, "Usage of synbols-gpu split FILE --add SPEC [--add SPEC …] [--seed S] [--force] [--in-place]: add\nsplits, computed from the typed columns attr/, to an existing .h5py dataset, atomically (the file\nis replaced whole by a copy, or left as it was; --in-place changes it where it lies, undoing a\nfailure at once and a kill at the next run on it).\n\n")
		fmt.Fprint(w, splitsHelp+strings.Join(generate.SplitAttrs(), ", ")+".\n\n")
		printFlags(w, fs)
	})
	var add stringList
	fs.Var(&add, "add", "a split to add (repeatable): random, stratified:ATTR, compositional:A,B, [NAME=]…[@T,V,S]")
	seed := fs.Uint64("seed", 0, "the splits' seed (default: the dataset's, as the file records it)")
	force := fs.Bool("force", false, "replace splits of the same name the file already has")
	inPlace := fs.Bool("in-place", false, "add the splits in the file itself, not in a copy renamed over it: seconds and no free space for a file of any size, but a reader with the file open meanwhile may fail")
	pos, err := parseFlags(fs, args, stdout)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: split: want one FILE, got %d arguments (see 'synbols-gpu split --help')", errUsage, len(pos))
	}
	if len(add) == 0 {
		return fmt.Errorf("%w: split: give at least one --add SPEC (see 'synbols-gpu split --help')", errUsage)
	}
	reqs, err := generate.ParseSplitRequests(add)
	if err != nil {
		return fmt.Errorf("%w: split --add: %w", errUsage, err)
	}
	used, err := generate.AddSplits(ctx, pos[0], reqs, generate.AddSplitsOptions{Seed: *seed, SeedSet: flagSet(fs, "seed"), Force: *force, InPlace: *inPlace})
	if err != nil {
		if errors.Is(err, generate.ErrSplitExists) {
			return fmt.Errorf("%w: %w", errUsage, err)
		}
		if errors.Is(err, syscall.ENOSPC) && !*inPlace {
			return fmt.Errorf("%w (--in-place adds the splits without a copy of the file)", err)
		}
		return err
	}
	names := make([]string, len(reqs))
	for i, r := range reqs {
		names[i] = "split/" + r.SplitName()
	}
	fmt.Fprintf(stdout, "%s: added %s (seed %d)\n", pos[0], strings.Join(names, ", "), used)
	return nil
}
