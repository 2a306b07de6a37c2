// Package atlas builds the signed distance field (SDF) tiles the painters
// sample, one per (font face, rune), with the metrics needed to place
// them: the upright ink box Cairo measured for scale and placement (see
// docs/geometry.md for the tile layout and how painters map pixels to texels).
//
// Only the glyphs a run asks for are built (Atlas.Glyph); each is built
// once per atlas, memoised in memory, and cached on disk keyed by the font
// file's content, the tile parameters and a format version, so a second
// run on the same fonts loads tiles instead of computing them.
package atlas

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/synbols-gpu/synbols-gpu/fonts"
)

var (
	// ErrNoGlyph: the face does not map the rune.
	ErrNoGlyph = errors.New("atlas: rune not mapped by the face")
	// ErrEmptyGlyph: the glyph has no visible outline (a space), so
	// there is nothing to draw and no ink box to scale by.
	ErrEmptyGlyph = errors.New("atlas: glyph has an empty outline")
	// ErrParams: tile parameters out of range.
	ErrParams = errors.New("atlas: invalid parameters")
)

// Params fixes the tile geometry. Tiles built with different Params are
// different tiles (they are cached separately).
type Params struct {
	TileSize int     // tile width and height in texels
	Pad      int     // texels between the ink box's longer side and the tile edge
	Spread   float32 // distance in texels that maps to the full half-range of a uint8 (127.5)
}

// DefaultParams: 64×64 tiles with the ink's longer side on 48 texels and
// distances saturating at ±8 texels. Pad = Spread so that the field is
// complete out to Spread around the ink, which is what synthetic bold
// (moving the threshold outwards) and anti-aliasing of heavily minified
// glyphs need.
func DefaultParams() Params { return Params{TileSize: 64, Pad: 8, Spread: 8} }

func (p Params) validate() error {
	if p.TileSize < 8 || p.TileSize > 1024 || p.Pad < 0 || p.TileSize-2*p.Pad < 4 ||
		!(p.Spread > 0) || math.IsInf(float64(p.Spread), 0) {
		return fmt.Errorf("%w: %+v (want 8 <= TileSize <= 1024, 0 <= Pad, TileSize-2*Pad >= 4, Spread > 0)", ErrParams, p)
	}
	return nil
}

// Encode quantises a signed distance in texels (positive inside) to a
// texel value: clamp(round(127.5 + 127.5·sd/Spread), 0, 255). The
// outline itself (sd = 0) encodes as 128 and decodes to +Spread/255.
func (p Params) Encode(sd float32) uint8 { return p.encode(float64(sd)) }

func (p Params) encode(sd float64) uint8 {
	v := math.Round(127.5 + 127.5*sd/float64(p.Spread))
	return uint8(max(0, min(255, v)))
}

// Decode is the inverse of Encode, used by painters: the signed distance
// in texels, (v − 127.5)·Spread/127.5, exact to ±Spread/255.
func (p Params) Decode(v uint8) float32 { return (float32(v) - 127.5) * p.Spread / 127.5 }

// Glyph is one built tile with its metrics. Immutable once built: share
// freely between goroutines.
type Glyph struct {
	// Ink is the upright ink box at size 1 (em units = font units /
	// unitsPerEm), y down, origin at the glyph origin: x0, y0, x1, y1
	// (y0 = −yMax of the outline). It is the outline's control box, as
	// FreeType and thus Cairo measured it (see Path.Bounds).
	Ink [4]float32
	// Origin is the em position (y down) of the tile's top-left corner,
	// texel space (0, 0).
	Origin [2]float32
	// TexelsPerEm is the uniform em → texel scale:
	// (TileSize − 2·Pad) / max(inkW, inkH). The ink box is centred in the
	// tile. Em point (x, y) is texel (x − Origin[0], y − Origin[1])·TexelsPerEm;
	// texel (i, j)'s centre is at (i + 0.5, j + 0.5).
	TexelsPerEm float32
	// Tile is TileSize×TileSize texels, row-major, row 0 at the top. Each
	// is Params.Encode(sd) with sd the distance in texels from the texel
	// centre to the outline, positive inside (nonzero winding).
	Tile []uint8
}

// Stats counts where an atlas' glyphs came from.
type Stats struct {
	Built  int64 // computed from outlines
	Loaded int64 // read from the disk cache
}

// key identifies a glyph by content (face ID = file hash + index), so two
// Face values loaded from the same file share tiles.
type key struct {
	face string
	r    rune
}

type faceRune struct {
	f *fonts.Face
	r rune
}

type entry struct {
	done chan struct{} // closed when id/g/err are set
	// ready is set after done is closed: a hit reads it instead of
	// receiving from done, which takes the channel's lock, shared by
	// every goroutine looking up the glyph.
	ready atomic.Bool
	id    uint32
	g     *Glyph
	err   error
}

// Atlas builds, memoises and caches glyph tiles. It is safe for
// concurrent use: Glyph may be called from many goroutines; the same
// (face, rune) is built once, concurrent callers of it wait for that one
// build, and distinct glyphs build in parallel.
type Atlas struct {
	p   Params
	dir string // versioned cache folder for p; "" = no disk cache

	// index maps keys to entries, read without a lock: a planner looks
	// up every symbol's glyph, from as many goroutines as there are cores,
	// and after the first batch every lookup is a hit. mu orders the
	// misses' ids and guards glyphs and cerr.
	index sync.Map // key → *entry
	// byFace is index by (face pointer, rune): a hit skips computing
	// the face's ID (a hex string built on every call).
	byFace sync.Map // faceRune → *entry
	mu     sync.Mutex
	glyphs []*Glyph
	cerr   error // first disk cache write error

	built, loaded atomic.Int64
}

// New makes an empty atlas. cacheDir "" disables the disk cache; Default
// and DefaultCacheDir give the command line's location.
// The folder is created if needed; tiles go to a sub-folder named by the
// format version and p, one file per glyph (see cache.go).
func New(p Params, cacheDir string) (*Atlas, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	a := &Atlas{p: p}
	if cacheDir != "" {
		a.dir = filepath.Join(cacheDir, "sdf-v"+strconv.Itoa(formatVersion)+"-"+p.dirName())
		if err := os.MkdirAll(a.dir, 0o755); err != nil {
			return nil, fmt.Errorf("atlas: cache dir: %w", err)
		}
	}
	return a, nil
}

func (p Params) dirName() string {
	return fmt.Sprintf("t%d-p%d-s%s", p.TileSize, p.Pad, strconv.FormatFloat(float64(p.Spread), 'g', -1, 32))
}

// Params returns the atlas' tile parameters.
func (a *Atlas) Params() Params { return a.p }

// Glyph returns the id of r's tile in face f, loading it from the disk
// cache or building it on first use. Ids are dense (0..n−1, n =
// len(Glyphs())), stable for the atlas' life, and handed out in the order
// glyphs complete: request glyphs in a fixed order, one at a time, if ids
// must be the same from run to run. Failures (ErrNoGlyph, ErrEmptyGlyph,
// a broken glyph program) are memoised too and take no id.
func (a *Atlas) Glyph(f *fonts.Face, r rune) (uint32, error) {
	id, _, err := a.Lookup(f, r)
	return id, err
}

// Lookup is Glyph that also returns the tile, so that a planner takes the
// glyph it needs without a snapshot of all of them (Glyphs copies every
// pointer under the lock: per sample, that was most of the planner's
// locking).
func (a *Atlas) Lookup(f *fonts.Face, r rune) (uint32, *Glyph, error) {
	if v, ok := a.byFace.Load(faceRune{f, r}); ok {
		e := v.(*entry)
		if !e.ready.Load() {
			<-e.done
		}
		return e.id, e.g, e.err
	}
	k := key{f.ID(), r}
	if v, ok := a.index.Load(k); ok {
		e := v.(*entry)
		a.byFace.Store(faceRune{f, r}, e)
		<-e.done
		return e.id, e.g, e.err
	}
	e := &entry{done: make(chan struct{})}
	if v, loaded := a.index.LoadOrStore(k, e); loaded {
		// Another goroutine builds it.
		e = v.(*entry)
		a.byFace.Store(faceRune{f, r}, e)
		<-e.done
		return e.id, e.g, e.err
	}
	a.byFace.Store(faceRune{f, r}, e)

	g, err := a.loadOrBuild(f, r)

	a.mu.Lock()
	if err != nil {
		e.err = err
	} else {
		e.id, e.g = uint32(len(a.glyphs)), g
		a.glyphs = append(a.glyphs, g)
	}
	a.mu.Unlock()
	close(e.done)
	e.ready.Store(true)
	return e.id, e.g, e.err
}

func (a *Atlas) loadOrBuild(f *fonts.Face, r rune) (*Glyph, error) {
	if a.dir != "" {
		if g := a.readCache(f, r); g != nil {
			a.loaded.Add(1)
			return g, nil
		}
	}
	path, err := Outline(f, r)
	if err != nil {
		return nil, err
	}
	g, err := buildGlyph(a.p, path)
	if err != nil {
		return nil, fmt.Errorf("atlas: U+%04X in %s: %w", r, f, err)
	}
	a.built.Add(1)
	if a.dir != "" {
		if err := a.writeCache(f, r, g); err != nil {
			a.mu.Lock()
			if a.cerr == nil {
				a.cerr = err
			}
			a.mu.Unlock()
		}
	}
	return g, nil
}

// Glyphs returns the glyphs built so far, indexed by id. The slice is a
// snapshot (later glyphs are not added to it); the Glyphs are shared and
// must not be modified.
func (a *Atlas) Glyphs() []*Glyph {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]*Glyph(nil), a.glyphs...)
}

// Stats reports how many glyphs were built and how many loaded from disk.
func (a *Atlas) Stats() Stats { return Stats{Built: a.built.Load(), Loaded: a.loaded.Load()} }

// CacheErr returns the first error met while writing the disk cache, or
// nil. Such errors never fail Glyph (the tile is in memory either way);
// callers may report them once.
func (a *Atlas) CacheErr() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.cerr
}
