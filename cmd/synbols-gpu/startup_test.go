package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/synbols-gpu/synbols-gpu/internal/pytest"
)

// TestStartupWarm: --stats prints the start-up line (time, peak RSS, font
// files opened), and a warm start — the face index and the glyph tiles
// in the cache — opens no font file at all, while a cold one (own cache)
// opens every file of the folder; both write the same samples.
func TestStartupWarm(t *testing.T) {
	dir := t.TempDir()
	// The face index does not record files changed in the last 2 s
	// (fonts' racyWindow): a copy of fonts made now would be read again
	// on every start, so the folder is filled and then left to age.
	fontDir := filepath.Join(dir, "fonts")
	must(t, os.MkdirAll(fontDir, 0o755))
	for _, name := range []string{"DejaVuSans.ttf", "DejaVuSans-Bold.ttf"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "fonts", "embedded", "dejavu", name))
		must(t, err)
		must(t, os.WriteFile(filepath.Join(fontDir, name), b, 0o644))
	}
	time.Sleep(2500 * time.Millisecond)
	env := []string{"XDG_CACHE_HOME=" + filepath.Join(dir, "cache")}
	args := []string{"generate", "--n_samples", "30", "--embedded-fonts=false", "--system-fonts=false", "--font-dir", fontDir, "--quiet", "--stats", "--backend", "cpu", "--force"}
	line := regexp.MustCompile(`start-up: ([0-9.]+) s before the first sample .*peak RSS ([0-9.]+ [KMG]iB|[0-9]+ B), ([0-9]+) font files opened`)
	opened := func(out string) int {
		code, _, errs := run1(t, dir, env, append(args, "--out", out)...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		m := line.FindStringSubmatch(errs)
		if m == nil {
			t.Fatalf("--stats prints no start-up line:\n%s", errs)
		}
		n, _ := strconv.Atoi(m[3])
		return n
	}
	if n := opened("cold.h5py"); n < 2 {
		t.Errorf("cold start opened %d font files, want both", n)
	}
	if n := opened("warm.h5py"); n != 0 {
		t.Errorf("warm start opened %d font files, want 0", n)
	}
	// The font pool digest covers the faces' SHA-256: the warm start's,
	// taken from the index, must be the cold one's, read from the files.
	py := pytest.Python(t)
	cold := pytest.Run(t, py, digestScript, filepath.Join(dir, "cold.h5py"))
	if warm := pytest.Run(t, py, digestScript, filepath.Join(dir, "warm.h5py")); warm != cold || len(strings.Fields(cold)) != 2 {
		t.Errorf("warm start wrote %q, the cold one %q (font pool, data digest)", warm, cold)
	}
}
