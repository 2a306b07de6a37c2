package backends

import (
	"errors"
	"testing"
)

// TestOpen: names, the environment variable as the default, an unknown
// name an error, and auto on a machine without a hardware GPU (CI, this
// machine: llvmpipe only) the CPU backend.
func TestOpen(t *testing.T) {
	for _, c := range []struct {
		name, env, want string
	}{
		{"cpu", "", "cpu"},
		{"", "cpu", "cpu"},
		{"auto", "gpu", "cpu"}, // a name beats the variable
		{"gpu", "", "gpu"},
		{"", "", "cpu"}, // auto, no hardware GPU here
	} {
		t.Setenv(EnvVar, c.env)
		be, err := Open(c.name, 1)
		if err != nil {
			t.Fatalf("Open(%q) with %s=%q: %v", c.name, EnvVar, c.env, err)
		}
		if be.Name() != c.want {
			t.Errorf("Open(%q) with %s=%q: %s backend, want %s", c.name, EnvVar, c.env, be.Name(), c.want)
		}
		be.Close()
	}
	t.Setenv(EnvVar, "")
	if _, err := Open("vulkan", 1); !errors.Is(err, ErrUnknown) {
		t.Errorf("Open(vulkan): %v, want ErrUnknown", err)
	}
	t.Setenv(EnvVar, "vulkan")
	if _, err := Open("", 1); !errors.Is(err, ErrUnknown) {
		t.Errorf("%s=vulkan: %v, want ErrUnknown", EnvVar, err)
	}
	t.Setenv(EnvVar, "")
	t.Setenv("SYNBOLS_EGL_LIBRARY", "/nonexistent/libEGL.so.1")
	if _, err := Open("gpu", 1); !errors.Is(err, ErrUnavailable) {
		t.Errorf("gpu without libEGL: %v, want ErrUnavailable", err)
	}
}
