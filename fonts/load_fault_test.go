package fonts

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	gtfont "github.com/go-text/typesetting/font"
	"golang.org/x/image/font/sfnt"
)

// loadOne loads dir alone, failing the test on any warning, and returns
// the family called name.
func loadOne(t *testing.T, dir, name string) (*Library, *Family) {
	t.Helper()
	lib, err := Load(Options{Dirs: []string{dir}, Warn: func(m string) { t.Errorf("unexpected warning: %s", m) }})
	if err != nil {
		t.Fatal(err)
	}
	fam, ok := lib.Family(name)
	if !ok {
		t.Fatalf("no family %q in %s: %v", name, dir, lib.Families)
	}
	return lib, fam
}

// wantChanged checks that err is a one-line ErrFontChanged naming path.
func wantChanged(t *testing.T, what string, err error, path string) {
	t.Helper()
	switch {
	case !errors.Is(err, ErrFontChanged):
		t.Errorf("%s: got %v, want ErrFontChanged", what, err)
	case !strings.Contains(err.Error(), path):
		t.Errorf("%s: error %q does not name %s", what, err, path)
	case strings.Contains(err.Error(), "\n"):
		t.Errorf("%s: error spans several lines: %q", what, err)
	}
}

// A font file truncated, shortened or rewritten in place after Load makes
// the outline calls fail with an error naming the file; the process
// lives (with the mmap of old, the first truncation raised SIGBUS).
func TestFontChangedAfterLoad(t *testing.T) {
	src := embeddedBytes(t, "dejavu/DejaVuSans.ttf")
	other := embeddedBytes(t, "dejavu/DejaVuSans-Bold.ttf")
	for name, change := range map[string]func(p string) error{
		"truncated to 0": func(p string) error { return os.Truncate(p, 0) },
		"cut in half":    func(p string) error { return os.Truncate(p, int64(len(src)/2)) },
		// cp over it: truncate, then write other bytes (a different
		// size), same inode.
		"cp over it": func(p string) error { return os.WriteFile(p, other, 0o644) },
		// Same size and same inode, other content, mtime put back:
		// only the change time tells (Linux; elsewhere the test
		// accepts either outcome).
		"same size, mtime kept": func(p string) error {
			st, err := os.Stat(p)
			if err != nil {
				return err
			}
			b := bytes.Clone(src)
			b[len(b)-1] ^= 0xff
			f, err := os.OpenFile(p, os.O_WRONLY, 0)
			if err != nil {
				return err
			}
			if _, err := f.WriteAt(b[len(b)-1:], int64(len(b)-1)); err != nil {
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
			return os.Chtimes(p, st.ModTime(), st.ModTime())
		},
		"removed": os.Remove,
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "DejaVuSans.ttf")
			if err := os.WriteFile(p, src, 0o644); err != nil {
				t.Fatal(err)
			}
			lib, fam := loadOne(t, dir, "DejaVu Sans")
			face := fam.Regular
			if _, err := face.Outline('a'); err != nil {
				t.Fatal(err)
			}
			// Close the handle for "removed": a reopen must fail.
			if name == "removed" {
				evictAll(t)
			}
			if err := change(p); err != nil {
				t.Fatal(err)
			}
			_, err := face.Outline('b')
			if name == "same size, mtime kept" && changeTime(mustStat(t, dir)) == 0 {
				t.Skipf("no change time on this system (err %v)", err)
			}
			wantChanged(t, "Outline", err, p)
			wantChanged(t, "Outline again", func() error { _, err := face.Outline('a'); return err }(), p)
			// Covers says true (uncached), so that the family
			// stays and the draw reports the change.
			if !face.Covers('c') || !face.Covers('\uffff') {
				t.Error("Covers false after the file changed: the family would drop out silently")
			}
			if got := lib.Usable([]rune("xyz"), false); len(got) != 1 {
				t.Errorf("Usable after the change: %v, want the family kept", got)
			}
			wantChanged(t, "Face.Err", face.Err(), p)
			wantChanged(t, "Library.Err", lib.Err(), p)
		})
	}
}

func mustStat(t *testing.T, p string) os.FileInfo {
	t.Helper()
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// evictAll closes every idle cached font file handle.
func evictAll(t *testing.T) {
	t.Helper()
	openFiles.mu.Lock()
	defer openFiles.mu.Unlock()
	for e := openFiles.lru.Front(); e != nil; {
		next := e.Next()
		if s := e.Value.(*fileSrc); s.refs == 0 {
			s.closeLocked()
		}
		e = next
	}
}

// The same in a child process that draws every glyph after the font was
// truncated, so that a SIGBUS (which no recover catches) fails this test
// instead of killing the test binary.
func TestFontTruncatedChildSurvives(t *testing.T) {
	if dir := os.Getenv("SYNBOLS_FONTS_TRUNC_CHILD"); dir != "" {
		truncChild(dir)
		return
	}
	dir := t.TempDir()
	for _, rel := range []string{"dejavu/DejaVuSans.ttf", "comic-neue/ComicNeue-Regular.otf"} {
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(rel)), embeddedBytes(t, rel), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestFontTruncatedChildSurvives$", "-test.count=1")
	cmd.Env = append(os.Environ(), "SYNBOLS_FONTS_TRUNC_CHILD="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child died: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "child: 2 faces failed with ErrFontChanged") {
		t.Fatalf("child output:\n%s", out)
	}
}

func truncChild(dir string) {
	lib, err := Load(Options{Dirs: []string{dir}})
	if err != nil {
		fmt.Println("child:", err)
		os.Exit(3)
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if err := os.Truncate(filepath.Join(dir, e.Name()), 0); err != nil {
			fmt.Println("child:", err)
			os.Exit(3)
		}
	}
	n := 0
	for _, fam := range lib.Families {
		var err error
		for r := rune(0x20); r < 0x250; r++ {
			if _, e := fam.Regular.Outline(r); e != nil && err == nil && !errors.Is(e, ErrNoGlyph) {
				err = e
			}
			// The sfnt.Font too: its reads go to the file.
			if f := fam.Regular.Font(); f != nil {
				var b sfnt.Buffer
				if gi, e := f.GlyphIndex(&b, r); e == nil && gi != 0 {
					_, _ = f.LoadGlyph(&b, gi, 1<<6, nil)
				}
			}
		}
		if errors.Is(err, ErrFontChanged) {
			n++
		}
	}
	fmt.Printf("child: %d faces failed with ErrFontChanged\n", n)
}

// A huge file named like a font is skipped with one warning after
// reading its first bytes only: no hashing, no mapping.
func TestHugeFileSkippedUnread(t *testing.T) {
	dir := t.TempDir()
	mk := func(name string, hdr string, size int64) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(hdr), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Truncate(p, size); err != nil {
			t.Fatal(err)
		}
		return p
	}
	files := []string{
		mk("zeros.ttf", "", 1<<30),                          // no sfnt magic
		mk("big.ttf", "\x00\x01\x00\x00", 1<<30),            // over the font cap
		mk("big.ttc", "ttcf\x00\x01\x00\x00", 300<<20),      // over the collection cap
		mk("web.ttf", "wOF2\x00\x01\x00\x00", 1<<20),        // WOFF2 is not read
		mk("small.otf", "OTTO\x00\x01\x00\x00\x00\x00", 11), // shorter than a header
	}
	writeFont(t, dir, "DejaVuSans.ttf", embeddedBytes(t, "dejavu/DejaVuSans.ttf"))
	var warns []string
	before := loadBytesRead.Load()
	start := time.Now()
	lib, err := Load(Options{Dirs: []string{dir}, Warn: func(m string) { warns = append(warns, m) }})
	took := time.Since(start)
	read := loadBytesRead.Load() - before
	if err != nil {
		t.Fatal(err)
	}
	if len(lib.Families) != 1 {
		t.Errorf("families %v", lib.Families)
	}
	// DejaVu is read whole once to hash it, plus its header and tables.
	if dv := int64(len(embeddedBytes(t, "dejavu/DejaVuSans.ttf"))); read > 2*dv {
		t.Errorf("read %d bytes; DejaVu Sans is %d, the rest should cost a few bytes", read, dv)
	}
	t.Logf("Load took %v, read %d bytes", took, read) // the bytes are the bound: timing is for benchmarks
	if len(warns) != len(files) {
		t.Fatalf("want %d warnings, got %q", len(files), warns)
	}
	for i, want := range []string{"not an sfnt", "cap", "cap", "WOFF", "too short"} {
		n := 0
		for _, w := range warns {
			if strings.Contains(w, files[i]+":") {
				n++
				if !strings.Contains(w, want) || strings.Contains(w, "\n") {
					t.Errorf("warning %q does not say %q on one line", w, want)
				}
			}
		}
		if n != 1 {
			t.Errorf("%d warnings name %s, want 1: %q", n, files[i], warns)
		}
	}
	openFiles.mu.Lock()
	for e := openFiles.lru.Front(); e != nil; e = e.Next() {
		if s := e.Value.(*fileSrc); strings.HasPrefix(s.path, dir) && !strings.HasSuffix(s.path, "DejaVuSans.ttf") {
			t.Errorf("rejected %s still open", s.path)
		}
	}
	openFiles.mu.Unlock()
}

// A font file is read once at Load (its magic first): hashed and parsed
// from the same bytes.
func TestFontReadOnce(t *testing.T) {
	dir := t.TempDir()
	src := embeddedBytes(t, "caladea/Caladea-Regular.ttf")
	writeFont(t, dir, "Caladea.ttf", src)
	before := loadBytesRead.Load()
	loadOne(t, dir, "Caladea")
	read := loadBytesRead.Load() - before
	if n := int64(len(src)); read != n+4 {
		t.Errorf("Load read %d bytes of a %d-byte font: want its 4-byte magic, then the file once", read, n)
	}
}

// A --font-dir that is a symbolic link to a folder is walked (fs.WalkDir
// did not descend into it); links to files and folders inside are
// followed, a link loop ends, and a dangling link named as a font is a
// warning.
func TestSymlinkedFontDir(t *testing.T) {
	base := t.TempDir()
	real := filepath.Join(base, "real")
	mkdirs(t, real, filepath.Join(base, "other"))
	writeFont(t, real, "a.ttf", withFamilyName(embeddedBytes(t, "dejavu/DejaVuSans.ttf"), "Linked A", "Regular"))
	other := filepath.Join(base, "other")
	writeFont(t, other, "b.ttf", withFamilyName(embeddedBytes(t, "caladea/Caladea-Regular.ttf"), "Linked B", "Regular"))
	writeFont(t, other, "c.ttf", withFamilyName(embeddedBytes(t, "open-sans/OpenSans-Regular.ttf"), "Linked C", "Regular"))
	for _, l := range [][2]string{
		{other, filepath.Join(real, "sub")},                                // a folder link inside
		{filepath.Join(other, "c.ttf"), filepath.Join(real, "c-link.ttf")}, // a file link inside
		{real, filepath.Join(real, "loop")},                                // a loop
		{filepath.Join(base, "nowhere"), filepath.Join(real, "dangling.ttf")},
		{real, filepath.Join(base, "link")}, // the --font-dir
	} {
		if err := os.Symlink(l[0], l[1]); err != nil {
			t.Fatal(err)
		}
	}
	link := filepath.Join(base, "link")
	var warned []string
	lib, err := Load(Options{Dirs: []string{link}, Warn: func(m string) { warned = append(warned, m) }})
	if err != nil {
		t.Fatal(err)
	}
	// The dangling link, a font's name in the user's folder, is said; the
	// loop and the links that resolve are not.
	if len(warned) != 1 || !strings.Contains(warned[0], "dangling.ttf: a symbolic link to nothing") {
		t.Errorf("warnings %q, want one, for dangling.ttf", warned)
	}
	for _, name := range []string{"Linked A", "Linked B", "Linked C"} {
		fam, ok := lib.Family(name)
		if !ok {
			t.Errorf("family %q not loaded through %s: %v", name, link, lib.Families)
			continue
		}
		if !strings.HasPrefix(fam.Regular.Source, link+string(filepath.Separator)) {
			t.Errorf("%s: Source %q is not spelt below %s", name, fam.Regular.Source, link)
		}
		if _, err := fam.Regular.Outline('a'); err != nil {
			t.Error(err)
		}
	}
	if len(lib.Families) != 3 {
		t.Errorf("families %v, want 3", lib.Families)
	}
}

// A user folder that is missing, not a folder, or unreadable fails Load
// with its name and the os error; a missing system folder does not.
func TestUserDirErrors(t *testing.T) {
	base := t.TempDir()
	file := filepath.Join(base, "file.ttf")
	writeFont(t, base, "file.ttf", embeddedBytes(t, "dejavu/DejaVuSans.ttf"))
	for name, c := range map[string]struct {
		dir  string
		want error
	}{
		"missing":         {filepath.Join(base, "nope"), fs.ErrNotExist},
		"dangling link":   {symlink(t, filepath.Join(base, "gone"), filepath.Join(base, "dl")), fs.ErrNotExist},
		"not a folder":    {file, nil},
		"link to a file":  {symlink(t, file, filepath.Join(base, "fl")), nil},
		"below a file":    {filepath.Join(file, "sub"), syscall.ENOTDIR},
		"empty name":      {"", fs.ErrNotExist},
		"missing, nested": {filepath.Join(base, "a", "b"), fs.ErrNotExist},
	} {
		_, err := Load(Options{Dirs: []string{c.dir}, Embedded: true})
		switch {
		case err == nil:
			t.Errorf("%s: Load succeeded", name)
		case c.want != nil && !errors.Is(err, c.want):
			t.Errorf("%s: got %v, want %v", name, err, c.want)
		case !strings.Contains(err.Error(), "font folder "+c.dir+":") && !strings.Contains(err.Error(), `font folder "":`):
			t.Errorf("%s: error %q does not name %q", name, err, c.dir)
		}
	}
	// System folders: walkDir(user=false) of a missing one is silent.
	var warns []string
	if _, err := walkDir(context.Background(), filepath.Join(base, "nope"), false, map[[32]byte]bool{}, nil, func(m string) { warns = append(warns, m) }); err == nil || len(warns) != 0 {
		t.Errorf("missing system folder: err %v, warnings %q", err, warns)
	}
}

func mkdirs(t *testing.T, dirs ...string) {
	t.Helper()
	for _, d := range dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

func symlink(t *testing.T, target, link string) string {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	return link
}

// cff2Dir holds CantarellTestVF.otf: a CFF2 variable font (wght 400-700)
// that sfnt rejects, made from Debian's fonts-cantarell (OFL-1.1; see its
// copyright file and make.py there).
const cff2Dir = "testdata/cff2"

// goTextBounds is go-text's own view of r's glyph in face index of the
// file: its glyph extents, as a box in font units with y pointing down
// (so they compare with sfnt.Segments.Bounds of Outline).
func goTextBounds(t *testing.T, faces []*gtfont.Face, index int, r rune) (x0, y0, x1, y1 float64) {
	t.Helper()
	g, ok := faces[index].NominalGlyph(r)
	if !ok {
		t.Fatalf("go-text does not map %q", r)
	}
	e, ok := faces[index].GlyphExtents(g)
	if !ok {
		t.Fatalf("go-text: no extents for %q", r)
	}
	return float64(e.XBearing), float64(-e.YBearing), float64(e.XBearing + e.Width), float64(-e.YBearing - e.Height)
}

// checkGoTextFace checks that face (read by go-text) draws a-z with the
// boxes go-text gives, to within a font unit or two of rounding.
func checkGoTextFace(t *testing.T, face *Face, data []byte) {
	t.Helper()
	if face.Parser() != ParserGoText {
		t.Errorf("%s: parser %q, want %q", face, face.Parser(), ParserGoText)
	}
	if face.Font() != nil {
		t.Errorf("%s: go-text face has an sfnt font", face)
	}
	gt, err := gtfont.ParseTTC(bytes.NewReader(data))
	if err != nil || face.Index >= len(gt) {
		t.Fatalf("go-text: %d faces, %v", len(gt), err)
	}
	tol := 2.0
	for r := 'a'; r <= 'z'; r++ {
		segs, err := face.Outline(r)
		if err != nil {
			t.Errorf("%s: %v", face, err)
			continue
		}
		bb := sfnt.Segments(segs).Bounds()
		x0, y0, x1, y1 := goTextBounds(t, gt, face.Index, r)
		got := [4]float64{float64(bb.Min.X), float64(bb.Min.Y), float64(bb.Max.X), float64(bb.Max.Y)}
		want := [4]float64{x0, y0, x1, y1}
		for i := range got {
			if d := got[i] - want[i]; d > tol || d < -tol {
				t.Errorf("%s: %q: outline box %v, go-text extents %v", face, r, got, want)
				break
			}
		}
		if !face.Covers(r) {
			t.Errorf("%s: does not cover %q", face, r)
		}
	}
}

// sfnt cannot parse a CFF2 font: go-text reads it through the same Face,
// with its wght axis giving the bold.
func TestGoTextCFF2(t *testing.T) {
	p := filepath.Join(cff2Dir, "CantarellTestVF.otf")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sfnt.Parse(data); err == nil {
		t.Fatal("sfnt parses the CFF2 font: the test no longer exercises the fallback")
	}
	lib, fam := loadOne(t, cff2Dir, "Cantarell Test VF")
	reg := fam.Regular
	if !reg.CFF || !reg.Variable() || reg.UnitsPerEm() != 1000 {
		t.Errorf("CFF %v variable %v upem %d", reg.CFF, reg.Variable(), reg.UnitsPerEm())
	}
	checkGoTextFace(t, reg, data)
	if fam.Bold == nil || fam.Bold.Wght() != 700 || fam.Bold.Parser() != ParserGoText {
		t.Fatalf("bold %v", fam.Bold)
	}
	// The wght 700 master is 20% wider.
	if w, b := inkWidth(t, reg, 'o'), inkWidth(t, fam.Bold, 'o'); float64(b) < 1.15*float64(w) {
		t.Errorf("o: regular ink %d, bold %d: the wght axis did not apply", w, b)
	}
	if got := lib.ParserCounts(); len(got) != 1 || got[ParserGoText] != 1 {
		t.Errorf("ParserCounts %v, want go-text: 1", got)
	}
	if _, err := reg.Outline('1'); !errors.Is(err, ErrNoGlyph) {
		t.Errorf("'1' (subset away): %v, want ErrNoGlyph", err)
	}
}

// wqyMicroHei is a collection that sfnt refuses ("invalid table offset");
// CI installs it (Debian package fonts-wqy-microhei). Missing, the test
// fails: it must not pass by skipping.
const wqyMicroHei = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"

func TestGoTextCollectionSfntRejects(t *testing.T) {
	data, err := os.ReadFile(wqyMicroHei)
	if err != nil {
		t.Fatalf("%v (install the Debian package fonts-wqy-microhei)", err)
	}
	if c, err := sfnt.ParseCollection(data); err == nil {
		if _, err := c.Font(0); err == nil {
			t.Fatal("sfnt parses wqy-microhei.ttc: the test no longer exercises the fallback")
		}
	}
	dir := t.TempDir()
	writeFont(t, dir, "wqy-microhei.ttc", data)
	lib, err := Load(Options{Dirs: []string{dir}, Warn: func(m string) { t.Errorf("unexpected warning: %s", m) }})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, fam := range lib.Families {
		for _, f := range []*Face{fam.Regular, fam.Bold} {
			if f != nil {
				n++
				checkGoTextFace(t, f, data)
				if !f.Covers('中') {
					t.Errorf("%s does not cover 中", f)
				}
			}
		}
	}
	if n != 2 {
		t.Errorf("%d faces, want the collection's 2: %v", n, lib.Families)
	}
	if got := lib.ParserCounts(); got[ParserGoText] != 2 || got[ParserSfnt] != 0 {
		t.Errorf("ParserCounts %v, want go-text: 2", got)
	}
	// Truncated, a go-text face fails like an sfnt one.
	if err := os.Truncate(filepath.Join(dir, "wqy-microhei.ttc"), 100); err != nil {
		t.Fatal(err)
	}
	_, err = lib.Families[0].Regular.Outline('x')
	wantChanged(t, "go-text face, truncated", err, filepath.Join(dir, "wqy-microhei.ttc"))
}

// The embedded set is read by sfnt alone.
func TestParserCountsEmbedded(t *testing.T) {
	lib := loadEmbedded(t)
	got := lib.ParserCounts()
	n := 0
	for _, fam := range lib.Families {
		n++
		if fam.Bold != nil && fam.Bold.base == nil {
			n++
		}
	}
	if len(got) != 1 || got[ParserSfnt] != n {
		t.Errorf("ParserCounts %v, want sfnt: %d", got, n)
	}
}

// go-text must not take down Load on garbage that sfnt refuses.
func FuzzParseGoTextFallback(f *testing.F) {
	data, err := os.ReadFile(filepath.Join(cff2Dir, "CantarellTestVF.otf"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add(data[:len(data)/2])
	f.Fuzz(func(t *testing.T, b []byte) {
		faces, _ := parseFile(b, "fuzz.otf", "")
		for _, face := range faces {
			face.Covers('a')
		}
	})
}

// Many goroutines drawing from more files than handles may stay open:
// handles are closed and reopened under them, and every outline is the
// one a lone caller gets.
func TestOutlinesWithFewHandles(t *testing.T) {
	dir := t.TempDir()
	rels := []string{"dejavu/DejaVuSans.ttf", "caladea/Caladea-Regular.ttf", "comic-neue/ComicNeue-Regular.otf",
		"open-sans/OpenSans-Regular.ttf", "liberation/LiberationMono-Regular.ttf", "dejavu/DejaVuSans-Bold.ttf"}
	for i, rel := range rels {
		writeFont(t, dir, fmt.Sprintf("%d.ttf", i), embeddedBytes(t, rel))
	}
	lib, err := Load(Options{Dirs: []string{dir}, Warn: func(m string) { t.Error(m) }})
	if err != nil {
		t.Fatal(err)
	}
	var faces []*Face
	for _, fam := range lib.Families {
		faces = append(faces, fam.Regular)
		if fam.Bold != nil {
			faces = append(faces, fam.Bold)
		}
	}
	if len(faces) != len(rels) {
		t.Fatalf("%d faces, want %d", len(faces), len(rels))
	}
	want := map[*Face]map[rune]sfnt.Segments{}
	for _, f := range faces {
		want[f] = map[rune]sfnt.Segments{}
		for r := 'a'; r <= 'z'; r++ {
			segs, err := f.Outline(r)
			if err != nil {
				t.Fatal(err)
			}
			want[f][r] = segs
		}
	}
	old := maxOpenFonts
	maxOpenFonts = 2
	defer func() { maxOpenFonts = old }()
	errs := make(chan error, 8)
	for g := range 8 {
		go func() {
			var err error
			for i := range 400 {
				f := faces[(i*7+g)%len(faces)]
				r := 'a' + rune((i+g)%26)
				segs, e := f.Outline(r)
				if e == nil && !slices.Equal(segs, want[f][r]) {
					e = fmt.Errorf("%s %q: outline differs", f, r)
				}
				if e != nil && err == nil {
					err = e
				}
			}
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	openFiles.mu.Lock()
	n := openFiles.lru.Len()
	openFiles.mu.Unlock()
	if n > 2 {
		t.Errorf("%d handles open, want at most 2 when idle", n)
	}
}

// A font file removed after Load fails the outline call with an error
// that is both ErrFontChanged and, through %w, the cause the reopen met
// (fs.ErrNotExist): callers can tell a missing file from a rewritten one.
func TestFontChangedKeepsCause(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "DejaVuSans.ttf")
	if err := os.WriteFile(p, embeddedBytes(t, "dejavu/DejaVuSans.ttf"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, fam := loadOne(t, dir, "DejaVu Sans")
	evictAll(t)
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
	_, err := fam.Regular.Outline('b')
	wantChanged(t, "Outline", err, p)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Outline of a removed file: %v does not wrap fs.ErrNotExist", err)
	}
	if !errors.Is(fam.Regular.Err(), fs.ErrNotExist) {
		t.Errorf("Face.Err: %v does not wrap fs.ErrNotExist", fam.Regular.Err())
	}
}
