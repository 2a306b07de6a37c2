package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const ldml = `<?xml version="1.0" encoding="UTF-8" ?>
<!DOCTYPE ldml SYSTEM "../../common/dtd/ldml.dtd">
<ldml>
	<identity><version number="$Revision$"/><language type="xx"/></identity>
	<characters>
		<exemplarCharacters type="index">[A B]</exemplarCharacters>
		<exemplarCharacters>[a b \u0301 {ch} c-e]</exemplarCharacters>
		<exemplarCharacters alt="variant">[q]</exemplarCharacters>
		<exemplarCharacters type="auxiliary" draft="contributed">[&amp; \u200C]</exemplarCharacters>
		<exemplarCharacters type="punctuation">[\- , ;]</exemplarCharacters>
	</characters>
	<delimiters><exemplarCharacters>[z]</exemplarCharacters></delimiters>
</ldml>
`

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestExemplars(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "xx.xml")
	write(t, f, ldml)
	std, aux, err := exemplars(f)
	if err != nil || std != `[a b \u0301 {ch} c-e]` || aux != `[& \u200C]` {
		t.Errorf("got %q %q %v", std, aux, err)
	}
	for name, text := range map[string]string{
		"no auxiliary": strings.Replace(ldml, `type="auxiliary" draft="contributed"`, `type="numbers"`, 1),
		"two standard": strings.Replace(ldml, `alt="variant"`, ``, 1),
		"multi-line":   strings.Replace(ldml, `[a b \u0301`, "[a\nb \\u0301", 1),
		"not a set":    strings.Replace(ldml, `[a b \u0301 {ch} c-e]`, `a b`, 1),
		"bad XML":      strings.Replace(ldml, `</characters>`, ``, 1),
	} {
		write(t, f, text)
		if _, _, err := exemplars(f); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "dtd", "ldml.dtd"), `<!ATTLIST version cldrVersion CDATA #FIXED "99" >`)
	for _, loc := range locales {
		write(t, filepath.Join(dir, "main", loc+".xml"), strings.ReplaceAll(ldml, `{ch}`, loc))
	}
	out := filepath.Join(dir, "out.txt")
	if err := run(dir, out); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	if !strings.Contains(text, "\ncldr 99\nen standard [a b \\u0301 en c-e]\nen auxiliary [& \\u200C]\nte standard ") ||
		!strings.HasSuffix(text, "ja auxiliary [& \\u200C]\n") || strings.Count(text, "\n") != 4+2*len(locales) {
		t.Errorf("output:\n%s", text)
	}
	if err := os.Remove(filepath.Join(dir, "main", "ko.xml")); err != nil {
		t.Fatal(err)
	}
	if err := run(dir, out); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing locale file: %v", err)
	}
	write(t, filepath.Join(dir, "dtd", "ldml.dtd"), `<!ATTLIST version number CDATA #REQUIRED >`)
	if err := run(dir, out); err == nil {
		t.Error("no version: no error")
	}
}
