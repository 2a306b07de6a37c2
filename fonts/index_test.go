package fonts

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// indexFonts writes a folder of four font files (one a collection, one
// not a font) for the face-index tests and returns it; the files are
// made old enough for the index to record them (racyWindow, shortened).
func indexFonts(t *testing.T) (dir string, files map[string][]byte) {
	t.Helper()
	old := racyWindow
	racyWindow = 20 * time.Millisecond
	t.Cleanup(func() { racyWindow = old })
	dir = t.TempDir()
	files = map[string][]byte{
		"DejaVuSans.ttf":      embeddedBytes(t, "dejavu/DejaVuSans.ttf"),
		"DejaVuSans-Bold.ttf": embeddedBytes(t, "dejavu/DejaVuSans-Bold.ttf"),
		"caladea.ttf":         embeddedBytes(t, "caladea/Caladea-Regular.ttf"),
		"comic.otc":           buildCollection(embeddedBytes(t, "comic-neue/ComicNeue-Regular.otf"), embeddedBytes(t, "comic-neue/ComicNeue-Bold.otf")),
		"notes.ttf":           []byte("not a font at all, but named like one"),
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(3 * racyWindow)
	return dir, files
}

type loadCount struct {
	lib          *Library
	warns        []string
	opens, bytes int64
}

func loadCounting(t *testing.T, o Options) loadCount {
	t.Helper()
	var c loadCount
	o.Warn = func(m string) { c.warns = append(c.warns, m) }
	opens, bytes := fontOpens.Load(), loadBytesRead.Load()
	lib, err := Load(o)
	if err != nil {
		t.Fatal(err)
	}
	c.lib, c.opens, c.bytes = lib, fontOpens.Load()-opens, loadBytesRead.Load()-bytes
	return c
}

// faceSummary is what a face looks like from outside, for comparing a
// cold load with a warm one.
func faceSummary(lib *Library) []string {
	var out []string
	for _, fam := range lib.Families {
		for _, f := range []*Face{fam.Regular, fam.Bold} {
			if f != nil {
				out = append(out, fam.Name+"|"+f.String()+"|"+f.ID()+"|"+f.Parser()+"|"+f.License)
			}
		}
	}
	return out
}

// A warm start with the face index opens no font file and reads no byte
// of one, yet gives the same faces with the same digests; a face's file
// is opened when its first outline is asked for, and only that file.
func TestIndexWarmStartReadsNothing(t *testing.T) {
	dir, files := indexFonts(t)
	o := Options{Dirs: []string{dir}, IndexDir: t.TempDir()}
	cold := loadCounting(t, o)
	if cold.opens < int64(len(files)) || cold.bytes == 0 {
		t.Fatalf("cold load opened %d files, read %d bytes: want all %d files read", cold.opens, cold.bytes, len(files))
	}
	if len(cold.warns) != 1 {
		t.Fatalf("cold load warnings %q, want one (notes.ttf)", cold.warns)
	}
	evictAll(t)
	warm := loadCounting(t, o)
	if warm.opens != 0 || warm.bytes != 0 {
		t.Errorf("warm load opened %d font files and read %d bytes, want 0 and 0", warm.opens, warm.bytes)
	}
	if got, want := faceSummary(warm.lib), faceSummary(cold.lib); !reflect.DeepEqual(got, want) {
		t.Errorf("warm faces\n%q\nwant\n%q", got, want)
	}
	if !reflect.DeepEqual(warm.warns, cold.warns) {
		t.Errorf("warm warnings %q, want the cold load's %q", warm.warns, cold.warns)
	}
	// The digests are those of the files' bytes, not only the same as
	// the cold load's.
	fam, ok := warm.lib.Family("DejaVu Sans")
	if !ok || fam.Bold == nil {
		t.Fatalf("no DejaVu Sans with a bold face: %q", faceSummary(warm.lib))
	}
	if fam.Regular.SHA256 != sha256.Sum256(files["DejaVuSans.ttf"]) || fam.Bold.SHA256 != sha256.Sum256(files["DejaVuSans-Bold.ttf"]) {
		t.Error("warm digests differ from the files' SHA-256")
	}
	comic, ok := warm.lib.Family("Comic Neue")
	if !ok || comic.Bold == nil || comic.Bold.Index != 1 {
		t.Fatalf("collection not restored: %q", faceSummary(warm.lib))
	}

	// First outline: its file alone is opened, and the outline is the
	// cold load's.
	opens := fontOpens.Load()
	got, err := fam.Regular.Outline('g')
	if err != nil {
		t.Fatal(err)
	}
	if n := fontOpens.Load() - opens; n != 1 {
		t.Errorf("first outline of a warm face opened %d files, want 1", n)
	}
	coldFam, _ := cold.lib.Family("DejaVu Sans")
	want, err := coldFam.Regular.Outline('g')
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Error("warm outline of g differs from the cold one")
	}
	if !comic.Bold.Covers('g') || comic.Bold.Font() == nil {
		t.Error("warm collection member cannot draw g")
	}
	cw, _ := cold.lib.Family("Comic Neue")
	a, err1 := comic.Bold.Outline('R')
	b, err2 := cw.Bold.Outline('R')
	if err1 != nil || err2 != nil || !reflect.DeepEqual(a, b) {
		t.Errorf("collection member's outline differs warm (%v) and cold (%v)", err1, err2)
	}
}

// A file changed under the same path between two loads is read again,
// and its new digest recorded, however it changed: other bytes of the
// same size with the modification time set back, or another size.
// Only the changed file is read.
func TestIndexChangedFileReread(t *testing.T) {
	for name, change := range map[string]func(p string, b []byte) []byte{
		"same size, mtime restored": func(p string, b []byte) []byte {
			b = append([]byte(nil), b...)
			b[len(b)-1] ^= 0x01 // the last byte of the last table: parses alike
			return b
		},
		"other size": func(p string, b []byte) []byte { return append(append([]byte(nil), b...), 0, 0, 0, 0) },
	} {
		t.Run(name, func(t *testing.T) {
			dir, files := indexFonts(t)
			o := Options{Dirs: []string{dir}, IndexDir: t.TempDir()}
			loadCounting(t, o)
			p := filepath.Join(dir, "caladea.ttf")
			st := mustStat(t, p)
			nb := change(p, files["caladea.ttf"])
			if err := os.WriteFile(p, nb, 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Chtimes(p, st.ModTime(), st.ModTime()); err != nil {
				t.Fatal(err)
			}
			time.Sleep(3 * racyWindow)
			evictAll(t)
			warm := loadCounting(t, o)
			if warm.opens != 1 || warm.bytes < int64(len(nb)) {
				t.Errorf("after changing one file: %d opens, %d bytes read; want that file alone read (1 open, ≥ %d bytes)", warm.opens, warm.bytes, len(nb))
			}
			fam, ok := warm.lib.Family("Caladea")
			if !ok {
				t.Fatal("no Caladea")
			}
			if fam.Regular.SHA256 != sha256.Sum256(nb) {
				t.Errorf("digest %x, want the new content's %x", fam.Regular.SHA256[:8], sha256.Sum256(nb))
			}
			// And recorded: the next load reads nothing.
			if again := loadCounting(t, o); again.opens != 0 || hex.EncodeToString(again.lib.Families[0].Regular.SHA256[:]) == "" {
				t.Errorf("third load opened %d files, want 0", again.opens)
			}
		})
	}
}

// A file that changes after a warm Load (its face restored from the
// index, not yet opened) fails its outlines with ErrFontChanged, as a
// face Load read does.
func TestIndexFaceChangedAfterLoad(t *testing.T) {
	dir, files := indexFonts(t)
	o := Options{Dirs: []string{dir}, IndexDir: t.TempDir()}
	loadCounting(t, o)
	evictAll(t)
	warm := loadCounting(t, o)
	fam, _ := warm.lib.Family("DejaVu Sans")
	p := filepath.Join(dir, "DejaVuSans.ttf")
	if err := os.WriteFile(p, files["DejaVuSans-Bold.ttf"], 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := fam.Regular.Outline('a')
	wantChanged(t, "outline after rewrite", err, p)
	if !fam.Regular.Covers('a') || warm.lib.Err() == nil {
		t.Error("a changed face must cover (so the draw reports it) and the library report the change")
	}
}

// Files changed just before Load read them are not trusted next time
// (the file system's timestamps are too coarse to tell a later write),
// and an index that is not JSON is ignored and rewritten.
func TestIndexRacyAndCorrupt(t *testing.T) {
	dir, files := indexFonts(t)
	racyWindow = time.Hour // every file is "just changed"
	o := Options{Dirs: []string{dir}, IndexDir: t.TempDir()}
	loadCounting(t, o)
	if again := loadCounting(t, o); again.opens < int64(len(files)) {
		t.Errorf("racy files: second load opened %d files, want all %d read again", again.opens, len(files))
	}
	racyWindow = 20 * time.Millisecond
	loadCounting(t, o)
	if err := os.WriteFile(indexPath(o.IndexDir, o), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if c := loadCounting(t, o); c.opens < int64(len(files)) {
		t.Errorf("corrupt index: load opened %d files, want all %d read", c.opens, len(files))
	}
	if c := loadCounting(t, o); c.opens != 0 {
		t.Errorf("index not rewritten after a corrupt one: %d opens", c.opens)
	}
}

// The coverage a run asked (Covers), saved with SaveIndex, is answered by
// the next warm start without opening a file, for the runes covered and
// for those lacked alike; a rune not asked before opens the file. A
// library filtered after Load (as generate's font checks do) saves too.
func TestIndexSavesCoverage(t *testing.T) {
	dir, _ := indexFonts(t)
	o := Options{Dirs: []string{dir}, IndexDir: t.TempDir()}
	cold := loadCounting(t, o)
	az := lowerAZ(t)
	asked := append(append([]rune(nil), az...), 'Ж', '\u0E01') // DejaVu has Cyrillic, none has Thai
	var kept Library
	want := map[string]map[rune]bool{}
	for _, fam := range cold.lib.Families {
		if fam.Name == "Caladea" {
			continue // not kept: its coverage stays unrecorded
		}
		kept.Families = append(kept.Families, fam)
		want[fam.Name] = map[rune]bool{}
		for _, r := range asked {
			want[fam.Name][r] = fam.Regular.Covers(r)
		}
	}
	if !want["DejaVu Sans"]['Ж'] || want["DejaVu Sans"]['\u0E01'] {
		t.Fatalf("test fonts: DejaVu Sans covers %v", want["DejaVu Sans"])
	}
	kept.SaveIndex()
	evictAll(t)
	warm := loadCounting(t, o)
	opens := fontOpens.Load()
	for _, fam := range warm.lib.Families {
		for r, v := range want[fam.Name] {
			if got := fam.Regular.Covers(r); got != v {
				t.Errorf("%s: warm Covers(%q) = %v, want %v", fam.Name, r, got, v)
			}
		}
	}
	if n := fontOpens.Load() - opens; n != 0 {
		t.Errorf("answering saved coverage opened %d font files, want 0", n)
	}
	cal, ok := warm.lib.Family("Caladea")
	if !ok {
		t.Fatal("no Caladea")
	}
	if !cal.Regular.Covers('a') {
		t.Error("Caladea does not cover a")
	}
	dv, _ := warm.lib.Family("DejaVu Sans")
	if !dv.Regular.Covers('Ω') {
		t.Error("DejaVu Sans does not cover Ω")
	}
	if n := fontOpens.Load() - opens; n != 2 {
		t.Errorf("coverage not saved (Caladea's a, DejaVu's Ω) opened %d files, want 2", n)
	}
}

// The embedded set's digests are recorded for the running executable: a
// second load hashes none of its files and gives the same faces; a record
// of another executable (another inode) is not trusted.
func TestIndexEmbeddedSums(t *testing.T) {
	indexFonts(t) // for its short racyWindow: the test binary was just built
	o := Options{Embedded: true, IndexDir: t.TempDir()}
	ref := faceSummary(loadEmbedded(t))
	hashed := embeddedHashed.Load()
	cold := loadCounting(t, o)
	if n := embeddedHashed.Load() - hashed; n != int64(len(EmbeddedFiles())) {
		t.Fatalf("cold load hashed %d embedded files, want all %d", n, len(EmbeddedFiles()))
	}
	hashed = embeddedHashed.Load()
	warm := loadCounting(t, o)
	if n := embeddedHashed.Load() - hashed; n != 0 {
		t.Errorf("warm load hashed %d embedded files, want 0", n)
	}
	if got := faceSummary(warm.lib); !reflect.DeepEqual(got, ref) || !reflect.DeepEqual(faceSummary(cold.lib), ref) {
		t.Errorf("faces with the index differ from those without:\n%q\nwant\n%q", got, ref)
	}
	// Another executable's record: recomputed.
	p := indexPath(o.IndexDir, o)
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var doc indexDoc
	if err := json.Unmarshal(data, &doc); err != nil || doc.Embedded == nil {
		t.Fatalf("index %s: %v, embedded %v", p, err, doc.Embedded)
	}
	doc.Embedded.Exe.Ino++
	if data, err = json.Marshal(doc); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	hashed = embeddedHashed.Load()
	loadCounting(t, o)
	if n := embeddedHashed.Load() - hashed; n != int64(len(EmbeddedFiles())) {
		t.Errorf("another executable's record: hashed %d embedded files, want all %d", n, len(EmbeddedFiles()))
	}
}

// Faces restored from the index parse their file on first use from any
// goroutine at once, and SaveIndex may run meanwhile (go test -race).
func TestIndexConcurrentFirstUse(t *testing.T) {
	dir, _ := indexFonts(t)
	o := Options{Dirs: []string{dir}, IndexDir: t.TempDir()}
	loadCounting(t, o)
	evictAll(t)
	warm := loadCounting(t, o)
	az := lowerAZ(t)
	done := make(chan error)
	for g := 0; g < 8; g++ {
		go func() {
			var err error
			for _, fam := range warm.lib.Families {
				for _, r := range az {
					if _, e := fam.Regular.Outline(r); e != nil && err == nil {
						err = e
					}
					fam.Regular.Covers(r)
				}
			}
			warm.lib.SaveIndex()
			done <- err
		}()
	}
	for g := 0; g < 8; g++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
