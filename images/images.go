package images

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"io/fs"
	"math"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/internal/par"
)

// Errors of Load. Each is wrapped with the folder and, where there is
// one, the OS error: test with errors.Is.
var (
	// ErrFolder: the folder is missing, unreadable or not a folder.
	ErrFolder = errors.New("images: cannot use the image folder")
	// ErrNoImages: the folder holds no usable image.
	ErrNoImages = errors.New("images: no .jpg, .jpeg, .png or .gif image")
	// ErrTooManyImages: more candidate files than Options.MaxImages.
	ErrTooManyImages = errors.New("images: too many images")
)

// DefaultMaxSide is Options.MaxSide when it is 0: see the package doc for
// why 512 px is enough.
const DefaultMaxSide = 512

// Limits on one file, checked before it is decoded (package doc). They
// are variables only so that tests can lower them.
var (
	maxFileBytes int64 = 64 << 20
	maxPixels    int64 = 100_000_000
	// maxInFlight bounds the pixels of all files being decoded at once;
	// at least maxPixels, so that any accepted file can proceed.
	maxInFlight int64 = 2 * 100_000_000
)

// Options tune Load. The zero value is the default.
type Options struct {
	// MaxSide is the longest side, in pixels, an image is downscaled
	// to (area filter; never upscaled). 0 means DefaultMaxSide.
	MaxSide int
	// MaxImages is the most candidate files Load accepts; more is
	// ErrTooManyImages. 0 means no limit.
	MaxImages int
	// Warn receives one line per skipped file or unreadable sub-folder,
	// naming it. It is called from Load's goroutine only; nil discards.
	Warn func(string)
}

// candidate is a file to decode: its path below the folder
// (slash-separated) and on disk.
type candidate struct {
	rel, abs string
}

// decoded is what became of one candidate: an image, or why it was
// skipped.
type decoded struct {
	w, h int
	pix  []uint32
	warn string
}

// Load reads every .jpg, .jpeg, .png and .gif image below dir (package
// doc) into a pool whose Paths are sorted and whose Digest identifies its
// content.
func Load(ctx context.Context, dir string, opt Options) (*engine.ImagePool, error) {
	return load(ctx, dir, opt, runtime.GOMAXPROCS(0))
}

// load is Load with the number of decoding goroutines given, so that tests
// can compare a parallel load with a serial one.
func load(ctx context.Context, dir string, opt Options, workers int) (*engine.ImagePool, error) {
	if opt.MaxSide < 0 {
		return nil, fmt.Errorf("images: Options.MaxSide %d is negative", opt.MaxSide)
	}
	if opt.MaxImages < 0 {
		return nil, fmt.Errorf("images: Options.MaxImages %d is negative", opt.MaxImages)
	}
	maxSide := opt.MaxSide
	if maxSide == 0 {
		maxSide = DefaultMaxSide
	}
	warn := opt.Warn
	if warn == nil {
		warn = func(string) {}
	}

	cands, err := walk(ctx, dir, opt.MaxImages, warn)
	if err != nil {
		return nil, err
	}
	// Sorted by the relative path, which is what Paths promises; walk
	// order (per-folder name order) differs, e.g. "a-b/x" < "a/x".
	sort.Slice(cands, func(i, j int) bool { return cands[i].rel < cands[j].rel })

	res := decodeAll(ctx, cands, maxSide, workers)
	if ctx.Err() != nil {
		return nil, fmt.Errorf("images: loading stopped: %w", context.Cause(ctx))
	}

	pool := &engine.ImagePool{}
	var total int64
	skipped := 0
	for i, r := range res {
		if r.warn != "" {
			warn(r.warn)
			skipped++
			continue
		}
		total += int64(r.w) * int64(r.h)
		if total > math.MaxUint32 {
			// PoolImage.Offset is a uint32 (it is also the GPU's).
			return nil, fmt.Errorf("images: the images under %s exceed the pool's 2³² pixels; lower Options.MaxSide or use fewer images", dir)
		}
		pool.Paths = append(pool.Paths, cands[i].rel)
	}
	if len(pool.Paths) == 0 {
		if skipped > 0 {
			return nil, fmt.Errorf("%w under %s (%d skipped, see the warnings)", ErrNoImages, dir, skipped)
		}
		return nil, fmt.Errorf("%w under %s", ErrNoImages, dir)
	}

	pool.Pixels = make([]uint32, 0, total)
	h := sha256.New()
	var word [4]byte
	put := func(v uint32) {
		binary.LittleEndian.PutUint32(word[:], v)
		h.Write(word[:])
	}
	buf := make([]byte, 0, 4096)
	for i, r := range res {
		if r.warn != "" {
			continue
		}
		pool.Images = append(pool.Images, engine.PoolImage{
			Offset: uint32(len(pool.Pixels)), Width: uint32(r.w), Height: uint32(r.h),
		})
		pool.Pixels = append(pool.Pixels, r.pix...)
		res[i].pix = nil // let it go: the pool holds the copy

		// Relative paths cannot hold NUL, so path+NUL frames it.
		h.Write([]byte(cands[i].rel))
		h.Write([]byte{0})
		put(uint32(r.w))
		put(uint32(r.h))
		px := pool.Pixels[len(pool.Pixels)-len(r.pix):]
		for len(px) > 0 {
			n := min(len(px), cap(buf)/4)
			buf = buf[:0]
			for _, v := range px[:n] {
				buf = binary.LittleEndian.AppendUint32(buf, v)
			}
			h.Write(buf)
			px = px[n:]
		}
	}
	pool.Digest = hex.EncodeToString(h.Sum(nil))
	return pool, nil
}

// isCandidate reports whether a file name has an image extension.
func isCandidate(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".jpg", ".jpeg", ".png", ".gif":
		return true
	}
	return false
}

// walk lists the candidate files below dir. The folder itself may be a
// symbolic link (the user named it); links below it are followed to files
// only.
func walk(ctx context.Context, dir string, maxImages int, warn func(string)) ([]candidate, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("%w %s: %w", ErrFolder, dir, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%w %s: not a folder", ErrFolder, dir)
	}
	// Read the root here so that an unreadable root is an error, where an
	// unreadable sub-folder is only a warning.
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("%w %s: %w", ErrFolder, dir, err)
	}
	w := &walker{ctx: ctx, root: dir, max: maxImages, warn: warn}
	if err := w.dir("", ents); err != nil {
		return nil, err
	}
	return w.found, nil
}

type walker struct {
	ctx   context.Context
	root  string
	max   int
	warn  func(string)
	found []candidate
}

// dir visits the entries of the folder at rel (slash-separated, "" for
// the root).
func (w *walker) dir(rel string, ents []fs.DirEntry) error {
	for _, e := range ents {
		if w.ctx.Err() != nil {
			return fmt.Errorf("images: loading stopped: %w", context.Cause(w.ctx))
		}
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue // hidden, as glob's * leaves them out
		}
		r := path.Join(rel, name)
		abs := filepath.Join(w.root, filepath.FromSlash(r))
		t := e.Type()
		if t&fs.ModeSymlink != 0 {
			// Follow to a file only. A broken link or a link to a
			// folder is not an image file: ignored, unless its name
			// says it should have been one.
			st, err := os.Stat(abs)
			if err != nil || st.IsDir() {
				if err != nil && isCandidate(name) {
					w.warn(fmt.Sprintf("images: skipping %q: %v", abs, err))
				}
				continue
			}
			t = st.Mode().Type()
		}
		if t.IsDir() {
			sub, err := os.ReadDir(abs)
			if err != nil {
				w.warn(fmt.Sprintf("images: skipping folder %q: %v", abs, err))
				// ReadDir returns what it could read before failing.
			}
			if err := w.dir(r, sub); err != nil {
				return err
			}
			continue
		}
		if !isCandidate(name) {
			continue
		}
		// Non-regular files (FIFOs, devices) are left to decodeFile,
		// which refuses them with a warning before opening them.
		if w.max > 0 && len(w.found) >= w.max {
			return fmt.Errorf("%w: more than Options.MaxImages = %d under %s", ErrTooManyImages, w.max, w.root)
		}
		w.found = append(w.found, candidate{rel: r, abs: abs})
	}
	return nil
}

// decodeAll decodes every candidate with up to workers goroutines. Each
// result depends only on its file, so the order of decoding is
// invisible.
func decodeAll(ctx context.Context, cands []candidate, maxSide, workers int) []decoded {
	res := make([]decoded, len(cands))
	budget := newBudget(maxInFlight)
	par.Each(ctx, len(cands), workers, func(i int) {
		res[i] = decodeFile(ctx, cands[i].abs, maxSide, budget)
	})
	return res
}

// decodeFile reads, decodes and downscales one file, or says why not.
func decodeFile(ctx context.Context, name string, maxSide int, budget *budget) decoded {
	skip := func(format string, a ...any) decoded {
		msg := fmt.Sprintf(format, a...)
		// One line per skipped file, whatever a decoder says.
		msg = strings.Join(strings.Fields(msg), " ")
		return decoded{warn: fmt.Sprintf("images: skipping %q: %s", name, msg)}
	}
	if ctx.Err() != nil {
		return decoded{}
	}
	// Stat before opening: opening a FIFO would block.
	st, err := os.Stat(name)
	if err != nil {
		return skip("%v", err)
	}
	if !st.Mode().IsRegular() {
		return skip("not a regular file")
	}
	if st.Size() > maxFileBytes {
		return skip("%d MiB is over the %d MiB limit for an image file", st.Size()>>20, maxFileBytes>>20)
	}
	f, err := os.Open(name)
	if err != nil {
		return skip("%v", err)
	}
	defer f.Close()
	// The limit holds even if the file grows after Stat.
	lr := &io.LimitedReader{R: f, N: maxFileBytes}
	cfg, format, err := image.DecodeConfig(bufio.NewReader(lr))
	if err != nil {
		return skip("reading the header: %v", err)
	}
	decode, ok := decoders[format]
	if !ok {
		// Another package may register more formats with package
		// image; this one promises the standard three only.
		return skip("a %s image, not JPEG, PNG or GIF", format)
	}
	px := int64(cfg.Width) * int64(cfg.Height)
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return skip("empty image (%d×%d)", cfg.Width, cfg.Height)
	}
	if px > maxPixels {
		return skip("%d×%d is over the %d megapixel limit for an image", cfg.Width, cfg.Height, maxPixels/1_000_000)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return skip("%v", err)
	}
	lr.N = maxFileBytes
	if !budget.acquire(ctx, px) {
		return decoded{}
	}
	defer budget.release(px)
	img, err := decode(bufio.NewReader(lr))
	if err != nil {
		return skip("decoding the %s: %v", format, err)
	}
	b := img.Bounds()
	if b.Empty() || int64(b.Dx())*int64(b.Dy()) > maxPixels {
		// A GIF frame is not bound to the declared screen size.
		return skip("decoded %d×%d, outside the limits", b.Dx(), b.Dy())
	}
	w, h, pix := toRGB(img, maxSide)
	return decoded{w: w, h: h, pix: pix}
}

// decoders are the standard library's, by the name image.DecodeConfig
// reports. gif.Decode returns the first frame.
var decoders = map[string]func(io.Reader) (image.Image, error){
	"jpeg": jpeg.Decode,
	"png":  png.Decode,
	"gif":  gif.Decode,
}

// budget bounds the pixels being decoded at once: acquire takes n units,
// waiting until they are free or ctx is done. One acquirer at a time takes
// its units one by one, so two cannot each hold half of what they need.
type budget struct {
	mu     sync.Mutex // serialises acquirers
	tokens chan struct{}
	unit   int64
}

func newBudget(total int64) *budget {
	const unit = 1 << 20 // pixels per token: keeps the channel small
	n := int((total + unit - 1) / unit)
	b := &budget{tokens: make(chan struct{}, n), unit: unit}
	for range n {
		b.tokens <- struct{}{}
	}
	return b
}

func (b *budget) count(px int64) int {
	return int(min((px+b.unit-1)/b.unit, int64(cap(b.tokens))))
}

func (b *budget) acquire(ctx context.Context, px int64) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := b.count(px)
	for got := 0; got < n; got++ {
		select {
		case <-b.tokens:
		case <-ctx.Done():
			for range got {
				b.tokens <- struct{}{}
			}
			return false
		}
	}
	return true
}

func (b *budget) release(px int64) {
	for range b.count(px) {
		b.tokens <- struct{}{}
	}
}
