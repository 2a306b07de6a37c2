package gpu

import (
	"fmt"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/engine/cpu"
)

// TestDeviceInfo prints what the GL context is: bench/device.sh runs it
// first, as the GL probe of its preflight (renderer, GL_VERSION, EGL
// platform, software or not, buffer storage, the limits the engine sizes
// its dispatches by). It checks only that a context opened (with CI set it
// fails, rather than skips, without EGL/GL 4.3).
func TestDeviceInfo(t *testing.T) {
	g := backend(t)
	c := g.ctx
	t.Logf("renderer %q, GL_VERSION %q, EGL platform %s, software %v", c.Renderer(), c.Version(), c.Platform(), c.Software())
	t.Logf("glBufferStorage %v, read-back %v, limits %+v", c.BufferStorage(), g.ReadBack(), c.Limits())
}

// BenchmarkPaintSizes paints 4,096 planned default samples per iteration
// on the GPU and on the CPU backend (all cores) at 32, 64 and 128 px and
// reports images/s, painting and read-back only: bench/device.sh's
// fallback for the benchmark table when bin/synbols-gpu cannot start,
// e.g. gpu.test -test.run '^$' -test.bench PaintSizes -test.benchtime 2s.
func BenchmarkPaintSizes(b *testing.B) {
	for _, res := range []int{32, 64, 128} {
		for _, name := range []string{"gpu", "cpu"} {
			b.Run(fmt.Sprintf("%s/%d", name, res), func(b *testing.B) {
				var be engine.Backend = cpu.New(0)
				if name == "gpu" {
					be = backend(b)
				}
				batch := plan(b, "default", res, 4096, 1)
				out := newOutput(batch)
				if err := be.Paint(batch, out); err != nil {
					b.Fatal(err)
				}
				b.ResetTimer()
				for b.Loop() {
					if err := be.Paint(batch, out); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.N*len(batch.Images))/b.Elapsed().Seconds(), "images/s")
				b.ReportMetric(0, "ns/op")
			})
		}
	}
}
