package generate

import "github.com/synbols-gpu/synbols-gpu/masks"

// Layout is what every sample of a run looks like, and what names the
// dataset: what a reader of Config.Sink needs before the first batch
// (Config.Begin), the same values a file holds in its root attributes and
// dataset shapes.
type Layout struct {
	Name                    string // the dataset's name
	Height, Width, Channels int    // one image: H×W×C bytes
	// K is the number of per-symbol mask channels: Output.SymbolMask
	// holds H×W×K bytes a sample.
	K            int
	Mask         masks.Mode // what Samples.Mask holds
	MaskShape    []int      // one sample's mask shape: [H, W, K], [H, W] or [H, W, 2]
	ChannelOrder string     // "RGB", or "L" for grey images
	Spec         string     // the resolved spec (YAML), as the spec attribute
	FontManifest string     // the font manifest (JSON), as the fonts attribute
	FontPool     string     // output.FontPoolDigest of the manifest
	ImagePool    string     // the image pool's digest, "" when the spec draws none
}

// layout is the run's Layout, once prepared.
func (r *run) layout() Layout {
	var shape []int // the mode's shape without N
	for _, d := range r.cfg.Mask.Shape(1, r.h, r.w, r.k)[1:] {
		shape = append(shape, int(d))
	}
	return Layout{
		Name: r.cfg.Name, Height: r.h, Width: r.w, Channels: r.channels, K: r.k,
		Mask: r.cfg.Mask, MaskShape: shape,
		ChannelOrder: map[int]string{1: "L", 3: "RGB"}[r.channels],
		Spec:         string(r.specYAML), FontManifest: r.manifest, FontPool: r.pool,
		ImagePool: imagePoolDigest(r.cfg),
	}
}
