package images

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/synbols-gpu/synbols-gpu/engine"
)

// write encodes img into dir/rel by the format its extension names.
func write(t *testing.T, dir, rel string, img image.Image) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	var err error
	switch strings.ToLower(filepath.Ext(p)) {
	case ".png":
		err = png.Encode(&buf, img)
	case ".jpg", ".jpeg":
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95})
	case ".gif":
		err = gif.Encode(&buf, img, nil)
	default:
		t.Fatalf("no encoder for %s", p)
	}
	if err != nil {
		t.Fatal(err)
	}
	writeBytes(t, dir, rel, buf.Bytes())
}

func writeBytes(t *testing.T, dir, rel string, b []byte) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// gray is a w×h image of one grey level.
func gray(w, h int, v uint8) *image.Gray {
	m := image.NewGray(image.Rect(0, 0, w, h))
	for i := range m.Pix {
		m.Pix[i] = v
	}
	return m
}

// rgbGrad is a w×h opaque image whose pixels differ, so any mix-up shows.
func rgbGrad(w, h int, seed int) *image.NRGBA {
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			m.SetNRGBA(x, y, color.NRGBA{uint8(x*7 + seed), uint8(y*13 + seed), uint8(x*y + seed), 255})
		}
	}
	return m
}

// collect returns a Warn recording its lines.
func collect(lines *[]string) func(string) {
	return func(s string) { *lines = append(*lines, s) }
}

func mustLoad(t *testing.T, dir string, opt Options) *engine.ImagePool {
	t.Helper()
	p, err := Load(context.Background(), dir, opt)
	if err != nil {
		t.Fatalf("Load(%s): %v", dir, err)
	}
	return p
}

// pixels returns image i's words.
func pixels(p *engine.ImagePool, i int) []uint32 {
	im := p.Images[i]
	return p.Pixels[im.Offset : im.Offset+im.Width*im.Height]
}

func word(r, g, b uint8) uint32 { return uint32(r) | uint32(g)<<8 | uint32(b)<<16 }

// checkLayout checks that Images tile Pixels in order without gaps.
func checkLayout(t *testing.T, p *engine.ImagePool) {
	t.Helper()
	if len(p.Paths) != len(p.Images) {
		t.Fatalf("%d paths, %d images", len(p.Paths), len(p.Images))
	}
	var off uint32
	for i, im := range p.Images {
		if im.Offset != off {
			t.Errorf("image %d at %d, want %d", i, im.Offset, off)
		}
		off += im.Width * im.Height
	}
	if int(off) != len(p.Pixels) {
		t.Errorf("images cover %d pixels, pool holds %d", off, len(p.Pixels))
	}
}

func TestLoadNestedFoldersAndCase(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "a.png", gray(3, 2, 10))
	write(t, dir, "sub/B.PNG", gray(4, 4, 20))
	write(t, dir, "sub/deeper/c.JPG", gray(8, 8, 128))
	write(t, dir, "d.JPEG", gray(5, 5, 200))
	write(t, dir, "e.Gif", gray(2, 7, 40))
	write(t, dir, "a-b/f.jpeg", gray(1, 1, 0))
	writeBytes(t, dir, "notes.txt", []byte("not an image"))
	writeBytes(t, dir, "README", []byte("no extension"))
	writeBytes(t, dir, "sub/g.webp", []byte("RIFF...."))
	// Hidden files and folders are left out, as the original's glob did:
	// corrupt ones raise no warning.
	writeBytes(t, dir, "._a.png", []byte("AppleDouble"))
	write(t, dir, ".cache/h.png", gray(2, 2, 1))

	var warns []string
	p := mustLoad(t, dir, Options{Warn: collect(&warns)})
	if len(warns) != 0 {
		t.Errorf("warnings: %q", warns)
	}
	// Sorted by the slash path: "a-b/…" before "a.png" ('-' < '.'),
	// though a per-folder walk visits a.png's folder's files first.
	want := []string{"a-b/f.jpeg", "a.png", "d.JPEG", "e.Gif", "sub/B.PNG", "sub/deeper/c.JPG"}
	if !reflect.DeepEqual(p.Paths, want) {
		t.Fatalf("Paths = %q, want %q", p.Paths, want)
	}
	checkLayout(t, p)
	sizes := [][2]uint32{{1, 1}, {3, 2}, {5, 5}, {2, 7}, {4, 4}, {8, 8}}
	for i, im := range p.Images {
		if [2]uint32{im.Width, im.Height} != sizes[i] {
			t.Errorf("%s: %d×%d, want %v", p.Paths[i], im.Width, im.Height, sizes[i])
		}
	}
	if got := pixels(p, 1)[0]; got != word(10, 10, 10) {
		t.Errorf("a.png pixel = %#x", got)
	}
	if len(p.Digest) != 64 {
		t.Errorf("Digest %q is not hex SHA-256", p.Digest)
	}
}

func TestCorruptFileSkippedWithOneWarning(t *testing.T) {
	var good bytes.Buffer
	if err := png.Encode(&good, rgbGrad(16, 16, 0)); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"garbage":   []byte("this is not a PNG file at all"),
		"truncated": good.Bytes()[:good.Len()/2], // header fine, data cut
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, dir, "ok.png", gray(2, 2, 5))
			writeBytes(t, dir, "sub/bad.png", data)
			var warns []string
			p := mustLoad(t, dir, Options{Warn: collect(&warns)})
			if len(warns) != 1 {
				t.Fatalf("warnings = %q, want exactly one", warns)
			}
			w := warns[0]
			if !strings.Contains(w, filepath.Join(dir, "sub", "bad.png")) || !strings.HasPrefix(w, "images: ") || strings.Contains(w, "\n") {
				t.Errorf("warning %q should be one line naming the file", w)
			}
			if !strings.Contains(w, "png") && !strings.Contains(w, "format") && !strings.Contains(w, "EOF") {
				t.Errorf("warning %q does not carry the decoder's message", w)
			}
			if !reflect.DeepEqual(p.Paths, []string{"ok.png"}) {
				t.Errorf("Paths = %q", p.Paths)
			}
		})
	}
}

func TestEmptyFolder(t *testing.T) {
	dir := t.TempDir()
	writeBytes(t, dir, "notes.txt", []byte("x"))
	if err := os.Mkdir(filepath.Join(dir, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := Load(context.Background(), dir, Options{})
	if !errors.Is(err, ErrNoImages) {
		t.Fatalf("err = %v, want ErrNoImages", err)
	}
	want := "images: no .jpg, .jpeg, .png or .gif image under " + dir
	if err.Error() != want {
		t.Errorf("err = %q, want %q", err, want)
	}
}

func TestAllFilesFailed(t *testing.T) {
	dir := t.TempDir()
	writeBytes(t, dir, "a.png", []byte("bad"))
	writeBytes(t, dir, "b.jpg", []byte("bad"))
	var warns []string
	_, err := Load(context.Background(), dir, Options{Warn: collect(&warns)})
	if !errors.Is(err, ErrNoImages) {
		t.Fatalf("err = %v, want ErrNoImages", err)
	}
	if !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "2 skipped") {
		t.Errorf("err = %q should name the folder and the 2 skipped files", err)
	}
	if len(warns) != 2 {
		t.Errorf("warnings = %q, want 2", warns)
	}
}

func TestMissingFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nope")
	_, err := Load(context.Background(), dir, Options{})
	if !errors.Is(err, ErrFolder) || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("err = %v, want ErrFolder and fs.ErrNotExist", err)
	}
	if msg := err.Error(); !strings.HasPrefix(msg, "images: ") || !strings.Contains(msg, dir) || !strings.Contains(msg, "no such file") {
		t.Errorf("err = %q should name the folder and give the OS's message", msg)
	}
}

func TestFileGivenForFolder(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "a.png", gray(2, 2, 5))
	f := filepath.Join(dir, "a.png")
	_, err := Load(context.Background(), f, Options{})
	if !errors.Is(err, ErrFolder) || !strings.Contains(err.Error(), f) || !strings.Contains(err.Error(), "not a folder") {
		t.Fatalf("err = %v, want ErrFolder naming %s as not a folder", err, f)
	}
}

func TestBadOptions(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "a.png", gray(2, 2, 5))
	for _, o := range []Options{{MaxSide: -1}, {MaxImages: -1}} {
		if _, err := Load(context.Background(), dir, o); err == nil || !strings.Contains(err.Error(), "negative") {
			t.Errorf("%+v: err = %v, want a negative-option error", o, err)
		}
	}
}

func TestDownscale(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "wide.png", gray(1000, 250, 77))
	write(t, dir, "tall.png", gray(120, 300, 77))
	write(t, dir, "small.png", gray(30, 20, 77))
	write(t, dir, "odd.png", gray(333, 101, 77))
	p := mustLoad(t, dir, Options{MaxSide: 100})
	want := map[string][2]uint32{
		"wide.png":  {100, 25},
		"tall.png":  {40, 100},
		"small.png": {30, 20},  // never upscaled
		"odd.png":   {100, 30}, // 30.33 rounded
	}
	checkLayout(t, p)
	for i, path := range p.Paths {
		im := p.Images[i]
		if got := [2]uint32{im.Width, im.Height}; got != want[path] {
			t.Errorf("%s: %v, want %v", path, got, want[path])
		}
		// An area filter keeps a uniform image exactly uniform.
		for j, v := range pixels(p, i) {
			if v != word(77, 77, 77) {
				t.Fatalf("%s: pixel %d = %#x, want %#x", path, j, v, word(77, 77, 77))
			}
		}
	}

	// The default bounds the side at 512.
	dir2 := t.TempDir()
	write(t, dir2, "big.png", gray(1030, 600, 1))
	p = mustLoad(t, dir2, Options{})
	if im := p.Images[0]; im.Width != 512 || im.Height != 298 {
		t.Errorf("default MaxSide: %d×%d, want 512×298", im.Width, im.Height)
	}
}

// TestAreaFilter checks the weights: partly covered pixels count by the
// part they cover.
func TestAreaFilter(t *testing.T) {
	m := image.NewGray(image.Rect(0, 0, 3, 1))
	copy(m.Pix, []uint8{0, 90, 180})
	// 3 → 2: output 0 is (0 + 90/2) / 1.5 = 30, output 1 (90/2 + 180) / 1.5 = 150.
	w, h, pix := toRGB(m, 2)
	if w != 2 || h != 1 || pix[0] != word(30, 30, 30) || pix[1] != word(150, 150, 150) {
		t.Errorf("3×1 → %d×%d %#x, want 2×1 [30 150]", w, h, pix)
	}
	// A 4×4 checkerboard of 0 and 255 halved: every 2×2 block averages
	// 127.5, rounded to 128. Vertically, the same weights as horizontally.
	c := image.NewGray(image.Rect(0, 0, 4, 4))
	for y := range 4 {
		for x := range 4 {
			if (x+y)%2 == 1 {
				c.SetGray(x, y, color.Gray{255})
			}
		}
	}
	w, h, pix = toRGB(c, 2)
	if w != 2 || h != 2 {
		t.Fatalf("4×4 → %d×%d", w, h)
	}
	for _, v := range pix {
		if v != word(128, 128, 128) {
			t.Errorf("checkerboard → %#x, want 128 grey", pix)
			break
		}
	}
	// 1×3 → 1×2 vertically, with a sub-image's non-zero origin.
	col := image.NewGray(image.Rect(0, 0, 2, 5))
	copy(col.Pix, []uint8{9, 9, 0, 9, 90, 9, 180, 9, 9, 9})
	sub := col.SubImage(image.Rect(0, 1, 1, 4))
	w, h, pix = toRGB(sub, 2)
	if w != 1 || h != 2 || pix[0] != word(30, 30, 30) || pix[1] != word(150, 150, 150) {
		t.Errorf("1×3 → %d×%d %#x, want 1×2 [30 150]", w, h, pix)
	}
}

func TestColourConversion(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "grey.png", gray(2, 1, 77))

	pal := color.Palette{
		color.RGBA{200, 10, 20, 255},
		color.RGBA{0, 0, 0, 0}, // transparent: composited over black
		color.RGBA{0, 0, 255, 255},
	}
	pm := image.NewPaletted(image.Rect(0, 0, 3, 1), pal)
	copy(pm.Pix, []uint8{0, 1, 2})
	write(t, dir, "pal.gif", pm)
	write(t, dir, "pal.png", pm)

	// Half-transparent: premultiplied (over black), as At().RGBA() has it.
	nm := image.NewNRGBA(image.Rect(0, 0, 1, 1))
	nm.SetNRGBA(0, 0, color.NRGBA{128, 64, 32, 128})
	write(t, dir, "alpha.png", nm)

	// 16-bit grey takes the generic path.
	g16 := image.NewGray16(image.Rect(0, 0, 1, 1))
	g16.SetGray16(0, 0, color.Gray16{0x1234})
	write(t, dir, "g16.png", g16)

	// JPEG is lossy: close, not exact.
	red := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for i := 0; i < len(red.Pix); i += 4 {
		copy(red.Pix[i:], []uint8{220, 30, 40, 255})
	}
	write(t, dir, "red.jpg", red)
	// A grey JPEG decodes to *image.Gray; CMYK is not encodable here.
	write(t, dir, "grey.jpg", gray(8, 8, 100))

	p := mustLoad(t, dir, Options{})
	got := map[string][]uint32{}
	for i, path := range p.Paths {
		got[path] = pixels(p, i)
	}
	palWant := []uint32{word(200, 10, 20), 0, word(0, 0, 255)}
	for path, want := range map[string][]uint32{
		"grey.png":  {word(77, 77, 77), word(77, 77, 77)},
		"pal.gif":   palWant,
		"pal.png":   palWant,
		"alpha.png": {word(64, 32, 16)},
		"g16.png":   {word(0x12, 0x12, 0x12)},
	} {
		if !reflect.DeepEqual(got[path], want) {
			t.Errorf("%s: %#x, want %#x", path, got[path], want)
		}
	}
	near := func(path string, r, g, b int) {
		t.Helper()
		for _, v := range got[path] {
			d := [3]int{int(v&0xff) - r, int(v>>8&0xff) - g, int(v>>16&0xff) - b}
			for _, e := range d {
				if e < -6 || e > 6 {
					t.Fatalf("%s: pixel %#x, want about (%d, %d, %d)", path, v, r, g, b)
				}
			}
		}
	}
	near("red.jpg", 220, 30, 40)
	near("grey.jpg", 100, 100, 100)
}

// TestDigestFormat pins the digest's definition (package doc), so that a
// change to it is deliberate: datasets record it.
func TestDigestFormat(t *testing.T) {
	dir := t.TempDir()
	m := image.NewGray(image.Rect(0, 0, 2, 1))
	copy(m.Pix, []uint8{1, 2})
	write(t, dir, "a/x.png", m)
	p := mustLoad(t, dir, Options{})

	h := sha256.New()
	h.Write([]byte("a/x.png\x00"))
	for _, v := range []uint32{2, 1, word(1, 1, 1), word(2, 2, 2)} {
		h.Write(binary.LittleEndian.AppendUint32(nil, v))
	}
	if want := hex.EncodeToString(h.Sum(nil)); p.Digest != want {
		t.Errorf("Digest = %s, want %s", p.Digest, want)
	}
}

func TestDigestIdentity(t *testing.T) {
	fill := func(dir string, tweak bool) {
		a := rgbGrad(40, 30, 1)
		if tweak {
			a.SetNRGBA(39, 29, color.NRGBA{1, 2, 3, 255})
		}
		write(t, dir, "a.png", a)
		write(t, dir, "sub/b.gif", gray(9, 9, 33))
		write(t, dir, "sub/c.jpg", rgbGrad(700, 20, 5)) // downscaled
	}
	base := t.TempDir()
	one := filepath.Join(base, "one")
	two := filepath.Join(base, "another", "folder named two")
	fill(one, false)
	fill(two, false)
	// Different times must not matter.
	old := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	for _, f := range []string{"a.png", "sub/b.gif", "sub/c.jpg"} {
		if err := os.Chtimes(filepath.Join(two, f), old, old); err != nil {
			t.Fatal(err)
		}
	}
	p1, p2 := mustLoad(t, one, Options{}), mustLoad(t, two, Options{})
	if p1.Digest != p2.Digest {
		t.Errorf("same images, digests %s and %s", p1.Digest, p2.Digest)
	}
	if !reflect.DeepEqual(p1, p2) {
		t.Errorf("same images, different pools")
	}

	three := filepath.Join(base, "three")
	fill(three, true)
	if p3 := mustLoad(t, three, Options{}); p3.Digest == p1.Digest {
		t.Errorf("one pixel changed, digest unchanged")
	}
	// A renamed file is a different pool too: Paths index the images.
	if err := os.Rename(filepath.Join(two, "a.png"), filepath.Join(two, "z.png")); err != nil {
		t.Fatal(err)
	}
	if p4 := mustLoad(t, two, Options{}); p4.Digest == p1.Digest {
		t.Errorf("file renamed, digest unchanged")
	}
	// MaxSide changes the pixels, so the digest.
	if p5 := mustLoad(t, one, Options{MaxSide: 100}); p5.Digest == p1.Digest {
		t.Errorf("MaxSide changed, digest unchanged")
	}
}

func TestMaxImages(t *testing.T) {
	dir := t.TempDir()
	for i := range 3 {
		write(t, dir, fmt.Sprintf("d%d/%d.png", i, i), gray(2, 2, uint8(i)))
	}
	writeBytes(t, dir, "notes.txt", []byte("not counted"))
	if p := mustLoad(t, dir, Options{MaxImages: 3}); len(p.Images) != 3 {
		t.Errorf("MaxImages 3: %d images", len(p.Images))
	}
	_, err := Load(context.Background(), dir, Options{MaxImages: 2})
	if !errors.Is(err, ErrTooManyImages) || !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "2") {
		t.Errorf("MaxImages 2: err = %v, want ErrTooManyImages naming the folder and the limit", err)
	}
}

// TestParallelEqualsSerial: the number of decoders never shows.
func TestParallelEqualsSerial(t *testing.T) {
	dir := t.TempDir()
	for i := range 24 {
		name := fmt.Sprintf("f%02d/img%d.%s", i%5, i, []string{"png", "jpg", "gif"}[i%3])
		write(t, dir, name, rgbGrad(20+i*37, 15+i*11, i))
	}
	writeBytes(t, dir, "f01/broken.png", []byte("broken"))
	writeBytes(t, dir, "f03/broken.jpg", []byte("\xff\xd8\xff broken"))
	var w1, w8 []string
	p1, err := load(context.Background(), dir, Options{MaxSide: 64, Warn: collect(&w1)}, 1)
	if err != nil {
		t.Fatal(err)
	}
	p8, err := load(context.Background(), dir, Options{MaxSide: 64, Warn: collect(&w8)}, 8)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(p1, p8) {
		t.Errorf("1 and 8 decoders give different pools")
	}
	if !reflect.DeepEqual(w1, w8) || len(w1) != 2 {
		t.Errorf("warnings %q and %q, want the same two", w1, w8)
	}
	checkLayout(t, p8)
}

// hugePNG is a PNG whose header declares w×h: DecodeConfig reads only
// that, so the limit is met before anything is allocated.
func hugePNG(t *testing.T, w, h uint32) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, gray(1, 1, 0)); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	// Signature (8), IHDR length (4) and type (4), then width, height.
	binary.BigEndian.PutUint32(b[16:], w)
	binary.BigEndian.PutUint32(b[20:], h)
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}

func TestLimits(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "ok.png", gray(2, 2, 5))
	writeBytes(t, dir, "huge.png", hugePNG(t, 20000, 20000))
	// Sparse: 65 MiB on paper, no disk used.
	big := filepath.Join(dir, "big.jpg")
	if err := os.WriteFile(big, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, 65<<20); err != nil {
		t.Fatal(err)
	}
	var warns []string
	p := mustLoad(t, dir, Options{Warn: collect(&warns)})
	if !reflect.DeepEqual(p.Paths, []string{"ok.png"}) {
		t.Errorf("Paths = %q", p.Paths)
	}
	if len(warns) != 2 || !strings.Contains(warns[0], "big.jpg") || !strings.Contains(warns[0], "MiB") ||
		!strings.Contains(warns[1], "huge.png") || !strings.Contains(warns[1], "megapixel") {
		t.Errorf("warnings = %q, want big.jpg over the MiB limit, huge.png over the megapixel limit", warns)
	}
	// At the limit is decoded (failing here only because the data is
	// missing, after the check); one pixel over is refused. Lowered, so
	// that the decoder's allocation stays small.
	old := maxPixels
	maxPixels = 2000 * 2000
	t.Cleanup(func() { maxPixels = old })
	dir = t.TempDir()
	writeBytes(t, dir, "at.png", hugePNG(t, 2000, 2000))
	writeBytes(t, dir, "over.png", hugePNG(t, 2001, 2000))
	warns = nil
	_, err := Load(context.Background(), dir, Options{Warn: collect(&warns)})
	if !errors.Is(err, ErrNoImages) || len(warns) != 2 ||
		!strings.Contains(warns[0], "at.png") || !strings.Contains(warns[0], "decoding the png") ||
		!strings.Contains(warns[1], "over.png") || !strings.Contains(warns[1], "megapixel") {
		t.Errorf("err %v, warnings = %q, want at.png failing to decode, over.png refused", err, warns)
	}
}

func TestCancelled(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "a.png", gray(2, 2, 5))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Load(ctx, dir, Options{})
	if !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "images: ") {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// TestBudget: waiting for pixels ends with the context, handing back what
// was taken.
func TestBudget(t *testing.T) {
	b := newBudget(4 << 20)
	if !b.acquire(context.Background(), 3<<20) {
		t.Fatal("acquire failed with room")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if b.acquire(ctx, 2<<20) {
		t.Fatal("acquired more than the budget")
	}
	b.release(3 << 20)
	if len(b.tokens) != 4 {
		t.Errorf("%d tokens back, want 4", len(b.tokens))
	}
	// More than the whole budget waits for the whole budget, not forever.
	if !b.acquire(context.Background(), 100<<20) {
		t.Fatal("oversized acquire failed")
	}
	b.release(100 << 20)
}
