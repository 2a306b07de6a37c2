package generate

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/engine/cpu"
	"github.com/synbols-gpu/synbols-gpu/engine/gpu"
	"github.com/synbols-gpu/synbols-gpu/internal/pytest"
	"github.com/synbols-gpu/synbols-gpu/spec"
)

// openGPU opens the GPU backend, closed when the test ends; without EGL
// or GL 4.3 it skips, except in CI, where it fails.
func openGPU(t *testing.T) *gpu.Backend {
	t.Helper()
	g, err := gpu.New(gpu.Options{})
	if err != nil {
		if os.Getenv("CI") == "" && (errors.Is(err, gpu.ErrNoEGL) || errors.Is(err, gpu.ErrNoGL43)) {
			t.Skipf("no EGL/GL 4.3 here (CI unset): %v", err)
		}
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Close() })
	return g
}

// TestSameFileAnyBackend: the same seed gives the same file contents on the
// CPU backend and the GPU backend (llvmpipe in CI), with different batch
// sizes — the backends' parity bound is identical bytes.
func TestSameFileAnyBackend(t *testing.T) {
	py := pytest.Python(t)
	g := openGPU(t)
	lib, at := env(t)
	dir := t.TempDir()
	run := func(be engine.Backend, batch int, name string) string {
		sp, err := spec.Preset("default")
		if err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, name)
		if _, err := Run(context.Background(), Config{Name: "default", Spec: sp, N: 700, Seed: 42, Out: out,
			Fonts: lib, SkipFontChecks: true, Atlas: at, Backend: be, BatchSize: batch}); err != nil {
			t.Fatal(err)
		}
		return pytest.Run(t, py, digest, out)
	}
	c, d := run(cpu.New(2), 128, "cpu.h5py"), run(g, 500, "gpu.h5py")
	if c != d {
		t.Errorf("cpu and gpu (%s) files differ: %s vs %s", g.Device(), c, d)
	}
}
