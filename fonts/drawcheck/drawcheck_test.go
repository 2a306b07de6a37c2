package drawcheck

import (
	"strings"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/atlas"
	"github.com/synbols-gpu/synbols-gpu/fonts"
)

var az = []rune("abcdefghijklmnopqrstuvwxyz")

func checker(t *testing.T) *Checker {
	t.Helper()
	at, err := atlas.New(atlas.DefaultParams(), "")
	if err != nil {
		t.Fatal(err)
	}
	return New(at)
}

// TestRealFamiliesPass: the embedded Latin families and Debian's fonts
// with overlapping contours (installed by CI) draw within the bounds at
// every size, regular and bold; the figures are logged.
func TestRealFamiliesPass(t *testing.T) {
	lib, err := fonts.Load(fonts.Options{Embedded: true, Dirs: []string{
		"/usr/share/fonts/truetype/roboto/unhinted",
		"/usr/share/fonts/truetype/firacode",
		"/usr/share/fonts/opentype/comic-neue",
	}})
	if err != nil {
		t.Fatalf("%v (CI installs fonts-roboto-unhinted, fonts-firacode, fonts-comic-neue)", err)
	}
	c := checker(t)
	want := map[string]bool{"Roboto": false, "Fira Code": false, "Comic Neue": false, "DejaVu Sans": false}
	for _, fam := range lib.Usable(az, false) {
		st := c.Check(fam, az)
		t.Logf("%-22s 24 px %.4f (ink %.3f)  64 px %.4f (%.3f)  128 px %.4f (%.3f)  worst %s",
			fam.Name, st.Mean[24], st.Ink[24], st.Mean[64], st.Ink[64], st.Mean[128], st.Ink[128], st.Worst)
		if st.Failure != "" {
			t.Errorf("%s: %s", fam.Name, st.Failure)
		}
		if _, ok := want[fam.Name]; ok {
			want[fam.Name] = true
		}
	}
	for name, seen := range want {
		if !seen {
			t.Errorf("family %s not checked", name)
		}
	}
}

// TestDamageCaught: painting that loses a stroke's worth of ink (a seam:
// every inked pixel of one column in three halved, as false edges inside
// overlapping contours painted) fails the check, naming the figure.
func TestDamageCaught(t *testing.T) {
	lib, err := fonts.Load(fonts.Options{Embedded: true})
	if err != nil {
		t.Fatal(err)
	}
	fam, ok := lib.Family("DejaVu Sans")
	if !ok {
		t.Fatal("no DejaVu Sans")
	}
	c := checker(t)
	c.distort = func(m []byte, size int) {
		for i := range m {
			if i%size%3 == 0 {
				m[i] /= 2
			}
		}
	}
	st := c.Check(fam, az)
	if st.Failure == "" {
		t.Fatalf("damaged painting passed: %+v", st)
	}
	t.Logf("caught: %s", st.Failure)
}

// TestSeamCaught: a false edge down the strokes of one glyph (a line of
// pixels inside the fill painted at ½, as overlapping contours were)
// barely moves the family mean but fails the check.
func TestSeamCaught(t *testing.T) {
	lib, err := fonts.Load(fonts.Options{Embedded: true})
	if err != nil {
		t.Fatal(err)
	}
	fam, _ := lib.Family("DejaVu Sans")
	c := checker(t)
	calls := 0
	c.distort = func(m []byte, size int) {
		calls++
		if size != 128 || calls%26 != 8 { // one glyph ("h") of the 128-px batch
			return
		}
		// A false edge down the middle of every stroke of the glyph,
		// as where a stem is drawn over a bowl.
		for y := range size {
			row := m[y*size : (y+1)*size]
			for x := 0; x < size; {
				if row[x] != 255 {
					x++
					continue
				}
				end := x
				for end < size && row[end] == 255 {
					end++
				}
				row[(x+end)/2] = 128
				x = end
			}
		}
	}
	st := c.Check(fam, az)
	if !strings.Contains(st.Failure, "false edges") {
		t.Fatalf("seam not caught: %+v", st)
	}
	t.Logf("caught: %s (family means %v)", st.Failure, st.Mean)
}
