package install

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
)

// The tiers of InstallPackages are data: one Debian package per line, so
// the lists can be reviewed and changed without touching code.
var (
	//go:embed small.txt
	installSmall string
	//go:embed full.txt
	installFull string
)

var (
	// ErrUnknownTier reports a tier other than "small" or "full".
	ErrUnknownTier = errors.New("install: unknown install tier")
	// ErrNoApt reports a system without apt-get (not Debian/Ubuntu).
	ErrNoApt = errors.New("install: apt-get not found (fonts install supports Debian and Ubuntu; elsewhere pass --font-dir FOLDER)")
	// ErrNotRoot reports that installing packages needs root.
	ErrNotRoot = errors.New("install: installing packages needs root: run it again with sudo")
	// ErrInstall reports a failed apt-get run.
	ErrInstall = errors.New("install: apt-get failed")
)

// TierPackages returns the packages of an install tier, in file order.
func TierPackages(tier string) ([]string, error) {
	var text string
	switch tier {
	case "small", "":
		text = installSmall
	case "full":
		text = installFull
	default:
		return nil, fmt.Errorf("%w: %q (want small or full)", ErrUnknownTier, tier)
	}
	return parseList(strings.NewReader(text))
}

// InstallOptions configures InstallPackages.
type InstallOptions struct {
	// DryRun checks the packages and prints the apt-get command without
	// running it (needs no root).
	DryRun bool
	// NoUpdate skips "apt-get update" (CI images that just ran it).
	NoUpdate bool
	// Out receives apt-get's output and the command lines; Warn one line
	// per package apt does not know. nil discards.
	Out  io.Writer
	Warn func(string)
	// Run runs a command and returns its standard output; nil means
	// os/exec with stderr (and, for apt-get install, stdout) sent to
	// Out. Tests replace it.
	Run func(ctx context.Context, name string, args ...string) ([]byte, error)
	// IsRoot reports whether the process may install; nil means
	// euid == 0.
	IsRoot func() bool
	// NoNPM skips the npm step of Install (offline machines, or no wish
	// to run npm); NPMDir is where that step installs, "" meaning
	// NPMFontDir().
	NoNPM  bool
	NPMDir string
}

// InstallResult says what Install installed (or, on a dry run, would).
type InstallResult struct {
	Apt []string // Debian packages passed to apt-get install
	NPM []string // npm packages whose fonts were extracted
}

// Install installs a tier: its Debian packages (InstallPackages), then,
// for the full tier and unless o.NoNPM, the Google Fonts packages of
// NPMPackages from npm (InstallNPM), which Debian does not package. The
// npm step runs only after apt succeeded, and its per-package failures
// are warnings: the Debian fonts alone are still a usable catalogue.
func Install(ctx context.Context, tier string, o InstallOptions) (InstallResult, error) {
	var res InstallResult
	var err error
	if res.Apt, err = InstallPackages(ctx, tier, o); err != nil {
		return res, err
	}
	if tier != "full" || o.NoNPM {
		return res, nil
	}
	pkgs, err := NPMPackages()
	if err != nil {
		return res, err
	}
	res.NPM, err = InstallNPM(ctx, pkgs, NPMOptions{DryRun: o.DryRun, Dir: o.NPMDir, Out: o.Out, Warn: o.Warn})
	return res, err
}

// InstallPackages installs a tier's font packages with apt-get on
// Debian/Ubuntu and returns the packages it asked apt to install (those
// apt knows: apt-get refuses a whole install when one name is unknown,
// so each name is first checked with apt-cache policy, and the unknown
// ones are skipped with one warning each). Already installed packages
// are passed too; apt leaves them as they are.
func InstallPackages(ctx context.Context, tier string, o InstallOptions) ([]string, error) {
	pkgs, err := TierPackages(tier)
	if err != nil {
		return nil, err
	}
	out := o.Out
	if out == nil {
		out = io.Discard
	}
	warn := o.Warn
	if warn == nil {
		warn = func(string) {}
	}
	run := o.Run
	if run == nil {
		run = func(ctx context.Context, name string, args ...string) ([]byte, error) {
			cmd := exec.CommandContext(ctx, name, args...)
			cmd.Stderr = out
			cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
			if len(args) > 0 && args[0] != "policy" {
				cmd.Stdout = out
				return nil, cmd.Run()
			}
			return cmd.Output()
		}
		if _, err := exec.LookPath("apt-get"); err != nil {
			return nil, ErrNoApt
		}
	}
	isRoot := o.IsRoot
	if isRoot == nil {
		isRoot = func() bool { return os.Geteuid() == 0 }
	}
	if !o.DryRun && !isRoot() {
		return nil, ErrNotRoot
	}
	if !o.DryRun && !o.NoUpdate {
		fmt.Fprintln(out, "+ apt-get update")
		if _, err := run(ctx, "apt-get", "update", "-q"); err != nil {
			return nil, fmt.Errorf("%w: apt-get update: %w", ErrInstall, err)
		}
	}
	policy, err := run(ctx, "apt-cache", append([]string{"policy"}, pkgs...)...)
	if err != nil {
		return nil, fmt.Errorf("%w: apt-cache policy: %w", ErrInstall, err)
	}
	known := installable(policy)
	var ok []string
	for _, p := range pkgs {
		if known[p] {
			ok = append(ok, p)
		} else {
			warn(fmt.Sprintf("install: skipping package %s: apt has no installation candidate", p))
		}
	}
	if len(ok) == 0 {
		return nil, fmt.Errorf("%w: none of the %d packages of tier %s is known to apt (run apt-get update?)", ErrInstall, len(pkgs), tier)
	}
	args := append([]string{"install", "-y", "--no-install-recommends"}, ok...)
	fmt.Fprintf(out, "+ apt-get %s\n", strings.Join(args, " "))
	if o.DryRun {
		return ok, nil
	}
	if _, err := run(ctx, "apt-get", args...); err != nil {
		return nil, fmt.Errorf("%w: apt-get install: %w", ErrInstall, err)
	}
	return ok, nil
}

// installable parses apt-cache policy output: a package is installable
// when it has a "Candidate:" other than "(none)". Unknown names print
// nothing at all.
func installable(policy []byte) map[string]bool {
	known := map[string]bool{}
	pkg := ""
	sc := bufio.NewScanner(bytes.NewReader(policy))
	for sc.Scan() {
		line := sc.Text()
		if line != "" && line[0] != ' ' && strings.HasSuffix(line, ":") {
			pkg = strings.TrimSuffix(line, ":")
			continue
		}
		if f := strings.Fields(line); len(f) == 2 && f[0] == "Candidate:" && pkg != "" {
			known[pkg] = f[1] != "(none)"
		}
	}
	return known
}
