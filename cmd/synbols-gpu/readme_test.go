package main

import (
	"os"
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
	m := regexp.MustCompile(`apt-get install -y ([^&]+)&&`).FindSubmatch(readme)
	if m == nil {
		t.Fatal("README: no apt-get install in the set-up command")
	}
	want := strings.Fields(string(m[1]))
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
