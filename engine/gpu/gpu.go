// Package gpu is the OpenGL 4.3 compute backend: the same pixels as the CPU
// backend (engine/cpu), painted by shaders/paint.comp on whatever GPU a
// headless EGL context finds (internal/gl), Mesa's llvmpipe included, which
// is how CI runs the real shaders without a GPU.
//
// A batch is painted in chunks sized from the device's limits: every
// storage buffer a chunk binds stays within GL_MAX_SHADER_STORAGE_BLOCK_SIZE
// (and Options.MaxBufferBytes), and a chunk is one dispatch of at most
// GL_MAX_COMPUTE_WORK_GROUP_COUNT[0] workgroups, one per image.
//
// Read-back (ring.go): where the device has glBufferStorage, sub-batches go
// round a ring of slots (three by default), each with its own device
// buffers and persistently mapped host buffers; a fence follows each
// sub-batch, so the device paints sub-batch k+1 while goroutines copy
// sub-batch k out of mapped memory (one goroutine's memcpy out of mapped
// memory caps at about 6 GB/s, as measured on an H100 server; several
// reach the bus limit). The ring stays in flight across Paint calls: with
// two calls in flight (engine.Concurrent; generate's paint stage keeps
// them), a call's last sub-batch is retired by the next call after that
// call's first is queued, so the device does not idle between batches
// for a copy-out, a fence wait or an upload. Sub-batches are half a batch
// and at least minSubBatch (2,048) images, within the slot budgets (256
// MiB mapped and 256 MiB on the device per slot; 64 MiB in all on
// llvmpipe), so that a dispatch fills the device. Without glBufferStorage
// (or with Options.ReadBack = ReadBackSimple) each sub-batch is read with
// glGetBufferSubData after its dispatch, nothing overlapping, one call at
// a time. Every path gives the same bytes.
//
// The atlas is a storage buffer of tiles (4 texels per 32-bit word), read
// with integer loads and interpolated by hand, not a texture array as
// first planned: hardware bilinear filtering quantises its weights to 8
// bits (5–6 grey levels off the CPU, measured on an H100), so the shader would
// fetch texels one by one either way; a buffer has no 2,048-layer limit
// (llvmpipe) and grows by a device-side copy as the atlas grows; and tiles
// of any size pack without page bookkeeping. On NVIDIA, storage-buffer loads
// go through the same L1/L2 caches as texel fetches (not yet measured on
// the H100: bench/device.sh does).
//
// Symbol boxes: each symbol is painted over its Box only (the Planner's
// InkBounds), not the whole image, and invocation l still owns quads l,
// l + 256, ... of the image in every phase, so no barrier is added. The
// shader walks the band of quads from the box's first pixel to its last
// (rows y0 to y1 − 1 whole) and skips pixels outside the box: a symbol
// costs each invocation ⌈rows·W/4/256⌉ quad steps, against ⌈W·H/4/256⌉
// before. A pass per row over only the quads [x0, x1) touches would cost
// each invocation one step per row (mostly idle on a small box), which is
// fewer only for images wider than 4·256 pixels. On llvmpipe (2 cores,
// shared), against painting every pixel per symbol: the band paints the
// default preset at 32×32 (BenchmarkPaintDefault32) at 1.1× (5,000–5,400
// against 4,300–4,900 images/s) and crowded 128×128 scenes
// (BenchmarkPaintCrowded128, 50 symbols of 6–19 px) at 4.3× (100–110
// against 23–27 images/s); row passes measured 0.6× and 2.3×.
//
// What the shader is given beyond the plan: the record layout and the
// pattern and flag constants as #defines taken from engine's Go records
// (unsafe.Offsetof of engine.Image, engine.Symbol, engine.Pattern), and,
// from the painters' shared math in engine/internal/paint, the camouflage
// constants (paint.CamoSpan, paint.CamoLead) and one table buffer holding
// paint.NoiseTable, the atlas's SDF decode table (paint.SDFDecode), the
// sub-sample offsets (paint.SubOffsets) and paint.ByteTable, so that the
// shader reads the very values engine/cpu computes with.
//
// Specialisation: each image shape (W, H, C, K) a batch has gets its own
// programs, compiled on first use with the shape as constants
// (SPECIALISED), so that the pixel-index divisions by W fold into
// multiplies and the per-channel loops unroll; the generic programs, shape
// in uniforms, are compiled by New (a broken shader fails there) and
// paint with Options.Generic. TestGenericMatchesSpecialised holds the two
// to the same bytes. On llvmpipe the two run within noise of each other
// (BenchmarkPaintDefault32/specialised and /generic, 2026-12-01: 4,804–
// 5,984 and 4,416–6,099 images/s); the gain, if any, is a hardware GPU's,
// where an integer division by a uniform costs tens of instructions.
//
// Pixel state in registers: a specialised program for images of at most
// 4·256 quads (64×64) keeps each invocation's pixels' float RGB between
// symbols in a private array whose loops have constant bounds (REGS in
// the shader), not in the scratch buffer, which then holds only a
// camouflage texture, if any: no state traffic through device memory,
// and sub-batches no longer pay scratch bytes against the slot budget.
// On llvmpipe, four interleaved runs each against the scratch-buffer
// state (2026-12-01, BenchmarkPaintSizes/gpu): 32×32 6,307–8,421 against
// 4,490–7,283 images/s (medians 6,940 and 4,808), 64×64 2,037–2,859
// against 1,792–2,644; 128×128, which keeps the scratch buffer, within
// noise.
//
// GPU buffer layout: an image's pixels are padded to a multiple of 4
// (P4 = ⌈W·H/4⌉·4), so that each image of X (P4·C bytes) and of the mask
// (P4·K bytes) starts on a 32-bit word and every shader invocation owns the
// whole words it writes. When W·H is a multiple of 4 (all presets) the
// buffers are read straight into the caller's slices; otherwise image by
// image, dropping the padding.
package gpu

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/synbols-gpu/synbols-gpu/atlas"
	"github.com/synbols-gpu/synbols-gpu/engine"
	"github.com/synbols-gpu/synbols-gpu/engine/internal/paint"
	"github.com/synbols-gpu/synbols-gpu/internal/gl"
	"github.com/synbols-gpu/synbols-gpu/internal/par"
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
	// ErrBadOption: an Options value New does not know (a ReadBack or
	// Rounding beyond the constants).
	ErrBadOption = errors.New("gpu: invalid option")
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
	// MinGLVersion is the OpenGL version required, {major, minor}; zero
	// means 4.3 (compute shaders, std430). Tests raise it to reach the
	// "no GL 4.3" error on a working driver.
	MinGLVersion [2]int

	// ReadBack chooses the read-back path (default ReadBackAuto).
	ReadBack ReadBack
	// NoBufferStorage behaves as if the device lacked glBufferStorage, so
	// every path falls back to ReadBackSimple: how tests reach the
	// fallback on a device that has it, and an escape hatch for a driver
	// whose persistent mapping misbehaves.
	NoBufferStorage bool
	// RingSlots is the number of sub-batches in flight (0: 3, so that one
	// is painted while one is copied out and one is being set up).
	RingSlots int
	// SubBatch caps the images per sub-batch of the pipelined paths (0:
	// derived from the batch and the device limits; tests force small
	// values to wrap the ring many times).
	SubBatch int
	// CopyGoroutines is how many goroutines copy a sub-batch out of mapped
	// memory (0: GOMAXPROCS, at most 16).
	CopyGoroutines int
	// Rounding chooses how divisions and square roots are rounded
	// exactly (default RoundingAuto). Every choice gives the same bytes.
	Rounding Rounding
	// Generic paints every image shape with one program per variant, the
	// shape in uniforms, instead of a program compiled for each shape
	// (W, H, C, K) a batch has: for comparing the two, and for a driver
	// whose compiler is slow. The bytes are the same either way.
	Generic bool
}

// progKey names one compiled program: the shader variant (SUBSAMPLING
// bit 0, PATTERNS bit 1) and, unless generic (zero), the image shape.
type progKey struct {
	variant    int
	w, h, c, k int
}

// program is a compiled shader and its uniforms' locations (-1, which GL
// ignores, for those a specialised program has as constants).
type program struct {
	p   gl.Program
	loc map[string]int32
}

// maxPrograms bounds the cache of specialised programs: a run paints one
// shape, a test or a bench a handful; past it the cache starts again.
const maxPrograms = 32

var uniformNames = []string{"uSymbolBase", "uWidth", "uHeight", "uChannels", "uMaskChannels", "uPixels4", "uTileSize", "uTileStride", "uInv", "uLayerBase", "uLayerFirst", "uPoolPixels", "uScratch"}

// programFor returns the program for key, compiling it on first use. It
// runs on the context goroutine.
func (g *Backend) programFor(key progKey) (*program, error) {
	if g.generic {
		key.w, key.h, key.c, key.k = 0, 0, 0, 0
	}
	if p, ok := g.progs[key]; ok {
		return p, nil
	}
	if len(g.progs) >= maxPrograms {
		for k, p := range g.progs {
			if k.w != 0 {
				p.p.Delete()
				delete(g.progs, k)
			}
		}
	}
	var sh *shape
	if key.w != 0 {
		sh = &shape{w: key.w, h: key.h, c: key.c, k: key.k}
	}
	p, err := gl.CompileCompute(withDefines(paintSource, key.variant&1 != 0, key.variant&2 != 0, sh, g.offBy2, g.rounding == RoundingInteger))
	if err != nil {
		return nil, err
	}
	pr := &program{p: p, loc: map[string]int32{}}
	for _, n := range uniformNames {
		pr.loc[n] = p.Uniform(n)
	}
	g.progs[key] = pr
	return pr, nil
}

// Rounding is how the shader decides the IEEE rounding of a division or
// square root after the device's own, which GLSL lets be 2.5 ulp off.
type Rounding int

const (
	// RoundingAuto is RoundingInteger on a hardware GPU, RoundingDouble
	// on a software rasteriser.
	RoundingAuto Rounding = iota
	// RoundingInteger compares the candidate's midpoints with exact
	// 64-bit integer products (umulExtended), for normal operands and
	// results, falling back to RoundingDouble's test for the others:
	// FP64 runs at 1/2 (H100, H200) to 1/64 (consumer GPUs) of the FP32
	// rate, integer multiplies at full or half rate.
	RoundingInteger
	// RoundingDouble compares them in double precision, exact too (a
	// 25-bit midpoint times a 24-bit value has 49 bits). On llvmpipe,
	// whose doubles are the CPU's, it paints the default preset 1.7–2.0×
	// as fast as RoundingInteger (BenchmarkPaintDefault32, three runs,
	// 2026-12-01: 6,565–8,100 against 3,396–3,971 images/s); on an H200
	// bench/device.sh measures both.
	RoundingDouble
)

func (r Rounding) String() string {
	switch r {
	case RoundingAuto:
		return "auto"
	case RoundingInteger:
		return "integer"
	case RoundingDouble:
		return "double"
	}
	return fmt.Sprintf("Rounding(%d)", int(r))
}

// Rounding reports the rounding test in use (after RoundingAuto).
func (g *Backend) Rounding() Rounding { return g.rounding }

// ReadBack is how painted images come back to host memory.
type ReadBack int

const (
	// ReadBackAuto is ReadBackCopy, or ReadBackSimple without
	// glBufferStorage.
	ReadBackAuto ReadBack = iota
	// ReadBackSimple dispatches a sub-batch, reads it with
	// glGetBufferSubData, then goes on: nothing overlaps.
	ReadBackSimple
	// ReadBackCopy: the shader writes device buffers, glCopyBufferSubData
	// moves them into persistently mapped client-storage buffers (a DMA
	// at bus speed on a discrete GPU), fences, a ring of slots.
	ReadBackCopy
	// ReadBackMapped: the shader writes straight into the persistently
	// mapped buffers, saving the device-side copy; on a discrete GPU the
	// mask's read-modify-writes then cross the bus, and on llvmpipe it
	// measured no faster than ReadBackCopy.
	ReadBackMapped
)

func (r ReadBack) String() string {
	switch r {
	case ReadBackAuto:
		return "auto"
	case ReadBackSimple:
		return "simple"
	case ReadBackCopy:
		return "copy"
	case ReadBackMapped:
		return "mapped"
	}
	return fmt.Sprintf("ReadBack(%d)", int(r))
}

// paintSource is the shader compiled by New: a test hook for injecting a
// broken source.
var paintSource = shaders.Paint

// localSize is the workgroup size: invocations per image.
const localSize = 256

// defaultMaxBuffer caps buffers on devices with huge limits, bounding host
// staging and device memory per chunk.
const defaultMaxBuffer = 256 << 20

// Backend paints on a GPU. Paint is safe for concurrent use: on the
// pipelined read-back paths two calls in flight keep the device busy
// across calls (InFlight); on the simple path calls are serialised. All GL
// work runs on the context's own locked goroutine.
type Backend struct {
	// mu is held by the Paint call that submits to the ring (or paints on
	// the simple path), and by Close.
	mu  sync.Mutex
	ctx *gl.Context
	// waiters counts Paint calls waiting for mu; next (the ring slot the
	// next sub-batch takes) and tail (the newest sub-batch, unretired, or
	// nil) are the ring's state across calls, on the context goroutine.
	waiters atomic.Int32
	next    int
	tail    *tail
	// handoffs counts tails retired by the next call (for tests).
	handoffs int
	// progs are the compiled shaders by progKey, made on first use (the
	// context goroutine's): variant v has SUBSAMPLING v&1 and PATTERNS
	// v>>1 (variant 0 paints chunks without sub-sampled symbols or
	// composite patterns, 3 any chunk), and a shape other than the zero
	// one is specialised to it (Options.Generic).
	progs    map[progKey]*program
	generic  bool
	offBy2   bool     // roundingTest when New ran
	rounding Rounding // resolved: never RoundingAuto
	max      int64    // per-chunk buffer byte cap
	lim      int64    // the device's storage block limit (atlas tiles)
	wg       int      // max workgroups per dispatch

	readBack ReadBack // resolved: never ReadBackAuto
	soft     bool     // a software rasteriser: device memory is host memory
	sub      int      // Options.SubBatch
	copiers  int      // goroutines per copy-out
	// slots are the ring's buffers; the simple path uses slots[0].
	slots  []*slot
	tables gl.Buffer
	tiles  buffer
	// Atlas state: what is uploaded, for which atlas parameters.
	atlas     *atlas.Atlas
	params    atlas.Params
	uploaded  int // glyph tiles on the device
	tileBytes int // bytes between tiles, a multiple of 4
	// Image pool state: the pool on the device (uploaded once per pool,
	// not per batch) and the word its pixels start at.
	pool       *engine.ImagePool
	poolBuf    buffer
	poolPixels int
	// scratchPix is the scratch floats per pixel of the batch being
	// painted (scratchPixels): 0 to 7.
	scratchPix int

	// Timing (times.go): timed says the timer queries count bits; cur is
	// the Paint in progress (context goroutine, under mu), clock its copy
	// goroutines' wall time; times the sums, under timesMu, so that Times
	// never waits for a Paint.
	timed   bool
	cur     engine.Times
	clock   *par.Clock
	active  *par.Clock // Paint calls' wall time, overlapping calls counted once
	timesMu sync.Mutex
	times   engine.Times
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
	if opts.ReadBack < ReadBackAuto || opts.ReadBack > ReadBackMapped {
		return nil, fmt.Errorf("%w: read-back %v", ErrBadOption, opts.ReadBack)
	}
	if opts.Rounding < RoundingAuto || opts.Rounding > RoundingDouble {
		return nil, fmt.Errorf("%w: rounding %v", ErrBadOption, opts.Rounding)
	}
	ctx, err := gl.Open(gl.Options{Library: opts.EGLLibrary, Platform: opts.EGLPlatform, HardwareOnly: opts.HardwareOnly, MinVersion: opts.MinGLVersion})
	if err != nil {
		return nil, err
	}
	g := &Backend{ctx: ctx, clock: &par.Clock{}, active: &par.Clock{}}
	lim := ctx.Limits()
	g.max = lim.MaxStorageBlockSize
	g.lim = lim.MaxStorageBlockSize
	if opts.MaxBufferBytes > 0 {
		g.max = min(g.max, opts.MaxBufferBytes)
	} else {
		g.max = min(g.max, defaultMaxBuffer)
	}
	g.wg = lim.MaxWorkGroupCountX
	g.soft = ctx.Software()
	g.readBack = opts.ReadBack
	if !ctx.BufferStorage() || opts.NoBufferStorage {
		g.readBack = ReadBackSimple
	} else if g.readBack == ReadBackAuto {
		// Also on llvmpipe, where the mapped path measured no faster:
		// CI then runs the path that hardware runs.
		g.readBack = ReadBackCopy
	}
	nslots := 1
	if g.readBack != ReadBackSimple {
		nslots = cmp.Or(max(opts.RingSlots, 0), 3)
		nslots = max(nslots, 2)
	}
	for range nslots {
		g.slots = append(g.slots, &slot{})
	}
	g.generic = opts.Generic
	g.offBy2 = roundingTest
	g.rounding = opts.Rounding
	if g.rounding == RoundingAuto {
		g.rounding = RoundingInteger
		if g.soft {
			g.rounding = RoundingDouble
		}
	}
	g.sub = max(opts.SubBatch, 0)
	g.copiers = opts.CopyGoroutines
	if g.copiers <= 0 {
		g.copiers = min(runtime.GOMAXPROCS(0), 16)
	}
	err = ctx.Do(func() error {
		// The generic variants, compiled now: a shader that does not
		// compile fails New, not the first Paint; the specialised
		// programs come from the same source.
		g.progs = map[progKey]*program{}
		for v := range 4 {
			if _, err := g.programFor(progKey{variant: v}); err != nil {
				return err
			}
		}
		g.tables = gl.NewBuffer()
		g.timed = gl.TimerBits() > 0
		return gl.CheckError("querying the timer bits")
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

// maxRegQuads is the most quads per invocation whose pixels' state the
// specialised programs keep in registers (REGS): 4 quads, 16 pixels, 48
// floats, 64×64 images. Beyond it the state goes to the scratch buffer, as
// it does in the generic programs: a larger private array would spill to
// the device's local memory anyway.
const maxRegQuads = 4

// regQuads is QPI, the quads each invocation owns, for a specialised
// program painting images of px pixels, or 0 where their state is in the
// scratch buffer.
func regQuads(px int) int {
	q := ((px+3)/4 + localSize - 1) / localSize
	if q > maxRegQuads {
		return 0
	}
	return q
}

// scratchPixels is the scratch floats per pixel of a batch of images of
// px pixels: the RGB state (3) unless it is in registers, and a
// camouflage texture (4) if the batch paints one.
func (g *Backend) scratchPixels(px int, camouflage bool) int {
	n := 0
	if g.generic || regQuads(px) == 0 {
		n = 3
	}
	if camouflage {
		n += 4
	}
	return n
}

// withDefines inserts the record layout after the #version line, from the
// Go structs themselves, so the shader cannot drift from engine's layout,
// and the painters' constants from engine/internal/paint.
// shape is an image shape a program is specialised to (SPECIALISED).
type shape struct{ w, h, c, k int }

func withDefines(src string, subsampling, patterns bool, sh *shape, offBy2, integer bool) string {
	var im engine.Image
	var sy engine.Symbol
	var pa engine.Pattern
	w := func(off uintptr) uintptr { return off / 4 }
	defs := []struct {
		name string
		v    uintptr
	}{
		{"LOCAL_SIZE", localSize},
		{"NOISE_N", uintptr(len(paint.NoiseTable))},
		{"NOISE_BITS", paint.NoiseBits},
		{"IMAGE_WORDS", w(unsafe.Sizeof(im))},
		{"IMG_FIRST", w(unsafe.Offsetof(im.FirstSymbol))},
		{"IMG_NUM", w(unsafe.Offsetof(im.NumSymbols))},
		{"IMG_FLAGS", w(unsafe.Offsetof(im.Flags))},
		{"IMG_SEED", w(unsafe.Offsetof(im.NoiseSeed))},
		{"IMG_NOISE", w(unsafe.Offsetof(im.NoiseScale))},
		{"IMG_BG", w(unsafe.Offsetof(im.Bg))},
		{"SYMBOL_WORDS", w(unsafe.Sizeof(sy))},
		{"SYM_GLYPH", w(unsafe.Offsetof(sy.Glyph))},
		{"SYM_SUB", w(unsafe.Offsetof(sy.Sub))},
		{"MAX_SUB", engine.MaxSub},
		{"SYM_AFFINE", w(unsafe.Offsetof(sy.Affine))},
		{"SYM_DISTSCALE", w(unsafe.Offsetof(sy.DistScale))},
		{"SYM_BIAS", w(unsafe.Offsetof(sy.Bias))},
		{"SYM_BOX", w(unsafe.Offsetof(sy.Box))},
		{"SYM_FG", w(unsafe.Offsetof(sy.Fg))},
		{"PAT_KIND", w(unsafe.Offsetof(pa.Kind))},
		{"PAT_GEOM", w(unsafe.Offsetof(pa.Geom))},
		{"PAT_STOPS", w(unsafe.Offsetof(pa.Stops))},
		{"PATTERN_SOLID", uintptr(engine.PatternSolid)},
		{"PATTERN_LINEAR", uintptr(engine.PatternLinear)},
		{"PATTERN_RADIAL", uintptr(engine.PatternRadial)},
		{"PATTERN_LAYERS", uintptr(engine.PatternLayers)},
		{"PATTERN_CAMOUFLAGE", uintptr(engine.PatternCamouflage)},
		{"PATTERN_IMAGE", uintptr(engine.PatternImage)},
		{"PATTERN_WORDS", w(unsafe.Sizeof(pa))},
		{"CAMO_SPAN_BITS", uintptr(math.Float32bits(paint.CamoSpan))},
		{"CAMO_LEAD_BITS", uintptr(math.Float32bits(paint.CamoLead))},
		{"FLAG_GRAY", uintptr(engine.FlagGray)},
		{"FLAG_INVERSE", uintptr(engine.FlagInverse)},
		{"FLAG_MAX_CONTRAST", uintptr(engine.FlagMaxContrast)},
	}
	var sb strings.Builder
	for _, d := range defs {
		fmt.Fprintf(&sb, "#define %s %du\n", d.name, d.v)
	}
	regs := 0
	if sh != nil {
		regs = regQuads(sh.w * sh.h)
	}
	for _, f := range []struct {
		name string
		on   bool
	}{{"SUBSAMPLING", subsampling}, {"PATTERNS", patterns}, {"REGS", regs > 0}, {"ROUNDING_TEST", offBy2}, {"ROUND_INT", integer}} {
		v := 0
		if f.on {
			v = 1
		}
		fmt.Fprintf(&sb, "#define %s %d\n", f.name, v)
	}
	if regs > 0 {
		fmt.Fprintf(&sb, "#define QPI %du\n", regs)
	}
	if sh == nil {
		fmt.Fprintf(&sb, "#define SPECIALISED 0\n")
	} else {
		fmt.Fprintf(&sb, "#define SPECIALISED 1\n#define SPEC_WIDTH %du\n#define SPEC_HEIGHT %du\n#define SPEC_CHANNELS %du\n#define SPEC_MASK_CHANNELS %du\n#define SPEC_PIXELS4 %du\n",
			sh.w, sh.h, sh.c, sh.k, (sh.w*sh.h+3)&^3)
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
func (g *Backend) Software() bool { return g.soft }

// ReadBack reports the read-back path in use (after any fallback).
func (g *Backend) ReadBack() ReadBack { return g.readBack }

// InFlight implements engine.Concurrent: two calls on the pipelined
// read-back paths (ring.go), one on the simple path.
func (g *Backend) InFlight() int {
	if g.readBack == ReadBackSimple {
		return 1
	}
	return 2
}

var _ engine.Concurrent = (*Backend)(nil)

// Close implements engine.Backend. A Paint call whose last sub-batch is
// still the ring's tail gets its bytes first.
func (g *Backend) Close() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.ctx == nil {
		return nil
	}
	g.ctx.Do(func() error {
		g.retireTail() // its error goes to its call
		for _, s := range g.slots {
			s.delete()
		}
		if g.tiles.b != 0 {
			g.tiles.b.Delete()
		}
		if g.poolBuf.b != 0 {
			g.poolBuf.b.Delete()
		}
		g.tables.Delete()
		for _, p := range g.progs {
			p.p.Delete()
		}
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

// subOffsetsLen is the length of subOffsets' table.
const subOffsetsLen = (engine.MaxSub + 1) * engine.MaxSub

// subOffsets is the shader's table of sub-sample offsets: entry n·MaxSub + i
// is paint.SubOffsets(n)[i]. A table read, where a per-symbol local array
// would slow every symbol's loop (llvmpipe keeps it in memory: −25% on
// the default preset) and a per-sample divRN the minified ones.
func subOffsets() []float32 {
	tab := make([]float32, subOffsetsLen)
	for n := 1; n <= engine.MaxSub; n++ {
		copy(tab[n*engine.MaxSub:], paint.SubOffsets(n))
	}
	return tab
}

// syncAtlas uploads the tiles added since the last call (glyph ids are
// dense and tiles immutable), the decode tables when the atlas changes,
// and grows the tile buffer by copying on the device.
func (g *Backend) syncAtlas(at *atlas.Atlas, glyphs []*atlas.Glyph) error {
	p := at.Params()
	if at != g.atlas || p != g.params {
		g.atlas, g.params, g.uploaded = at, p, 0
		g.tileBytes = (p.TileSize*p.TileSize + 3) &^ 3
		tab := make([]float32, 0, len(paint.NoiseTable)+256+subOffsetsLen+256)
		tab = append(tab, paint.NoiseTable...)
		for v := range 256 {
			tab = append(tab, paint.SDFDecode(uint8(v), p.Spread))
		}
		tab = append(tab, subOffsets()...)
		tab = append(tab, paint.ByteTable[:]...)
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

// syncPool uploads the batch's image pool when it is not the one on the
// device (a pool is read-only and shared by every batch of a run): its
// PoolImage records, then its pixels. Without a pool a small buffer is
// bound, which the shader never reads.
func (g *Backend) syncPool(p *engine.ImagePool) error {
	if p == nil {
		return g.poolBuf.ensure(16, gl.StaticDraw)
	}
	if p == g.pool {
		return nil
	}
	head := asBytes(p.Images)
	n := int64(len(head)) + int64(len(p.Pixels))*4
	if n > g.lim {
		return fmt.Errorf("%w: an image pool of %d bytes exceeds %d bytes", ErrTooLarge, n, g.lim)
	}
	g.pool = nil
	if err := g.poolBuf.ensure(max(n, 16), gl.StaticDraw); err != nil {
		return err
	}
	g.poolBuf.b.Upload(0, head)
	g.poolBuf.b.Upload(int64(len(head)), asBytes(p.Pixels))
	if err := gl.CheckError("uploading the image pool"); err != nil {
		return err
	}
	g.pool, g.poolPixels = p, len(head)/4
	return nil
}

// hasCamouflage reports whether any image of b paints a camouflage: the
// scratch buffer then holds a texture beside each image's RGB.
func hasCamouflage(b *engine.Batch) bool {
	for i := range b.Images {
		if b.Images[i].Bg.Kind == engine.PatternCamouflage {
			return true
		}
	}
	for i := range b.Symbols {
		if b.Symbols[i].Fg.Kind == engine.PatternCamouflage {
			return true
		}
	}
	return false
}

// layerRange is the range [lo, hi) of the batch's Layers that the images
// and symbols of a chunk use (0, 0 for none).
func layerRange(ims []engine.Image, syms []engine.Symbol) (lo, hi int) {
	lo, hi = int(^uint(0)>>1), 0
	see := func(p *engine.Pattern) {
		if p.Kind != engine.PatternLayers {
			return
		}
		first, count := paint.LayerRange(p)
		if count > 0 {
			lo, hi = min(lo, int(first)), max(hi, int(first+count))
		}
	}
	for i := range ims {
		see(&ims[i].Bg)
	}
	for i := range syms {
		see(&syms[i].Fg)
	}
	if hi == 0 {
		return 0, 0
	}
	return lo, hi
}

// Paint implements engine.Backend. On the pipelined read-back paths it
// may be called from several goroutines at once, and gains from it: the
// calls' sub-batches share the ring in the order the calls take it (see
// ring.go), so the device goes on painting one call's batch while the host
// copies out another's. On the simple path calls run one after another.
func (g *Backend) Paint(b *engine.Batch, out engine.Output) error {
	if err := b.Check(out); err != nil {
		return err
	}
	n := len(b.Images)
	if n == 0 {
		return nil
	}
	glyphs := b.Atlas.Glyphs()
	w, h, nc, k := b.Width, b.Height, b.Channels, b.MaskChannels
	px := w * h
	p4 := (px + 3) &^ 3
	sp := g.scratchPixels(px, hasCamouflage(b))
	perImage := max(int64(p4)*int64(sp)*4, int64(p4*nc), int64(p4*k), int64(unsafe.Sizeof(engine.Image{})))
	if perImage > g.max {
		return fmt.Errorf("%w: a %dx%d image needs %d bytes per buffer, the limit is %d", ErrTooLarge, w, h, perImage, g.max)
	}
	limit := int(min(g.max/perImage, int64(g.wg)))
	if g.readBack != ReadBackSimple {
		limit = min(limit, g.subBatch(n, p4, nc, k, sp))
	}
	chunks, err := split(b, limit, g.max)
	if err != nil {
		return err
	}
	if g.readBack == ReadBackSimple {
		return g.paintSimple(b, out, chunks, glyphs, p4, sp)
	}
	cl := &call{retired: make(chan struct{})}
	// A call that holds the ring looks at waiters when it is done with
	// its submissions: one waiting means its tail will be retired.
	g.waiters.Add(1)
	g.mu.Lock()
	g.waiters.Add(-1)
	if g.ctx == nil {
		g.mu.Unlock()
		return gl.ErrClosed
	}
	g.active.Start()
	err = g.ctx.Do(func() error {
		g.scratchPix = sp
		err := g.sync(b, glyphs)
		if err == nil {
			err = g.paintRing(b, out, chunks, p4, cl)
		}
		if err != nil {
			g.abort(cl)
		}
		g.flushTimes()
		return err
	})
	g.mu.Unlock()
	if err == nil {
		// Until the call's tail is retired, by this call or the next.
		<-cl.retired
		err = cl.err
	}
	cl.copies.Wait()
	g.active.Stop()
	g.commit(n)
	return err
}

// paintSimple is Paint on the simple path: one call at a time, each
// sub-batch read back before the next is dispatched.
func (g *Backend) paintSimple(b *engine.Batch, out engine.Output, chunks []chunk, glyphs []*atlas.Glyph, p4, sp int) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.ctx == nil {
		return gl.ErrClosed
	}
	g.active.Start()
	err := g.ctx.Do(func() error {
		g.scratchPix = sp
		err := g.sync(b, glyphs)
		for _, c := range chunks {
			if err != nil {
				break
			}
			err = g.paintChunk(b, out, c, p4)
		}
		g.flushTimes()
		return err
	})
	g.active.Stop()
	g.commit(len(b.Images))
	return err
}

// roundingTest, set by tests around New, makes the backend compile
// programs whose divisions and square roots start two ulps off
// (ROUNDING_TEST in the shader), so that the exact corrections run, and
// are held to the CPU's bytes, on devices (llvmpipe) whose own results
// are correctly rounded.
var roundingTest = false

// syncHook, set by tests, fails a Paint call on the context goroutine,
// as a device error in its uploads would.
var syncHook func(*engine.Batch) error

// sync brings the device's atlas tiles and image pool up to b's. On the
// context goroutine.
func (g *Backend) sync(b *engine.Batch, glyphs []*atlas.Glyph) error {
	tu := time.Now()
	defer since(&g.cur.Upload, tu)
	if syncHook != nil {
		if err := syncHook(b); err != nil {
			return err
		}
	}
	if err := g.syncAtlas(b.Atlas, glyphs); err != nil {
		return err
	}
	return g.syncPool(b.Pool)
}

// chunk is one dispatch: images [start, end), whose symbols lie in
// [lo, hi) of the batch's symbol slice.
type chunk struct{ start, end, lo, hi int }

// split cuts the batch into dispatches of at most limit images whose
// symbol range fits maxBytes, halving a chunk while it does not.
func split(b *engine.Batch, limit int, maxBytes int64) ([]chunk, error) {
	var cs []chunk
	n := len(b.Images)
	for start := 0; start < n; {
		end := min(start+limit, n)
		lo, hi := symbolRange(b.Images[start:end])
		for int64(hi-lo)*int64(unsafe.Sizeof(engine.Symbol{})) > maxBytes {
			if end-start == 1 {
				return nil, fmt.Errorf("%w: image %d's symbols span %d records", ErrTooLarge, start, hi-lo)
			}
			end = start + (end-start)/2
			lo, hi = symbolRange(b.Images[start:end])
		}
		cs = append(cs, chunk{start, end, lo, hi})
		start = end
	}
	return cs, nil
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

// dispatch uploads chunk c's records into slot s and paints it into the
// buffers outX and outMask. It runs on the context goroutine.
func (g *Backend) dispatch(b *engine.Batch, c chunk, p4 int, s *slot, outX, outMask gl.Buffer) error {
	m := c.end - c.start
	w, h, nc, k := b.Width, b.Height, b.Channels, b.MaskChannels
	ims := asBytes(b.Images[c.start:c.end])
	syms := asBytes(b.Symbols[c.lo:c.hi])
	// The layers the chunk uses follow its images in the images buffer.
	llo, lhi := layerRange(b.Images[c.start:c.end], b.Symbols[c.lo:c.hi])
	lays := asBytes(b.Layers[llo:lhi])
	if int64(len(ims)+len(lays)) > g.max {
		return fmt.Errorf("%w: images %d to %d and their %d layers need %d bytes, the limit is %d", ErrTooLarge, c.start, c.end, lhi-llo, len(ims)+len(lays), g.max)
	}
	tu := time.Now()
	for _, a := range []struct {
		b *buffer
		n int64
	}{
		{&s.images, int64(len(ims) + len(lays))},
		{&s.symbols, max(int64(len(syms)), 4)},
		{&s.scratch, int64(m * p4 * g.scratchPix * 4)},
	} {
		if err := a.b.ensure(a.n, gl.DynamicDraw); err != nil {
			return err
		}
	}
	s.images.b.Upload(0, ims)
	s.images.b.Upload(int64(len(ims)), lays)
	s.symbols.b.Upload(0, syms)
	since(&g.cur.Upload, tu)
	for i, bb := range []gl.Buffer{s.images.b, s.symbols.b, g.tiles.b, g.tables, s.scratch.b, outX, outMask, g.poolBuf.b} {
		bb.Bind(uint32(i))
	}
	pi := 0
	for i := c.lo; i < c.hi; i++ {
		if b.Symbols[i].Sub > 1 {
			pi |= 1
		}
		if b.Symbols[i].Fg.Kind > engine.PatternRadial {
			pi |= 2
		}
	}
	for i := c.start; i < c.end; i++ {
		if b.Images[i].Bg.Kind > engine.PatternRadial {
			pi |= 2
		}
	}
	prog, err := g.programFor(progKey{variant: pi, w: w, h: h, c: nc, k: k})
	if err != nil {
		return err
	}
	prog.p.Use()
	loc := prog.loc
	gl.SetUint(loc["uSymbolBase"], uint32(c.lo))
	gl.SetUint(loc["uWidth"], uint32(w))
	gl.SetUint(loc["uHeight"], uint32(h))
	gl.SetUint(loc["uChannels"], uint32(nc))
	gl.SetUint(loc["uMaskChannels"], uint32(k))
	gl.SetUint(loc["uPixels4"], uint32(p4))
	gl.SetUint(loc["uTileSize"], uint32(g.params.TileSize))
	gl.SetUint(loc["uTileStride"], uint32(g.tileBytes))
	gl.SetFloat(loc["uInv"], 1/float32(min(w, h)))
	gl.SetUint(loc["uLayerBase"], uint32(len(ims)/4))
	gl.SetUint(loc["uLayerFirst"], uint32(llo))
	gl.SetUint(loc["uPoolPixels"], uint32(g.poolPixels))
	gl.SetUint(loc["uScratch"], uint32(p4*g.scratchPix))
	g.mark(&s.q.compute, 0, &s.q.computePending)
	gl.Dispatch(uint32(m))
	g.mark(&s.q.compute, 1, &s.q.computePending)
	return gl.CheckError("dispatch")
}

// paintChunk is the simple path: it paints chunk c in one dispatch and
// reads it back with glGetBufferSubData, which waits for the dispatch. It
// runs on the context goroutine.
func (g *Backend) paintChunk(b *engine.Batch, out engine.Output, c chunk, p4 int) error {
	m := c.end - c.start
	px, nc, k := b.Width*b.Height, b.Channels, b.MaskChannels
	s := g.slots[0]
	xBytes, mBytes := int64(m*p4*nc), int64(m*p4*k)
	if err := s.outX.ensure(xBytes, gl.StreamRead); err != nil {
		return err
	}
	if err := s.outMask.ensure(mBytes, gl.StreamRead); err != nil {
		return err
	}
	if err := g.dispatch(b, c, p4, s, s.outX.b, s.outMask.b); err != nil {
		return err
	}
	gl.MemoryBarrier(gl.BarrierBufferUpdate)
	x := out.X[c.start*px*nc : c.end*px*nc]
	mk := out.Mask[c.start*px*k : c.end*px*k]
	// Download waits for the dispatch, then copies: both are ReadBack.
	t := time.Now()
	if p4 == px {
		s.outX.b.Download(0, x)
		s.outMask.b.Download(0, mk)
		since(&g.cur.ReadBack, t)
	} else {
		// Drop each image's padding.
		tmp := make([]byte, max(xBytes, mBytes))
		for _, o := range []struct {
			b    gl.Buffer
			dst  []byte
			c    int
			size int64
		}{{s.outX.b, x, nc, xBytes}, {s.outMask.b, mk, k, mBytes}} {
			o.b.Download(0, tmp[:o.size])
			t = since(&g.cur.ReadBack, t)
			for i := range m {
				copy(o.dst[i*px*o.c:(i+1)*px*o.c], tmp[i*p4*o.c:])
			}
			t = since(&g.cur.HostCopy, t)
		}
	}
	if err := gl.CheckError("reading back"); err != nil {
		return err
	}
	// The download waited for the dispatch: its query is complete.
	return g.resolve(s)
}
