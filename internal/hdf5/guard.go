package hdf5

/*
#include <stdlib.h>
#include "guard.h"
*/
import "C"

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"slices"
	"strconv"
)

// Every file this package creates or opens for writing goes through the
// file driver of guard.c: libhdf5's plain POSIX I/O, plus the undo log of
// OpenGuarded. Readers see ordinary HDF5 files.

// ErrUndoLog is wrapped by RollBack when an undo log is damaged before
// its last record (a torn last record is expected and skipped).
var ErrUndoLog = errors.New("hdf5: damaged undo log")

const undoMagic = C.SYNB_GUARD_MAGIC

// guardSyncs is how many undo records durable logs have synced, for the
// tests of OpenGuardedDurable.
func guardSyncs() int64 { return int64(C.synb_guard_synced()) }

func init() {
	// Fault injection for the tests of crash recovery: SIGKILL the
	// process right after the n-th guarded overwrite reached the file.
	if n, err := strconv.ParseInt(os.Getenv("SYNBOLS_TEST_KILL_IN_GUARD"), 10, 64); err == nil && n > 0 {
		C.synb_guard_kill_after = C.long(n)
	}
}

// RollBack undoes, in the file at path, the writes recorded by the undo
// logs, newest log first and each log's records last first (so that the
// oldest before-image of a region wins), then truncates the file to limit
// bytes and syncs it. With the logs of every OpenGuarded since the state
// wanted (in the order of the opens), and that state's size as limit,
// path is that state's bytes again.
// Missing logs are skipped. Nothing is written unless every log reads
// back whole.
func RollBack(path string, limit uint64, undo ...string) error {
	type rec struct {
		addr uint64
		data []byte
	}
	var all [][]rec
	for _, u := range undo {
		b, err := os.ReadFile(u)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("read undo log: %w", err)
		}
		if len(b) < len(undoMagic) || string(b[:len(undoMagic)]) != undoMagic {
			// Killed between creating the log and writing its magic: no
			// overwrite can have happened after it.
			if len(b) < len(undoMagic) && string(b) == undoMagic[:len(b)] {
				continue
			}
			return fmt.Errorf("%w: %s: not an undo log", ErrUndoLog, u)
		}
		var rs []rec
		for off := len(undoMagic); off < len(b); {
			bad := func(why string) error {
				return fmt.Errorf("%w: %s: record at byte %d: %s", ErrUndoLog, u, off, why)
			}
			if len(b)-off < 24 {
				break // torn last record: its overwrite never happened
			}
			addr := binary.LittleEndian.Uint64(b[off:])
			n := binary.LittleEndian.Uint64(b[off+8:])
			sum := binary.LittleEndian.Uint64(b[off+16:])
			if n > uint64(len(b)-off-24) {
				break // torn
			}
			h := fnv.New64a()
			h.Write(b[off : off+16])
			h.Write(b[off+24 : off+24+int(n)])
			last := off+24+int(n) == len(b)
			if h.Sum64() != sum {
				if last {
					break // torn
				}
				return bad("checksum differs")
			}
			if addr+n > limit {
				return bad(fmt.Sprintf("bytes %d..%d past the guarded %d", addr, addr+n, limit))
			}
			rs = append(rs, rec{addr, b[off+24 : off+24+int(n)]})
			off += 24 + int(n)
		}
		all = append(all, rs)
	}
	fl, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	for _, rs := range slices.Backward(all) {
		for _, r := range slices.Backward(rs) {
			if _, err := fl.WriteAt(r.data, int64(r.addr)); err != nil {
				fl.Close()
				return err
			}
		}
	}
	err = fl.Truncate(int64(limit))
	if err == nil {
		err = fl.Sync()
	}
	return errors.Join(err, fl.Close())
}
