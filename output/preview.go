package output

import (
	"bufio"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
)

// Preview grid geometry, as in the original's <name>_preview.png.
const (
	previewCols  = 10
	previewMax   = 100
	previewScale = 2
)

// WritePreviewPNG writes a grid of the first min(n, 100) images of x
// (n·H·W·C bytes or more, sample-major, C = 1 grey or 3 RGB), 10 per row,
// each enlarged 2× by nearest neighbour, to path. With fewer than 10 images
// the grid is one row of n; a last row that is not full is black where
// images are missing. The PNG is RGB for C = 3 and grey for C = 1.
//
// The file is written under a temporary name in the same directory and
// renamed, so path never holds a partial image.
func WritePreviewPNG(path string, x []byte, n, H, W, C int) error {
	if n < 1 || H < 1 || W < 1 || (C != 1 && C != 3) {
		return fmt.Errorf("%w: preview %s: n=%d H=%d W=%d C=%d (C must be 1 or 3)", ErrInput, path, n, H, W, C)
	}
	m := min(n, previewMax)
	size := H * W * C
	if len(x) < m*size {
		return fmt.Errorf("%w: preview %s: %d images need %d bytes, got %d", ErrInput, path, m, m*size, len(x))
	}
	cols := min(m, previewCols)
	rows := (m + cols - 1) / cols
	rect := image.Rect(0, 0, cols*W*previewScale, rows*H*previewScale)

	var img image.Image
	var pix []byte
	var stride, bpp int
	if C == 3 {
		rgba := image.NewRGBA(rect) // opaque RGBA is encoded as RGB
		for i := 3; i < len(rgba.Pix); i += 4 {
			rgba.Pix[i] = 0xff
		}
		img, pix, stride, bpp = rgba, rgba.Pix, rgba.Stride, 4
	} else {
		g := image.NewGray(rect)
		img, pix, stride, bpp = g, g.Pix, g.Stride, 1
	}
	for k := range m {
		src := x[k*size : (k+1)*size]
		ox, oy := (k%cols)*W*previewScale, (k/cols)*H*previewScale
		for i := range H {
			for j := range W {
				s := src[(i*W+j)*C:]
				for dy := range previewScale {
					row := pix[(oy+i*previewScale+dy)*stride:]
					for dx := range previewScale {
						copy(row[(ox+j*previewScale+dx)*bpp:], s[:C])
					}
				}
			}
		}
	}

	dir := filepath.Dir(path)
	f, err := createTemp(dir, "."+filepath.Base(path)+".tmp-")
	if err != nil {
		return fmt.Errorf("%w: preview %s: %w", ErrDir, path, err)
	}
	tmp := f.Name()
	bw := bufio.NewWriter(f)
	err = png.Encode(bw, img)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("%w: preview %s: %w", ErrIO, path, err)
	}
	return nil
}
