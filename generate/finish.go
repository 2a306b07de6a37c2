package generate

import (
	"fmt"
	"github.com/synbols-gpu/synbols-gpu/internal/recipe"

	"github.com/synbols-gpu/synbols-gpu/internal/par"
	"github.com/synbols-gpu/synbols-gpu/masks"
)

// MaskModeAttr is the root attribute that names what the mask dataset
// holds: a masks.Mode's name ("symbols", "flatten", "flatten_except_first").
const MaskModeAttr = "mask_mode"

// finish completes a painted batch on workers goroutines, each over a
// contiguous run of images: it measures every symbol's box on the painted
// per-symbol masks, aggregates the mask of the mode (into b.agg; the
// painter's masks are used as they are for masks.Symbols) with Flatten's
// overlap_score, and writes the records, which need both. It runs after
// Paint because boxes and overlap are properties of the pixels, not of the
// plan. With cols it also fills the batch's typed columns (attrCols.fill).
func finish(b *batch, cols *attrCols, mode masks.Mode, w, h, k, workers int) (err error) {
	n := len(b.plan.Images)
	if len(b.samples) != n {
		// planBatch must keep each sample (batch.samples) for this.
		return fmt.Errorf("%w: batch at %d has %d samples for %d images", ErrInternal, b.start, len(b.samples), n)
	}
	px, ch := w*h, mode.Channels(k)
	if mode != masks.Symbols {
		b.agg = make([]byte, n*px*ch)
	}
	b.records = make([][]byte, n)
	if cols != nil {
		b.cols, b.names = cols.buffers(n), make([]string, n*cols.nameSlots())
	}
	err = par.ForErr(n, workers, func(lo, hi int) (err error) {
		defer recoverInto(&err, "masks and records")
		boxes := make([]masks.Box, k)
		regions := make([]masks.Box, k)
		sum := make([]uint16, px)
		// The run's records in one arena, each a full slice of it
		// (appending to one cannot reach the next): one allocation
		// instead of one a sample. A new arena starts where the next
		// record may not fit; a record longer than the estimate makes
		// append move the arena, and the records before keep the old
		// array.
		arena := make([]byte, 0, (hi-lo)*recordBytes)
		for j := lo; j < hi; j++ {
			s := &b.samples[j]
			ns := len(s.Symbols)
			if ns > k {
				return fmt.Errorf("%w: sample %d has %d symbols, more than %d mask channels", ErrInternal, b.start+j, ns, k)
			}
			src := b.out.Mask[j*px*k : (j+1)*px*k]
			// The painters write a symbol's mask only inside its
			// plan box: scanning those is exact and costs the
			// symbols' size, not K full images.
			recipe.Regions(regions, &b.plan, j, ns)
			masks.BoxesIn(boxes, src, w, h, k, ns, regions)
			for i := range s.Symbols {
				s.Symbols[i].Box, s.Symbols[i].HasBox = boxes[i], true
			}
			var dst []byte
			if b.agg != nil {
				dst = b.agg[j*px*ch : (j+1)*px*ch]
			}
			switch mode {
			case masks.Flatten:
				s.Overlap, s.HasOverlap = masks.FlattenMaskIn(dst, src, w, h, k, ns, regions, sum), true
			case masks.FlattenExceptFirst:
				masks.FlattenMaskExceptFirstIn(dst, src, w, h, k, ns, regions)
			}
			if cols != nil {
				cols.fill(b, j, s)
			}
			if need := recordBytes + max(0, ns-1)*symbolRecordBytes; cap(arena)-len(arena) < need {
				arena = make([]byte, 0, max(need, (hi-j)*recordBytes))
			}
			start := len(arena)
			arena = s.AppendRecord(arena)
			b.records[j] = arena[start:len(arena):len(arena)]
		}
		return nil
	})
	if err != nil {
		return err
	}
	// The records hold all the batch needs of its samples.
	b.samples = nil
	return nil
}

// maskMode is the run's mask mode: Config.Mask when set, else the spec's.
func maskMode(cfg Config) (masks.Mode, error) {
	if !cfg.Mask.Valid() {
		return 0, fmt.Errorf("%w: mask mode %v", ErrConfig, cfg.Mask)
	}
	if cfg.Mask != masks.Symbols {
		return cfg.Mask, nil
	}
	m, err := masks.ParseMode(cfg.Spec.MaskMode())
	if err != nil {
		return 0, fmt.Errorf("%w: the spec's mask: %w", ErrConfig, err)
	}
	return m, nil
}
