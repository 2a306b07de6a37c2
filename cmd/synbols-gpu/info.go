package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/synbols-gpu/synbols-gpu/inspect"
	"github.com/synbols-gpu/synbols-gpu/output"
)

// cmdInfo prints a dataset file's summary (inspect.Summary).
func cmdInfo(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("info", func(w io.Writer, fs *flag.FlagSet) {
		fmt.Fprint(w, "Usage of synbols-gpu info FILE [flags]: a dataset's samples, images, masks, fonts, splits and\nper-attribute statistics (from the typed columns attr/, or the records y in the original's files).\n")
		printFlags(w, fs)
	})
	full := fs.Bool("spec", false, "print the whole spec, not its first lines")
	asJSON := fs.Bool("json", false, "write the summary as JSON (counts and statistics unrounded)")
	pos, err := parseFlags(fs, args, stdout)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: info: want one FILE, got %d arguments (see 'synbols-gpu info --help')", errUsage, len(pos))
	}
	warnInterrupted(stderr, pos[0])
	f, err := inspect.Open(pos[0])
	if err != nil {
		return err
	}
	defer f.Close()
	s, err := f.Summarise()
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(s)
	}
	return s.WriteText(stdout, *full)
}

// attrError makes an unknown attribute name a usage error (exit 2): the
// message lists the names the file has.
func attrError(cmd string, err error) error {
	if errors.Is(err, inspect.ErrUnknownAttribute) {
		return fmt.Errorf("%w: %s: %w", errUsage, cmd, err)
	}
	return err
}

// warnInterrupted says, before a reader opens the dataset at path, that a
// killed split --in-place left a change to undo (output.InterruptedInPlace):
// the file may not read until then, and what undoes it.
func warnInterrupted(stderr io.Writer, path string) {
	if dir := output.InterruptedInPlace(path); dir != "" {
		fmt.Fprintf(stderr, "synbols-gpu: warning: %s: a split --in-place was killed and its undo log is in %s: the next split, generate or merge on the file undoes it (until then the file may not read)\n", path, dir)
	}
}
