// Package shaders holds the GLSL sources of the GPU backend, embedded in
// the binary so that it needs no files at run time.
package shaders

import _ "embed"

// Paint is the compute shader that paints one image per workgroup: it
// mirrors engine/internal/paint and engine/cpu/cpu.go operation for
// operation in float32. The backend prepends the record layout as #defines after the
// #version line (see engine/gpu).
//
//go:embed paint.comp
var Paint string
