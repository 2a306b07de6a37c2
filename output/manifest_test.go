package output

import (
	"errors"
	"strings"
	"testing"
)

func TestParseFontManifest(t *testing.T) {
	good := []FontRecord{{Family: "A", Style: "Regular", File: "a.ttf", Source: "embedded:x/a.ttf", SHA256: strings.Repeat("ab", 32), License: "OFL-1.1"}}
	text, err := EncodeFontManifest(good)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseFontManifest("f.h5py", text)
	if err != nil || len(got) != 1 || got[0] != good[0] {
		t.Fatalf("round trip: %+v, %v", got, err)
	}
	for _, bad := range []string{
		"", "{}", "[]", `[{"family": "A"}]`, `[{"family": "", "sha256": "` + strings.Repeat("ab", 32) + `"}]`,
		`[{"family": "A", "sha256": "` + strings.Repeat("AB", 32) + `"}]`, `[{"family": "A", "sha256": "abc"}]`,
	} {
		if _, err := ParseFontManifest("f.h5py", bad); !errors.Is(err, ErrManifest) || !strings.Contains(err.Error(), "f.h5py") || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: %v, want a one-line ErrManifest naming the file", bad, err)
		}
	}
}
