package generate

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/synbols-gpu/synbols-gpu/atlas"
	"github.com/synbols-gpu/synbols-gpu/fonts"
	"github.com/synbols-gpu/synbols-gpu/fonts/drawcheck"
	"github.com/synbols-gpu/synbols-gpu/output"
	"github.com/synbols-gpu/synbols-gpu/spec"
)

// The defaults of the command line live here, not in cmd/synbols-gpu, so
// that a Go program leaving a Config field at its zero value gets the
// dataset `synbols-gpu generate` makes for the same spec and seed.

// ErrExists is wrapped (by an *ExistsError) when Config.Out, or the
// preview beside it, already exists and Config.Overwrite is false: a
// dataset is not replaced by accident.
var ErrExists = errors.New("generate: output exists")

// ExistsError names the file that exists; it wraps ErrExists.
type ExistsError struct{ Path string }

func (e *ExistsError) Error() string {
	return fmt.Sprintf("%v: %s (set Config.Overwrite to replace it)", ErrExists, e.Path)
}

func (e *ExistsError) Unwrap() error { return ErrExists }

// DefaultFontSources are the command line's font sources (--fonts all):
// the embedded set and the fonts installed on the machine.
func DefaultFontSources() fonts.Options { return fonts.Options{Embedded: true, System: true} }

// DefaultCatalog is the command line's font catalogue for fonts loaded
// from src: the default thresholds and catalogue cache, and the drawing
// check (fonts/drawcheck) building its tiles in the default glyph cache
// (atlas.Default), whose tiles the datasets then share. Unless src names
// one, its face index (fonts.Options.IndexDir) is kept in the catalogue's
// cache folder, so that a warm start reads only the font files it draws
// with; without a cache folder every file is read.
func DefaultCatalog(src fonts.Options) (fonts.CatalogOptions, error) {
	if src.IndexDir == "" {
		src.IndexDir, _ = fonts.DefaultCacheDir()
	}
	o := fonts.CatalogOptions{Sources: src}
	at, err := atlas.Default(nil) // the tile cache is optional
	if err != nil {
		return o, err
	}
	o.Draw = drawcheck.New(at)
	return o, nil
}

// catalogOptions is cfg.FontCatalog, or the default catalogue of the
// default sources.
func catalogOptions(cfg *Config) (fonts.CatalogOptions, error) {
	if cfg.FontCatalog != nil {
		return *cfg.FontCatalog, nil
	}
	return DefaultCatalog(DefaultFontSources())
}

// CheckedFonts keeps the families of lib that the font catalogue opened
// with o accepts for some language the spec draws — the original's filters
// (boxes, dingbats, near-duplicates, the block-list…) applied to what a
// dataset draws, not only to what `fonts list` prints — and the spec's
// occluder family. o.Sources should be the options lib was loaded with:
// near-duplicates are judged within the pool. The catalogue is cached, so
// this costs a stat of every font file after the first run.
func CheckedFonts(lib *fonts.Library, sp *spec.Spec, o fonts.CatalogOptions) (*fonts.Library, error) {
	cat, err := fonts.OpenCatalog(o)
	if err != nil {
		return nil, err
	}
	keep := map[string]bool{}
	for _, lang := range sp.Languages() {
		lc, ok := cat.Language(lang)
		if !ok {
			return nil, fmt.Errorf("font catalogue has no language %q", lang)
		}
		for _, f := range lc.Families {
			keep[f.Name] = true
		}
	}
	// The occluders' family is named by the spec and checked for its
	// glyphs by the universe: the catalogue's per-language verdicts do
	// not apply to it.
	if occ := sp.OccluderFont(); occ != "" {
		keep[occ] = true
	}
	out := &fonts.Library{}
	for _, f := range lib.Families {
		if keep[f.Name] {
			out.Families = append(out.Families, f)
		}
	}
	return out, nil
}

// CheckOut reports whether a run may write out (and, with preview, the
// preview beside it, PreviewPath): output.ResolveTarget's checks, then
// ErrExists for a file already there unless overwrite. It creates
// nothing; Run calls it first, and a caller may call it before loading
// fonts so that a refused path costs nothing.
func CheckOut(out string, preview, overwrite bool) (output.Target, error) {
	t, err := output.ResolveTarget(out)
	if err != nil || overwrite {
		return t, err
	}
	if t.Exist {
		return t, &ExistsError{Path: out}
	}
	if preview {
		// Lstat: a link there, even a dangling one, would be replaced.
		if p := PreviewPath(out); lexists(p) {
			return t, &ExistsError{Path: p}
		}
	}
	return t, nil
}

func lexists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// CheckOutFormat is CheckOut for a dataset of format f (output.Format):
// for npz and wds it also checks the splits side file (SplitsPath), and
// for wds the first shard (output.ShardName), refusing either when it
// exists unless overwrite. A wds output must be the manifest, NAME.json.
func CheckOutFormat(f output.Format, out string, preview, overwrite bool) (output.Target, error) {
	if f == output.FormatWDS && !strings.HasSuffix(out, ".json") {
		return output.Target{}, fmt.Errorf("%w: %s: a WebDataset output is its manifest, NAME.json (the shards are NAME-000000.tar, … beside it)", ErrConfig, out)
	}
	t, err := CheckOut(out, preview, overwrite)
	if err != nil || overwrite || f == output.FormatH5 || f == "" {
		return t, err
	}
	others := []string{SplitsPath(out)}
	if f == output.FormatWDS {
		others = append(others, output.ShardName(out, 0))
	}
	for _, p := range others {
		if lexists(p) {
			return t, &ExistsError{Path: p}
		}
	}
	return t, nil
}

// SplitsPath is where an npz or wds dataset at out keeps its splits (the
// HDF5 file holds them itself): <stem>_splits.npz beside it.
func SplitsPath(out string) string {
	return strings.TrimSuffix(out, filepath.Ext(out)) + "_splits.npz"
}
