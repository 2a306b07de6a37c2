package paint

import (
	"math"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/internal/rng"
)

// TestSubCoverageOneSample: a 1×1 grid is the single sample at the pixel
// centre, bit for bit, over random affines, biases and points, inside the
// tile, at its border and outside.
func TestSubCoverageOneSample(t *testing.T) {
	const size = 16
	r := rng.New(3, 0)
	tile := make([]uint8, size*size)
	for i := range tile {
		tile[i] = uint8(r.Intn(256))
	}
	sdf := NewSDFTable(8)
	offs := SubOffsets(1)
	for range 20000 {
		a := [6]float32{float32(r.Uniform(-3, 3)), float32(r.Uniform(-3, 3)), float32(r.Uniform(-20, 20)),
			float32(r.Uniform(-3, 3)), float32(r.Uniform(-3, 3)), float32(r.Uniform(-20, 20))}
		x, y := r.Intn(12), r.Intn(12)
		bias, ds := float32(r.Uniform(-1, 2)), float32(r.Uniform(0.05, 2))
		px, py := float32(x)+0.5, float32(y)+0.5
		var want float32
		if sd, in := sdf.Sample(tile, size, a[0]*px+a[1]*py+a[2], a[3]*px+a[4]*py+a[5]); in {
			want = Coverage(sd, bias, ds)
		}
		if got := sdf.SubCoverage(tile, size, &a, x, y, offs, bias, ds); math.Float32bits(got) != math.Float32bits(want) {
			t.Fatalf("affine %v pixel (%d, %d): SubCoverage %g, one sample %g", a, x, y, got, want)
		}
	}
	for n := 1; n <= engine.MaxSub; n++ {
		for i, o := range SubOffsets(n) {
			if o != float32((float64(i)+0.5)/float64(n)) {
				t.Errorf("SubOffsets(%d)[%d] = %g", n, i, o)
			}
		}
	}
}
