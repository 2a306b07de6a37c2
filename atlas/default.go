package atlas

import (
	"fmt"
	"os"
	"path/filepath"
)

// DefaultCacheDir is the glyph cache folder the command line and Default
// use: <user cache folder>/synbols-gpu/atlas, the user cache folder being
// $XDG_CACHE_HOME, else ~/.cache, on Linux (os.UserCacheDir). "" when the
// system names none ($HOME unset): no disk cache then.
func DefaultCacheDir() string {
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "synbols-gpu", "atlas")
}

// Open is New, except that a cache folder that cannot be created is not an
// error: the cache only saves time, so the atlas goes on without one and
// warn (if not nil) receives one line saying why. Only bad Params fail.
func Open(p Params, cacheDir string, warn func(msg string)) (*Atlas, error) {
	a, err := New(p, cacheDir)
	if err != nil && cacheDir != "" {
		if warn != nil {
			warn(fmt.Sprintf("glyph cache %s unusable, going on without it: %v", cacheDir, err))
		}
		a, err = New(p, "")
	}
	return a, err
}

// Default is the atlas of the command line's defaults: DefaultParams,
// tiles cached in DefaultCacheDir when that folder is usable (see Open).
func Default(warn func(msg string)) (*Atlas, error) {
	return Open(DefaultParams(), DefaultCacheDir(), warn)
}
