// Package gpu is the OpenGL 4.3 compute backend: the same pixels as the CPU
// backend (engine/cpu), painted by shaders/paint.comp on whatever GPU a
// headless EGL context finds (internal/gl), Mesa's llvmpipe included, which
// is how CI runs the real shaders without a GPU.
//
// A batch is painted in chunks sized from the device's limits: every
// storage buffer a chunk binds stays within GL_MAX_SHADER_STORAGE_BLOCK_SIZE
// (and Options.MaxBufferBytes), and a chunk is one dispatch of at most
// GL_MAX_COMPUTE_WORK_GROUP_COUNT[0] workgroups, one per image. Results are
// read back with glGetBufferSubData after each dispatch; the pipelined
// read-back of the issue (persistently mapped buffers, fences, triple
// buffering) is still to come.
//
// GPU buffer layout: an image's pixels are padded to a multiple of 4
// (P4 = ⌈W·H/4⌉·4), so that each image of X (P4·C bytes) and of the mask
// (P4·K bytes) starts on a 32-bit word and every shader invocation owns the
// whole words it writes. When W·H is a multiple of 4 (all presets) the
// buffers are read straight into the caller's slices; otherwise image by
// image, dropping the padding.
package gpu

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"unsafe"

	"github.com/synbols-gpu/synbols-gpu/atlas"
	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/internal/gl"
	"github.com/synbols-gpu/synbols-gpu/shaders"
)

// Errors, re-exported from internal/gl so that callers need not import it.
var (
	ErrNoEGL        = gl.ErrNoEGL
	ErrNoGL43       = gl.ErrNoGL43
	ErrSoftwareOnly = gl.ErrSoftwareOnly
	ErrShader       = gl.ErrShader
	ErrOutOfMemory  = gl.ErrOutOfMemory
	// ErrTooLarge: one image (or one chunk's symbols) does not fit the
	// device's storage block limit.
	ErrTooLarge = errors.New("gpu: batch exceeds the device's buffer limits")
)

// Options configures New.
type Options struct {
	// HardwareOnly refuses software rasterisers (llvmpipe): --backend auto
	// uses it, since llvmpipe is no faster than the CPU backend.
	HardwareOnly bool
	// MaxBufferBytes caps each storage buffer (0: the device's
	// GL_MAX_SHADER_STORAGE_BLOCK_SIZE, capped at 256 MiB).
	MaxBufferBytes int64
	// EGLLibrary and EGLPlatform override SYNBOLS_EGL_LIBRARY and
	// SYNBOLS_EGL_PLATFORM (see internal/gl).
	EGLLibrary, EGLPlatform string
}

// paintSource is the shader compiled by New: a test hook for injecting a
// broken source.
var paintSource = shaders.Paint

// localSize is the workgroup size: invocations per image.
const localSize = 256

// defaultMaxBuffer caps buffers on devices with huge limits, bounding host
// staging and device memory per chunk.
const defaultMaxBuffer = 256 << 20

// Backend paints on a GPU. Paint may be called from one goroutine at a time
// (the pipeline's contract); it is also safe, though serialised, from
// several. All GL work runs on the context's own locked goroutine.
type Backend struct {
	mu   sync.Mutex
	ctx  *gl.Context
	prog gl.Program
	loc  map[string]int32
	max  int64 // per-chunk buffer byte cap
	lim  int64 // the device's storage block limit (atlas tiles)
	wg   int   // max workgroups per dispatch

	// Device buffers, grown on demand; caps in bytes.
	images, symbols, scratch, outX, outMask buffer
	tables                                  gl.Buffer
	tiles                                   buffer
	// Atlas state: what is uploaded, for which atlas parameters.
	atlas     *atlas.Atlas
	params    atlas.Params
	uploaded  int // glyph tiles on the device
	tileBytes int // bytes between tiles, a multiple of 4
}

type buffer struct {
	b   gl.Buffer
	cap int64
}

// ensure grows the buffer to at least n bytes, discarding its contents.
func (b *buffer) ensure(n int64, usage uint32) error {
	if n <= b.cap && b.b != 0 {
		return nil
	}
	if b.b == 0 {
		b.b = gl.NewBuffer()
	}
	c := max(n, b.cap+b.cap/2, 4096)
	if err := b.b.Alloc(c, usage); err != nil {
		b.cap = 0
		return err
	}
	b.cap = c
	return nil
}

// New opens a GL context and compiles the painting shader.
func New(opts Options) (*Backend, error) {
	ctx, err := gl.Open(gl.Options{Library: opts.EGLLibrary, Platform: opts.EGLPlatform, HardwareOnly: opts.HardwareOnly})
	if err != nil {
		return nil, err
	}
	g := &Backend{ctx: ctx, loc: map[string]int32{}}
	lim := ctx.Limits()
	g.max = lim.MaxStorageBlockSize
	g.lim = lim.MaxStorageBlockSize
	if opts.MaxBufferBytes > 0 {
		g.max = min(g.max, opts.MaxBufferBytes)
	} else {
		g.max = min(g.max, defaultMaxBuffer)
	}
	g.wg = lim.MaxWorkGroupCountX
	err = ctx.Do(func() error {
		p, err := gl.CompileCompute(withDefines(paintSource))
		if err != nil {
			return err
		}
		g.prog = p
		for _, n := range []string{"uSymbolBase", "uWidth", "uHeight", "uChannels", "uMaskChannels", "uPixels4", "uTileSize", "uTileStride", "uInv"} {
			g.loc[n] = p.Uniform(n)
		}
		g.tables = gl.NewBuffer()
		return nil
	})
	if err != nil {
		ctx.Close()
		return nil, err
	}
	if g.max < 1<<16 || g.wg < 1 {
		ctx.Close()
		return nil, fmt.Errorf("%w: storage blocks of %d bytes, %d workgroups", ErrTooLarge, g.max, g.wg)
	}
	return g, nil
}

// withDefines inserts the record layout after the #version line, from the
// Go structs themselves, so the shader cannot drift from engine's layout.
func withDefines(src string) string {
	var im engine.Image
	var sy engine.Symbol
	var pa engine.Pattern
	w := func(off uintptr) uintptr { return off / 4 }
	defs := []struct {
		name string
		v    uintptr
	}{
		{"LOCAL_SIZE", localSize},
		{"NOISE_N", uintptr(len(engine.NoiseTable))},
		{"NOISE_BITS", engine.NoiseBits},
		{"IMAGE_WORDS", w(unsafe.Sizeof(im))},
		{"IMG_FIRST", w(unsafe.Offsetof(im.FirstSymbol))},
		{"IMG_NUM", w(unsafe.Offsetof(im.NumSymbols))},
		{"IMG_FLAGS", w(unsafe.Offsetof(im.Flags))},
		{"IMG_SEED", w(unsafe.Offsetof(im.NoiseSeed))},
		{"IMG_NOISE", w(unsafe.Offsetof(im.NoiseScale))},
		{"IMG_BG", w(unsafe.Offsetof(im.Bg))},
		{"SYMBOL_WORDS", w(unsafe.Sizeof(sy))},
		{"SYM_GLYPH", w(unsafe.Offsetof(sy.Glyph))},
		{"SYM_AFFINE", w(unsafe.Offsetof(sy.Affine))},
		{"SYM_DISTSCALE", w(unsafe.Offsetof(sy.DistScale))},
		{"SYM_BIAS", w(unsafe.Offsetof(sy.Bias))},
		{"SYM_FG", w(unsafe.Offsetof(sy.Fg))},
		{"PAT_KIND", w(unsafe.Offsetof(pa.Kind))},
		{"PAT_GEOM", w(unsafe.Offsetof(pa.Geom))},
		{"PAT_STOPS", w(unsafe.Offsetof(pa.Stops))},
		{"PATTERN_SOLID", uintptr(engine.PatternSolid)},
		{"PATTERN_LINEAR", uintptr(engine.PatternLinear)},
		{"PATTERN_RADIAL", uintptr(engine.PatternRadial)},
		{"FLAG_GRAY", uintptr(engine.FlagGray)},
		{"FLAG_INVERSE", uintptr(engine.FlagInverse)},
		{"FLAG_MAX_CONTRAST", uintptr(engine.FlagMaxContrast)},
	}
	var sb strings.Builder
	for _, d := range defs {
		fmt.Fprintf(&sb, "#define %s %du\n", d.name, d.v)
	}
	version, rest, ok := strings.Cut(src, "\n")
	if !ok || !strings.HasPrefix(version, "#version") {
		return sb.String() + src // let the compiler report it
	}
	return version + "\n" + sb.String() + "#line 2\n" + rest
}

// Name implements engine.Backend.
func (*Backend) Name() string { return "gpu" }

// Device implements engine.Backend: the GL_RENDERER string.
func (g *Backend) Device() string { return g.ctx.Renderer() }

// Software reports a CPU rasteriser such as llvmpipe.
func (g *Backend) Software() bool { return g.ctx.Software() }

// Close implements engine.Backend.
func (g *Backend) Close() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.ctx == nil {
		return nil
	}
	g.ctx.Do(func() error {
		for _, b := range []*buffer{&g.images, &g.symbols, &g.scratch, &g.outX, &g.outMask, &g.tiles} {
			if b.b != 0 {
				b.b.Delete()
			}
		}
		g.tables.Delete()
		g.prog.Delete()
		return nil
	})
	err := g.ctx.Close()
	g.ctx = nil
	return err
}

func asBytes[T any](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), len(s)*int(unsafe.Sizeof(s[0])))
}

// syncAtlas uploads the tiles added since the last call (glyph ids are
// dense and tiles immutable), the decode tables when the atlas changes,
// and grows the tile buffer by copying on the device.
func (g *Backend) syncAtlas(at *atlas.Atlas, glyphs []*atlas.Glyph) error {
	p := at.Params()
	if at != g.atlas || p != g.params {
		g.atlas, g.params, g.uploaded = at, p, 0
		g.tileBytes = (p.TileSize*p.TileSize + 3) &^ 3
		tab := make([]float32, 0, len(engine.NoiseTable)+256)
		tab = append(tab, engine.NoiseTable...)
		for v := range 256 {
			tab = append(tab, engine.SDFDecode(uint8(v), p.Spread))
		}
		if err := g.tables.Alloc(int64(len(tab)*4), gl.StaticDraw); err != nil {
			return err
		}
		g.tables.Upload(0, asBytes(tab))
	}
	n := len(glyphs)
	if n <= g.uploaded {
		return nil
	}
	tb := int64(g.tileBytes)
	need := int64(n) * tb
	if need > g.lim {
		return fmt.Errorf("%w: %d atlas tiles of %d bytes exceed %d bytes", ErrTooLarge, n, tb, g.lim)
	}
	if need > g.tiles.cap {
		c := min(max(need, 2*g.tiles.cap, 256*tb), g.lim/tb*tb)
		nb := gl.NewBuffer()
		if err := nb.Alloc(c, gl.StaticDraw); err != nil {
			nb.Delete()
			return err
		}
		if g.tiles.b != 0 {
			g.tiles.b.CopyTo(nb, 0, 0, int64(g.uploaded)*tb)
			g.tiles.b.Delete()
		}
		g.tiles = buffer{b: nb, cap: c}
	}
	buf := make([]byte, (n-g.uploaded)*g.tileBytes)
	for i := g.uploaded; i < n; i++ {
		copy(buf[(i-g.uploaded)*g.tileBytes:], glyphs[i].Tile)
	}
	g.tiles.b.Upload(int64(g.uploaded)*tb, buf)
	g.uploaded = n
	return gl.CheckError("uploading atlas tiles")
}

// Paint implements engine.Backend.
func (g *Backend) Paint(b *engine.Batch, out engine.Output) error {
	if err := b.Check(out); err != nil {
		return err
	}
	n := len(b.Images)
	if n == 0 {
		return nil
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.ctx == nil {
		return gl.ErrClosed
	}
	glyphs := b.Atlas.Glyphs()
	w, h, nc, k := b.Width, b.Height, b.Channels, b.MaskChannels
	px := w * h
	p4 := (px + 3) &^ 3
	perImage := max(int64(p4)*3*4, int64(p4*nc), int64(p4*k), int64(unsafe.Sizeof(engine.Image{})))
	if perImage > g.max {
		return fmt.Errorf("%w: a %dx%d image needs %d bytes per buffer, the limit is %d", ErrTooLarge, w, h, perImage, g.max)
	}
	chunk := int(min(g.max/perImage, int64(g.wg), int64(n)))
	return g.ctx.Do(func() error {
		if err := g.syncAtlas(b.Atlas, glyphs); err != nil {
			return err
		}
		for start := 0; start < n; {
			end := min(start+chunk, n)
			// The chunk's symbol range; halve the chunk while it is
			// over the buffer cap.
			lo, hi := symbolRange(b.Images[start:end])
			for int64(hi-lo)*int64(unsafe.Sizeof(engine.Symbol{})) > g.max {
				if end-start == 1 {
					return fmt.Errorf("%w: image %d's symbols span %d records", ErrTooLarge, start, hi-lo)
				}
				end = start + (end-start)/2
				lo, hi = symbolRange(b.Images[start:end])
			}
			if err := g.paintChunk(b, out, start, end, lo, hi, p4); err != nil {
				return err
			}
			start = end
		}
		return nil
	})
}

func symbolRange(ims []engine.Image) (lo, hi int) {
	lo, hi = int(^uint(0)>>1), 0
	for i := range ims {
		if ims[i].NumSymbols == 0 {
			continue
		}
		lo = min(lo, int(ims[i].FirstSymbol))
		hi = max(hi, int(ims[i].FirstSymbol+ims[i].NumSymbols))
	}
	if hi == 0 {
		return 0, 0
	}
	return lo, hi
}

// paintChunk paints images [start, end) in one dispatch and reads them
// back. It runs on the context goroutine.
func (g *Backend) paintChunk(b *engine.Batch, out engine.Output, start, end, symLo, symHi, p4 int) error {
	m := end - start
	w, h, nc, k := b.Width, b.Height, b.Channels, b.MaskChannels
	px := w * h
	ims := asBytes(b.Images[start:end])
	syms := asBytes(b.Symbols[symLo:symHi])
	xBytes, mBytes := int64(m*p4*nc), int64(m*p4*k)
	for _, a := range []struct {
		b     *buffer
		n     int64
		usage uint32
	}{
		{&g.images, int64(len(ims)), gl.DynamicDraw},
		{&g.symbols, max(int64(len(syms)), 4), gl.DynamicDraw},
		{&g.scratch, int64(m * p4 * 3 * 4), gl.DynamicDraw},
		{&g.outX, xBytes, gl.StreamRead},
		{&g.outMask, mBytes, gl.StreamRead},
	} {
		if err := a.b.ensure(a.n, a.usage); err != nil {
			return err
		}
	}
	g.images.b.Upload(0, ims)
	g.symbols.b.Upload(0, syms)
	for i, bb := range []gl.Buffer{g.images.b, g.symbols.b, g.tiles.b, g.tables, g.scratch.b, g.outX.b, g.outMask.b} {
		bb.Bind(uint32(i))
	}
	g.prog.Use()
	gl.SetUint(g.loc["uSymbolBase"], uint32(symLo))
	gl.SetUint(g.loc["uWidth"], uint32(w))
	gl.SetUint(g.loc["uHeight"], uint32(h))
	gl.SetUint(g.loc["uChannels"], uint32(nc))
	gl.SetUint(g.loc["uMaskChannels"], uint32(k))
	gl.SetUint(g.loc["uPixels4"], uint32(p4))
	gl.SetUint(g.loc["uTileSize"], uint32(g.params.TileSize))
	gl.SetUint(g.loc["uTileStride"], uint32(g.tileBytes))
	gl.SetFloat(g.loc["uInv"], 1/float32(min(w, h)))
	gl.Dispatch(uint32(m))
	gl.MemoryBarrier(gl.BarrierBufferUpdate)
	if err := gl.CheckError("dispatch"); err != nil {
		return err
	}
	x := out.X[start*px*nc : end*px*nc]
	mk := out.Mask[start*px*k : end*px*k]
	if p4 == px {
		g.outX.b.Download(0, x)
		g.outMask.b.Download(0, mk)
	} else {
		// Drop each image's padding.
		tmp := make([]byte, max(xBytes, mBytes))
		for _, o := range []struct {
			b    gl.Buffer
			dst  []byte
			c    int
			size int64
		}{{g.outX.b, x, nc, xBytes}, {g.outMask.b, mk, k, mBytes}} {
			o.b.Download(0, tmp[:o.size])
			for i := range m {
				copy(o.dst[i*px*o.c:(i+1)*px*o.c], tmp[i*p4*o.c:])
			}
		}
	}
	return gl.CheckError("reading back")
}
