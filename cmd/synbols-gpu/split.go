package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

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
		fmt.Fprint(w, "Usage of synbols-gpu split FILE --add SPEC [--add SPEC …] [--seed S] [--force]: add splits,\ncomputed from the typed columns attr/, to an existing .h5py dataset, atomically (the file is\nreplaced whole or left as it was).\n\n")
		fmt.Fprint(w, splitsHelp+strings.Join(generate.SplitAttrs(), ", ")+".\n\n")
		printFlags(w, fs)
	})
	var add stringList
	fs.Var(&add, "add", "a split to add (repeatable): random, stratified:ATTR, compositional:A,B, [NAME=]…[@T,V,S]")
	seed := fs.Uint64("seed", 0, "the splits' seed (default: the dataset's, as the file records it)")
	force := fs.Bool("force", false, "replace splits of the same name the file already has")
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
	used, err := generate.AddSplits(ctx, pos[0], reqs, generate.AddSplitsOptions{Seed: *seed, SeedSet: flagSet(fs, "seed"), Force: *force})
	if err != nil {
		if errors.Is(err, generate.ErrSplitExists) {
			return fmt.Errorf("%w: %w", errUsage, err)
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
