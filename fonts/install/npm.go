package install

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
)

// The npm step of the full tier is data too: Debian packages only a part
// of Google Fonts, and the rest is published on npm as plain TTFs
// (@expo-google-fonts/<family>), which is how the full tier reaches 1,000
// distinct English families.
//
//go:embed npm.txt
var installNPM string

var (
	// ErrNPM reports a failed npm step: a bad package list or a
	// destination folder that cannot be written.
	ErrNPM = errors.New("install: npm")
	// errTarball reports a package tarball that is unreadable or unsafe.
	errTarball = errors.New("install: npm tarball")
)

// npmName matches the package names the step accepts: a lowercase npm
// name, optionally scoped. Anything else (a name starting with "-" that
// npm would take for a flag, a version range, a path or URL) is refused,
// so the list can only ever fetch registry tarballs.
var npmName = regexp.MustCompile(`^(@[a-z0-9][a-z0-9._-]*/)?[a-z0-9][a-z0-9._-]*$`)

// npmBatch is how many packages one "npm pack" fetches: npm's start-up
// dominates a one-package call, while a batch with an unknown name fails
// as a whole and is retried one package at a time.
const npmBatch = 25

// maxFontFile bounds one extracted file, so a hostile tarball cannot fill
// the disk through gzip's compression ratio.
const maxFontFile = 64 << 20

// maxTarEntries and maxTarBytes bound a whole tarball: the largest Google
// Fonts package (Noto Sans JP, every weight) has about 40 files and 150
// MB of fonts, so these only stop a hostile or broken one, before it
// fills the disk with many files each under maxFontFile or spins through
// millions of tiny entries.
// (Variables so that tests can lower them.)
var (
	maxTarEntries       = 10_000
	maxTarBytes   int64 = 1 << 30
)

// NPMPackages returns the npm packages of the full tier, in file order.
func NPMPackages() ([]string, error) {
	return parseNPMList(strings.NewReader(installNPM))
}

// parseNPMList reads one package a line; "#" starts a comment. An invalid
// name is an error naming its line, not a silent skip: the list is
// reviewed data and a typo there should fail its test.
func parseNPMList(r io.Reader) ([]string, error) {
	names, err := parseList(r)
	if err != nil {
		return nil, fmt.Errorf("%w: package list: %w", ErrNPM, err)
	}
	for _, n := range names {
		if !npmName.MatchString(n) {
			return nil, fmt.Errorf("%w: package list: invalid package name %q", ErrNPM, n)
		}
	}
	return names, nil
}

// NPMFontDir is where the npm step installs: below a folder SystemDirs
// walks, so the catalogue finds the fonts with no extra flag. Root (fonts
// install runs under sudo for apt) gets /usr/local/share/fonts, which every
// user's catalogue sees; anyone else gets their own XDG fonts folder.
func NPMFontDir() (string, error) {
	if runtime.GOOS != "windows" && runtime.GOOS != "darwin" && os.Geteuid() == 0 {
		return "/usr/local/share/fonts/synbols-gpu-npm", nil
	}
	if x := os.Getenv("XDG_DATA_HOME"); x != "" {
		return filepath.Join(x, "fonts", "synbols-gpu-npm"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("%w: no home folder for the fonts: %w", ErrNPM, err)
	}
	return filepath.Join(home, ".local", "share", "fonts", "synbols-gpu-npm"), nil
}

// NPMOptions configures InstallNPM.
type NPMOptions struct {
	// DryRun prints the npm commands without running them.
	DryRun bool
	// Dir is the destination folder; "" means NPMFontDir().
	Dir string
	// Out receives the command lines and npm's messages; Warn one line
	// per package that could not be installed. nil discards.
	Out  io.Writer
	Warn func(string)
}

// InstallNPM fetches packages with "npm pack" (which downloads the
// tarball and runs none of its scripts) and extracts only their font and
// licence files, each package into Dir/<package>/, replacing an earlier
// copy in one rename. It returns the packages installed. A package npm
// cannot fetch, or whose tarball is unusable, costs one warning and the
// rest go on; no npm on PATH costs one warning and skips the step. Only a
// destination that cannot be written is an error.
func InstallNPM(ctx context.Context, pkgs []string, o NPMOptions) ([]string, error) {
	out := o.Out
	if out == nil {
		out = io.Discard
	}
	warn := o.Warn
	if warn == nil {
		warn = func(string) {}
	}
	var valid []string
	for _, p := range pkgs {
		if npmName.MatchString(p) {
			valid = append(valid, p)
		} else {
			warn(fmt.Sprintf("install: skipping npm package %q: not a plain package name", p))
		}
	}
	if len(valid) == 0 {
		return nil, nil
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		warn(fmt.Sprintf("install: npm not found: skipping the %d Google Fonts packages from npm (install Node.js/npm and run it again)", len(valid)))
		return nil, nil
	}
	dir := o.Dir
	if dir == "" {
		if dir, err = NPMFontDir(); err != nil {
			return nil, err
		}
	}
	if o.DryRun {
		for b := range batches(valid, npmBatch) {
			fmt.Fprintf(out, "+ npm pack --ignore-scripts --json --pack-destination TMP %s\n", strings.Join(b, " "))
		}
		fmt.Fprintf(out, "  (font and licence files extracted into %s/<package>/)\n", dir)
		return valid, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNPM, err)
	}
	removePartials(dir)
	tmp, err := os.MkdirTemp("", "synbols-gpu-npm-")
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNPM, err)
	}
	defer os.RemoveAll(tmp)
	p := &npmPacker{npm: npm, tmp: tmp, out: out}

	var done []string
	for b := range batches(valid, npmBatch) {
		if err := ctx.Err(); err != nil {
			return done, fmt.Errorf("%w: %w", ErrNPM, err)
		}
		got, err := p.pack(ctx, b)
		if err != nil && len(b) == 1 {
			warn(fmt.Sprintf("install: skipping npm package %s: %v", b[0], err))
			continue
		}
		retried := false
		if err != nil {
			// npm pack stops at the first name it cannot fetch, so a
			// failed batch is retried one package at a time and only the
			// bad names are lost.
			retried, got = true, map[string]string{}
			for _, name := range b {
				one, err := p.pack(ctx, []string{name})
				if err == nil && one[name] == "" {
					err = errors.New("npm pack wrote no tarball for it")
				}
				if err != nil {
					warn(fmt.Sprintf("install: skipping npm package %s: %v", name, err))
					continue
				}
				got[name] = one[name]
			}
		}
		for _, name := range b {
			tgz, ok := got[name]
			if !ok {
				if !retried {
					warn(fmt.Sprintf("install: skipping npm package %s: npm pack wrote no tarball for it", name))
				}
				continue
			}
			n, err := installTarball(tgz, filepath.Join(dir, npmFolder(name)))
			os.Remove(tgz) // keep the temporary folder to one batch
			if errors.Is(err, ErrNPM) {
				return done, err
			}
			if err != nil {
				warn(fmt.Sprintf("install: skipping npm package %s: %v", name, err))
				continue
			}
			fmt.Fprintf(out, "  %s: %d files\n", name, n)
			done = append(done, name)
		}
		p.dropCache()
	}
	return done, nil
}

// batches yields pkgs in slices of at most n.
func batches(pkgs []string, n int) func(func([]string) bool) {
	return func(yield func([]string) bool) {
		for len(pkgs) > 0 {
			k := min(n, len(pkgs))
			if !yield(pkgs[:k]) {
				return
			}
			pkgs = pkgs[k:]
		}
	}
}

// npmFolder is a package's folder name: "@scope/name" becomes
// "scope-name", as npm names the package's tarball.
func npmFolder(pkg string) string {
	return strings.ReplaceAll(strings.TrimPrefix(pkg, "@"), "/", "-")
}

// npmPacker runs "npm pack" into one temporary folder, with its own npm
// cache there, so the step leaves nothing behind but the fonts.
type npmPacker struct {
	npm, tmp string
	out      io.Writer
}

// dropCache deletes npm's cache of the batch just installed: it holds a
// second copy of every tarball, and nothing fetches them again.
func (p *npmPacker) dropCache() {
	os.RemoveAll(filepath.Join(p.tmp, "cache"))
}

// pack fetches pkgs and returns each package's tarball path. It fails as
// a whole when npm does (npm pack stops at the first unknown name).
func (p *npmPacker) pack(ctx context.Context, pkgs []string) (map[string]string, error) {
	args := append([]string{"pack", "--ignore-scripts", "--json", "--pack-destination", p.tmp,
		"--cache", filepath.Join(p.tmp, "cache"), "--loglevel", "error"}, pkgs...)
	fmt.Fprintf(p.out, "+ npm pack %s\n", strings.Join(pkgs, " "))
	cmd := exec.CommandContext(ctx, p.npm, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("npm pack: %w%s", err, lastLine(stderr.String()))
	}
	var res []struct {
		Name     string `json:"name"`
		Filename string `json:"filename"`
	}
	if err := json.Unmarshal(stdout, &res); err != nil {
		return nil, fmt.Errorf("npm pack: unreadable --json output: %w", err)
	}
	got := map[string]string{}
	for _, r := range res {
		// The file name comes from npm's output: keep only its base so
		// it cannot point outside the temporary folder.
		got[r.Name] = filepath.Join(p.tmp, filepath.Base(r.Filename))
	}
	return got, nil
}

// lastLine returns ": " and the last non-empty line of npm's stderr (its
// error summary, "npm error 404 Not Found ..."), or "".
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); l != "" && !strings.Contains(l, "complete log of this run") {
			return ": " + l
		}
	}
	return ""
}

// removePartials deletes the temporary folders an interrupted earlier run
// left in dir; the catalogue would otherwise load their fonts twice.
func removePartials(dir string) {
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if e.IsDir() && strings.HasPrefix(e.Name(), ".partial-") {
			os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
}

// installTarball extracts tgz's font and licence files into a temporary
// folder beside dest, then swaps it in, so dest is always either the old
// package or the whole new one. It returns the number of files written.
// Errors writing the destination wrap ErrNPM (they would fail every
// package); a bad tarball wraps errTarball.
func installTarball(tgz, dest string) (int, error) {
	parent := filepath.Dir(dest)
	tmp, err := os.MkdirTemp(parent, ".partial-"+filepath.Base(dest)+"-")
	if err != nil {
		return 0, fmt.Errorf("%w: %w", ErrNPM, err)
	}
	defer os.RemoveAll(tmp)
	n, err := extractFonts(tgz, tmp)
	if err != nil {
		return 0, err
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return 0, fmt.Errorf("%w: %w", ErrNPM, err)
	}
	old := tmp + ".old"
	if err := os.Rename(dest, old); err != nil && !errors.Is(err, os.ErrNotExist) {
		return 0, fmt.Errorf("%w: %w", ErrNPM, err)
	}
	if err := os.Rename(tmp, dest); err != nil {
		_ = os.Rename(old, dest)
		return 0, fmt.Errorf("%w: %w", ErrNPM, err)
	}
	os.RemoveAll(old)
	return n, nil
}

// extractFonts writes the *.ttf/*.otf files and the licence files
// (LICENSE*, LICENCE*, OFL*, COPYING*) of a gzipped npm tarball below dir,
// keeping their paths without npm's leading "package/". Everything else
// (JavaScript, previews) is skipped, and so are links and special files.
// An entry whose path would leave dir fails the whole tarball, as does
// one with no font file at all.
func extractFonts(tgz, dir string) (int, error) {
	f, err := os.Open(tgz)
	if err != nil {
		return 0, fmt.Errorf("%w: %w", errTarball, err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return 0, fmt.Errorf("%w: %w", errTarball, err)
	}
	tr := tar.NewReader(zr)
	files, fonts, entries := 0, 0, 0
	var total int64
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, fmt.Errorf("%w: %w", errTarball, err)
		}
		if entries++; entries > maxTarEntries {
			return 0, fmt.Errorf("%w: more than %d entries", errTarball, maxTarEntries)
		}
		name := strings.TrimPrefix(h.Name, "./")
		if strings.Contains(name, `\`) || !filepath.IsLocal(filepath.FromSlash(name)) {
			return 0, fmt.Errorf("%w: entry %q leaves the package folder", errTarball, h.Name)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		rel := path.Clean(name)
		if first, rest, ok := strings.Cut(rel, "/"); ok && first == "package" {
			rel = rest
		}
		isFont := fontFileName(rel)
		if !isFont && !licenceFileName(rel) {
			continue
		}
		if h.Size > maxFontFile {
			return 0, fmt.Errorf("%w: %s is %d bytes, over the %d limit", errTarball, h.Name, h.Size, maxFontFile)
		}
		if total += h.Size; total > maxTarBytes {
			return 0, fmt.Errorf("%w: its font and licence files exceed %d bytes in all", errTarball, maxTarBytes)
		}
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return 0, fmt.Errorf("%w: %w", ErrNPM, err)
		}
		w, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
		if err != nil {
			return 0, fmt.Errorf("%w: %w", ErrNPM, err)
		}
		_, err = io.Copy(w, io.LimitReader(tr, maxFontFile))
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return 0, fmt.Errorf("%w: %s: %w", errTarball, h.Name, err)
		}
		files++
		if isFont {
			fonts++
		}
	}
	if fonts == 0 {
		return 0, fmt.Errorf("%w: no .ttf or .otf file in it", errTarball)
	}
	return files, nil
}

// fontFileName reports whether an extracted file is a font the loader
// reads; WOFF and WOFF2 are not, and are not fetched.
func fontFileName(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".ttf", ".otf":
		return true
	}
	return false
}

// licenceFileName reports whether a file is a licence, kept next to the
// fonts because the OFL asks that it travels with them.
func licenceFileName(name string) bool {
	base := strings.ToUpper(path.Base(name))
	for _, p := range []string{"LICENSE", "LICENCE", "OFL", "COPYING"} {
		if strings.HasPrefix(base, p) {
			return true
		}
	}
	return false
}
