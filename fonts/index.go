package fonts

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/image/font/sfnt"

	"github.com/synbols-gpu/synbols-gpu/internal/atomicfile"
)

// The face index lets a warm start skip reading the font files.
//
// Without it Load reads and hashes every file of the pool and parses its
// tables on every run: with Debian's full pool (5,700 files, 3.6 GB)
// that was most of a 100-sample run's time. With Options.IndexDir set,
// Load keeps, per font file, the file's identity as stat(2) gives it
// (device, inode, size, modification and change time, in ns), its
// SHA-256 and what was parsed from it (the faces' names, style and
// parser; or the warning the file was skipped with). A later Load that
// finds a file with the same identity trusts the record: the faces'
// SHA-256 (their IDs, the dataset's font manifest) is the record's, and
// the file is not opened until an outline of one of its faces is asked
// for (sfnt parses it then: sfntState).
//
// Why the identity stands for the content: a write, truncation or
// chmod of the file changes its change time, which no program can set
// back (touch and cp -p set the modification time only), and a file
// replaced by rename has another inode or change time. The one gap is a
// write within the file system's timestamp granularity after the read
// that was hashed (git's "racy" files): a file changed less than
// racyWindow before Load read it is not recorded, so it is read again
// next time. Where the platform gives no inode or change time (not
// Linux) the index is not used.
//
// After Load, a face restored from the index checks its file exactly as
// a face Load read does (fileSrc): the identity recorded at Load's stat
// is compared with the open handle's, so a file changed after Load
// fails with ErrFontChanged.

// indexFormat is the version of the index's layout and of the parsing
// rules whose results it keeps (parseFace: names, style, licence); bump
// it whenever they change, so that old records are not trusted.
const indexFormat = 1

// racyWindow: a file whose modification or change time is this close to
// the moment Load read it is not recorded (a var for tests).
var racyWindow = 2 * time.Second

// embeddedHashed counts the embedded files hashed, for tests.
var embeddedHashed atomic.Int64

// fontOpens counts the opens of font files (Load's and the reopens of
// fileSrc), for tests that check a warm start opens only what it needs.
var fontOpens atomic.Int64

type indexDoc struct {
	Format int          `json:"format"`
	Files  []*indexFile `json:"files"`
	// Embedded holds the digests of the embedded set (fonts/embedded)
	// of the executable whose identity it records: the embedded bytes
	// are part of that file, so while its identity is unchanged so are
	// they. /proc/self/exe is the running executable's own inode, even
	// when its path has been replaced since it started.
	Embedded *embeddedSums `json:"embedded,omitempty"`
}

// embeddedSums is the record of an executable's embedded set: Exe's
// identity fields (Path is the executable's), and per file below
// fonts/embedded its size and SHA-256 ("size sha256").
type embeddedSums struct {
	Exe  indexFile         `json:"exe"`
	Sums map[string]string `json:"sums"`
}

// selfExe is the running executable, as stat(2) sees it on Linux.
const selfExe = "/proc/self/exe"

// indexFile is one font file's record.
type indexFile struct {
	Path  string `json:"path"`
	Dev   uint64 `json:"dev"`
	Ino   uint64 `json:"ino"`
	Size  int64  `json:"size"`
	Mod   int64  `json:"mtime_ns"`
	Ctime int64  `json:"ctime_ns"`
	// SHA256 is "" for a file rejected before it was hashed (no font,
	// over the size cap).
	SHA256     string `json:"sha256,omitempty"`
	Collection bool   `json:"collection,omitempty"`
	// Dup: the same content was met earlier in the walk that wrote the
	// record, so the file's faces were not parsed; the record is used
	// only while that content is met again first.
	Dup   bool         `json:"dup,omitempty"`
	Faces []*indexFace `json:"faces,omitempty"`
	// Warn is the warning Load gave for the file (skipped, or a bad
	// member of a collection), given again when the record is used.
	Warn string `json:"warn,omitempty"`
}

// indexFace is what Load keeps of a parsed face (Face's fields).
type indexFace struct {
	Family   string    `json:"family"`
	Style    string    `json:"style"`
	Bold     bool      `json:"bold,omitempty"`
	Weight   int       `json:"weight"`
	Index    int       `json:"index,omitempty"`
	License  string    `json:"license,omitempty"`
	CFF      bool      `json:"cff,omitempty"`
	Width    int       `json:"width,omitempty"`
	Symbolic bool      `json:"symbolic,omitempty"`
	Italic   bool      `json:"italic,omitempty"`
	Parser   string    `json:"parser"`
	Upem     int       `json:"upem"`
	Axes     []varAxis `json:"axes,omitempty"`
	// Covers and Lacks are the runes Face.Covers answered true and
	// false for (sorted, as UTF-8), as SaveIndex found them: coverage
	// is the file's property, so a face restored from the record
	// answers them without opening its file.
	Covers string `json:"covers,omitempty"`
	Lacks  string `json:"lacks,omitempty"`
}

// faceIndex is the index as one Load uses it: the records read from disk
// and those of this Load, written back when they differ. Load's
// goroutine alone uses it until Load returns; then the faces keep it
// (Face.idx) for SaveIndex, which holds mu.
type faceIndex struct {
	path    string
	old     map[string]*indexFile
	now     []*indexFile
	changed bool
	warn    func(string)

	// The embedded set's digests: emb as read (nil when the record is
	// not this executable's), exe this executable's identity (nil when
	// unknown or changed too recently: its sums are then not written).
	emb *embeddedSums
	exe *indexFile

	mu sync.Mutex // SaveIndex's
}

// indexPath names the index after the folders it describes, so that
// loads of different folder sets do not evict each other's records.
func indexPath(dir string, o Options) string {
	h := sha256.New()
	fmt.Fprintf(h, "system %v\n", o.System)
	for _, d := range o.Dirs {
		if a, err := filepath.Abs(d); err == nil {
			d = a
		}
		fmt.Fprintln(h, d)
	}
	return filepath.Join(dir, "faces-"+hex.EncodeToString(h.Sum(nil))[:12]+".json")
}

// openIndex reads the index of o, or starts an empty one when it is
// missing, unreadable or of another format (it is only a cache). nil
// when o asks for none or the platform cannot trust one.
func openIndex(o Options) *faceIndex {
	if o.IndexDir == "" {
		return nil
	}
	if !identityKnown {
		return nil
	}
	warn := o.Warn
	if warn == nil {
		warn = func(string) {}
	}
	x := &faceIndex{path: indexPath(o.IndexDir, o), old: map[string]*indexFile{}, warn: warn}
	if st, err := os.Stat(selfExe); err == nil {
		x.exe = newRecord(selfExe, stampOf(st), time.Now())
	}
	data, err := os.ReadFile(x.path)
	if err != nil {
		return x
	}
	var doc indexDoc
	if json.Unmarshal(data, &doc) != nil || doc.Format != indexFormat {
		return x
	}
	for _, r := range doc.Files {
		x.old[r.Path] = r
	}
	if e := doc.Embedded; e != nil && x.exe != nil && e.Exe.Dev == x.exe.Dev && e.Exe.Ino == x.exe.Ino &&
		e.Exe.Size == x.exe.Size && e.Exe.Mod == x.exe.Mod && e.Exe.Ctime == x.exe.Ctime {
		x.emb = e
	}
	return x
}

// embeddedSum returns the recorded digest of the embedded file rel of
// size bytes, when this executable's record has it.
func (x *faceIndex) embeddedSum(rel string, size int) (sum [32]byte, ok bool) {
	if x == nil || x.emb == nil {
		return sum, false
	}
	v, ok := x.emb.Sums[rel]
	if !ok {
		return sum, false
	}
	n, h, _ := strings.Cut(v, " ")
	b, err := hex.DecodeString(h)
	if err != nil || len(b) != len(sum) || n != strconv.Itoa(size) {
		return sum, false
	}
	copy(sum[:], b)
	return sum, true
}

// recordEmbedded records the digest Load computed for an embedded file.
func (x *faceIndex) recordEmbedded(rel string, size int, sum [32]byte) {
	if x == nil || x.exe == nil {
		return
	}
	if x.emb == nil {
		x.emb = &embeddedSums{Exe: *x.exe, Sums: map[string]string{}}
	}
	x.emb.Sums[rel] = strconv.Itoa(size) + " " + hex.EncodeToString(sum[:])
	x.changed = true
}

// lookup returns the faces of the file at p from its record when the
// file's identity now is the recorded one; ok false means p must be read.
func (x *faceIndex) lookup(p string, seen map[[32]byte]bool, warn func(string)) (faces []*Face, ok bool) {
	r := x.old[p]
	if r == nil {
		return nil, false
	}
	st, err := os.Stat(p) // follows a symlinked file, as Load does
	if err != nil || !st.Mode().IsRegular() || !r.matches(st) {
		return nil, false
	}
	var sum [32]byte
	if r.SHA256 != "" {
		b, err := hex.DecodeString(r.SHA256)
		if err != nil || len(b) != len(sum) {
			return nil, false
		}
		copy(sum[:], b)
		if seen[sum] {
			x.keep(r)
			return nil, true
		}
		if r.Dup {
			return nil, false // the first copy is gone: parse this one
		}
		seen[sum] = true
	}
	if r.Warn != "" {
		warn(r.Warn)
	}
	x.keep(r)
	if len(r.Faces) == 0 {
		return nil, true
	}
	src := &fileSrc{path: p, size: st.Size(), stamp: stampOf(st)}
	for _, rf := range r.Faces {
		f := rf.face(src, sum, r.Collection)
		f.idx, f.rec = x, rf
		faces = append(faces, f)
	}
	return faces, true
}

func (x *faceIndex) keep(r *indexFile) { x.now = append(x.now, r) }

// record adds the record of a file Load read.
func (x *faceIndex) record(r *indexFile, faces []*Face) {
	x.changed = true
	if r != nil {
		x.now = append(x.now, r)
		for i, f := range faces {
			f.idx, f.rec = x, r.Faces[i]
		}
	}
}

// save writes the index back when this Load changed it (a file read, or
// a record no longer used). The write is atomic; a failure only costs
// the next start its speed, so it is warned about, not returned.
func (x *faceIndex) save() {
	if !x.changed && len(x.now) == len(x.old) {
		return
	}
	x.write()
}

func (x *faceIndex) write() {
	data, err := json.Marshal(indexDoc{Format: indexFormat, Files: x.now, Embedded: x.emb})
	if err == nil {
		if err = os.MkdirAll(filepath.Dir(x.path), 0o755); err == nil {
			err = atomicfile.Write(x.path, data, atomicfile.Options{Prefix: ".faces-", Perm: 0o600, NoSync: true})
		}
	}
	if err != nil {
		x.warn(fmt.Sprintf("fonts: face index %s not written (the next start reads every font file again): %v", x.path, err))
	}
}

func (r *indexFile) matches(st os.FileInfo) bool {
	dev, ino, ok := fileID(st)
	return ok && r.Dev == dev && r.Ino == ino && r.Size == st.Size() &&
		r.Mod == st.ModTime().UnixNano() && r.Ctime == changeTime(st) && r.Ctime != 0
}

// newRecord starts the record of a file Load read, whose identity when
// it was read is stamp; nil when the file changed too recently to be
// trusted later (racyWindow) or the platform gives no identity.
func newRecord(p string, stamp fileStamp, readAt time.Time) *indexFile {
	dev, ino, ok := fileID(stamp.fi)
	if !ok || stamp.ctime == 0 {
		return nil
	}
	if readAt.Sub(stamp.mod) < racyWindow || readAt.Sub(time.Unix(0, stamp.ctime)) < racyWindow {
		return nil
	}
	return &indexFile{Path: p, Dev: dev, Ino: ino, Size: stamp.size, Mod: stamp.mod.UnixNano(), Ctime: stamp.ctime}
}

func recordFace(f *Face) *indexFace {
	return &indexFace{
		Family: f.Family, Style: f.Style, Bold: f.Bold, Weight: f.Weight, Index: f.Index,
		License: f.License, CFF: f.CFF, Width: f.width, Symbolic: f.symbolic, Italic: f.italic,
		Parser: f.parser, Upem: f.upem, Axes: f.axes,
	}
}

// face rebuilds the face: its sfnt parse (or go-text's) is made on first
// use, from src, which is opened then.
func (rf *indexFace) face(src *fileSrc, sum [32]byte, collection bool) *Face {
	f := &Face{
		Family: rf.Family, Style: rf.Style, Bold: rf.Bold, Weight: rf.Weight,
		Source: src.path, Index: rf.Index, SHA256: sum, License: rf.License, CFF: rf.CFF,
		width: rf.Width, symbolic: rf.Symbolic, italic: rf.Italic, parser: rf.Parser, upem: rf.Upem,
		src: src, size: src.size, axes: rf.Axes,
	}
	if rf.Parser == ParserSfnt {
		index := rf.Index
		f.sf = &sfntState{parse: func() (*sfnt.Font, error) {
			// Open first, and hold the handle through the parse: a
			// failure to open (errReopen, say out of descriptors) is
			// then reported as such, never as a parse error that
			// sfntState and Covers would keep.
			if _, err := src.acquire(); err != nil {
				return nil, err
			}
			defer src.release()
			if !collection {
				return sfnt.ParseReaderAt(src)
			}
			c, err := sfnt.ParseCollectionReaderAt(src)
			if err != nil {
				return nil, err
			}
			return c.Font(index)
		}}
	}
	if rf.Parser == ParserGoText || len(rf.Axes) > 0 {
		f.gt = &gtShared{}
	}
	if rf.Covers != "" || rf.Lacks != "" {
		f.cover = map[rune]bool{}
		for _, r := range rf.Covers {
			f.cover[r] = true
		}
		for _, r := range rf.Lacks {
			f.cover[r] = false
		}
	}
	return f
}

// SaveIndex records in the face index what the faces of l have learnt
// since Load (the runes Covers answered, e.g. for the alphabet a run
// draws), so that the next Load's faces answer them without opening
// their files: after it, a warm start opens only the files of the faces
// it draws glyphs from. Faces not loaded through a face index are
// ignored; a write that fails is warned about (Options.Warn), since the
// index is only a cache. Safe for concurrent use.
func (l *Library) SaveIndex() {
	dirty := map[*faceIndex]bool{}
	var order []*faceIndex
	seen := map[*Face]bool{}
	for _, fam := range l.Families {
		for _, f := range []*Face{fam.Regular, fam.Bold} {
			if f == nil || f.base != nil || f.idx == nil || seen[f] {
				continue
			}
			seen[f] = true
			f.idx.mu.Lock()
			changed := f.saveCoverage()
			f.idx.mu.Unlock()
			if changed && !dirty[f.idx] {
				dirty[f.idx] = true
				order = append(order, f.idx)
			}
		}
	}
	for _, x := range order {
		x.mu.Lock()
		x.write()
		x.mu.Unlock()
	}
}

// saveCoverage copies f's coverage into its record (f.idx.mu held) and
// reports whether that added anything.
func (f *Face) saveCoverage() bool {
	f.mu.Lock()
	var covers, lacks []rune
	for r, v := range f.cover {
		if v {
			covers = append(covers, r)
		} else {
			lacks = append(lacks, r)
		}
	}
	f.mu.Unlock()
	slices.Sort(covers)
	slices.Sort(lacks)
	c, l := string(covers), string(lacks)
	if c == f.rec.Covers && l == f.rec.Lacks {
		return false
	}
	f.rec.Covers, f.rec.Lacks = c, l
	return true
}

// FilesOpened is the number of font files this process has opened so
// far (by Load, and to read the outlines of faces whose handle was
// closed or, restored from the face index, never opened): with a
// current face index a warm start opens only the files it draws with.
func FilesOpened() int64 { return fontOpens.Load() }
