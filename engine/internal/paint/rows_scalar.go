//go:build !goexperiment.simd || !amd64 || go1.27

package paint

// Vectorized reports whether the row functions paint: never in this
// build (see rows_vector.go), so painters paint every pixel themselves.
const Vectorized = false

// GradientRows paints nothing in this build: see rows_vector.go.
func (f *Fill) GradientRows(ux, uy, buf []float32) int { return 0 }

// Blendable reports whether BlendRows paints f: never in this build.
func (f *Fill) Blendable() bool { return false }

// BlendRows paints nothing in this build: see rows_vector.go.
func (f *Fill) BlendRows(dst []float32, dw int, ux, uy, cov []float32, keep []uint32, cw int) int {
	return 0
}
