package main

import (
	"context"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"

	"github.com/synbols-gpu/synbols-gpu/alphabet"
	"github.com/synbols-gpu/synbols-gpu/fonts"
	"github.com/synbols-gpu/synbols-gpu/fonts/install"
	"github.com/synbols-gpu/synbols-gpu/generate"
	"github.com/synbols-gpu/synbols-gpu/internal/outline"
)

// cmdFonts is "synbols-gpu fonts": the font pool's catalogue (list,
// check), a family's contact sheet (show) and the Debian installer
// (install).
func cmdFonts(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fontsUsage(stderr)
		return fmt.Errorf("%w: fonts: no sub-command given", errUsage)
	}
	switch args[0] {
	case "list":
		return cmdFontsList(ctx, args[1:], stdout, stderr, false)
	case "check":
		return cmdFontsList(ctx, args[1:], stdout, stderr, true)
	case "show":
		return cmdFontsShow(ctx, args[1:], stdout, stderr)
	case "install":
		return cmdFontsInstall(ctx, args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		fontsUsage(stdout)
		return nil
	}
	return fmt.Errorf("%w: fonts: unknown sub-command %q (see 'synbols-gpu fonts help')", errUsage, args[0])
}

func fontsUsage(w io.Writer) {
	fmt.Fprint(w, `Usage:
  synbols-gpu fonts list [--language L] [--bold] [--font-dir DIR]... [--system-fonts=false] [--block-list FILE] [--verbose]
  synbols-gpu fonts check [same flags]    the filter report: every dropped family and why
  synbols-gpu fonts show FAMILY [--language L] [--out FILE.png] [source flags]
  synbols-gpu fonts install [--tier small|full] [--dry-run] [--no-npm]
`)
}

// sourceFlags are the flags that say where fonts come from, shared by the
// fonts sub-commands (the same names as generate's).
type sourceFlags struct {
	ctx         context.Context // stops font loading (Ctrl-C): set by the command
	fontDirs    stringList
	pool        string
	systemFonts bool
	embedded    bool
	blockList   string
	rebuild     bool
	drawCheck   bool
}

func (s *sourceFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&s.pool, "fonts", "all", "font sources: embedded (the same on every machine: for reproducible datasets), system (installed fonts only) or all; --font-dir folders are added to any")
	fs.Var(&s.fontDirs, "font-dir", "folder of .ttf/.otf/.ttc fonts to add (repeatable)")
	fs.BoolVar(&s.systemFonts, "system-fonts", true, "also use the fonts installed on this machine")
	fs.BoolVar(&s.embedded, "embedded-fonts", true, "also use the fonts compiled into the binary")
	fs.StringVar(&s.blockList, "block-list", "", "file of family names to drop, one per line (# comments)")
	fs.BoolVar(&s.rebuild, "rebuild", false, "rebuild the catalogue even if the cached one is current")
	fs.BoolVar(&s.drawCheck, "draw-check", true, "in the catalogue, paint every family at 24, 64 and 128 px and drop those that differ from an exact rasterisation of their outlines")
}

func (s *sourceFlags) options(stderr io.Writer) (fonts.CatalogOptions, error) {
	switch s.pool {
	case "all":
	case "embedded":
		s.systemFonts = false
	case "system":
		s.embedded = false
	default:
		return fonts.CatalogOptions{}, fmt.Errorf("%w: --fonts %q: want embedded, system or all", errUsage, s.pool)
	}
	o, err := generate.DefaultCatalog(fonts.Options{
		Embedded: s.embedded,
		System:   s.systemFonts,
		Dirs:     s.fontDirs,
		Warn:     func(msg string) { fmt.Fprintln(stderr, "synbols-gpu: warning:", msg) },
		Context:  s.ctx,
	})
	if err != nil {
		return o, err
	}
	o.Rebuild = s.rebuild
	if !s.drawCheck {
		o.Draw = nil
	}
	for _, d := range s.fontDirs {
		if fi, err := os.Stat(d); err != nil || !fi.IsDir() {
			return o, fmt.Errorf("%w: --font-dir %q is not a readable folder", errUsage, d)
		}
	}
	if s.blockList != "" {
		bl, err := fonts.ReadBlockList(s.blockList)
		if err != nil {
			return o, err
		}
		o.BlockList = bl
	}
	return o, nil
}

// parseFlags parses a sub-command's flags, allowing positional arguments
// before the flags (fonts show FAMILY --out x.png).
func parseFlags(fs *flag.FlagSet, args []string, stdout io.Writer) ([]string, error) {
	var pos []string
	for {
		if err := parseArgs(fs, args, stdout); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func cmdFontsList(ctx context.Context, args []string, stdout, stderr io.Writer, check bool) error {
	name := "fonts list"
	if check {
		name = "fonts check"
	}
	fs := newFlags(name, nil)
	src := sourceFlags{ctx: ctx}
	src.register(fs)
	lang := fs.String("language", "", "list the families of this language (name or CLDR code)")
	bold := fs.Bool("bold", false, "count only families with a real bold face")
	verbose := fs.Bool("verbose", false, "also print the filter report (as fonts check)")
	pos, err := parseFlags(fs, args, stdout)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("%w: %s: unexpected argument %q", errUsage, name, pos[0])
	}
	if flagSet(fs, "language") {
		if _, _, err := alphabet.ExemplarSets(*lang); err != nil || strings.TrimSpace(*lang) == "" {
			return fmt.Errorf("%w: --language %q: not a known language (known: %s)", errUsage, *lang, strings.Join(alphabet.Languages(), ", "))
		}
	}
	o, err := src.options(stderr)
	if err != nil {
		return err
	}
	cat, err := fonts.OpenCatalog(o)
	if err != nil {
		return err
	}
	printCatalog(stdout, cat, *lang, *bold, check || *verbose)
	return nil
}

// printCatalog prints the per-language counts like the original ("Language
// korean contains 19 fonts and 11,172 symbols"), a language's families
// when one is named, and the filter report when report is true.
func printCatalog(w io.Writer, cat *fonts.Catalog, lang string, bold, report bool) {
	langs := cat.Languages
	if lang != "" {
		lc, ok := cat.Language(lang)
		if !ok {
			fmt.Fprintf(w, "Language %s is not known (known: %s)\n", lang, strings.Join(alphabet.Languages(), ", "))
			return
		}
		langs = []fonts.LanguageCatalog{*lc}
	}
	src := "built"
	if cat.FromCache {
		src = "cached"
	}
	fmt.Fprintf(w, "Catalogue of %s font files (%s %s)\n", thousands(cat.Files), src, cat.Built.Local().Format(time.DateTime))
	if len(cat.Parsers) > 0 {
		names := slices.Sorted(maps.Keys(cat.Parsers))
		var parts []string
		for _, p := range names {
			parts = append(parts, fmt.Sprintf("%s by %s", thousands(cat.Parsers[p]), p))
		}
		fmt.Fprintf(w, "Faces read: %s\n", strings.Join(parts, ", "))
	}
	for _, lc := range langs {
		nf, ns := len(lc.Families), lc.Symbols
		what := ""
		if bold {
			nf, ns, what = lc.BoldFamilies, lc.BoldSymbols, " with a bold face"
		}
		fmt.Fprintf(w, "Language %s contains %s fonts%s and %s symbols\n", lc.Language, thousands(nf), what, thousands(ns))
	}
	if lang != "" {
		lc := langs[0]
		for _, f := range lc.Families {
			if bold && !f.InBold {
				continue
			}
			note := ""
			switch f.Bold {
			case fonts.BoldSynthetic:
				note = "  (synthetic bold)"
			case fonts.BoldIdentical:
				note = "  (synthetic bold: its bold face renders as the regular)"
			case fonts.BoldVariable:
				note = "  (bold from its variable wght axis)"
			}
			fmt.Fprintf(w, "  %s%s\n", f.Name, note)
		}
		for _, f := range lc.Dropped {
			if f.Reasons[0].Check == fonts.CheckCoverage && !report {
				continue
			}
			fmt.Fprintf(w, "  dropped %s: %s\n", f.Name, reasonText(f.Reasons))
		}
	}
	if report {
		drawReport(w, langs)
		fmt.Fprintln(w, "Filter report:")
		for _, lc := range langs {
			for _, f := range lc.Dropped {
				fmt.Fprintf(w, "  %s: dropped %s: %s\n", lc.Language, f.Name, reasonText(f.Reasons))
			}
			for _, d := range lc.Duplicates {
				fmt.Fprintf(w, "  %s: kept %s, dropped %s, distance %.4f\n", lc.Language, d.Kept, d.Dropped, d.Distance)
			}
		}
		if len(cat.Warnings) > 0 {
			fmt.Fprintf(w, "%d font files could not be read:\n", len(cat.Warnings))
			for _, m := range cat.Warnings {
				fmt.Fprintln(w, "  "+m)
			}
		}
	}
}

func reasonText(rs []fonts.Reason) string {
	var parts []string
	for _, r := range rs {
		parts = append(parts, r.Check+" ("+r.Detail+")")
	}
	return strings.Join(parts, "; ")
}

// thousands formats n with comma separators, as the original's counts.
func thousands(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func cmdFontsShow(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("fonts show", nil)
	src := sourceFlags{ctx: ctx}
	src.register(fs)
	lang := fs.String("language", "english", "the alphabet to draw")
	out := fs.String("out", "", "PNG file to write (default: FAMILY.png, spaces as _)")
	maxSyms := fs.Int("max", 120, "draw at most this many symbols")
	pos, err := parseFlags(fs, args, stdout)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: fonts show: want one FAMILY (quote names with spaces)", errUsage)
	}
	if flagSet(fs, "out") {
		if err := checkPNGOut("fonts show", *out); err != nil {
			return err
		}
	}
	o, err := src.options(stderr)
	if err != nil {
		return err
	}
	lib, err := fonts.Load(o.Sources)
	if err != nil {
		return err
	}
	fam, ok := lib.Family(pos[0])
	if !ok {
		return fmt.Errorf("%w: fonts show: no family %q", errUsage, pos[0])
	}
	syms, err := alphabet.Symbols(*lang, "lower")
	if err != nil {
		return err
	}
	var rs []rune
	for _, s := range syms {
		if r, n := utf8.DecodeRuneInString(s); n == len(s) && fam.Regular.Covers(r) {
			rs = append(rs, r)
			if len(rs) == *maxSyms {
				break
			}
		}
	}
	if len(rs) == 0 {
		return fmt.Errorf("%w: fonts show: %s draws no symbol of %s", errUsage, fam.Name, *lang)
	}
	img := contactSheet(fam, rs)
	path := *out
	if path == "" {
		path = strings.ReplaceAll(fam.Name, " ", "_") + ".png"
	}
	if err := writePNG("fonts show", path, img); err != nil {
		return err
	}
	bold := "real bold face"
	if fam.Bold == nil {
		bold = "synthetic bold"
	}
	fmt.Fprintf(stdout, "%s: %d symbols of %s, regular and bold rows (%s), written to %s\n", fam.Name, len(rs), *lang, bold, path)
	return nil
}

// contactSheet draws each rune in a 40-pixel cell, in blocks of up to 20
// columns: a regular row, then a bold row below it (the bold face, or the
// regular glyph dilated by one pixel when the family has none, which is
// roughly what synthetic bold looks like).
func contactSheet(fam *fonts.Family, rs []rune) *image.Gray {
	const cell, cols = 40, 20
	blocks := (len(rs) + cols - 1) / cols
	w := cell * min(cols, len(rs))
	img := image.NewGray(image.Rect(0, 0, w, blocks*2*cell))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	for i, r := range rs {
		x, y := (i%cols)*cell, (i/cols)*2*cell
		drawCell(img, fam.Regular, r, x, y, cell, false)
		if fam.Bold != nil {
			drawCell(img, fam.Bold, r, x, y+cell, cell, false)
		} else {
			drawCell(img, fam.Regular, r, x, y+cell, cell, true)
		}
	}
	return img
}

func drawCell(img *image.Gray, face *fonts.Face, r rune, x0, y0, cell int, dilate bool) {
	segs, err := face.Outline(r)
	if err != nil {
		return
	}
	s := float32(cell) * 0.7 / float32(face.UnitsPerEm())
	ox, oy := float32(cell)*0.15, float32(cell)*0.8
	z := vector.NewRasterizer(cell, cell)
	outline.Path(z, segs, func(p fixed.Point26_6) (float32, float32) {
		return float32(p.X)*s + ox, float32(p.Y)*s + oy
	})
	mask := image.NewAlpha(image.Rect(0, 0, cell, cell))
	z.Draw(mask, mask.Bounds(), image.Opaque, image.Point{})
	for y := range cell {
		for x := range cell {
			a := mask.AlphaAt(x, y).A
			if dilate {
				for _, d := range [][2]int{{-1, 0}, {1, 0}, {0, -1}, {0, 1}} {
					a = max(a, mask.AlphaAt(x+d[0], y+d[1]).A)
				}
			}
			img.SetGray(x0+x, y0+y, color.Gray{255 - a})
		}
	}
}

func cmdFontsInstall(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("fonts install", nil)
	src := sourceFlags{ctx: ctx}
	src.register(fs)
	tier := fs.String("tier", "small", "small (~45 MB download) or full (~1.1 GB, 3 GB installed)")
	dryRun := fs.Bool("dry-run", false, "print the apt-get (and, for --tier full, npm) commands without running them")
	noNPM := fs.Bool("no-npm", false, "--tier full: skip the Google Fonts packages fetched with npm after apt")
	pos, err := parseFlags(fs, args, stdout)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("%w: fonts install: unexpected argument %q", errUsage, pos[0])
	}
	if _, err := install.TierPackages(*tier); err != nil {
		return fmt.Errorf("%w: --tier: %v", errUsage, err)
	}
	start := time.Now()
	res, err := install.Install(ctx, *tier, install.InstallOptions{
		DryRun: *dryRun,
		NoNPM:  *noNPM,
		Out:    stderr,
		Warn:   func(msg string) { fmt.Fprintln(stderr, "synbols-gpu: warning:", msg) },
	})
	if err != nil {
		return err
	}
	npm := ""
	if len(res.NPM) > 0 {
		npm = fmt.Sprintf(" and %d npm packages", len(res.NPM))
	}
	if *dryRun {
		fmt.Fprintf(stdout, "dry run: would install %d packages%s of tier %s\n", len(res.Apt), npm, *tier)
		return nil
	}
	fmt.Fprintf(stdout, "installed %d packages%s of tier %s in %s; building the catalogue\n", len(res.Apt), npm, *tier, time.Since(start).Round(time.Second))
	o, err := src.options(stderr)
	if err != nil {
		return err
	}
	o.Sources.Warn = nil // one line per unreadable file is in fonts check
	cat, err := fonts.OpenCatalog(o)
	if err != nil {
		return err
	}
	printCatalog(stdout, cat, "", false, false)
	return nil
}

// drawReport sums up the drawing check over the families it measured: how
// many, how many it dropped, and the largest family means per size.
func drawReport(w io.Writer, langs []fonts.LanguageCatalog) {
	checked, dropped := 0, 0
	worst := map[int]float64{}
	worstFam := map[int]string{}
	for _, lc := range langs {
		for _, group := range [][]fonts.LanguageFamily{lc.Families, lc.Dropped} {
			for _, f := range group {
				if f.Draw == nil {
					continue
				}
				checked++
				if f.Draw.Failure != "" {
					dropped++
				}
				for size, m := range f.Draw.Mean {
					if m > worst[size] {
						worst[size], worstFam[size] = m, lc.Language+"/"+f.Name
					}
				}
			}
		}
	}
	if checked == 0 {
		return
	}
	fmt.Fprintf(w, "Drawing check: %s family checks, %s dropped; largest family mean |painted − exact|:", thousands(checked), thousands(dropped))
	for _, size := range slices.Sorted(maps.Keys(worst)) {
		fmt.Fprintf(w, " %d px %.4f (%s)", size, worst[size], worstFam[size])
	}
	fmt.Fprintln(w)
}
