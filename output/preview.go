package output

import (
	"fmt"
	"path/filepath"

	"github.com/synbols-gpu/synbols-gpu/internal/atomicfile"
)

// Preview grid geometry, as in the original's <name>_preview.png.
const (
	previewCols  = 10
	previewMax   = 100
	previewScale = 2
	// previewCell bounds a cell's longer side: images up to half of it
	// are enlarged previewScale times as the original did; larger ones
	// are shrunk (box filter) by the smallest integer factor that fits,
	// so a 4096×4096 run previews in a 2,560-pixel grid instead of
	// needing gigabytes.
	previewCell = 256
)

// Preview builds the grid of the first min(n, 100) images of a dataset,
// 10 per row, as the images arrive: each image is scaled into its cell
// when added, so the memory held is the grid's, never 100 full images.
// With fewer than 10 images the grid is one row of n; a last row that is
// not full is black where images are missing.
//
// Not safe for concurrent use.
type Preview struct {
	h, w, c      int // source image shape
	m            int // images wanted
	added        int
	up, down     int // cell = image·up/down (one of them is 1)
	cellH, cellW int
	// pix is the grid, gridW×gridH pixels of c bytes, row-major: the
	// PNG's own rows.
	pix          []byte
	gridW, gridH int
}

// NewPreview prepares the grid for a dataset of n images of H×W×C bytes
// (C = 1 grey or 3 RGB).
func NewPreview(n, H, W, C int) (*Preview, error) {
	if n < 1 || H < 1 || W < 1 || (C != 1 && C != 3) {
		return nil, fmt.Errorf("%w: preview of n=%d H=%d W=%d C=%d (C must be 1 or 3)", ErrInput, n, H, W, C)
	}
	p := &Preview{h: H, w: W, c: C, m: min(n, previewMax), up: 1, down: 1}
	if long := max(H, W); long*previewScale <= previewCell {
		p.up = previewScale
	} else if long > previewCell {
		p.down = (long + previewCell - 1) / previewCell
	}
	p.cellH, p.cellW = max(1, H*p.up/p.down), max(1, W*p.up/p.down)
	cols := min(p.m, previewCols)
	rows := (p.m + cols - 1) / cols
	p.gridW, p.gridH = cols*p.cellW, rows*p.cellH
	p.pix = make([]byte, p.gridW*p.gridH*C)
	return p, nil
}

// Add places the next images of x (whole H×W×C images, sample-major) in
// the grid; images past the first 100 are ignored.
func (p *Preview) Add(x []byte) {
	size := p.h * p.w * p.c
	for len(x) >= size && p.added < p.m {
		p.place(p.added, x[:size])
		x = x[size:]
		p.added++
	}
}

// Full reports whether the grid has all its images.
func (p *Preview) Full() bool { return p.added >= p.m }

func (p *Preview) place(k int, src []byte) {
	cols := min(p.m, previewCols)
	ox, oy := (k%cols)*p.cellW, (k/cols)*p.cellH
	C := p.c
	stride := p.gridW * C
	if p.down == 1 {
		// Nearest-neighbour enlargement: each source row enlarged
		// once into the grid, then copied to the up − 1 rows below it
		// (a pixel at a time cost 1.3 ms a 128×128 image).
		for i := range p.h {
			row := p.pix[(oy+i*p.up)*stride:]
			s := src[i*p.w*C : (i+1)*p.w*C]
			for j := range p.w {
				for u := range p.up {
					copy(row[(ox+j*p.up+u)*C:][:C], s[j*C:(j+1)*C])
				}
			}
			cell := row[ox*C : (ox+p.cellW)*C]
			for u := 1; u < p.up; u++ {
				copy(p.pix[(oy+i*p.up+u)*stride+ox*C:], cell)
			}
		}
		return
	}
	for ci := range p.cellH {
		row := p.pix[(oy+ci)*stride:]
		for cj := range p.cellW {
			var px [3]byte
			if p.down == 1 { // nearest neighbour enlargement
				s := src[((ci/p.up)*p.w+cj/p.up)*C:]
				copy(px[:], s[:C])
			} else { // box filter over the down×down block
				var sum [3]int
				n := 0
				for i := ci * p.down; i < min((ci+1)*p.down, p.h); i++ {
					for j := cj * p.down; j < min((cj+1)*p.down, p.w); j++ {
						s := src[(i*p.w+j)*C:]
						for ch := range C {
							sum[ch] += int(s[ch])
						}
						n++
					}
				}
				for ch := range C {
					px[ch] = byte((sum[ch] + n/2) / max(n, 1))
				}
			}
			copy(row[(ox+cj)*C:], px[:C])
		}
	}
}

// PNG encodes the grid (RGB for C = 3, grey for C = 1), with encodePNG:
// the preview is encoded after the last sample, where image/png's default
// level cost a 100,000-sample run 2% of its CPU time and its fastest one,
// which still tries every row filter, a 10,000-sample run at 128×128 7%.
func (p *Preview) PNG() ([]byte, error) {
	data, err := encodePNG(p.pix, p.gridH, p.gridW, p.c)
	if err != nil {
		return nil, fmt.Errorf("%w: encode preview: %w", ErrInput, err)
	}
	return data, nil
}

// WritePreviewPNG writes the preview grid (see Preview) of the first
// min(n, 100) images of x (n·H·W·C bytes or more) to path, under a
// temporary name in the same directory renamed when complete, so path
// never holds a partial image. Datasets commit their preview through
// Options.Preview instead; this is for previews on their own.
func WritePreviewPNG(path string, x []byte, n, H, W, C int) error {
	p, err := NewPreview(n, H, W, C)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if need := p.m * H * W * C; len(x) < need {
		return fmt.Errorf("%w: preview %s: %d images need %d bytes, got %d", ErrInput, path, p.m, need, len(x))
	}
	p.Add(x)
	data, err := p.PNG()
	if err != nil {
		return fmt.Errorf("preview %s: %w", path, err)
	}
	f, err := atomicfile.CreateTemp(filepath.Dir(path), tempPrefix(filepath.Base(path)), 0)
	if err != nil {
		return fmt.Errorf("%w: preview %s: %w", ErrDir, path, err)
	}
	if err := atomicfile.Commit(f, data, path, true); err != nil {
		return fmt.Errorf("%w: preview %s: %w", ErrIO, path, err)
	}
	return nil
}
