package fonts

import (
	"crypto/sha256"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// embeddedFS holds the default font set, so the binary can generate
// datasets on a machine with no fonts installed and so that a default run
// is the same everywhere. Files come from Debian packages; each folder
// keeps the package's copyright file (see embedded/README.md).
//
//go:embed embedded
var embeddedFS embed.FS

// embeddedLicenses gives the licence of each embedded folder, taken from
// its Debian copyright file (authoritative, unlike guessLicense).
var embeddedLicenses = map[string]string{
	"dejavu":      "Bitstream-Vera",
	"open-sans":   "Apache-2.0",
	"caladea":     "OFL-1.1",
	"liberation":  "OFL-1.1",
	"urw-base35":  "AGPL-3.0-with-font-exception",
	"comic-neue":  "OFL-1.1",
	"inconsolata": "OFL-1.0",
	// Script and CJK defaults, so every language of alphabet.Languages() works
	// with no fonts installed (embedded/README.md has the coverage).
	"noto":         "OFL-1.1",
	"droid":        "Apache-2.0",
	"nanum-coding": "OFL-1.1",
}

// EmbeddedFiles lists the font files of the embedded set, as paths below
// fonts/embedded (the part after "embedded:" in Face.Source).
func EmbeddedFiles() []string {
	var out []string
	_ = fs.WalkDir(embeddedFS, "embedded", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && fontExt(p) {
			out = append(out, strings.TrimPrefix(p, "embedded/"))
		}
		return nil
	})
	return out
}

// embeddedFaces parses the embedded set. Their digests come from the
// face index when it has them for this very executable (idx.embeddedSum),
// else they are computed (and recorded).
func embeddedFaces(seen map[[32]byte]bool, idx *faceIndex, warn func(string)) []*Face {
	var faces []*Face
	for _, rel := range EmbeddedFiles() {
		data, err := embeddedFS.ReadFile(path.Join("embedded", rel))
		if err != nil {
			warn(fmt.Sprintf("fonts: skipping embedded:%s: %v", rel, err))
			continue
		}
		dir, _, _ := strings.Cut(rel, "/")
		sum, ok := idx.embeddedSum(rel, len(data))
		if !ok {
			sum = sha256.Sum256(data)
			embeddedHashed.Add(1)
			idx.recordEmbedded(rel, len(data), sum)
		}
		faces = append(faces, parseDataSum(data, sum, "embedded:"+rel, embeddedLicenses[dir], seen, warn)...)
	}
	return faces
}
