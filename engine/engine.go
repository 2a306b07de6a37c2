// Package engine defines what a painter is given and what it returns: the
// plan layout shared by every backend (and, field for field, by the GLSL
// storage buffers of the GPU backend), and the Backend interface.
//
// Painting is a pure function of (plan, atlas): all randomness of what to
// draw is resolved before, on the CPU, by the sampler and the Planner. The
// only randomness left to a painter is per-value pixel noise, drawn from a
// stateless hash of (Image.NoiseSeed, value index) and the shared NoiseTable,
// so every backend paints the same pixels.
package engine

import (
	"errors"
	"fmt"

	"github.com/synbols-gpu/synbols-gpu/atlas"
)

// Pattern kinds.
const (
	PatternNone uint32 = iota
	PatternSolid
	PatternLinear
	PatternRadial
)

// Image flags.
const (
	FlagGray uint32 = 1 << iota
	FlagInverse
	FlagMaxContrast
)

// Pattern is a fill, evaluated in unit image coordinates (1.0 = min(W, H)
// pixels, y down). Its layout is std430-compatible (multiples of 16 bytes).
type Pattern struct {
	Kind uint32
	_    [3]uint32
	// Geom: linear p1.x, p1.y, p2.x, p2.y; radial c0.x, c0.y, r0, c1.x, c1.y, r1.
	Geom [8]float32
	// Stops[k] is r, g, b, alpha at offset k/2 (Cairo's EXTEND_PAD beyond
	// the ends). A solid colour uses Stops[0] only.
	Stops [3][4]float32
}

// Symbol is one glyph to composite: where its atlas tile lands and what
// fills it.
type Symbol struct {
	Glyph uint32 // atlas glyph id
	// Sub is the side of the grid of SDF samples averaged per pixel (see
	// SubCoverage): 0 or 1 is one sample at the pixel centre, n > 1 is
	// n×n, at most MaxSub. The Planner picks it from the texels per
	// pixel (SubSamples).
	Sub uint32
	// Affine maps an output pixel position (x, y), in pixels from the
	// top-left corner, to tile texel coordinates (u, v):
	// u = A[0]x + A[1]y + A[2], v = A[3]x + A[4]y + A[5].
	Affine [6]float32
	// DistScale converts a signed distance in texels to output pixels.
	// A sub-sampled symbol's ramp has slope DistScale·Sub; the Planner
	// may raise DistScale above 1/texels-per-pixel there (SubDistScale).
	DistScale float32
	// Bias is added to the signed distance in texels before coverage:
	// a synthetic bold grows the outline by Bias texels.
	Bias float32
	Fg   Pattern
}

// Image is one output image: a background, a run of Symbols, then the
// image-wide post-processing (grey, inverse, max-contrast, noise, clip,
// quantise; see docs/painting.md).
type Image struct {
	FirstSymbol uint32
	NumSymbols  uint32
	Flags       uint32
	NoiseSeed   uint32
	NoiseScale  float32
	_           [3]float32
	Bg          Pattern
}

// Batch is the unit of painting: images whose symbols are a flat slice,
// each image holding (FirstSymbol, NumSymbols), so scenes of any size cost
// only what they hold.
type Batch struct {
	Width, Height int
	Channels      int // 1 (grey) or 3 (RGB) values per pixel of X
	MaskChannels  int // K: mask channel k is symbol k of the image
	Images        []Image
	Symbols       []Symbol
	Atlas         *atlas.Atlas
}

// Output receives a painted batch. X holds len(Images)·H·W·Channels bytes
// (row-major, channels last), Mask len(Images)·H·W·MaskChannels bytes.
type Output struct {
	X, Mask []byte
}

// Backend paints batches. Implementations document their own concurrency
// contract; the pipeline calls Paint from one goroutine at a time.
type Backend interface {
	// Name is the backend's name as given to --backend ("cpu", "gpu").
	Name() string
	// Device describes what paints, for summaries and benchmarks.
	Device() string
	// Paint paints every image of b into out. The bytes written depend
	// only on b and the atlas, never on how the backend splits the work.
	Paint(b *Batch, out Output) error
	// Close releases the backend's resources.
	Close() error
}

// ErrBadBatch reports a batch whose buffers or records are inconsistent.
var ErrBadBatch = errors.New("engine: bad batch")

// Check validates the shape of b against out, so that backends can index
// without bounds surprises.
func (b *Batch) Check(out Output) error {
	n := len(b.Images)
	switch {
	case b.Width <= 0 || b.Height <= 0:
		return fmt.Errorf("%w: resolution %dx%d", ErrBadBatch, b.Width, b.Height)
	case b.Channels != 1 && b.Channels != 3:
		return fmt.Errorf("%w: %d channels (want 1 or 3)", ErrBadBatch, b.Channels)
	case b.MaskChannels < 1:
		return fmt.Errorf("%w: %d mask channels", ErrBadBatch, b.MaskChannels)
	case len(out.X) != n*b.Width*b.Height*b.Channels:
		return fmt.Errorf("%w: X has %d bytes, want %d", ErrBadBatch, len(out.X), n*b.Width*b.Height*b.Channels)
	case len(out.Mask) != n*b.Width*b.Height*b.MaskChannels:
		return fmt.Errorf("%w: Mask has %d bytes, want %d", ErrBadBatch, len(out.Mask), n*b.Width*b.Height*b.MaskChannels)
	case b.Atlas == nil:
		return fmt.Errorf("%w: no atlas", ErrBadBatch)
	}
	glyphs := b.Atlas.Glyphs()
	for i := range b.Images {
		im := &b.Images[i]
		if int(im.NumSymbols) > b.MaskChannels {
			return fmt.Errorf("%w: image %d has %d symbols, more than %d mask channels", ErrBadBatch, i, im.NumSymbols, b.MaskChannels)
		}
		if int(im.FirstSymbol)+int(im.NumSymbols) > len(b.Symbols) {
			return fmt.Errorf("%w: image %d symbols [%d, +%d) beyond %d", ErrBadBatch, i, im.FirstSymbol, im.NumSymbols, len(b.Symbols))
		}
	}
	for i := range b.Symbols {
		if int(b.Symbols[i].Glyph) >= len(glyphs) {
			return fmt.Errorf("%w: symbol %d names glyph %d of %d", ErrBadBatch, i, b.Symbols[i].Glyph, len(glyphs))
		}
		if b.Symbols[i].Sub > MaxSub {
			return fmt.Errorf("%w: symbol %d has Sub %d, more than MaxSub %d", ErrBadBatch, i, b.Symbols[i].Sub, MaxSub)
		}
	}
	return nil
}
