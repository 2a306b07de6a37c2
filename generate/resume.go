package generate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/synbols-gpu/synbols-gpu/output"
)

// Resumable runs. Every h5 file run is resumable: its writer checkpoints
// as it goes (output.Checkpointing), and a run stopped by its context (a
// signal) keeps the checkpointed samples beside Out (output.Writer.Suspend)
// and returns a *SuspendedError. Config.Resume continues such a run: the
// writer adopts the state, and the run makes the samples after the
// checkpoint only. What the end of the run needs of the earlier samples
// comes back from the file and the journal: their chars and fonts for the
// splits (attr/char and attr/font, decoded with the value lists the
// journal keeps), the first images for the preview (x).

// SuspendedError is Run's error when the context stopped a run whose
// state was kept: Done of N samples are in it, beside Path, for a run
// with Config.Resume to continue. Err is the context's error.
type SuspendedError struct {
	Path    string
	Done, N int
	Err     error
}

func (e *SuspendedError) Error() string {
	return fmt.Sprintf("generate: %s: stopped after %d of %d samples, kept for a resume: %v", e.Path, e.Done, e.N, e.Err)
}

func (e *SuspendedError) Unwrap() error { return e.Err }

// resumeState is what the journal keeps for the write stage: the value
// lists of the coded columns (char, font, alphabet) as far as coded, so
// that a resumed run codes names as an uninterrupted one.
type resumeState struct {
	Books [3][]string `json:"books"`
}

// checkpointing is the writer's resume configuration for this run.
func (r *run) checkpointing() *output.Checkpointing {
	cfg := &r.cfg
	return &output.Checkpointing{
		// The rest (spec, mask mode, fonts, images, name, shapes) is in
		// the root attributes and the options.
		Key:     map[string]string{"seed": strconv.FormatUint(cfg.Seed, 10)},
		Every:   cfg.Checkpoint,
		Resume:  cfg.Resume,
		Discard: cfg.Overwrite,
		Notify:  cfg.Notify,
		State: func() []byte {
			var s resumeState
			if r.cols != nil {
				for i, b := range r.cols.books {
					s.Books[i] = b.names
				}
			}
			out, _ := json.Marshal(s) // strings only: cannot fail
			return out
		},
	}
}

// restore sets a resumed run up to continue after the writer's
// checkpoint: the value lists, the splits' codes and the preview of the
// samples before it.
func (r *run) restore() error {
	hw, ok := r.wr.(*output.Writer)
	if !ok {
		return nil
	}
	done, state := hw.Resumed()
	if done == 0 {
		return nil
	}
	var s resumeState
	if err := json.Unmarshal(state, &s); err != nil || r.cols == nil {
		return fmt.Errorf("generate: resume %s: the journal's state is unreadable: %v", r.cfg.Out, err)
	}
	for i, b := range r.cols.books {
		for _, n := range s.Books[i] {
			b.Code(n)
		}
	}
	decode := func(col string, book *ValueBook, into *codebook) ([]uint32, error) {
		codes, err := hw.ReadInt32(col, done)
		if err != nil {
			return nil, err
		}
		out := make([]uint32, len(codes))
		for i, c := range codes {
			name := ""
			if c >= 0 {
				if int(c) >= len(book.names) {
					return nil, fmt.Errorf("generate: resume %s: %s[%d] = %d outside its %d values", r.cfg.Out, col, i, c, len(book.names))
				}
				name = book.names[c]
			}
			out[i] = into.code(name)
		}
		return out, nil
	}
	var err error
	if r.chars, err = decode("attr/char", r.cols.books[0], r.charBook); err != nil {
		return err
	}
	if r.fontCol, err = decode("attr/font", r.cols.books[1], r.fontBook); err != nil {
		return err
	}
	if r.preview != nil {
		x, err := hw.ReadX(min(done, previewImages))
		if err != nil {
			return err
		}
		r.preview.Add(x)
	}
	r.from = done
	return nil
}

// previewImages is the most images a preview shows (output.NewPreview).
const previewImages = 100

// stop ends a run that failed with err: a run its context stopped keeps
// its state when the writer can (a *SuspendedError), any other is
// aborted, leaving nothing.
func (r *run) stop(ctx context.Context, err error) error {
	hw, ok := r.wr.(*output.Writer)
	if !ok || ctx.Err() == nil {
		r.wr.Abort()
		return err
	}
	done, serr := hw.Suspend()
	if serr != nil {
		return errors.Join(err, serr)
	}
	if done == 0 {
		return err
	}
	return &SuspendedError{Path: r.cfg.Out, Done: done, N: r.cfg.N, Err: err}
}
