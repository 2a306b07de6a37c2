package gpu

import "testing"

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
