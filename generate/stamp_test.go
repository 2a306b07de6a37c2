package generate

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/engine/cpu"
	"github.com/synbols-gpu/synbols-gpu/output"
	"github.com/synbols-gpu/synbols-gpu/spec"
)

// TestSourceDateEpochSameFile: with SOURCE_DATE_EPOCH set, two runs of
// one spec and seed write byte-identical files, preview included, with 1
// worker and batches of 64 and with 3 workers and batches of 256 (without
// it they differ in the splits' timestamps only); a malformed value is a
// clear error before any work, with no file left.
func TestSourceDateEpochSameFile(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(output.SourceDateEpochEnv, "1764633600")
	var files [][]byte
	for i, name := range []string{"a.h5py", "b.h5py"} {
		out := filepath.Join(dir, name)
		// 1 worker and batches of 64, then 3 workers and batches of 256.
		gen(t, "default", 700, 1+2*i, 64<<(2*i), 42, out)
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(data, []byte("2025-Dec-02_00:00:00")) {
			t.Fatalf("%s: no split timestamp 2025-Dec-02_00:00:00 in the file", name)
		}
		files = append(files, data)
	}
	if !bytes.Equal(files[0], files[1]) {
		t.Fatal("two runs with SOURCE_DATE_EPOCH set wrote different files")
	}
	pa, _ := os.ReadFile(filepath.Join(dir, "a_preview.png"))
	pb, _ := os.ReadFile(filepath.Join(dir, "b_preview.png"))
	if len(pa) == 0 || !bytes.Equal(pa, pb) {
		t.Fatal("the previews differ or are missing")
	}

	t.Setenv(output.SourceDateEpochEnv, "yesterday")
	lib, at := env(t)
	sp, _ := spec.Preset("default")
	bad := filepath.Join(dir, "bad")
	if err := os.Mkdir(bad, 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := Run(context.Background(), Config{Spec: sp, N: 10, Fonts: lib, SkipFontChecks: true, Atlas: at,
		Backend: cpu.New(1), Out: filepath.Join(bad, "x.h5py"), Preview: true})
	if !errors.Is(err, output.ErrInput) || !strings.Contains(err.Error(), `SOURCE_DATE_EPOCH="yesterday"`) || strings.Contains(err.Error(), "\n") {
		t.Fatalf("malformed SOURCE_DATE_EPOCH: %v", err)
	}
	if entries, _ := os.ReadDir(bad); len(entries) != 0 {
		t.Fatalf("files left behind: %v", entries)
	}
}
