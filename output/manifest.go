package output

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/synbols-gpu/synbols-gpu/internal/hdf5"
)

// FontManifestAttr is the root attribute of a dataset file that holds its
// font manifest: a JSON array of FontRecord, one per face (regular and,
// when the family has one, bold) of every family the dataset could draw
// with. A dataset then says exactly which font files made it, down to
// their content hash, so it can be made again (generate --fonts-from) or
// audited for licences. It is a plain string attribute, which h5py reads
// as str: json.loads(f.attrs['fonts']).
const FontManifestAttr = "fonts"

// ErrManifest is wrapped by ReadFontManifest's errors: the file cannot be
// read, has no manifest, or its manifest is malformed.
var ErrManifest = errors.New("output: no usable font manifest")

// FontRecord is one face of the font manifest.
type FontRecord struct {
	Family string `json:"family"` // the family name, as datasets record it in "font"
	Style  string `json:"style"`  // the face's subfamily, e.g. "Regular", "Bold", "Book"
	// Bold is true for the family's bold face, false for its regular one.
	Bold bool   `json:"bold"`
	File string `json:"file"` // the font file's base name
	// Index is the face's index within a collection (.ttc); 0 for a plain
	// font file.
	Index int `json:"index"`
	// Source says where the file was found: its path, or
	// "embedded:<path>" for the fonts compiled into the binary.
	Source  string `json:"source"`
	SHA256  string `json:"sha256"`  // of the whole file, 64 lower-case hex digits
	License string `json:"license"` // short SPDX-like identifier, "" when unknown
	// Wght is the 'wght' coordinate a variable font was drawn at (its bold
	// instance); absent for a static face, drawn as it is.
	Wght float64 `json:"wght,omitempty"`
}

// FontPoolAttr is the root attribute holding the font pool's digest (see
// FontPoolDigest), "sha256:<64 hex digits>".
const FontPoolAttr = "font_pool"

// FontPoolDigest names the font pool a dataset was drawn from: the SHA-256
// of its faces' identities — family, style, role (regular or bold),
// collection index, file content hash and variable-font wght — sorted, so
// that neither file paths nor the order fonts were found in matter. Two
// machines whose pools have the same digest draw the same bytes for the
// same spec and seed; a machine with other fonts installed gets another
// digest, which the summary line and the file both show.
func FontPoolDigest(recs []FontRecord) string {
	lines := make([]string, len(recs))
	for i, r := range recs {
		lines[i] = fmt.Sprintf("%s\x00%s\x00%t\x00%d\x00%s\x00%g\n", r.Family, r.Style, r.Bold, r.Index, r.SHA256, r.Wght)
	}
	slices.Sort(lines)
	h := sha256.New()
	for _, l := range lines {
		h.Write([]byte(l))
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// EncodeFontManifest returns the manifest as the JSON text stored in
// FontManifestAttr.
func EncodeFontManifest(recs []FontRecord) (string, error) {
	if recs == nil {
		recs = []FontRecord{}
	}
	b, err := json.Marshal(recs)
	if err != nil {
		return "", fmt.Errorf("output: encoding the font manifest: %w", err)
	}
	return string(b), nil
}

// ReadFontManifest reads the font manifest of a dataset file written by
// this package. Every error is one line, names the file and wraps
// ErrManifest (and the underlying hdf5 or JSON error where there is one).
func ReadFontManifest(path string) ([]FontRecord, error) {
	// libhdf5's message for a missing file is a long error stack; the
	// operating system's is one clear line.
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrManifest, err)
	}
	f, err := hdf5.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrManifest, err) // hdf5's errors name the file (and a foreign one's format)
	}
	defer f.Close()
	text, err := f.AttrString(FontManifestAttr)
	if errors.Is(err, hdf5.ErrNotFound) {
		return nil, fmt.Errorf("%w: %s has no %q attribute (not written by a synbols-gpu with font manifests): %w", ErrManifest, path, FontManifestAttr, err)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrManifest, path, err)
	}
	return ParseFontManifest(path, text)
}

// ParseFontManifest decodes and checks manifest JSON; name is used in
// errors (the file it came from).
func ParseFontManifest(name, text string) ([]FontRecord, error) {
	var recs []FontRecord
	if err := json.Unmarshal([]byte(text), &recs); err != nil {
		return nil, fmt.Errorf("%w: %s: attribute %q is not a JSON list of fonts: %w", ErrManifest, name, FontManifestAttr, err)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("%w: %s: the font manifest is empty", ErrManifest, name)
	}
	for i, r := range recs {
		sum, err := hex.DecodeString(r.SHA256)
		if r.Family == "" || err != nil || len(sum) != 32 || r.SHA256 != strings.ToLower(r.SHA256) {
			return nil, fmt.Errorf("%w: %s: font manifest entry %d (family %q) needs a family name and a 64-digit hex sha256, got %q", ErrManifest, name, i, r.Family, r.SHA256)
		}
	}
	return recs, nil
}
