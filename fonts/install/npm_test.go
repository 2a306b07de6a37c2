package install

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// tgzEntry is one member of a crafted tarball; link makes it a symlink.
type tgzEntry struct {
	name, body, link string
}

func writeTgz(t *testing.T, p string, entries ...tgzEntry) {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	tw := tar.NewWriter(zw)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Mode: 0o644, Size: int64(len(e.body)), Typeflag: tar.TypeReg}
		if e.link != "" {
			h.Typeflag, h.Linkname, h.Size = tar.TypeSymlink, e.link, 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if e.link == "" {
			if _, err := tw.Write([]byte(e.body)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// goodTgz is a package shaped like an @expo-google-fonts one.
func goodTgz(t *testing.T, p string) {
	writeTgz(t, p,
		tgzEntry{name: "package/package.json", body: "{}"},
		tgzEntry{name: "package/index.js", body: "module.exports = {}"},
		tgzEntry{name: "package/LICENSE", body: "MIT"},
		tgzEntry{name: "package/LICENSE_FONT", body: "SIL Open Font License"},
		tgzEntry{name: "package/400Regular/Foo_400Regular.ttf", body: "ttf"},
		tgzEntry{name: "package/400Regular/Foo_400Regular.ttf.png", body: "png"},
		tgzEntry{name: "package/700Bold/Foo_700Bold.OTF", body: "otf"},
		tgzEntry{name: "package/700Bold/Foo.woff2", body: "woff2"},
		tgzEntry{name: "package/link.ttf", link: "/etc/passwd"},
	)
}

// files lists the regular files below dir, slash-separated and sorted.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	slices.Sort(out)
	return out
}

func TestExtractFonts(t *testing.T) {
	tmp := t.TempDir()
	tgz := filepath.Join(tmp, "good.tgz")
	goodTgz(t, tgz)
	dest := filepath.Join(tmp, "out")
	n, err := extractFonts(tgz, dest)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"400Regular/Foo_400Regular.ttf", "700Bold/Foo_700Bold.OTF", "LICENSE", "LICENSE_FONT"}
	if got := files(t, dest); n != 4 || !slices.Equal(got, want) {
		t.Errorf("extracted %d: %q, want %q", n, got, want)
	}
	if b, _ := os.ReadFile(filepath.Join(dest, "LICENSE_FONT")); string(b) != "SIL Open Font License" {
		t.Errorf("licence body %q", b)
	}

	// Paths leaving the folder fail the whole tarball and write nothing
	// outside it.
	for _, bad := range []string{"package/../../evil.ttf", "../evil.ttf", "/tmp/evil.ttf", `package\..\evil.ttf`} {
		tgz := filepath.Join(tmp, "bad.tgz")
		writeTgz(t, tgz, tgzEntry{name: "package/ok.ttf", body: "ttf"}, tgzEntry{name: bad, body: "x"})
		dest := filepath.Join(tmp, "bad", "out")
		_, err := extractFonts(tgz, dest)
		if !errors.Is(err, errTarball) || !strings.Contains(err.Error(), "leaves the package folder") {
			t.Errorf("%s: %v", bad, err)
		}
		if _, err := os.Stat(filepath.Join(tmp, "evil.ttf")); err == nil {
			t.Errorf("%s: written outside the folder", bad)
		}
	}

	// No font at all, or not a gzip file: an error, not an empty package.
	writeTgz(t, tgz, tgzEntry{name: "package/index.js", body: "x"}, tgzEntry{name: "package/LICENSE", body: "x"})
	if _, err := extractFonts(tgz, filepath.Join(tmp, "none")); !errors.Is(err, errTarball) {
		t.Errorf("no fonts: %v", err)
	}
	os.WriteFile(tgz, []byte("<html>not found</html>"), 0o644)
	if _, err := extractFonts(tgz, filepath.Join(tmp, "html")); !errors.Is(err, errTarball) {
		t.Errorf("not gzip: %v", err)
	}

	// Too many entries, or too many bytes in all (each file under the
	// per-file cap): the tarball fails, whatever it holds.
	var many []tgzEntry
	for i := range maxTarEntries + 1 {
		many = append(many, tgzEntry{name: fmt.Sprintf("package/f%d.js", i), body: "x"})
	}
	writeTgz(t, tgz, many...)
	if _, err := extractFonts(tgz, filepath.Join(tmp, "many")); !errors.Is(err, errTarball) || !strings.Contains(err.Error(), "more than") {
		t.Errorf("%d entries: %v", len(many), err)
	}
	defer func(old int64) { maxTarBytes = old }(maxTarBytes)
	maxTarBytes = 10
	writeTgz(t, tgz, tgzEntry{name: "package/a.ttf", body: "123456"}, tgzEntry{name: "package/b.ttf", body: "123456"})
	if _, err := extractFonts(tgz, filepath.Join(tmp, "big")); !errors.Is(err, errTarball) || !strings.Contains(err.Error(), "in all") {
		t.Errorf("over the total: %v", err)
	}
}

func TestInstallTarballReplaces(t *testing.T) {
	tmp := t.TempDir()
	dest := filepath.Join(tmp, "fonts", "pkg")
	os.MkdirAll(dest, 0o755)
	os.WriteFile(filepath.Join(dest, "stale.ttf"), []byte("old"), 0o644)
	tgz := filepath.Join(tmp, "good.tgz")
	goodTgz(t, tgz)
	if _, err := installTarball(tgz, dest); err != nil {
		t.Fatal(err)
	}
	if got := files(t, filepath.Dir(dest)); len(got) != 4 || slices.Contains(got, "pkg/stale.ttf") || !slices.Contains(got, "pkg/LICENSE") {
		t.Errorf("after install: %q", got)
	}
	// A bad tarball leaves the installed copy as it was.
	writeTgz(t, tgz, tgzEntry{name: "../x.ttf", body: "x"})
	if _, err := installTarball(tgz, dest); !errors.Is(err, errTarball) {
		t.Errorf("bad tarball: %v", err)
	}
	if got := files(t, filepath.Dir(dest)); len(got) != 4 {
		t.Errorf("after a failed install: %q", got)
	}
}

func TestParseNPMList(t *testing.T) {
	got, err := parseNPMList(strings.NewReader("# comment\n@expo-google-fonts/inter  # Inter\n\n  left-pad \n"))
	if err != nil || !slices.Equal(got, []string{"@expo-google-fonts/inter", "left-pad"}) {
		t.Fatalf("parse: %q %v", got, err)
	}
	for _, bad := range []string{"--ignore-scripts=false", "@x/y@1.0.0", "../x", "https://x/y.tgz", "@Expo/Inter", "a b"} {
		if _, err := parseNPMList(strings.NewReader(bad + "\n")); !errors.Is(err, ErrNPM) {
			t.Errorf("%q: %v", bad, err)
		}
	}

	// The embedded list: a few hundred Google Fonts packages, no icon
	// fonts, no repeats.
	pkgs, err := NPMPackages()
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) < 100 || len(pkgs) > 400 {
		t.Errorf("%d packages", len(pkgs))
	}
	seen := map[string]bool{}
	for _, p := range pkgs {
		if !strings.HasPrefix(p, "@expo-google-fonts/") || seen[p] ||
			strings.Contains(p, "material") || strings.Contains(p, "icon") || strings.Contains(p, "emoji") {
			t.Errorf("list entry %q", p)
		}
		seen[p] = true
	}
}

// fakeNPM puts an "npm" first on PATH that answers "npm pack" from the
// tarballs in fixtures (named as npmFolder names packages), fails like
// npm (exit 1, stopping at the name) on any other, and logs its
// arguments. It returns the log's path.
func fakeNPM(t *testing.T, fixtures string) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("fake npm is a shell script")
	}
	bin := t.TempDir()
	script := `#!/bin/sh
echo "$@" >> "$NPM_LOG"
[ "$1" = pack ] || exit 2
shift
dest=; json=; sep=
while [ $# -gt 0 ]; do
  case "$1" in
    --pack-destination) dest=$2; shift 2; continue;;
    --cache|--loglevel) shift 2; continue;;
    --*) shift; continue;;
  esac
  f=$(echo "$1" | sed 's|^@||; s|/|-|')
  if [ ! -f "$NPM_FIXTURES/$f.tgz" ]; then
    echo "npm error 404 Not Found - GET https://registry.npmjs.org/$1" >&2
    exit 1
  fi
  cp "$NPM_FIXTURES/$f.tgz" "$dest/$f-1.0.0.tgz"
  json="$json$sep{\"name\":\"$1\",\"filename\":\"$f-1.0.0.tgz\"}"; sep=,
  shift
done
echo "[$json]"
`
	if err := os.WriteFile(filepath.Join(bin, "npm"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(bin, "log")
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Setenv("NPM_FIXTURES", fixtures)
	t.Setenv("NPM_LOG", log)
	return log
}

func TestInstallNPM(t *testing.T) {
	fix := t.TempDir()
	for _, n := range []string{"x-a", "x-b", "x-c"} {
		goodTgz(t, filepath.Join(fix, n+".tgz"))
	}
	writeTgz(t, filepath.Join(fix, "x-evil.tgz"), tgzEntry{name: "package/../../evil.ttf", body: "x"})
	log := fakeNPM(t, fix)
	dir := filepath.Join(t.TempDir(), "fonts")
	pkgs := []string{"@x/a", "@x/b", "@x/missing", "@x/c", "@x/evil", "-bad"}

	var warns []string
	var out bytes.Buffer
	o := NPMOptions{Dir: dir, Out: &out, Warn: func(m string) { warns = append(warns, m) }}
	got, err := InstallNPM(context.Background(), pkgs, o)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, []string{"@x/a", "@x/b", "@x/c"}) {
		t.Errorf("installed %q", got)
	}
	if len(warns) != 3 || !strings.Contains(warns[0], `"-bad"`) ||
		!strings.Contains(warns[1], "@x/missing: npm pack: exit status 1: npm error 404") ||
		!strings.Contains(warns[2], "@x/evil:") {
		t.Errorf("warnings %q", warns)
	}
	ents, _ := os.ReadDir(dir)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if !slices.Equal(names, []string{"x-a", "x-b", "x-c"}) {
		t.Errorf("folders %q", names)
	}
	if f := files(t, filepath.Join(dir, "x-b")); len(f) != 4 {
		t.Errorf("x-b holds %q", f)
	}
	// One batch, failing on @x/missing, then one call per package; every
	// call refuses package scripts.
	calls, _ := os.ReadFile(log)
	lines := strings.Split(strings.TrimSpace(string(calls)), "\n")
	if len(lines) != 6 {
		t.Errorf("%d npm calls:\n%s", len(lines), calls)
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "pack --ignore-scripts ") {
			t.Errorf("npm call %q", l)
		}
	}

	// Dry run: lists, runs nothing.
	os.Remove(log)
	out.Reset()
	o.DryRun = true
	got, err = InstallNPM(context.Background(), []string{"@x/a", "@x/missing"}, o)
	if err != nil || len(got) != 2 || !strings.Contains(out.String(), "npm pack --ignore-scripts --json --pack-destination TMP @x/a @x/missing") {
		t.Errorf("dry run: %q %v %q", got, err, out.String())
	}
	if _, err := os.Stat(log); err == nil {
		t.Error("dry run ran npm")
	}

	// No npm on PATH: one warning, nothing installed, no error.
	t.Setenv("PATH", t.TempDir())
	warns = nil
	got, err = InstallNPM(context.Background(), pkgs, NPMOptions{Dir: dir, Warn: o.Warn})
	if err != nil || got != nil || len(warns) != 2 || !strings.Contains(warns[1], "npm not found") {
		t.Errorf("no npm: %q %v %q", got, err, warns)
	}
}

// TestInstallTiers checks where Install runs the npm step: the full
// tier only, never with NoNPM.
func TestInstallTiers(t *testing.T) {
	log := fakeNPM(t, t.TempDir())
	root := func() bool { return true }
	want, _ := NPMPackages()
	for _, c := range []struct {
		tier  string
		noNPM bool
		npm   int
	}{{"small", false, 0}, {"full", true, 0}, {"full", false, len(want)}} {
		res, err := Install(context.Background(), c.tier, InstallOptions{
			Run: (&fakeApt{}).run, IsRoot: root, DryRun: true, NoNPM: c.noNPM, NPMDir: t.TempDir(),
		})
		if err != nil || len(res.Apt) == 0 || len(res.NPM) != c.npm {
			t.Errorf("%s noNPM=%v: %d apt, %d npm, %v", c.tier, c.noNPM, len(res.Apt), len(res.NPM), err)
		}
	}
	if _, err := os.Stat(log); err == nil {
		t.Error("a dry run ran npm")
	}
}
