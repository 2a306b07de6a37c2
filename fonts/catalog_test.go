package fonts

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/synbols-gpu/synbols-gpu/alphabet"
)

// TestCatalogCache: a second open reads the cache; adding a font file or
// touching one rebuilds it; a different block-list does too.
func TestCatalogCache(t *testing.T) {
	dir, cache := t.TempDir(), t.TempDir()
	writeFont(t, dir, "good.ttf", remapped(t, "Good Sans", func(r rune) rune { return r }))
	o := CatalogOptions{Sources: Options{Dirs: []string{dir}}, CacheDir: cache}
	open := func() *Catalog {
		t.Helper()
		c, err := OpenCatalog(o)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	english := func(c *Catalog) int {
		lc, _ := c.Language("en")
		return len(lc.Families)
	}
	c1 := open()
	if c1.FromCache || english(c1) != 1 || c1.Files != 1 {
		t.Fatalf("first: cached %v, %d families, %d files", c1.FromCache, english(c1), c1.Files)
	}
	if c2 := open(); !c2.FromCache || c2.Key != c1.Key || english(c2) != 1 {
		t.Errorf("second open: cached %v", c2.FromCache)
	}
	writeFont(t, dir, "other.ttf", withFamilyName(embeddedBytes(t, "caladea/Caladea-Regular.ttf"), "Other", "Regular"))
	c3 := open()
	if c3.FromCache || english(c3) != 2 || c3.Files != 2 {
		t.Errorf("after adding a font: cached %v, %d families", c3.FromCache, english(c3))
	}
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(filepath.Join(dir, "other.ttf"), later, later); err != nil {
		t.Fatal(err)
	}
	if c4 := open(); c4.FromCache {
		t.Error("touched font: still cached")
	}
	// Rewritten in place with its size and modification time kept
	// (other bytes): only the change time tells, and it must.
	p := filepath.Join(dir, "other.ttf")
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if c := open(); !c.FromCache {
		t.Fatal("unchanged pool: not cached")
	}
	time.Sleep(20 * time.Millisecond) // past the change time's granularity
	b[len(b)-1] ^= 1
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(p, st.ModTime(), st.ModTime()); err != nil {
		t.Fatal(err)
	}
	if c := open(); c.FromCache {
		t.Error("font rewritten with its size and mtime kept: still cached")
	}
	o.BlockList = []string{"Other"}
	if c5 := open(); c5.FromCache || english(c5) != 1 {
		t.Errorf("block-list: cached %v, %d families", c5.FromCache, english(c5))
	}
	o.Rebuild = true
	if c6 := open(); c6.FromCache {
		t.Error("Rebuild read the cache")
	}
	// A corrupt cache file is rebuilt, not an error.
	files, _ := filepath.Glob(filepath.Join(cache, "catalog-*.json"))
	if len(files) != 1 {
		t.Fatalf("cache files %q", files)
	}
	if err := os.WriteFile(files[0], []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	o.Rebuild = false
	if c7 := open(); c7.FromCache || english(c7) != 1 {
		t.Error("corrupt cache not rebuilt")
	}
}

// TestCatalogEmbedded: the embedded set gives every language at least one
// family, and English's counts match Library.Usable minus what the checks
// drop.
func TestCatalogEmbedded(t *testing.T) {
	c, err := OpenCatalog(CatalogOptions{Sources: Options{Embedded: true}, NoCache: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Languages) != len(alphabet.Languages()) {
		t.Fatalf("%d languages", len(c.Languages))
	}
	for _, lc := range c.Languages {
		if len(lc.Families) == 0 || lc.Symbols == 0 {
			t.Errorf("%s: %d families, %d symbols", lc.Language, len(lc.Families), lc.Symbols)
		}
		if lc.BoldFamilies > len(lc.Families) {
			t.Errorf("%s: %d bold of %d", lc.Language, lc.BoldFamilies, len(lc.Families))
		}
	}
	en, _ := c.Language("english")
	lib := loadEmbedded(t)
	if n := len(lib.Usable(lowerAZ(t), false)); len(en.Families)+len(en.Dropped) < n || len(en.Families) < 5 {
		t.Errorf("english: %d kept + %d dropped, %d usable", len(en.Families), len(en.Dropped), n)
	}
}
