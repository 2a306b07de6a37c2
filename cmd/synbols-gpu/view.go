package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/png"
	"io"
	"path/filepath"
	"strings"

	"github.com/synbols-gpu/synbols-gpu/inspect"
	"github.com/synbols-gpu/synbols-gpu/output"
)

// cmdView draws a grid of a dataset's samples by two attributes, or a
// histogram of one (inspect.View, inspect.Hist), into a PNG.
func cmdView(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("view", func(w io.Writer, fs *flag.FlagSet) {
		fmt.Fprint(w, `Usage of synbols-gpu view:
  synbols-gpu view FILE --h-axis char --v-axis font -o grid.png
                 the first sample of each pair of values, most common values first
                 (one axis alone: the first samples of each value; none: the first rows×cols samples)
  synbols-gpu view FILE --attr scale --hist [--bins 20] -o scale.png
                 a histogram of a numeric attribute
`)
		printFlags(w, fs)
	})
	h := fs.String("h-axis", "", "the attribute whose values are the columns")
	v := fs.String("v-axis", "", "the attribute whose values are the rows")
	maxN := fs.Int("max", 10, "the most values an axis shows")
	rows := fs.Int("rows", 8, "rows of the grid without axes")
	cols := fs.Int("cols", 8, "columns of the grid without axes")
	zoom := fs.Int("zoom", 0, "pixels per sample pixel (0: cells of at least 48 pixels)")
	attr := fs.String("attr", "", "the numeric attribute of --hist")
	hist := fs.Bool("hist", false, "draw a histogram of --attr instead of a grid")
	bins := fs.Int("bins", 20, "the histogram's bins, equal widths between the smallest and largest value")
	out := fs.String("out", "", "the PNG to write (default: FILE's name with _grid.png or _ATTR.png)")
	fs.StringVar(out, "o", "", "") // the original's and most tools' short spelling
	asJSON := fs.Bool("json", false, "also print the grid's cells (sample, rectangle) or the histogram's edges, counts and bars as JSON")
	pos, err := parseFlags(fs, args, stdout)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: view: want one FILE, got %d arguments (see 'synbols-gpu view --help')", errUsage, len(pos))
	}
	switch {
	case *hist && *attr == "":
		return fmt.Errorf("%w: view: --hist needs --attr NAME", errUsage)
	case *attr != "" && !*hist:
		return fmt.Errorf("%w: view: --attr is the histogram's attribute; add --hist (or use --h-axis/--v-axis for a grid)", errUsage)
	case *hist && (*h != "" || *v != ""):
		return fmt.Errorf("%w: view: --hist draws one attribute; leave out --h-axis and --v-axis", errUsage)
	case *maxN < 1 || *rows < 1 || *cols < 1 || *zoom < 0:
		return fmt.Errorf("%w: view: --max, --rows and --cols must be at least 1, --zoom at least 0", errUsage)
	case *bins < 1:
		return fmt.Errorf("%w: view: --bins %d: want at least 1", errUsage, *bins)
	}
	if flagSet(fs, "out") || flagSet(fs, "o") {
		if err := checkPNGOut("view", *out); err != nil {
			return err
		}
	}
	warnInterrupted(stderr, pos[0])
	f, err := inspect.Open(pos[0])
	if err != nil {
		return err
	}
	defer f.Close()
	base := strings.TrimSuffix(filepath.Base(pos[0]), filepath.Ext(pos[0]))
	var result any
	var img image.Image
	if *hist {
		hg, err := f.Hist(*attr, *bins)
		if err != nil {
			return attrError("view", err)
		}
		if *out == "" {
			*out = base + "_" + *attr + ".png"
		}
		result, img = hg, hg.Image
	} else {
		g, err := f.View(inspect.GridOptions{HAxis: *h, VAxis: *v, Max: *maxN, Rows: *rows, Cols: *cols, Zoom: *zoom})
		if err != nil {
			return attrError("view", err)
		}
		if *out == "" {
			*out = base + "_grid.png"
		}
		result, img = g, g.Image
	}
	if err := writePNG("view", *out, img); err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(result)
	}
	fmt.Fprintln(stdout, "wrote", *out)
	return nil
}

// checkPNGOut checks, before any work, that the picture's path out ends
// in .png (only PNG is written: a grid.jpg would hold PNG bytes) and can
// be written (output.ResolveTarget: no device, fifo or directory).
func checkPNGOut(cmd, out string) error {
	if strings.TrimSpace(out) == "" {
		return fmt.Errorf("%w: %s: --out is empty: give a file name ending in .png, or leave --out out", errUsage, cmd)
	}
	if !strings.EqualFold(filepath.Ext(out), ".png") {
		return fmt.Errorf("%w: %s: --out %q: only PNG is written; give a name ending in .png", errUsage, cmd, out)
	}
	if _, err := output.ResolveTarget(out); err != nil {
		return fmt.Errorf("%s: --out: %w", cmd, err)
	}
	return nil
}

// writePNG encodes img and puts it at out (output.WriteFile: checked,
// atomic, an existing file's mode kept).
func writePNG(cmd, out string, img image.Image) error {
	if err := checkPNGOut(cmd, out); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return fmt.Errorf("%s: encode %s: %w", cmd, out, err)
	}
	return output.WriteFile(out, buf.Bytes())
}
