package main

import (
	"errors"
	"fmt"

	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/engine/cpu"
	"github.com/synbols-gpu/synbols-gpu/engine/gpu"
)

// autoBackend is --backend auto: the GPU backend on a hardware device,
// else the CPU backend. A software rasteriser (llvmpipe) is never chosen:
// it is correct but no faster than the Go painter.
func autoBackend(workers int) engine.Backend {
	if g, err := gpu.New(gpu.Options{HardwareOnly: true}); err == nil {
		return g
	}
	return cpu.New(workers)
}

// gpuBackend is --backend gpu: whatever device opens, llvmpipe included (so
// tests and CI can force the real shaders), or a one-line error saying
// what was tried.
func gpuBackend() (engine.Backend, error) {
	g, err := gpu.New(gpu.Options{})
	if err != nil {
		hint := "use --backend cpu or auto"
		if errors.Is(err, gpu.ErrNoEGL) {
			hint = "install libegl1 and a GL driver (libgl1-mesa-dri), or " + hint
		}
		return nil, fmt.Errorf("--backend gpu: %v; %s", err, hint)
	}
	return g, nil
}
