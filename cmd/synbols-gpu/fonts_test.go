package main

import (
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/alphabet"
	"github.com/synbols-gpu/synbols-gpu/fonts/install"
)

var languageLine = regexp.MustCompile(`(?m)^Language (\S+) contains ([\d,]+) fonts(?: with a bold face)? and ([\d,]+) symbols$`)

// counts parses fonts list's per-language lines.
func counts(t *testing.T, out string) map[string]int {
	t.Helper()
	m := map[string]int{}
	for _, sm := range languageLine.FindAllStringSubmatch(out, -1) {
		n, _ := strconv.Atoi(strings.ReplaceAll(sm[2], ",", ""))
		m[sm[1]] = n
	}
	return m
}

func TestFontsList(t *testing.T) {
	dir := t.TempDir()
	// A cold catalogue cache of its own: the first run must build it.
	command := func(t *testing.T, dir string, args ...string) (int, string, string) {
		return run1(t, dir, []string{"XDG_CACHE_HOME=" + filepath.Join(dir, ".cache")}, args...)
	}
	code, out, errs := command(t, dir, "fonts", "list", "--system-fonts=false")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	c := counts(t, out)
	if len(c) != len(alphabet.Languages()) || c["english"] < 5 {
		t.Fatalf("counts %v from\n%s", c, out)
	}
	if !strings.Contains(out, "(built ") {
		t.Errorf("first run not built:\n%s", out)
	}
	// Second run: from the cache, same counts.
	code, out2, _ := command(t, dir, "fonts", "list", "--system-fonts=false")
	if code != 0 || !strings.Contains(out2, "(cached ") || languageLine.FindAllString(out2, -1)[0] != languageLine.FindAllString(out, -1)[0] {
		t.Errorf("second run:\n%s", out2)
	}
	code, out, _ = command(t, dir, "fonts", "list", "--system-fonts=false", "--language", "en", "--bold")
	if code != 0 || !regexp.MustCompile(`Language english contains \d+ fonts with a bold face and 26 symbols\n`).MatchString(out) || !strings.Contains(out, "  DejaVu Sans\n") || strings.Contains(out, "  Inconsolata") || strings.Contains(out, "synthetic bold") {
		t.Errorf("--language en --bold:\n%s", out)
	}
	code, out, _ = command(t, dir, "fonts", "list", "--system-fonts=false", "--language", "english")
	if code != 0 || !strings.Contains(out, "(synthetic bold)") {
		t.Errorf("--language english (Inconsolata has no bold face):\n%s", out)
	}
	code, out, _ = command(t, dir, "fonts", "check", "--system-fonts=false")
	if code != 0 || !strings.Contains(out, "Filter report:") {
		t.Errorf("check:\n%s", out)
	}
	block := filepath.Join(dir, "block.txt")
	if err := os.WriteFile(block, []byte("DejaVu Sans # test\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ = command(t, dir, "fonts", "list", "--system-fonts=false", "--language", "english", "--block-list", block)
	if code != 0 || !strings.Contains(out, "dropped DejaVu Sans: blocked (in the block-list)") {
		t.Errorf("block-list:\n%s", out)
	}
	if code, _, errs := command(t, dir, "fonts", "list", "--nope"); code != 2 {
		t.Errorf("bad flag: exit %d %s", code, errs)
	}
	if code, _, errs := command(t, dir, "fonts", "frobnicate"); code != 2 || !strings.Contains(errs, "unknown sub-command") {
		t.Errorf("bad sub-command: exit %d %s", code, errs)
	}
}

func TestFontsShow(t *testing.T) {
	dir := t.TempDir()
	png1 := filepath.Join(dir, "sheet.png")
	code, out, errs := command(t, dir, "fonts", "show", "DejaVu Sans", "--system-fonts=false", "--out", png1)
	if code != 0 || !strings.Contains(out, "26 symbols of english") {
		t.Fatalf("exit %d: %s %s", code, out, errs)
	}
	f, err := os.Open(png1)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	// 26 symbols: two blocks of 20 columns, regular + bold rows each.
	if b := img.Bounds(); b.Dx() != 800 || b.Dy() != 160 {
		t.Errorf("sheet %v", b)
	}
	if code, _, errs := command(t, dir, "fonts", "show", "No Such Family", "--system-fonts=false"); code != 2 || !strings.Contains(errs, "no family") {
		t.Errorf("unknown family: exit %d %s", code, errs)
	}
}

func TestFontsInstallDryRun(t *testing.T) {
	if _, err := exec.LookPath("apt-get"); err != nil {
		t.Skip("no apt-get")
	}
	dir := t.TempDir()
	code, out, errs := command(t, dir, "fonts", "install", "--tier", "small", "--dry-run")
	if code != 0 || !strings.Contains(out, "dry run: would install") || !strings.Contains(errs, "apt-get install -y --no-install-recommends") {
		t.Errorf("exit %d:\n%s\n%s", code, out, errs)
	}
	if code, _, _ := command(t, dir, "fonts", "install", "--tier", "medium"); code != 2 {
		t.Errorf("unknown tier: exit %d", code)
	}
}

// TestFontsInstallSmall installs the small tier for real (as root, with
// network): only when SYNBOLS_TEST_INSTALL=1, as CI sets. Afterwards every
// package of the tier is installed (dpkg says so), the system fonts alone
// give at least 20 English families, and never fewer than before. (CI runs
// on a fresh machine, where the count grows from about zero, but may also
// run where the fonts are already installed.)
func TestFontsInstallSmall(t *testing.T) {
	if os.Getenv("SYNBOLS_TEST_INSTALL") != "1" {
		t.Skip("set SYNBOLS_TEST_INSTALL=1 to install the small tier with apt-get")
	}
	dir := t.TempDir()
	english := func() int {
		_, out, _ := command(t, dir, "fonts", "list", "--embedded-fonts=false")
		return counts(t, out)["english"] // 0 when no font is installed yet
	}
	before := english()
	code, out, errs := command(t, dir, "fonts", "install", "--tier", "small")
	if code != 0 {
		t.Fatalf("install: exit %d\n%s\n%.2000s", code, out, errs)
	}
	after := english()
	t.Logf("english families: %d before, %d after\n%s", before, after, out)
	if after < before || after < 20 {
		t.Errorf("english families: %d before, %d after", before, after)
	}
	pkgs, err := install.TierPackages("small")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pkgs {
		st, err := exec.Command("dpkg-query", "-W", "-f=${Status}", p).Output()
		if err != nil || !strings.Contains(string(st), "install ok installed") {
			t.Errorf("package %s not installed after fonts install: %q %v", p, st, err)
		}
	}
}
