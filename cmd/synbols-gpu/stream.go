package main

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/synbols-gpu/synbols-gpu/generate"
	"github.com/synbols-gpu/synbols-gpu/output"
)

// streamRange is how many samples one generate.Run of a stream makes: an
// unbounded stream is a sequence of runs, each holding only its own
// columns (15 bytes a sample), so memory stays flat however long the
// reader reads.
const streamRange = 1 << 16

// The stream's frame tags (docs/format.md, "Stream").
const (
	tagHeader = "SYNH"
	tagBatch  = "SYNB"
	tagEnd    = "SYNE"
	tagError  = "SYNX"
)

// streamHeader is the SYNH payload. Field order is the documented one.
type streamHeader struct {
	Format             string          `json:"format"`
	Version            int             `json:"version"`
	Name               string          `json:"name"`
	Seed               uint64          `json:"seed"`
	Start              int             `json:"start"`
	Stop               *int            `json:"stop"`
	Height             int             `json:"height"`
	Width              int             `json:"width"`
	Channels           int             `json:"channels"`
	MaskMode           string          `json:"mask_mode"`
	MaskShape          []int           `json:"mask_shape"`
	SymbolMaskChannels int             `json:"symbol_mask_channels"`
	ChannelOrder       string          `json:"channel_order"`
	Spec               string          `json:"spec"`
	FontPool           string          `json:"font_pool"`
	ImagePool          string          `json:"image_pool"`
	Fonts              json.RawMessage `json:"fonts"`
	Generator          string          `json:"generator"`
}

// frames writes the stream: tag, uint64 length, payload, little-endian.
// Each frame is flushed whole, so a reader never waits on a batch the
// engine has finished.
type frames struct {
	w     *bufio.Writer
	bytes int64
	recs  []byte // the batch's records, reused
}

func (f *frames) frame(tag string, parts ...[]byte) error {
	var n uint64
	for _, p := range parts {
		n += uint64(len(p))
	}
	var head [12]byte
	copy(head[:4], tag)
	binary.LittleEndian.PutUint64(head[4:], n)
	if _, err := f.w.Write(head[:]); err != nil {
		return err
	}
	for _, p := range parts {
		if _, err := f.w.Write(p); err != nil {
			return err
		}
	}
	f.bytes += int64(len(head)) + int64(n)
	return f.w.Flush()
}

// batch writes one SYNB frame; symbolMasks says whether s.SymbolMask is
// part of the stream.
func (f *frames) batch(first int, s output.Samples, symbolMasks bool) error {
	var head [16]byte
	binary.LittleEndian.PutUint64(head[0:], uint64(first))
	binary.LittleEndian.PutUint32(head[8:], uint32(len(s.Y)))
	f.recs = f.recs[:0]
	for i, r := range s.Y {
		at := len(f.recs)
		f.recs = append(f.recs, 0, 0, 0, 0)
		var err error
		// As the file stores them (ASCII, \u escapes): the stream's y
		// equals the file's byte for byte.
		if f.recs, err = output.AppendRecord(f.recs, r); err != nil {
			return fmt.Errorf("record of sample %d: %w", first+i, err)
		}
		binary.LittleEndian.PutUint32(f.recs[at:], uint32(len(f.recs)-at-4))
	}
	sym := s.SymbolMask
	if !symbolMasks {
		sym = nil
	}
	return f.frame(tagBatch, head[:], s.X, s.Mask, sym, f.recs)
}

// readerGone reports whether err says the reader closed its end: the
// normal way to stop an unbounded stream (head, a training loop done).
func readerGone(err error) bool {
	return errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET)
}

func cmdStream(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("stream", func(w io.Writer, fs *flag.FlagSet) {
		fmt.Fprintln(w, "Usage: synbols-gpu stream [--dataset NAME | --spec FILE] [--seed S] [--start A] [--stop B] [flags]")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "Writes samples [A, B) of the dataset as binary frames (docs/format.md, \"Stream\") to stdout or --out,")
		fmt.Fprintln(w, "each sample equal to that row of the file 'synbols-gpu generate' writes with the same spec and seed.")
		fmt.Fprintln(w, "Without --stop it streams until the reader closes its end. Progress and warnings go to stderr.")
		fmt.Fprintln(w)
		printFlags(w, fs)
		fmt.Fprintln(w)
		listPresets(w)
	})
	ds := registerDataset(fs)
	var (
		c        common
		seed     = fs.Uint64("seed", 42, "dataset seed: sample i depends only on (spec, seed, i)")
		start    = fs.Int("start", 0, "index of the first sample")
		stop     = fs.Int("stop", 0, "index past the last sample (default: none, stream until the reader closes)")
		out      = fs.String("out", "", "where to write: a FIFO, a file or device (truncated; a file that is not empty only with --force), or a path that does not exist, where a Unix socket listens for one reader (default stdout)")
		force    = fs.Bool("force", false, "truncate a --out file that is not empty")
		quiet    = fs.Bool("quiet", false, "no progress and no summary on stderr")
		every    = fs.Duration("progress-every", defaultProgressEvery, "where stderr is no terminal (a batch log), print a progress line this often (0 = never)")
		symMasks = fs.Bool("symbol-masks", false, "also send every symbol's own mask (H, W, K a sample), whatever the spec's mask mode")
	)
	c.src.ctx = ctx
	c.register(fs)
	fs.IntVar(&c.batch, "batch-size", 0, "samples per batch frame (as --batch)")
	if err := parseArgs(fs, args, stdout); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	if *start < 0 {
		return fmt.Errorf("%w: --start must be ≥ 0, got %d", errUsage, *start)
	}
	if *every < 0 {
		return fmt.Errorf("%w: --progress-every must be >= 0, got %v", errUsage, *every)
	}
	bounded := flagSet(fs, "stop")
	if bounded && *stop <= *start {
		return fmt.Errorf("%w: --stop must be > --start (%d), got %d", errUsage, *start, *stop)
	}
	in, err := ds.resolve(ctx, fs, stderr)
	if err != nil {
		return err
	}
	sp, name, pool, manifest := in.spec, in.name, in.pool, in.manifest
	// The destination is checked (and a socket listens) before the fonts
	// load: a bad path costs nothing, and a reader may connect at once.
	dst, err := prepareStreamOut(*out, *force, stdout)
	if err != nil {
		return err
	}
	defer dst.cleanup()
	st, err := c.load(sp, stderr)
	if err != nil {
		return err
	}
	defer st.backend.Close()
	// The fonts are checked once here, not by each run of the stream (the
	// catalogue is opened as generate.Run opens it): every range then
	// draws from the same pool.
	switch {
	case manifest != nil:
		if st.fonts, err = generate.FontsFrom(st.fonts, manifest); err != nil {
			return fmt.Errorf("--fonts-from %s: %w", *ds.from, err)
		}
	case *ds.checks:
		catalog, err := c.src.options(io.Discard)
		if err != nil {
			return err
		}
		catalog.Sources.Warn = nil
		if st.fonts, err = generate.CheckedFonts(st.fonts, sp, catalog); err != nil {
			return err
		}
	}

	// A reader that closes its end is how an unbounded stream ends: the
	// write must fail with EPIPE, not kill the process with SIGPIPE.
	signal.Ignore(syscall.SIGPIPE)
	if !*quiet && dst.waitMsg != "" {
		fmt.Fprintln(stderr, "synbols-gpu: stream:", dst.waitMsg)
	}
	w, err := dst.connect(ctx)
	if err != nil {
		return err
	}
	defer w.Close()
	f := &frames{w: bufio.NewWriterSize(w, 1<<20)}

	total := 0
	if bounded {
		total = *stop - *start
	}
	bar := newProgress(stderr, total, !*quiet, *every)
	t0 := time.Now()
	headed, done := false, 0
	header := func(l generate.Layout) error {
		if headed {
			return nil
		}
		h := streamHeader{
			Format: "synbols-gpu-stream", Version: 1, Name: l.Name, Seed: *seed, Start: *start,
			Height: l.Height, Width: l.Width, Channels: l.Channels,
			MaskMode: l.Mask.String(), MaskShape: l.MaskShape, ChannelOrder: l.ChannelOrder,
			Spec: l.Spec, FontPool: l.FontPool, ImagePool: l.ImagePool, Fonts: json.RawMessage(l.FontManifest),
			Generator: "synbols-gpu",
		}
		if bounded {
			h.Stop = stop
		}
		if *symMasks {
			h.SymbolMaskChannels = l.K
		}
		if len(h.Fonts) == 0 {
			h.Fonts = json.RawMessage("[]")
		}
		p, err := json.Marshal(h)
		if err != nil {
			return err
		}
		headed = true
		return f.frame(tagHeader, p)
	}
	err = func() error {
		for a := *start; !bounded || a < *stop; a += streamRange {
			n := streamRange
			if bounded {
				n = min(n, *stop-a)
			}
			base := done
			_, err := generate.Run(ctx, generate.Config{
				Name: name, Spec: sp, N: n, Start: a, Seed: *seed,
				Fonts: st.fonts, SkipFontChecks: true, Atlas: st.atlas, Backend: st.backend, Images: pool,
				Workers: c.workers, BatchSize: c.batch,
				Begin: header,
				Sink: func(first int, s output.Samples) error {
					return f.batch(first, s, *symMasks)
				},
				Progress: func(d int) { done = base + d; bar.update(done) },
			})
			if err != nil {
				return err
			}
		}
		return nil
	}()
	bar.finish()
	if readerGone(err) {
		err = nil // the reader has what it wanted
	} else if err != nil {
		if cause := context.Cause(ctx); cause != nil {
			err = cause // "interrupted (SIGTERM)", not "context canceled"
		}
		if headed {
			// Best effort: the reader learns why the stream stops short.
			_ = f.frame(tagError, []byte(firstLine(err.Error())))
		}
		return err
	} else {
		end, _ := json.Marshal(map[string]int{"samples": done})
		if err := f.frame(tagEnd, end); err != nil && !readerGone(err) {
			return err
		}
	}
	if !*quiet {
		secs := time.Since(t0).Seconds()
		fmt.Fprintf(stderr, "synbols-gpu: stream %s: %d samples in %.2f s, %.0f images/s, %.1f MB/s\n",
			name, done, secs, float64(done)/secs, float64(f.bytes)/secs/1e6)
	}
	return nil
}

// streamOut is the stream's destination, checked (and for a socket,
// listening) before the work starts and connected once it can begin.
type streamOut struct {
	connect func(ctx context.Context) (io.WriteCloser, error)
	cleanup func()
	waitMsg string // what the command waits for, "" for none
}

// nopCloser leaves stdout open for main.
type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

// prepareStreamOut maps --out to a destination: "" is stdout; an existing
// FIFO is opened for writing (waiting for its reader), an existing file or
// device is truncated and written (a file with bytes in it only if force:
// "stream --out data.h5py" must not destroy a dataset); a path that does not exist (or a stale
// socket) becomes a Unix socket that accepts one connection and is removed
// once connected or at exit.
func prepareStreamOut(path string, force bool, stdout io.Writer) (*streamOut, error) {
	none := func() {}
	if path == "" {
		return &streamOut{connect: func(context.Context) (io.WriteCloser, error) { return nopCloser{stdout}, nil }, cleanup: none}, nil
	}
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return listenStream(path)
	case err != nil:
		return nil, fmt.Errorf("--out: %w", err)
	case fi.Mode()&os.ModeSocket != 0:
		if c, err := net.Dial("unix", path); err == nil {
			c.Close()
			return nil, fmt.Errorf("%w: --out %s: a socket another process listens on", errUsage, path)
		}
		// Left by a run that was killed: nobody listens, so it is ours
		// to replace.
		if err := os.Remove(path); err != nil {
			return nil, fmt.Errorf("--out: %w", err)
		}
		return listenStream(path)
	case fi.Mode()&os.ModeNamedPipe != 0:
		return &streamOut{cleanup: none, waitMsg: "waiting for a reader on FIFO " + path,
			connect: func(ctx context.Context) (io.WriteCloser, error) {
				// Opening a FIFO blocks until a reader opens it: in a
				// goroutine, so that a signal still stops the command.
				type res struct {
					f   *os.File
					err error
				}
				ch := make(chan res, 1)
				go func() {
					f, err := os.OpenFile(path, os.O_WRONLY, 0)
					ch <- res{f, err}
				}()
				select {
				case r := <-ch:
					if r.err != nil {
						return nil, fmt.Errorf("--out: %w", r.err)
					}
					return r.f, nil
				case <-ctx.Done():
					return nil, context.Cause(ctx)
				}
			}}, nil
	case fi.IsDir():
		return nil, fmt.Errorf("%w: --out %s is a folder", errUsage, path)
	case fi.Mode().IsRegular() && fi.Size() > 0 && !force:
		return nil, fmt.Errorf("%w: --out %s is a file of %d bytes: give --force to truncate it and write the stream there", errUsage, path, fi.Size())
	}
	return &streamOut{cleanup: none, connect: func(context.Context) (io.WriteCloser, error) {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
		if err != nil {
			return nil, fmt.Errorf("--out: %w", err)
		}
		return f, nil
	}}, nil
}

func listenStream(path string) (*streamOut, error) {
	l, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("--out: %w", err)
	}
	// Close unlinks the socket (net.UnixListener's default): a path left
	// behind would make the next run's Listen fail.
	return &streamOut{cleanup: func() { l.Close() }, waitMsg: "waiting for a reader on Unix socket " + path,
		connect: func(ctx context.Context) (io.WriteCloser, error) {
			stopped := context.AfterFunc(ctx, func() { l.Close() })
			defer stopped()
			c, err := l.Accept()
			if err != nil {
				if ctx.Err() != nil {
					return nil, context.Cause(ctx)
				}
				return nil, fmt.Errorf("--out: %w", err)
			}
			// One reader: the path goes once it has connected.
			l.Close()
			return c, nil
		}}, nil
}
