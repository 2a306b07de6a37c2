package hdf5

/*
#cgo pkg-config: hdf5
#include <stdlib.h>
#include <hdf5.h>
#include "guard.h"

#define SYNB_FAIL2(fn) do { synb_capture(eb, ebcap, fn); goto fail; } while (0)

// synb_hold_metadata turns off the metadata cache's evictions (and, as
// H5Fset_mdc_config requires with them off, its automatic resizing), so
// that libhdf5 writes metadata to the file only when it is flushed or
// closed: a process killed between two flushes leaves the metadata of the
// last one on disk, intact.
static herr_t synb_hold_metadata(hid_t f, char *eb, size_t ebcap) {
	H5AC_cache_config_t c;
	synb_quiet();
	c.version = H5AC__CURR_CACHE_CONFIG_VERSION;
	if (H5Fget_mdc_config(f, &c) < 0) SYNB_FAIL2("H5Fget_mdc_config");
	c.evictions_enabled = 0;
	c.incr_mode = H5C_incr__off;
	c.flash_incr_mode = H5C_flash_incr__off;
	c.decr_mode = H5C_decr__off;
	if (H5Fset_mdc_config(f, &c) < 0) SYNB_FAIL2("H5Fset_mdc_config");
	return 0;
fail:
	return -1;
}

static hid_t synb_fopen_rw(const char *path, const char *undo, int sync, char *eb, size_t ebcap) {
	hid_t fapl = -1, f = -1;
	synb_quiet();
	if ((fapl = H5Pcreate(H5P_FILE_ACCESS)) < 0) SYNB_FAIL2("H5Pcreate");
	if (H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) < 0) SYNB_FAIL2("H5Pset_fclose_degree");
	if (synb_guard_fapl(fapl, undo, sync) < 0) SYNB_FAIL2("H5Pset_driver(synb_guard)");
	if ((f = H5Fopen(path, H5F_ACC_RDWR, fapl)) < 0) SYNB_FAIL2("H5Fopen");
	H5Pclose(fapl);
	return f;
fail:
	if (fapl >= 0) H5Pclose(fapl);
	return -1;
}

// synb_check_chunks checks that the chunks of d along its first dimension
// that start before rows (chunk rows cs, the other origins 0) are
// allocated within the file's first eof bytes: what a resume relies on of
// the chunk index. Returns the first bad chunk's index + 1 in *bad.
static herr_t synb_check_chunks(hid_t d, int rank, hsize_t rows, hsize_t cs, haddr_t eof, hsize_t *bad, char *eb, size_t ebcap) {
	hsize_t off[32] = {0};
	unsigned mask;
	haddr_t addr;
	hsize_t size, r;
	synb_quiet();
	*bad = 0;
	for (r = 0; r < rows; r += cs) {
		off[0] = r;
		if (H5Dget_chunk_info_by_coord(d, off, &mask, &addr, &size) < 0) SYNB_FAIL2("H5Dget_chunk_info_by_coord");
		if (addr == HADDR_UNDEF || size == 0 || addr + size > eof) { *bad = r / cs + 1; return 0; }
	}
	return 0;
fail:
	return -1;
}
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// OpenRW opens an existing file for reading and writing, with the strong
// close degree like Create: the writer reopens its file after each
// checkpoint, and a resumed run opens the interrupted one's.
func OpenRW(path string) (*File, error) { return openRW(path, "", false) }

// OpenGuarded is OpenRW with an undo log: until the File is closed, every
// write or truncation that changes any of the file's bytes as they are
// at the open (its first size bytes, the size at the open) first appends
// the bytes it replaces to the new file undo, which must not exist.
// RollBack(path, size, undo) then gives back the file as it was opened,
// byte for byte, however the process ended: each record is appended
// before its overwrite is issued, so only the last record can be torn,
// and then its overwrite never happened. libhdf5 rewrites metadata in
// place when it closes a file (and marks the superblock when it opens
// one), so a kill in the middle of a close otherwise leaves a file that
// is neither the old one nor the new. The log is not synced: surviving a
// crash of the machine, not just of the process, needs the caller's
// syncs.
func OpenGuarded(path, undo string) (*File, error) {
	if undo == "" {
		return nil, fmt.Errorf("%w: OpenGuarded of %s without an undo log", ErrInvalid, path)
	}
	return openRW(path, undo, false)
}

// OpenGuardedDurable is OpenGuarded with each record of the undo log
// synced (fdatasync) before the overwrite it guards: a power loss too
// leaves a log RollBack can apply, at the cost of a sync per overwrite. For a file changed in place
// (split --add --in-place), where no copy survives a crash.
func OpenGuardedDurable(path, undo string) (*File, error) {
	if undo == "" {
		return nil, fmt.Errorf("%w: OpenGuardedDurable of %s without an undo log", ErrInvalid, path)
	}
	return openRW(path, undo, true)
}

func openRW(path, undo string, durable bool) (*File, error) {
	if err := regular(path, "open file for writing"); err != nil {
		return nil, err
	}
	if err := checkHDF5(path, "open file for writing"); err != nil {
		return nil, err
	}
	cp := C.CString(path)
	defer C.free(unsafe.Pointer(cp))
	var cu *C.char
	if undo != "" {
		cu = C.CString(undo)
		defer C.free(unsafe.Pointer(cu))
	}
	var eb ebuf
	p, n := eb.c()
	sync := C.int(0)
	if durable {
		sync = 1
	}
	id := C.synb_fopen_rw(cp, cu, sync, p, n)
	if id < 0 {
		return nil, eb.err("open file for writing", path)
	}
	return &File{object{id: id, name: path}}, nil
}

// HoldMetadata makes libhdf5 keep the file's metadata in memory until the
// next Flush or Close (no evictions from the metadata cache), so that the
// file on disk always has the metadata of its last flush or close, which
// a SIGKILL between two of them cannot damage: raw data written since is
// only unreferenced bytes at the end of the file. The cache then grows
// with the metadata written between flushes.
func (f *File) HoldMetadata() error {
	if err := f.open("HoldMetadata"); err != nil {
		return err
	}
	var eb ebuf
	p, n := eb.c()
	if C.synb_hold_metadata(f.id, p, n) < 0 {
		return eb.err("hold metadata", f.name)
	}
	return nil
}

// CheckChunks checks that every chunk of d starting before row rows (of
// its first dimension; d is chunked along it only) is allocated and lies
// within the first eof bytes of the file: a resumed run's check that the
// chunk index of its checkpoint is whole.
func (d *Dataset) CheckChunks(rows, eof uint64) error {
	if err := d.open("CheckChunks"); err != nil {
		return err
	}
	if d.chunk == nil || rows > d.dims[0] {
		return fmt.Errorf("%w: %s: CheckChunks of %d rows", ErrInvalid, d.name, rows)
	}
	var bad C.hsize_t
	var eb ebuf
	p, n := eb.c()
	if C.synb_check_chunks(d.id, C.int(len(d.dims)), C.hsize_t(rows), C.hsize_t(d.chunk[0]), C.haddr_t(eof), &bad, p, n) < 0 {
		return eb.err("check chunks", d.name)
	}
	if bad != 0 {
		return fmt.Errorf("%w: %s: chunk %d (rows from %d) missing or past the end of the file", ErrInvalid, d.name, bad-1, uint64(bad-1)*d.chunk[0])
	}
	return nil
}
