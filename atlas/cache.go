package atlas

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math"
	"os"
	"path/filepath"

	"github.com/synbols-gpu/synbols-gpu/fonts"
	"github.com/synbols-gpu/synbols-gpu/internal/atomicfile"
)

// formatVersion names the tile algorithm and the cache file layout. Bump
// it whenever either changes: it is part of the cache folder name, so old
// tiles are simply never looked at again.
//
//	1: distance to every contour segment.
//	2: distance to the boundary of the nonzero fill (fillBoundary), so
//	   that overlapping contours leave no false edges.
const formatVersion = 2

// Disk cache layout: <cacheDir>/sdf-v<version>-t<TileSize>-p<Pad>-s<Spread>/
// <face ID>/<rune as hex>.sdf, one file per glyph. One file per glyph
// keeps writes independent (no read-modify-write of a shared pack file
// while other goroutines build other glyphs of the same face) and costs a
// few KB each.
//
// File (little endian): magic "SYNBSDF\n", version u32, face SHA-256
// [32], face index u32, rune u32, TileSize u32, Pad u32, Spread f32,
// Ink 4×f32, Origin 2×f32, TexelsPerEm f32, TileSize² tile bytes, CRC-32
// (IEEE) of everything before it. A file is trusted only if its length,
// magic, version, every key field and the CRC match; otherwise it is
// ignored, the glyph is rebuilt and the file rewritten. Files are written
// to a temporary name in the same folder and renamed, so readers never
// see a partial file.

const cacheMagic = "SYNBSDF\n"

func (a *Atlas) cachePath(f *fonts.Face, r rune) string {
	return filepath.Join(a.dir, f.ID(), fmt.Sprintf("%04x.sdf", r))
}

type cacheHeader struct {
	Magic       [8]byte
	Version     uint32
	SHA256      [32]byte
	Index       uint32
	Rune        uint32
	TileSize    uint32
	Pad         uint32
	Spread      float32
	Ink         [4]float32
	Origin      [2]float32
	TexelsPerEm float32
}

func (a *Atlas) header(f *fonts.Face, r rune) cacheHeader {
	h := cacheHeader{
		Version:  formatVersion,
		SHA256:   f.SHA256,
		Index:    uint32(f.Index),
		Rune:     uint32(r),
		TileSize: uint32(a.p.TileSize),
		Pad:      uint32(a.p.Pad),
		Spread:   a.p.Spread,
	}
	copy(h.Magic[:], cacheMagic)
	return h
}

func encodeCache(h cacheHeader, tile []uint8) []byte {
	var buf bytes.Buffer
	_ = binary.Write(&buf, binary.LittleEndian, &h) // cannot fail on a bytes.Buffer
	buf.Write(tile)
	return binary.LittleEndian.AppendUint32(buf.Bytes(), crc32.ChecksumIEEE(buf.Bytes()))
}

// readCache returns the cached glyph, or nil when there is no valid file.
func (a *Atlas) readCache(f *fonts.Face, r rune) *Glyph {
	data, err := os.ReadFile(a.cachePath(f, r))
	if err != nil {
		return nil
	}
	return decodeCache(data, a.header(f, r), a.p.TileSize)
}

func decodeCache(data []byte, want cacheHeader, tileSize int) *Glyph {
	hsize := binary.Size(want)
	if len(data) != hsize+tileSize*tileSize+4 {
		return nil
	}
	body := data[:len(data)-4]
	if crc32.ChecksumIEEE(body) != binary.LittleEndian.Uint32(data[len(data)-4:]) {
		return nil
	}
	var h cacheHeader
	if binary.Read(bytes.NewReader(body[:hsize]), binary.LittleEndian, &h) != nil {
		return nil
	}
	got := h
	got.Ink, got.Origin, got.TexelsPerEm = want.Ink, want.Origin, want.TexelsPerEm
	if got != want {
		return nil
	}
	for _, v := range append(append(h.Ink[:], h.Origin[:]...), h.TexelsPerEm) {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil
		}
	}
	if !(h.Ink[2] > h.Ink[0] && h.Ink[3] > h.Ink[1] && h.TexelsPerEm > 0) {
		return nil
	}
	return &Glyph{
		Ink:         h.Ink,
		Origin:      h.Origin,
		TexelsPerEm: h.TexelsPerEm,
		Tile:        append([]uint8(nil), body[hsize:]...),
	}
}

func (a *Atlas) writeCache(f *fonts.Face, r rune, g *Glyph) error {
	h := a.header(f, r)
	h.Ink, h.Origin, h.TexelsPerEm = g.Ink, g.Origin, g.TexelsPerEm
	p := a.cachePath(f, r)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("atlas: cache: %w", err)
	}
	// A cache file lost in a crash is only rendered again: no fsync.
	if err := atomicfile.Write(p, encodeCache(h, g.Tile), atomicfile.Options{Prefix: ".tmp-", Perm: 0o600, NoSync: true}); err != nil {
		return fmt.Errorf("atlas: cache: %w", err)
	}
	return nil
}
