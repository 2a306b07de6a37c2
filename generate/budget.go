package generate

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"unsafe"

	"github.com/synbols-gpu/synbols-gpu/masks"
	"github.com/synbols-gpu/synbols-gpu/scene"
)

// ErrResources is wrapped when a run cannot fit the machine: the memory it
// would hold in flight or for its per-sample columns, or the disk its file
// needs at the very least. It is reported before anything is created.
var ErrResources = errors.New("generate: the run does not fit this machine")

// perSampleColumnBytes is what a run keeps for every sample until the
// end, for the splits: a uint32 char code and a uint32 font code (the
// columns), a partition byte for each of the four splits, and the (N, 3)
// one-hot array of one split while it is written.
const perSampleColumnBytes = 4 + 4 + 4 + 3

// pipelineBatches is the number of painted batches alive at once: one
// being painted, one being finished (masks, boxes, records), one queued
// for the writer, one being handed to it, and one whose chunks the
// writer still compresses from where they lie (output.Samples.Release).
const pipelineBatches = 5

// DefaultBatchSize is the most samples a batch holds when none is asked
// for (Config.BatchSize ≤ 0): fewer where a batch would hold more than
// DefaultBatchBytes, or where the memory budget requires.
const DefaultBatchSize = 4096

// DefaultBatchBytes bounds what one chosen batch holds (sampleBytes per
// sample), so that memory is set by bytes in flight, not by a sample
// count: 4,096 scenes of 128×128 with 49 mask channels would hold 3.4 GB
// a batch, 10 GB in flight. 64 MiB keeps a 32×32 batch at the full 4,096
// samples (5.5 KB each) and a 128×128 RGB one at about 1,300, still
// thousands of pixels per painter goroutine and whole GPU waves.
const DefaultBatchBytes = 64 << 20

// recordBytes is a generous size of one attribute record of one symbol
// with its slice header, for the in-flight estimate; symbolRecordBytes
// what each further symbol adds (its object in "symbols", with "bbox").
const (
	recordBytes       = 700
	symbolRecordBytes = 360
)

// maskLayout is what a run's masks are: the mode of the mask dataset and
// whether symbol_mask is written too.
type maskLayout struct {
	mode    masks.Mode
	symbols bool // symbol_mask
}

// sampleBytes is what one sample holds in flight: the image, the
// painter's per-symbol masks (always: boxes are measured on them), the
// aggregated mask of a mode other than Symbols, the resolved sample
// kept until its record is written after painting, and the record.
func sampleBytes(w, h, c, k int, ml maskLayout) float64 {
	px := float64(w) * float64(h)
	b := float64(px * float64(c+k))
	if ml.mode != masks.Symbols {
		b += float64(px * float64(ml.mode.Channels(k)))
	}
	b += float64(unsafe.Sizeof(scene.Sample{})) + float64(float64(k)*float64(unsafe.Sizeof(scene.Symbol{})))
	return b + recordBytes + float64(float64(k-1)*symbolRecordBytes)
}

// footprint is what a run of n samples with batches of bs holds: per
// batch in flight (pipelineBatches, and one more for each further Paint
// call in flight: paints, engine.InFlight), and for the columns of the
// whole run. float64 so that absurd sizes (n near 2^63) compare instead of
// overflowing.
func footprint(n, bs, w, h, c, k int, ml maskLayout, paints int) (inFlight, columns float64) {
	inFlight = float64(pipelineBatches+max(paints, 1)-1) * float64(bs) * sampleBytes(w, h, c, k, ml)
	columns = float64(n) * perSampleColumnBytes
	return inFlight, columns
}

// memoryBudget is the memory a run may plan to hold: half of what the
// system reports available (MemAvailable, or the cgroup's limit if
// lower), leaving the rest to the page cache, libhdf5, the atlas and the
// writer's compression buffers. 0 when unknown.
func memoryBudget() float64 {
	avail := meminfoAvailable()
	if lim := cgroupLimit(); lim > 0 && (avail == 0 || lim < avail) {
		avail = lim
	}
	return avail / 2
}

func meminfoAvailable() float64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "MemAvailable:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			if err == nil {
				return kb * 1024
			}
		}
	}
	return 0
}

func cgroupLimit() float64 {
	b, err := os.ReadFile("/sys/fs/cgroup/memory.max")
	if err != nil {
		return 0
	}
	v, err := strconv.ParseFloat(string(bytes.TrimSpace(b)), 64)
	if err != nil { // "max"
		return 0
	}
	return v
}

// minFileBytes is a lower bound of the dataset file's size: x, mask (and
// symbol_mask) at deflate's best possible ratio (1032:1) plus a few bytes
// per record (a JSON record never deflates below 16 bytes). A run whose
// folder has less free space can only fail, so it fails before starting;
// the real file is usually far larger, and a disk that fills later is
// still handled.
func minFileBytes(n, w, h, c, k int, ml maskLayout) float64 {
	ch := c + ml.mode.Channels(k)
	if ml.symbols {
		ch += k
	}
	return float64(n) * (float64(w)*float64(h)*float64(ch)/1032 + 16)
}

// freeBytes is the space an unprivileged writer may use in dir's file
// system, or -1 if unknown.
func freeBytes(dir string) float64 {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return -1
	}
	return float64(st.Bavail) * float64(st.Bsize)
}

// planResources chooses the batch size and checks that the run fits:
// memory for the columns and the batches in flight, disk for the file.
// asked is the caller's batch size (≤ 0: choose); paints the Paint calls
// in flight. budget ≤ 0 means unknown (no memory check).
func planResources(n, asked, w, h, c, k int, ml maskLayout, paints int, budget float64, out string) (int, error) {
	bs := asked
	if bs <= 0 {
		bs = int(min(DefaultBatchSize, max(1, DefaultBatchBytes/sampleBytes(w, h, c, k, ml))))
	}
	bs = min(bs, n)
	inFlight, columns := footprint(n, bs, w, h, c, k, ml, paints)
	if budget > 0 {
		if columns > budget {
			return 0, fmt.Errorf("%w: %d samples need %s of memory for their per-sample columns (%d bytes each); the memory budget is %s (half of the available memory)",
				ErrResources, n, human(columns), perSampleColumnBytes, human(budget))
		}
		room := budget - columns
		if inFlight > room {
			per, _ := footprint(0, 1, w, h, c, k, ml, paints)
			fit := int(room / per)
			if asked > 0 || fit < 1 {
				if fit < 1 {
					return 0, fmt.Errorf("%w: one %dx%d sample needs %s in flight; the memory budget left is %s (half of the available memory)",
						ErrResources, w, h, human(per), human(room))
				}
				return 0, fmt.Errorf("%w: a batch of %d %dx%d samples holds %s in flight; the memory budget is %s (half of the available memory): use a batch of at most %d",
					ErrResources, bs, w, h, human(inFlight), human(room), fit)
			}
			bs = fit
		}
	}
	if out != "" {
		dir := filepath.Dir(out)
		if free, need := freeBytes(dir), minFileBytes(n, w, h, c, k, ml); free >= 0 && need > free {
			return 0, fmt.Errorf("%w: %d samples need at least %s on disk, %s has %s free", ErrResources, n, human(need), dir, human(free))
		}
	}
	return bs, nil
}

func human(b float64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	i := 0
	for b >= 1024 && i < len(units)-1 {
		b /= 1024
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%.0f B", b)
	}
	return fmt.Sprintf("%.1f %s", b, units[i])
}
