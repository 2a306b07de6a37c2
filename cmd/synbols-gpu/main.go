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
	"math"
	"os"
	"os/signal"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/synbols-gpu/synbols-gpu/generate"
	"github.com/synbols-gpu/synbols-gpu/spec"
)

// errUsage marks command-line mistakes: exit status 2, like package flag.
var errUsage = errors.New("usage")

// interrupted is the cancellation cause when a signal stops the run.
type interrupted struct{ sig syscall.Signal }

func (i *interrupted) Error() string { return "interrupted (" + signalName(i.sig) + ")" }

// stopSignals are what a user, timeout(1), Slurm, Kubernetes, systemd and
// a closed terminal send to stop a process: each cancels the run, which
// then removes what it had begun and exits 128+signal like a shell.
var stopSignals = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP}

func signalName(s syscall.Signal) string {
	switch s {
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGHUP:
		return "SIGHUP"
	}
	return s.String()
}

func main() {
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, stopSignals...)
	go func() {
		s := (<-sigs).(syscall.Signal)
		cancel(&interrupted{s})
		// A second signal means the user will not wait for the clean-up
		// (a driver stuck in a call, say): leave now. What is left is
		// only the run's private temporary folder, which the next run on
		// the same output removes.
		s = (<-sigs).(syscall.Signal)
		fmt.Fprintln(os.Stderr, "synbols-gpu: interrupted again ("+signalName(s)+"), exiting without clean-up")
		os.Exit(128 + int(s))
	}()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	if code, msg, ok := interruptedExit(err, context.Cause(ctx)); ok {
		fmt.Fprintln(os.Stderr, msg)
		os.Exit(code)
	}
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
	case errors.Is(err, errUsage):
		fmt.Fprintln(os.Stderr, "synbols-gpu:", strings.TrimPrefix(err.Error(), "usage: "))
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "synbols-gpu:", firstLine(err.Error()))
		var pe *generate.PanicError
		if errors.As(err, &pe) && os.Getenv("SYNBOLS_DEBUG") != "" {
			os.Stderr.Write(pe.Stack)
		}
		os.Exit(1)
	}
}

// interruptedExit decides the exit of a command whose context a signal
// cancelled (cause): the exit code and the line for stderr, and ok; not ok
// when no signal came. A command that had finished its work when the
// signal arrived (err nil: a dataset complete and in place) exits 0 with a
// note, so that a scheduler's SIGTERM at the very end does not mark a
// complete dataset as failed.
func interruptedExit(err, cause error) (code int, msg string, ok bool) {
	var intr *interrupted
	if !errors.As(cause, &intr) {
		return 0, "", false
	}
	if err == nil {
		return 0, "synbols-gpu: " + intr.Error() + " after the work was complete; its output is kept", true
	}
	var se *generate.SuspendedError
	if errors.As(err, &se) {
		// The run kept its checkpointed samples (generate --resume).
		return 128 + int(intr.sig), fmt.Sprintf("synbols-gpu: %s after %s of %s samples; run the same command with --resume to continue",
			intr.Error(), thousands(se.Done), thousands(se.N)), true
	}
	return 128 + int(intr.sig), "synbols-gpu: " + intr.Error(), true
}

// firstLine keeps error messages to one line: a library message with a
// newline (a C library's multi-line text) is cut, with a mark.
func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " […]"
	}
	return s
}

// newFlags makes a sub-command's flag set. Parse errors are returned, not
// printed with the whole usage: parseArgs reports them in one line.
func newFlags(name string, usage func(w io.Writer, fs *flag.FlagSet)) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	if usage == nil {
		usage = func(w io.Writer, fs *flag.FlagSet) {
			fmt.Fprintf(w, "Usage of synbols-gpu %s:\n", name)
			printFlags(w, fs)
		}
	}
	helpers[fs] = usage
	return fs
}

var helpers = map[*flag.FlagSet]func(io.Writer, *flag.FlagSet){}

// boolFlag is what package flag's boolean flags implement.
type boolFlag interface{ IsBoolFlag() bool }

// addNegations defines --no-X for every boolean flag --X of fs (once).
func addNegations(fs *flag.FlagSet) {
	var bools []*flag.Flag
	fs.VisitAll(func(f *flag.Flag) {
		if b, ok := f.Value.(boolFlag); ok && b.IsBoolFlag() && fs.Lookup("no-"+f.Name) == nil && !strings.HasPrefix(f.Name, "no-") {
			bools = append(bools, f)
		}
	})
	for _, f := range bools {
		fs.BoolFunc("no-"+f.Name, "", func(s string) error {
			if s != "true" {
				return fmt.Errorf("--no-%s takes no value", f.Name)
			}
			return f.Value.Set("false")
		})
	}
}

// hidden are the alternative spellings printFlags leaves out: --no-X
// (mentioned with --X) and aliases defined with an empty usage.
func hidden(f *flag.Flag) bool { return f.Usage == "" }

// printFlags lists the flags as --flag, as the README writes them.
func printFlags(w io.Writer, fs *flag.FlagSet) {
	fs.SetOutput(w)
	defer fs.SetOutput(io.Discard)
	fs.VisitAll(func(f *flag.Flag) {
		if hidden(f) {
			return
		}
		name, usage := flag.UnquoteUsage(f)
		line := "  --" + f.Name
		if name != "" {
			line += " " + name
		}
		fmt.Fprintf(w, "%s\n    \t%s", line, strings.ReplaceAll(usage, "\n", "\n    \t"))
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			fmt.Fprintf(w, " (default %s)", f.DefValue)
		}
		if b, ok := f.Value.(boolFlag); ok && b.IsBoolFlag() && f.DefValue == "true" {
			fmt.Fprintf(w, "; --no-%s turns it off", f.Name)
		}
		fmt.Fprintln(w)
	})
}

// parseArgs parses args with fs; --help prints the sub-command's usage to
// stdout and returns flag.ErrHelp; a mistake is one line naming it and
// where to read more. Every boolean flag --X also takes the form --no-X,
// as --X=false.
func parseArgs(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	addNegations(fs)
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		helpers[fs](stdout, fs)
		return err
	}
	if err != nil {
		return fmt.Errorf("%w: %s: %s (see 'synbols-gpu %s --help')", errUsage, fs.Name(), flagMessage(fs, err), fs.Name())
	}
	return nil
}

// Package flag's messages, which name flags with one dash and say
// "parse error" of a number.
var (
	flagInvalid   = regexp.MustCompile(`^invalid (?:boolean )?value (".*") for (?:flag )?-(\S+): (.*)$`)
	flagUndefined = regexp.MustCompile(`^flag provided but not defined: -+(\S+)$`)
	flagNoValue   = regexp.MustCompile(`^flag needs an argument: -+(\S+)$`)
)

// flagMessage is err, a mistake package flag found in fs's arguments, in
// the tool's words: flags with two dashes, and for a value that does not
// parse, what the flag wants.
func flagMessage(fs *flag.FlagSet, err error) string {
	msg := err.Error()
	if m := flagUndefined.FindStringSubmatch(msg); m != nil {
		return "unknown flag --" + m[1]
	}
	if m := flagNoValue.FindStringSubmatch(msg); m != nil {
		return "--" + m[1] + " needs a value"
	}
	m := flagInvalid.FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	value, name, why := m[1], m[2], m[3]
	var g flag.Getter
	if f := fs.Lookup(name); f != nil {
		g, _ = f.Value.(flag.Getter)
	}
	if g == nil {
		return "--" + name + " " + value + ": " + why
	}
	rangeErr := strings.Contains(why, "out of range")
	switch g.Get().(type) {
	case uint64, uint:
		why = "want a whole number ≥ 0"
		if rangeErr {
			why = fmt.Sprintf("out of range: at most %d", uint64(math.MaxUint64))
		}
	case int, int64:
		why = "want a whole number"
		if rangeErr {
			why = "out of range for a 64-bit integer"
		}
	case float64:
		why = "want a number"
	case time.Duration:
		why = "want a duration, e.g. 2s or 500ms"
	case bool:
		why = "want true or false"
	}
	return "--" + name + " " + value + ": " + why
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		usage(stderr)
		return fmt.Errorf("%w: no command given", errUsage)
	}
	switch args[0] {
	case "generate":
		return cmdGenerate(ctx, args[1:], stdout, stderr)
	case "stream":
		return cmdStream(ctx, args[1:], stdout, stderr)
	case "bench":
		return cmdBench(ctx, args[1:], stdout, stderr)
	case "fonts":
		return cmdFonts(ctx, args[1:], stdout, stderr)
	case "presets":
		return cmdPresets(args[1:], stdout)
	case "info":
		return cmdInfo(args[1:], stdout, stderr)
	case "merge":
		return cmdMerge(ctx, args[1:], stdout)
	case "view":
		return cmdView(args[1:], stdout, stderr)
	case "split":
		return cmdSplit(ctx, args[1:], stdout)
	case "-h", "-help", "--help", "help":
		usage(stdout)
		return nil
	default:
		return fmt.Errorf("%w: unknown command %q (see 'synbols-gpu --help')", errUsage, args[0])
	}
}

// cmdPresets lists the presets, or with "show NAME" prints a preset's
// resolved spec: every field written out, no base, so the text is a
// starting point for a spec file and --spec reads it back unchanged.
func cmdPresets(args []string, stdout io.Writer) error {
	switch {
	case len(args) == 0 || (len(args) == 1 && args[0] == "list"):
		listPresets(stdout)
		return nil
	case len(args) == 1 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help"):
		// As every sub-command's --help: the usage, on stdout.
		fmt.Fprint(stdout, "Usage: synbols-gpu presets [list | show NAME]\n\n")
		listPresets(stdout)
		return nil
	case args[0] == "show" && len(args) == 2:
		s, err := spec.Preset(args[1])
		if err != nil {
			return fmt.Errorf("%w: %w", errUsage, err)
		}
		y, err := s.YAML()
		if err != nil {
			return err
		}
		_, err = stdout.Write(y)
		return err
	case args[0] == "show":
		return fmt.Errorf("%w: presets show takes one preset name, got %d arguments", errUsage, len(args)-1)
	}
	return fmt.Errorf("%w: unknown presets command %q (want list or show NAME)", errUsage, args[0])
}

func usage(w io.Writer) {
	fmt.Fprint(w, `synbols-gpu generates Synbols datasets (Lacoste et al., NeurIPS 2020).

Usage:
  synbols-gpu generate --dataset NAME --n_samples N [--seed S] [--out FILE] [flags]
  synbols-gpu generate --spec FILE.yaml --n_samples N [flags]
  synbols-gpu stream --dataset NAME [--seed S] [--start A] [--stop B] [flags]
                                samples [A, B) as binary frames on stdout, no file (docs/format.md, "Stream")
  synbols-gpu generate ... --shard K/N --out SHARD.h5py   one shard of the dataset (or --range START:END)
  synbols-gpu merge [--copy] OUT SHARD...   the shards joined into the single run's file (virtual datasets)
  synbols-gpu bench [flags]     images/s of the painting backends and of the whole pipeline
  synbols-gpu presets           the predefined datasets
  synbols-gpu presets show NAME a preset's resolved YAML (which --spec accepts back)
  synbols-gpu fonts list|check|show|install   the font pool (run 'synbols-gpu fonts help')
  synbols-gpu info FILE         a dataset's samples, masks, fonts, splits and attribute statistics
  synbols-gpu view FILE --h-axis char --v-axis font -o grid.png   a grid of samples by two attributes
  synbols-gpu view FILE --attr scale --hist -o scale.png          a histogram of an attribute
  synbols-gpu split FILE --add stratified:scale [--add …]         add splits to a dataset (split --help)

Run 'synbols-gpu generate --help' for every flag.

`)
	listPresets(w)
}
