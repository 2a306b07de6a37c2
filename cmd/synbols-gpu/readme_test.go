package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestReadmeMatchesCI: the README's set-up command installs exactly the
// packages .ci/run installs, and both run the same test command, so a new
// user following the README gets the machine CI tests on.
func TestReadmeMatchesCI(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	must(t, err)
	ci, err := os.ReadFile("../../.ci/run")
	must(t, err)
	// Every apt-get install of the set-up command (the first sh block of
	// ## Set-up): the packages every distribution has, then python3-torch
	// where there is one.
	setup := regexp.MustCompile("(?s)\n## Set-up.*?```sh\n(.*?)```").FindSubmatch(readme)
	if setup == nil {
		t.Fatal("README: no set-up command")
	}
	ms := regexp.MustCompile(`apt-get install -y ([^&|]+)(?:&&|\|\|)`).FindAllSubmatch(setup[1], -1)
	if ms == nil {
		t.Fatal("README: no apt-get install in the set-up command")
	}
	var want []string
	for _, m := range ms {
		want = append(want, strings.Fields(string(m[1]))...)
	}
	c := regexp.MustCompile(`(?s)apt-get install -y -qq --no-install-recommends \\\n(.*?)>/dev/null`).FindSubmatch(ci)
	if c == nil {
		t.Fatal(".ci/run: no apt-get install")
	}
	got := strings.Fields(strings.ReplaceAll(string(c[1]), "\\", " "))
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(want, got) {
		t.Errorf("README installs %v, .ci/run %v", want, got)
	}
	if !strings.Contains(string(readme), "```sh\ngo test ./...\n```") || !strings.Contains(string(ci), "\ngo test ./...\n") {
		t.Error("README and .ci/run must both run `go test ./...`")
	}
}

// TestReadmeLayout: the README's layout table names every package folder
// of the module, and every folder it names exists.
func TestReadmeLayout(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	must(t, err)
	text := string(readme)
	start := strings.Index(text, "## Layout")
	if start < 0 {
		t.Fatal("README has no ## Layout section")
	}
	table := text[start+len("## Layout"):]
	table = table[:strings.Index(table, "\n## ")]
	named := map[string]bool{}
	for _, m := range regexp.MustCompile("`([a-z0-9_/.-]+)`").FindAllStringSubmatch(table, -1) {
		if p := strings.TrimSuffix(m[1], "/"); strings.Contains(m[1], "/") && !strings.Contains(p, ".") {
			named[p] = true
		}
	}
	var dirs []string
	must(t, filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel("../..", path)
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && rel != "." || d.Name() == "testdata" || rel == "fonts/embedded") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go") {
			if dir := filepath.ToSlash(filepath.Dir(rel)); !slices.Contains(dirs, dir) && dir != "." {
				dirs = append(dirs, dir)
			}
		}
		return nil
	}))
	for _, d := range dirs {
		if !named[d] {
			t.Errorf("package folder %s/ is not in the README's layout table", d)
		}
	}
	for p := range named {
		if fi, err := os.Stat(filepath.Join("../..", p)); err != nil || !fi.IsDir() {
			t.Errorf("the layout table names %s/, which is not a folder", p)
		}
	}
}
