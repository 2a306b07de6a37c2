package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLanguageAndFontsFrom: --language switches the alphabet, an unknown
// one is a one-line error listing the languages; --fonts-from re-uses an
// earlier dataset's fonts and fails in one line naming what is wrong.
func TestLanguageAndFontsFrom(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := command(t, dir, "generate", "--language", "greek", "--n_samples", "50", "--system-fonts=false", "--quiet", "--out", "g.h5py")
	if code != 0 || !strings.Contains(out, "99 symbols") {
		t.Fatalf("--language greek: exit %d, %q, %s", code, out, errs)
	}
	code, _, errs = command(t, dir, "generate", "--language", "klingon", "--n_samples", "5", "--system-fonts=false")
	if code == 0 || !strings.Contains(errs, `unknown language "klingon" (known: english, telugu,`) || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
		t.Errorf("--language klingon: exit %d, stderr %q", code, errs)
	}
	code, out, errs = command(t, dir, "generate", "--dataset", "korean-1k", "--n_samples", "50", "--system-fonts=false", "--quiet", "--out", "k.h5py")
	if code != 0 || !strings.Contains(out, "1000 symbols") {
		t.Fatalf("korean-1k: exit %d, %q, %s", code, out, errs)
	}
	// B re-uses korean-1k's fonts for the default (English) preset: only
	// NanumGothicCoding, where the embedded set has 13 English families.
	code, out, errs = command(t, dir, "generate", "--fonts-from", "k.h5py", "--n_samples", "50", "--system-fonts=false", "--quiet", "--out", "b.h5py")
	if code != 0 || !strings.Contains(out, "(1 fonts, 26 symbols)") {
		t.Fatalf("--fonts-from k.h5py: exit %d, %q, %s", code, out, errs)
	}
	junk := filepath.Join(dir, "junk.h5py")
	if err := os.WriteFile(junk, []byte("not hdf5"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ file, want string }{
		{"missing.h5py", "missing.h5py: no such file"},
		{"junk.h5py", `"junk.h5py" is of another format`},
	} {
		code, _, errs = command(t, dir, "generate", "--fonts-from", c.file, "--n_samples", "5", "--system-fonts=false", "--out", "x.h5py")
		if code == 0 || !strings.Contains(errs, c.want) || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
			t.Errorf("--fonts-from %s: exit %d, stderr %q", c.file, code, errs)
		}
	}
	// The same manifest with only Comic Neue loaded: the family is missing.
	comic, err := filepath.Abs(filepath.Join("..", "..", "fonts", "embedded", "comic-neue"))
	if err != nil {
		t.Fatal(err)
	}
	code, _, errs = command(t, dir, "generate", "--fonts-from", "k.h5py", "--n_samples", "5", "--system-fonts=false", "--embedded-fonts=false", "--font-dir", comic, "--out", "x.h5py")
	if code == 0 || !strings.Contains(errs, `family "NanumGothicCoding"`) {
		t.Errorf("--fonts-from without the font: exit %d, stderr %q", code, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "x.h5py")); err == nil {
		t.Errorf("a failed run left x.h5py")
	}
}
