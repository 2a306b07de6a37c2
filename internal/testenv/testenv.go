// Package testenv gives tests the fonts and atlas they share: the embedded
// fonts only, so results do not depend on what the machine has installed,
// and one in-memory atlas (no disk cache) per test binary.
package testenv

import (
	"sync"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/atlas"
	"github.com/synbols-gpu/synbols-gpu/fonts"
)

var (
	once sync.Once
	lib  *fonts.Library
	at   *atlas.Atlas
	err  error
)

// Embedded returns the embedded font library and a shared atlas, loaded
// once per test binary; a failure fails the calling test.
func Embedded(t testing.TB) (*fonts.Library, *atlas.Atlas) {
	t.Helper()
	once.Do(func() {
		lib, err = fonts.Load(fonts.Options{Embedded: true})
		if err == nil {
			at, err = atlas.New(atlas.DefaultParams(), "")
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return lib, at
}
