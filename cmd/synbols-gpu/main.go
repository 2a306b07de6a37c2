// Command synbols-gpu generates Synbols datasets: images of Unicode symbols
// in many fonts with every latent attribute recorded, written to HDF5 files
// that the original Synbols loaders read unchanged.
//
//	synbols-gpu generate --dataset default --n_samples 10000 --seed 42
//	synbols-gpu bench
//	synbols-gpu presets
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
)

// errUsage marks command-line mistakes: exit status 2, like package flag.
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
	case errors.Is(err, errUsage):
		fmt.Fprintln(os.Stderr, "synbols-gpu:", strings.TrimPrefix(err.Error(), "usage: "))
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "synbols-gpu:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		usage(stderr)
		return fmt.Errorf("%w: no command given", errUsage)
	}
	switch args[0] {
	case "generate":
		return cmdGenerate(ctx, args[1:], stdout, stderr)
	case "bench":
		return cmdBench(ctx, args[1:], stdout, stderr)
	case "fonts":
		return cmdFonts(ctx, args[1:], stdout, stderr)
	case "presets":
		listPresets(stdout)
		return nil
	case "-h", "-help", "--help", "help":
		usage(stdout)
		return nil
	default:
		usage(stderr)
		return fmt.Errorf("%w: unknown command %q", errUsage, args[0])
	}
}

func usage(w io.Writer) {
	fmt.Fprint(w, `synbols-gpu generates Synbols datasets (Lacoste et al., NeurIPS 2020).

Usage:
  synbols-gpu generate --dataset NAME --n_samples N [--seed S] [--out FILE] [flags]
  synbols-gpu generate --spec FILE.yaml --n_samples N [flags]
  synbols-gpu bench [flags]     images/s of the painting backends and of the whole pipeline
  synbols-gpu presets           the predefined datasets
  synbols-gpu fonts list|check|show|install   the font pool (run 'synbols-gpu fonts help')

Run 'synbols-gpu generate --help' for every flag.

`)
	listPresets(w)
}
