package masks_test

import (
	"fmt"

	"github.com/synbols-gpu/synbols-gpu/masks"
)

// Two symbols in a 4×2 image, K = 2 channels: symbol 1 partly covers
// symbol 0, and takes the label where it does.
func Example() {
	const w, h, k = 4, 2, 2
	per := []byte{ // pixel by pixel: symbol 0, symbol 1
		255, 0, 255, 200, 0, 255, 0, 0,
		255, 0, 1, 0, 0, 0, 0, 3,
	}
	flat := make([]byte, w*h)
	overlap := masks.FlattenMask(flat, per, w, h, k, 2)
	boxes := make([]masks.Box, 2)
	masks.Boxes(boxes, per, w, h, k, 2)
	fmt.Println(flat, overlap, boxes)
	// Output: [1 2 2 0 1 0 0 2] 0.125 [[0 0 2 2] [1 0 4 2]]
}
