package fonts

import (
	"encoding/binary"
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/alphabet"
)

// loadEmbedded loads the embedded set alone and fails on any warning.
func loadEmbedded(t testing.TB) *Library {
	t.Helper()
	lib, err := Load(Options{Embedded: true, Warn: func(m string) { t.Errorf("unexpected warning: %s", m) }})
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

func embeddedBytes(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := embeddedFS.ReadFile(path.Join("embedded", rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func lowerAZ(t testing.TB) []rune {
	rs, err := alphabet.Alphabet("english", "lower")
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func TestEmbeddedSet(t *testing.T) {
	lib := loadEmbedded(t)
	if n := len(lib.Families); n < 10 {
		t.Errorf("embedded set has %d families, want >= 10", n)
	}
	usable := lib.Usable(lowerAZ(t), false)
	if len(usable) < 8 {
		t.Errorf("%d families usable for a-z, want >= 8", len(usable))
	}
	var cff, tt, noBold int
	for i, fam := range lib.Families {
		if i > 0 && lib.Families[i-1].Name >= fam.Name {
			t.Errorf("families not sorted: %q before %q", lib.Families[i-1].Name, fam.Name)
		}
		for _, f := range []*Face{fam.Regular, fam.Bold} {
			if f == nil {
				continue
			}
			if f.CFF {
				cff++
			} else {
				tt++
			}
			if f.License == "" {
				t.Errorf("%s: no licence", f)
			}
			if !strings.HasPrefix(f.Source, "embedded:") {
				t.Errorf("%s: source %q", f, f.Source)
			}
			if f.italic {
				t.Errorf("%s: italic face kept", f)
			}
		}
		if fam.Regular.Bold {
			t.Errorf("%s: regular face is bold", fam.Name)
		}
		if fam.Bold == nil {
			noBold++
		} else if !fam.Bold.Bold {
			t.Errorf("%s: bold face %s not bold", fam.Name, fam.Bold)
		}
	}
	if cff == 0 || tt == 0 {
		t.Errorf("want both CFF and TrueType faces, got %d CFF and %d TrueType", cff, tt)
	}
	if noBold == 0 {
		t.Error("want at least one family without a bold face (synthetic bold)")
	}
	for _, name := range []string{"Open Sans", "DejaVu Sans"} {
		if _, ok := lib.Family(name); !ok {
			t.Errorf("family %q missing", name)
		}
	}
	dv, ok := lib.Family("DejaVu Sans")
	if !ok {
		t.Fatal("no DejaVu Sans")
	}
	if dv.Regular.Source != "embedded:dejavu/DejaVuSans.ttf" || dv.Bold == nil || dv.Bold.Source != "embedded:dejavu/DejaVuSans-Bold.ttf" {
		t.Errorf("DejaVu Sans grouped wrongly: regular %v bold %v", dv.Regular, dv.Bold)
	}
	if dv.Regular.Weight != 400 || dv.Bold.Weight != 700 {
		t.Errorf("DejaVu Sans weights %d/%d", dv.Regular.Weight, dv.Bold.Weight)
	}
	if id := dv.Regular.ID(); len(id) != 18 || !strings.HasSuffix(id, "-0") {
		t.Errorf("ID %q", id)
	}
	if dv.Regular.UnitsPerEm() != 2048 {
		t.Errorf("DejaVu Sans unitsPerEm %d", dv.Regular.UnitsPerEm())
	}
	if f, ok := lib.Family("dejavu sans"); !ok || f != dv {
		t.Error("case-insensitive Family lookup failed")
	}
	if _, ok := lib.Family("No Such Font"); ok {
		t.Error("found a family that does not exist")
	}
}

// Every embedded font folder keeps its licence and has a known identifier.
func TestEmbeddedLicencesBeside(t *testing.T) {
	dirs := map[string]bool{}
	for _, rel := range EmbeddedFiles() {
		dir, _, _ := strings.Cut(rel, "/")
		dirs[dir] = true
	}
	for dir := range dirs {
		if embeddedLicenses[dir] == "" {
			t.Errorf("embedded/%s: no entry in embeddedLicenses", dir)
		}
		if _, err := fs.Stat(embeddedFS, path.Join("embedded", dir, "copyright")); err != nil {
			t.Errorf("embedded/%s: no copyright file: %v", dir, err)
		}
	}
	readme, err := embeddedFS.ReadFile("embedded/README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, rel := range EmbeddedFiles() {
		if !strings.Contains(string(readme), path.Base(rel)) {
			t.Errorf("README.md does not list %s", rel)
		}
	}
}

func TestBrokenFilesWarnOnce(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	junk := make([]byte, 4096)
	for i := range junk {
		junk[i] = byte(rng.UintN(256))
	}
	dv := embeddedBytes(t, "dejavu/DejaVuSans.ttf")
	files := map[string][]byte{
		"x.ttf":              junk,
		"sub/truncated.ttf":  dv[:len(dv)/2],
		"good/ComicNeue.otf": embeddedBytes(t, "comic-neue/ComicNeue-Regular.otf"),
		"notes.txt":          []byte("not a font, not looked at"),
	}
	for name, b := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var warns []string
	lib, err := Load(Options{Dirs: []string{dir}, Warn: func(m string) { warns = append(warns, m) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(warns) != 2 {
		t.Fatalf("want 2 warnings, got %d: %q", len(warns), warns)
	}
	for _, want := range []string{filepath.Join(dir, "x.ttf"), filepath.Join(dir, "sub", "truncated.ttf")} {
		n := 0
		for _, w := range warns {
			if strings.Contains(w, want) {
				n++
				if strings.Contains(w, "\n") {
					t.Errorf("warning spans several lines: %q", w)
				}
			}
		}
		if n != 1 {
			t.Errorf("%d warnings name %s, want 1: %q", n, want, warns)
		}
	}
	if len(lib.Families) != 1 || lib.Families[0].Name != "Comic Neue" {
		t.Errorf("families %v, want only Comic Neue", lib.Families)
	}
}

func TestNoFonts(t *testing.T) {
	dir := t.TempDir()
	_, err := Load(Options{Dirs: []string{dir}})
	if !errors.Is(err, ErrNoFonts) {
		t.Fatalf("got %v, want ErrNoFonts", err)
	}
	if !strings.Contains(err.Error(), dir) {
		t.Errorf("error %q does not say where it looked", err)
	}
	if _, err := Load(Options{}); !errors.Is(err, ErrNoFonts) {
		t.Errorf("no sources: got %v, want ErrNoFonts", err)
	}
}

// The system folders are optional: whatever this machine has, loading
// them with the embedded set works and keeps every embedded family name.
func TestSystemAndEmbedded(t *testing.T) {
	lib, err := Load(Options{System: true, Embedded: true, Warn: func(m string) { t.Log(m) }})
	if err != nil {
		t.Fatal(err)
	}
	for _, fam := range loadEmbedded(t).Families {
		if _, ok := lib.Family(fam.Name); !ok {
			t.Errorf("family %q lost when system fonts are added", fam.Name)
		}
	}
}

func TestMissingUserDir(t *testing.T) {
	_, err := Load(Options{Dirs: []string{filepath.Join(t.TempDir(), "nope")}, Embedded: true})
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("got %v, want a not-exist error", err)
	}
}

// A user folder's family shadows the embedded one entirely.
func TestUserDirWins(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "OpenSans-Regular.ttf")
	if err := os.WriteFile(p, embeddedBytes(t, "open-sans/OpenSans-Regular.ttf"), 0o644); err != nil {
		t.Fatal(err)
	}
	lib, err := Load(Options{Dirs: []string{dir}, Embedded: true})
	if err != nil {
		t.Fatal(err)
	}
	fam, ok := lib.Family("Open Sans")
	if !ok {
		t.Fatal("no Open Sans")
	}
	if fam.Regular.Source != p || fam.Bold != nil {
		t.Errorf("Open Sans from %s with bold %v; want user copy, no bold", fam.Regular.Source, fam.Bold)
	}
	if _, ok := lib.Family("DejaVu Sans"); !ok {
		t.Error("embedded families lost")
	}
}

func TestCoverage(t *testing.T) {
	lib := loadEmbedded(t)
	dv, _ := lib.Family("DejaVu Sans")
	f := dv.Regular
	if !f.Covers('a') || f.Covers(' ') || f.Covers(0x10FFFD) {
		t.Errorf("Covers: a=%v space=%v U+10FFFD=%v", f.Covers('a'), f.Covers(' '), f.Covers(0x10FFFD))
	}
	if _, err := f.Outline(' '); !errors.Is(err, ErrEmptyGlyph) {
		t.Errorf("space: %v, want ErrEmptyGlyph", err)
	}
	if _, err := f.Outline(0x10FFFD); !errors.Is(err, ErrNoGlyph) {
		t.Errorf("U+10FFFD: %v, want ErrNoGlyph", err)
	}
	if got := lib.Usable([]rune{'a', 0x10FFFD}, false); len(got) != 0 {
		t.Errorf("usable for an unmapped rune: %v", got)
	}
	// requireBoldFace drops the families without a bold face.
	all, bold := lib.Usable(lowerAZ(t), false), lib.Usable(lowerAZ(t), true)
	for _, fam := range bold {
		if fam.Bold == nil {
			t.Errorf("%s has no bold face", fam.Name)
		}
	}
	if len(bold) >= len(all) {
		t.Errorf("requireBoldFace: %d families, without: %d", len(bold), len(all))
	}

	// Covers is safe for concurrent use (run with -race).
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := 'a' + rune(g); r <= 'z'; r++ {
				if !f.Covers(r) {
					t.Errorf("DejaVu Sans does not cover %q", r)
				}
			}
		}()
	}
	wg.Wait()
}

// withCmap returns a copy of an sfnt file whose cmap is replaced by one
// (3,1) format 4 subtable mapping exactly the given runes to the given
// glyph indices: a real font that "lacks" every other character.
func withCmap(font []byte, m map[rune]uint16) []byte {
	var rs []rune
	for r := range m {
		rs = append(rs, r)
	}
	slices.Sort(rs)
	seg := len(rs) + 1 // one segment per rune, then the 0xFFFF terminator
	sub := make([]byte, 16+8*seg)
	be := binary.BigEndian
	be.PutUint16(sub[0:], 4)
	be.PutUint16(sub[2:], uint16(len(sub)))
	be.PutUint16(sub[6:], uint16(2*seg))
	ends, starts, deltas := sub[14:], sub[16+2*seg:], sub[16+4*seg:]
	for i := range seg {
		c, gid := uint16(0xFFFF), uint16(0)
		if i < len(rs) {
			c, gid = uint16(rs[i]), m[rs[i]]
		}
		delta := gid - c
		if c == 0xFFFF {
			delta = 1 // the terminator maps 0xFFFF to glyph 0
		}
		be.PutUint16(deltas[2*i:], delta)
		be.PutUint16(ends[2*i:], c)
		be.PutUint16(starts[2*i:], c)
	}
	cmap := append([]byte{0, 0, 0, 1, 0, 3, 0, 1, 0, 0, 0, 12}, sub...)
	out := append([]byte(nil), font...)
	for len(out)%4 != 0 {
		out = append(out, 0)
	}
	off := uint32(len(out))
	out = append(out, cmap...)
	for j := range int(be.Uint16(out[4:])) {
		rec := out[12+16*j:]
		if string(rec[:4]) == "cmap" {
			be.PutUint32(rec[8:], off)
			be.PutUint32(rec[12:], uint32(len(cmap)))
		}
	}
	return out
}

// A real face whose cmap lacks a-z is not usable for a-z. (URW's D050000L
// dingbats would not do: its cmap maps ASCII to dingbat glyphs, so it
// "covers" a-z with pictures; rejecting such fonts needs the rendering
// checks of a later issue.)
func TestMissingLettersNotUsable(t *testing.T) {
	src := embeddedBytes(t, "caladea/Caladea-Regular.ttf")
	full, err := parseFile(src, "Caladea-Regular.ttf", "")
	if err != nil {
		t.Fatal(err)
	}
	gid := func(r rune) uint16 {
		g, err := full[0].Font().GlyphIndex(nil, r)
		if err != nil || g == 0 {
			t.Fatalf("glyph for %q: %d, %v", r, g, err)
		}
		return uint16(g)
	}
	dir := t.TempDir()
	patched := withCmap(src, map[rune]uint16{'A': gid('A'), '!': gid('!')})
	if err := os.WriteFile(filepath.Join(dir, "NoLower.ttf"), patched, 0o644); err != nil {
		t.Fatal(err)
	}
	lib, err := Load(Options{Dirs: []string{dir}, Warn: func(m string) { t.Error(m) }})
	if err != nil {
		t.Fatal(err)
	}
	face := lib.Families[0].Regular
	if !face.Covers('A') || face.Covers('a') {
		t.Fatalf("patched cmap: covers A=%v a=%v", face.Covers('A'), face.Covers('a'))
	}
	if _, err := face.Outline('a'); !errors.Is(err, ErrNoGlyph) {
		t.Errorf("a: %v, want ErrNoGlyph", err)
	}
	if got := lib.Usable(lowerAZ(t), false); len(got) != 0 {
		t.Errorf("usable for a-z: %v", got)
	}
	if got := lib.Usable([]rune("A!"), false); len(got) != 1 {
		t.Errorf("not usable for \"A!\": %v", got)
	}
}

// buildCollection makes a TrueType/OpenType collection from plain sfnt
// files: each file is copied whole at a 4-aligned offset and its table
// offsets are shifted by that offset (collection table offsets are from
// the start of the collection file).
func buildCollection(fonts ...[]byte) []byte {
	head := 12 + 4*len(fonts)
	out := make([]byte, head)
	copy(out, "ttcf")
	binary.BigEndian.PutUint32(out[4:], 0x00010000)
	binary.BigEndian.PutUint32(out[8:], uint32(len(fonts)))
	for i, f := range fonts {
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
		off := uint32(len(out))
		binary.BigEndian.PutUint32(out[12+4*i:], off)
		out = append(out, f...)
		n := int(binary.BigEndian.Uint16(f[4:]))
		for j := range n {
			rec := out[off+12+uint32(16*j):]
			binary.BigEndian.PutUint32(rec[8:], binary.BigEndian.Uint32(rec[8:])+off)
		}
	}
	return out
}

func TestCollection(t *testing.T) {
	dir := t.TempDir()
	ttc := buildCollection(embeddedBytes(t, "comic-neue/ComicNeue-Regular.otf"), embeddedBytes(t, "comic-neue/ComicNeue-Bold.otf"))
	p := filepath.Join(dir, "comic.otc")
	if err := os.WriteFile(p, ttc, 0o644); err != nil {
		t.Fatal(err)
	}
	lib, err := Load(Options{Dirs: []string{dir}, Warn: func(m string) { t.Error(m) }})
	if err != nil {
		t.Fatal(err)
	}
	fam, ok := lib.Family("Comic Neue")
	if !ok || fam.Bold == nil {
		t.Fatalf("collection: %v", lib.Families)
	}
	if fam.Regular.Index != 0 || fam.Bold.Index != 1 || fam.Regular.Source != p || fam.Regular.SHA256 != fam.Bold.SHA256 {
		t.Errorf("regular %v bold %v", fam.Regular, fam.Bold)
	}
	if fam.Regular.ID() == fam.Bold.ID() {
		t.Error("collection members share an ID")
	}
	if !fam.Bold.Covers('g') {
		t.Error("collection member cannot draw g")
	}
}

func TestGuessLicense(t *testing.T) {
	for in, want := range map[string]string{
		"This Font Software is licensed under the SIL Open Font License, Version 1.1.": "OFL-1.1",
		"http://scripts.sil.org/OFL":                                   "OFL-1.1",
		"Licensed under the Apache License, Version 2.0":               "Apache-2.0",
		"Copyright (c) 2003 by Bitstream, Inc. All Rights Reserved.":   "Bitstream-Vera",
		"GNU General Public License v3 ... As a special exception, if": "GPL-with-font-exception",
		"Copyright 2015 URW Software":                                  "",
	} {
		if got := guessLicense(in); got != want {
			t.Errorf("guessLicense(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzParseFile: parsing arbitrary bytes never panics.
func FuzzParseFile(f *testing.F) {
	good := embeddedBytes(f, "comic-neue/ComicNeue-Bold.otf")
	f.Add(good)
	f.Add(good[:len(good)/3])
	f.Add(embeddedBytes(f, "caladea/Caladea-Regular.ttf")[:2000])
	f.Add(buildCollection(good, good)[:5000])
	f.Fuzz(func(t *testing.T, data []byte) {
		faces, _ := parseFile(data, "fuzz.ttf", "")
		for _, face := range faces {
			face.Covers('a')
		}
	})
}
