// Package backends opens a painting backend by name, the way every
// program built on the engine should: "cpu", "gpu", or "auto" — a hardware
// GPU when EGL finds one, else the CPU — with the SYNBOLS_BACKEND
// environment variable as the default and an unknown name an error, never
// silently replaced. The command line is one such program; a notebook
// server or a training loop gets the same choice by calling Open.
package backends

import (
	"errors"
	"fmt"
	"os"

	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/engine/cpu"
	"github.com/synbols-gpu/synbols-gpu/engine/gpu"
)

// EnvVar names the environment variable Open reads when given no name.
const EnvVar = "SYNBOLS_BACKEND"

// Names are the backend names Open accepts.
var Names = []string{"auto", "cpu", "gpu"}

var (
	// ErrUnknown is wrapped when the name is none of Names.
	ErrUnknown = errors.New("backends: unknown backend")
	// ErrUnavailable is wrapped when "gpu" was asked for and no device
	// opens; it also wraps the GPU backend's own error (gpu.ErrNoEGL…).
	ErrUnavailable = errors.New("backends: backend unavailable")
)

// Open returns the backend called name; "" means $SYNBOLS_BACKEND, or
// "auto" when that is unset. workers bounds the CPU backend's goroutines
// (≤ 0: all cores).
//
//   - "cpu": the pure-Go painter.
//   - "gpu": the compute painter on whatever device EGL opens, a software
//     one (llvmpipe) included, so tests can force the real shaders.
//   - "auto": the compute painter on a hardware device, else the CPU
//     painter: a software rasteriser is correct but no faster than Go.
//
// Both backends paint the same bytes; close the backend when done.
func Open(name string, workers int) (engine.Backend, error) {
	if name == "" {
		name = os.Getenv(EnvVar)
	}
	if name == "" {
		name = "auto"
	}
	switch name {
	case "cpu":
		return cpu.New(workers), nil
	case "auto":
		if g, err := gpu.New(gpu.Options{HardwareOnly: true}); err == nil {
			return g, nil
		}
		return cpu.New(workers), nil
	case "gpu":
		g, err := gpu.New(gpu.Options{})
		if err != nil {
			hint := "use the cpu or auto backend"
			if errors.Is(err, gpu.ErrNoEGL) {
				hint = "install libegl1 and a GL driver (libgl1-mesa-dri), or " + hint
			}
			return nil, fmt.Errorf("%w: gpu: %w; %s", ErrUnavailable, err, hint)
		}
		return g, nil
	default:
		return nil, fmt.Errorf("%w %q: want auto, cpu or gpu", ErrUnknown, name)
	}
}
