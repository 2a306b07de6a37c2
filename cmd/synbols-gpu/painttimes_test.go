package main

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestGenerateStatsGPU: generate --stats --backend gpu prints the paint
// stage's GPU sub-rows under its row, GPU compute with a positive time
// (llvmpipe in CI, where EGL must be there); without EGL outside CI it
// skips.
func TestGenerateStatsGPU(t *testing.T) {
	dir := t.TempDir()
	code, _, errs := command(t, dir, "generate", "--n_samples", "300", "--batch", "128", "--backend", "gpu", "--system-fonts=false", "--quiet", "--stats")
	if code != 0 {
		if os.Getenv("CI") == "" && strings.Contains(errs, "EGL") {
			t.Skipf("no EGL here (CI unset): %s", errs)
		}
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(errs, "\n")
	at := -1
	for i, ln := range lines {
		if strings.HasPrefix(ln, "paint (gpu)") {
			at = i
		}
	}
	if at < 0 {
		t.Fatalf("no paint (gpu) row:\n%s", errs)
	}
	want := []string{"in Paint", "· upload", "· GPU compute", "· read-back wait", "· host copy", "· Paint waiting for host copies"}
	var got []string
	for _, ln := range lines[at+1:] {
		if !strings.HasPrefix(ln, "  ") {
			break
		}
		got = append(got, strings.TrimSpace(ln))
	}
	for _, w := range want {
		found := false
		for _, g := range got {
			found = found || strings.HasPrefix(g, w)
		}
		if !found {
			t.Errorf("no %q sub-row under paint (gpu):\n%s", w, errs)
		}
	}
	compute := regexp.MustCompile(`· GPU compute \(timer queries\)\s+([0-9.]+)`).FindStringSubmatch(errs)
	if compute == nil {
		t.Fatalf("no GPU compute time:\n%s", errs)
	}
	if s, _ := strconv.ParseFloat(compute[1], 64); s <= 0 {
		t.Errorf("GPU compute %s s, want > 0:\n%s", compute[1], errs)
	}
}
