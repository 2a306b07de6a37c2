// Package hdf5 is a deliberately tiny cgo binding to libhdf5: just what the
// dataset writer needs to produce files that h5py (and so every existing
// Synbols loader) reads unchanged, and what the dataset tools (package
// inspect) need to read them back: groups' members, datasets' shapes and
// types, hyperslabs of numbers and strings (read.go).
//
// It is the only package of the module that links libhdf5, so the rest of
// the project stays pure Go. No C type appears in its exported API.
//
// Files created or opened for writing go through a file driver of its
// own (guard.c): libhdf5's POSIX I/O with an optional undo log, which lets
// a resumable writer roll a file back to its last checkpoint after a kill
// in the middle of a close (OpenGuarded, RollBack).
//
// # Concurrency
//
// libhdf5 is built thread-safe here, which only means that it serialises
// every call behind one global lock: parallel calls gain nothing and the
// handles of this package carry no locking of their own. None of the types
// is safe for concurrent use; let one goroutine own a File and every object
// created in it, and do expensive work (compression) elsewhere — see
// Dataset.WriteChunk.
//
// Every exported function disables libhdf5's automatic error printing for
// the calling OS thread (the setting is per thread in a thread-safe build)
// and, on failure, reads the library's error stack within the same C call,
// so that messages are neither printed to stderr nor lost when the goroutine
// moves to another thread.
//
// # Errors
//
// Every failure of libhdf5 is reported as an error wrapping ErrHDF5 that
// names the failing libhdf5 function and carries the library's own error
// stack; misuse detected before calling the library wraps ErrInvalid or
// ErrClosed.
package hdf5

/*
#cgo pkg-config: hdf5
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <hdf5.h>
#include "guard.h"

typedef struct { char *p; size_t cap; size_t len; } synb_ebuf;

static void synb_append(synb_ebuf *b, const char *s) {
	size_t n;
	if (s == NULL || b->len + 1 >= b->cap) return;
	n = strlen(s);
	if (n > b->cap - b->len - 1) n = b->cap - b->len - 1;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
}

static herr_t synb_walk(unsigned n, const H5E_error2_t *e, void *data) {
	synb_ebuf *b = (synb_ebuf *)data;
	char min[256];
	if (n > 0) synb_append(b, "; ");
	synb_append(b, e->func_name ? e->func_name : "?");
	synb_append(b, "(): ");
	synb_append(b, e->desc ? e->desc : "");
	min[0] = 0;
	if (H5Eget_msg(e->min_num, NULL, min, sizeof min) > 0 && min[0]) {
		synb_append(b, " [");
		synb_append(b, min);
		synb_append(b, "]");
	}
	return 0;
}

// synb_capture writes "<fn>: <error stack>" into eb and clears the stack. It
// must run before any other API call, since API calls clear the stack.
void synb_capture(char *eb, size_t cap, const char *fn) {
	synb_ebuf b = { eb, cap, 0 };
	size_t mark;
	eb[0] = 0;
	synb_append(&b, fn);
	synb_append(&b, ": ");
	mark = b.len;
	H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, synb_walk, &b);
	if (b.len == mark) synb_append(&b, "failed (empty error stack)");
	H5Eclear2(H5E_DEFAULT);
}

#define SYNB_FAIL(fn) do { synb_capture(eb, ebcap, fn); goto fail; } while (0)

// synb_capture and synb_quiet are not static: read.go's C calls them too.
void synb_quiet(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

static void synb_version(unsigned *maj, unsigned *min, unsigned *rel) {
	synb_quiet();
	H5get_libversion(maj, min, rel);
}

static hid_t synb_fcreate(const char *path, char *eb, size_t ebcap) {
	hid_t fapl = -1, f = -1;
	synb_quiet();
	if ((fapl = H5Pcreate(H5P_FILE_ACCESS)) < 0) SYNB_FAIL("H5Pcreate");
	if (H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) < 0) SYNB_FAIL("H5Pset_fclose_degree");
	if (synb_guard_fapl(fapl, NULL, 0) < 0) SYNB_FAIL("H5Pset_driver(synb_guard)");
	if ((f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl)) < 0) SYNB_FAIL("H5Fcreate");
	H5Pclose(fapl);
	return f;
fail:
	if (fapl >= 0) H5Pclose(fapl);
	return -1;
}

static herr_t synb_fclose(hid_t f, char *eb, size_t ebcap) {
	synb_quiet();
	if (H5Fclose(f) < 0) SYNB_FAIL("H5Fclose");
	return 0;
fail:
	return -1;
}

static herr_t synb_fflush(hid_t f, char *eb, size_t ebcap) {
	synb_quiet();
	if (H5Fflush(f, H5F_SCOPE_GLOBAL) < 0) SYNB_FAIL("H5Fflush");
	return 0;
fail:
	return -1;
}

static herr_t synb_oclose(hid_t o, char *eb, size_t ebcap) {
	synb_quiet();
	if (H5Oclose(o) < 0) SYNB_FAIL("H5Oclose");
	return 0;
fail:
	return -1;
}

static hid_t synb_gcreate(hid_t loc, const char *name, char *eb, size_t ebcap) {
	hid_t gcpl = -1, g = -1;
	synb_quiet();
	if ((gcpl = H5Pcreate(H5P_GROUP_CREATE)) < 0) SYNB_FAIL("H5Pcreate");
	if (H5Pset_obj_track_times(gcpl, 0) < 0) SYNB_FAIL("H5Pset_obj_track_times");
	if ((g = H5Gcreate2(loc, name, H5P_DEFAULT, gcpl, H5P_DEFAULT)) < 0) SYNB_FAIL("H5Gcreate2");
	H5Pclose(gcpl);
	return g;
fail:
	if (gcpl >= 0) H5Pclose(gcpl);
	return -1;
}

// synb_dcreate creates dataset name of type t (which it closes, on success
// and on failure) and shape dims: chunked with the deflate filter at level
// when chunk is not NULL (its chunks written later), else contiguous; data,
// when not NULL, is written whole in type t. Every synb_dcreate_* is this
// with its own type, so datasets share one creation path (no timestamps:
// the same bytes for the same content).
static hid_t synb_dcreate(hid_t loc, const char *name, hid_t t, int rank, const hsize_t *dims,
		const hsize_t *chunk, int level, const void *data, char *eb, size_t ebcap) {
	hid_t space = -1, dcpl = -1, d = -1;
	if ((space = H5Screate_simple(rank, dims, dims)) < 0) SYNB_FAIL("H5Screate_simple");
	if ((dcpl = H5Pcreate(H5P_DATASET_CREATE)) < 0) SYNB_FAIL("H5Pcreate");
	if (chunk != NULL) {
		if (H5Pset_chunk(dcpl, rank, chunk) < 0) SYNB_FAIL("H5Pset_chunk");
		// level < 0: no filter (stored chunks, for --compression none).
		if (level >= 0 && H5Pset_deflate(dcpl, (unsigned)level) < 0) SYNB_FAIL("H5Pset_deflate");
	}
	if (H5Pset_obj_track_times(dcpl, 0) < 0) SYNB_FAIL("H5Pset_obj_track_times");
	if ((d = H5Dcreate2(loc, name, t, space, H5P_DEFAULT, dcpl, H5P_DEFAULT)) < 0) SYNB_FAIL("H5Dcreate2");
	if (data != NULL && H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) SYNB_FAIL("H5Dwrite");
	H5Pclose(dcpl);
	H5Sclose(space);
	H5Tclose(t);
	return d;
fail:
	if (d >= 0) H5Dclose(d);
	if (dcpl >= 0) H5Pclose(dcpl);
	if (space >= 0) H5Sclose(space);
	H5Tclose(t);
	return -1;
}

// synb_dcreate_u8 creates a fixed-shape chunked uint8 dataset with the
// deflate filter in its pipeline (level is recorded in the file as h5py's
// compression_opts).
static hid_t synb_dcreate_u8(hid_t loc, const char *name, int rank, const hsize_t *dims,
		const hsize_t *chunk, int level, char *eb, size_t ebcap) {
	hid_t t;
	synb_quiet();
	if ((t = H5Tcopy(H5T_STD_U8LE)) < 0) {
		synb_capture(eb, ebcap, "H5Tcopy");
		return -1;
	}
	return synb_dcreate(loc, name, t, rank, dims, chunk, level, NULL, eb, ebcap);
}

static herr_t synb_write_chunk(hid_t d, const hsize_t *off, const void *buf, size_t n,
		uint32_t mask, char *eb, size_t ebcap) {
	synb_quiet();
	if (H5Dwrite_chunk(d, H5P_DEFAULT, mask, off, n, buf) < 0) SYNB_FAIL("H5Dwrite_chunk");
	return 0;
fail:
	return -1;
}

// synb_vlstr returns a new variable-length string type with the given
// character set, the type h5py maps to its string dtypes.
static hid_t synb_vlstr(H5T_cset_t cset, char *eb, size_t ebcap) {
	hid_t t = -1;
	if ((t = H5Tcopy(H5T_C_S1)) < 0) SYNB_FAIL("H5Tcopy");
	if (H5Tset_size(t, H5T_VARIABLE) < 0) SYNB_FAIL("H5Tset_size");
	if (H5Tset_cset(t, cset) < 0) SYNB_FAIL("H5Tset_cset");
	if (H5Tset_strpad(t, H5T_STR_NULLTERM) < 0) SYNB_FAIL("H5Tset_strpad");
	return t;
fail:
	if (t >= 0) H5Tclose(t);
	return -1;
}

static hid_t synb_dcreate_vlstr(hid_t loc, const char *name, hsize_t n, hsize_t chunk, int level,
		char *eb, size_t ebcap) {
	hid_t t;
	synb_quiet();
	if ((t = synb_vlstr(H5T_CSET_ASCII, eb, ebcap)) < 0) return -1;
	return synb_dcreate(loc, name, t, 1, &n, &chunk, level, NULL, eb, ebcap);
}

static herr_t synb_write_vlstr(hid_t d, hsize_t start, hsize_t n, const char **strs,
		char *eb, size_t ebcap) {
	hid_t t = -1, fs = -1, ms = -1;
	synb_quiet();
	if ((t = synb_vlstr(H5T_CSET_ASCII, eb, ebcap)) < 0) return -1;
	if ((fs = H5Dget_space(d)) < 0) SYNB_FAIL("H5Dget_space");
	if (H5Sselect_hyperslab(fs, H5S_SELECT_SET, &start, NULL, &n, NULL) < 0) SYNB_FAIL("H5Sselect_hyperslab");
	if ((ms = H5Screate_simple(1, &n, NULL)) < 0) SYNB_FAIL("H5Screate_simple");
	if (H5Dwrite(d, t, ms, fs, H5P_DEFAULT, strs) < 0) SYNB_FAIL("H5Dwrite");
	H5Sclose(ms);
	H5Sclose(fs);
	H5Tclose(t);
	return 0;
fail:
	if (ms >= 0) H5Sclose(ms);
	if (fs >= 0) H5Sclose(fs);
	if (t >= 0) H5Tclose(t);
	return -1;
}

// synb_numtype returns the file type of a Type code of numeric.go (a new
// type the caller closes: the bool enum is built, the others copied), so
// that files are little-endian whatever the machine.
static hid_t synb_numtype(int code, char *eb, size_t ebcap) {
	hid_t t = -1;
	int8_t v;
	switch (code) {
	case 1:
		if ((t = H5Tenum_create(H5T_STD_I8LE)) < 0) SYNB_FAIL("H5Tenum_create");
		v = 0;
		if (H5Tenum_insert(t, "FALSE", &v) < 0) SYNB_FAIL("H5Tenum_insert");
		v = 1;
		if (H5Tenum_insert(t, "TRUE", &v) < 0) SYNB_FAIL("H5Tenum_insert");
		return t;
	case 2: t = H5Tcopy(H5T_STD_U8LE); break;
	case 3: t = H5Tcopy(H5T_STD_I32LE); break;
	case 4: t = H5Tcopy(H5T_STD_U32LE); break;
	case 5: t = H5Tcopy(H5T_STD_I64LE); break;
	case 6: t = H5Tcopy(H5T_IEEE_F64LE); break;
	default: synb_capture(eb, ebcap, "synb_numtype: unknown type"); return -1;
	}
	if (t < 0) SYNB_FAIL("H5Tcopy");
	return t;
fail:
	if (t >= 0) H5Tclose(t);
	return -1;
}

// synb_dcreate_num creates a numeric dataset of type code: chunked with
// the deflate filter when chunk is not NULL (filled by synb_write_chunk),
// else contiguous and, when data is not NULL, written from data (in the
// file's little-endian layout).
static hid_t synb_dcreate_num(hid_t loc, const char *name, int code, int rank, const hsize_t *dims,
		const hsize_t *chunk, int level, const void *data, char *eb, size_t ebcap) {
	hid_t t;
	synb_quiet();
	if ((t = synb_numtype(code, eb, ebcap)) < 0) return -1;
	return synb_dcreate(loc, name, t, rank, dims, chunk, level, data, eb, ebcap);
}

// synb_dcreate_utf8 creates and fills a contiguous dataset of n
// variable-length UTF-8 strings (h5py reads them as str with
// .asstr()), n may be 0.
static hid_t synb_dcreate_utf8(hid_t loc, const char *name, hsize_t n, const char **strs,
		char *eb, size_t ebcap) {
	hid_t t;
	synb_quiet();
	if ((t = synb_vlstr(H5T_CSET_UTF8, eb, ebcap)) < 0) return -1;
	return synb_dcreate(loc, name, t, 1, &n, NULL, 0, n > 0 ? (const void *)strs : NULL, eb, ebcap);
}

// synb_dcreate_bool creates and fills a contiguous dataset of the type h5py
// uses for numpy.bool_: an enum over native int8 with FALSE=0 and TRUE=1.
static hid_t synb_dcreate_bool(hid_t loc, const char *name, int rank, const hsize_t *dims,
		const int8_t *data, char *eb, size_t ebcap) {
	hid_t t = -1;
	int8_t v;
	synb_quiet();
	if ((t = H5Tenum_create(H5T_NATIVE_INT8)) < 0) SYNB_FAIL("H5Tenum_create");
	v = 0;
	if (H5Tenum_insert(t, "FALSE", &v) < 0) SYNB_FAIL("H5Tenum_insert");
	v = 1;
	if (H5Tenum_insert(t, "TRUE", &v) < 0) SYNB_FAIL("H5Tenum_insert");
	return synb_dcreate(loc, name, t, rank, dims, NULL, 0, data, eb, ebcap);
fail:
	if (t >= 0) H5Tclose(t);
	return -1;
}

// synb_attr_open replaces any attribute called name on obj by a new scalar
// one of type t.
static hid_t synb_attr_open(hid_t obj, const char *name, hid_t t, char *eb, size_t ebcap) {
	hid_t space = -1, a = -1;
	htri_t ex;
	if ((ex = H5Aexists(obj, name)) < 0) SYNB_FAIL("H5Aexists");
	if (ex > 0 && H5Adelete(obj, name) < 0) SYNB_FAIL("H5Adelete");
	if ((space = H5Screate(H5S_SCALAR)) < 0) SYNB_FAIL("H5Screate");
	if ((a = H5Acreate2(obj, name, t, space, H5P_DEFAULT, H5P_DEFAULT)) < 0) SYNB_FAIL("H5Acreate2");
	H5Sclose(space);
	return a;
fail:
	if (space >= 0) H5Sclose(space);
	return -1;
}

static herr_t synb_attr_i64(hid_t obj, const char *name, int64_t v, char *eb, size_t ebcap) {
	hid_t a = -1;
	synb_quiet();
	if ((a = synb_attr_open(obj, name, H5T_STD_I64LE, eb, ebcap)) < 0) return -1;
	if (H5Awrite(a, H5T_NATIVE_INT64, &v) < 0) SYNB_FAIL("H5Awrite");
	if (H5Aclose(a) < 0) { a = -1; SYNB_FAIL("H5Aclose"); }
	return 0;
fail:
	if (a >= 0) H5Aclose(a);
	return -1;
}

// synb_attr_str writes a variable-length UTF-8 string attribute: what h5py
// writes for a Python str, and reads back as str.
static herr_t synb_attr_str(hid_t obj, const char *name, const char *v, char *eb, size_t ebcap) {
	hid_t t = -1, a = -1;
	synb_quiet();
	if ((t = synb_vlstr(H5T_CSET_UTF8, eb, ebcap)) < 0) return -1;
	if ((a = synb_attr_open(obj, name, t, eb, ebcap)) < 0) { H5Tclose(t); return -1; }
	if (H5Awrite(a, t, &v) < 0) SYNB_FAIL("H5Awrite");
	if (H5Aclose(a) < 0) { a = -1; SYNB_FAIL("H5Aclose"); }
	H5Tclose(t);
	return 0;
fail:
	if (a >= 0) H5Aclose(a);
	if (t >= 0) H5Tclose(t);
	return -1;
}

// synb_fopen_ro opens an existing file read-only, with the strong close
// degree like synb_fcreate.
static hid_t synb_fopen_ro(const char *path, char *eb, size_t ebcap) {
	hid_t fapl = -1, f = -1;
	synb_quiet();
	if ((fapl = H5Pcreate(H5P_FILE_ACCESS)) < 0) SYNB_FAIL("H5Pcreate");
	if (H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) < 0) SYNB_FAIL("H5Pset_fclose_degree");
	if ((f = H5Fopen(path, H5F_ACC_RDONLY, fapl)) < 0) SYNB_FAIL("H5Fopen");
	H5Pclose(fapl);
	return f;
fail:
	if (fapl >= 0) H5Pclose(fapl);
	return -1;
}

// synb_attr_read_str reads the scalar string attribute name of obj, fixed
// or variable length, into a malloc'd NUL-terminated copy (*out, *outlen;
// the caller frees it). Returns 1 when read, 0 when there is no such
// attribute, -2 when it is not a scalar string, -1 on a library error.
static int synb_attr_read_str(hid_t obj, const char *name, char **out, size_t *outlen, char *eb, size_t ebcap) {
	hid_t a = -1, ft = -1, mt = -1, space = -1;
	htri_t ex, isvl;
	hssize_t npts;
	char *vl = NULL, *buf = NULL;
	size_t size;
	int ret = -1;
	synb_quiet();
	*out = NULL;
	*outlen = 0;
	if ((ex = H5Aexists(obj, name)) < 0) SYNB_FAIL("H5Aexists");
	if (ex == 0) return 0;
	if ((a = H5Aopen(obj, name, H5P_DEFAULT)) < 0) SYNB_FAIL("H5Aopen");
	if ((ft = H5Aget_type(a)) < 0) SYNB_FAIL("H5Aget_type");
	if ((space = H5Aget_space(a)) < 0) SYNB_FAIL("H5Aget_space");
	if ((npts = H5Sget_simple_extent_npoints(space)) < 0) SYNB_FAIL("H5Sget_simple_extent_npoints");
	if (H5Tget_class(ft) != H5T_STRING || npts != 1) { ret = -2; goto fail; }
	if ((isvl = H5Tis_variable_str(ft)) < 0) SYNB_FAIL("H5Tis_variable_str");
	if (isvl) {
		if ((mt = H5Tcopy(H5T_C_S1)) < 0) SYNB_FAIL("H5Tcopy");
		if (H5Tset_size(mt, H5T_VARIABLE) < 0) SYNB_FAIL("H5Tset_size");
		if (H5Tset_cset(mt, H5Tget_cset(ft)) < 0) SYNB_FAIL("H5Tset_cset");
		if (H5Aread(a, mt, &vl) < 0) SYNB_FAIL("H5Aread");
		size = vl ? strlen(vl) : 0;
		if ((buf = malloc(size + 1)) == NULL) { synb_ebuf b = { eb, ebcap, 0 }; eb[0] = 0; synb_append(&b, "malloc: out of memory"); goto fail; }
		if (size) memcpy(buf, vl, size);
		buf[size] = 0;
		if (vl) H5free_memory(vl);
		vl = NULL;
	} else {
		if ((size = H5Tget_size(ft)) == 0) SYNB_FAIL("H5Tget_size");
		if ((buf = calloc(size + 1, 1)) == NULL) { synb_ebuf b = { eb, ebcap, 0 }; eb[0] = 0; synb_append(&b, "calloc: out of memory"); goto fail; }
		if (H5Aread(a, ft, buf) < 0) SYNB_FAIL("H5Aread");
		size = strnlen(buf, size);
	}
	if (mt >= 0) H5Tclose(mt);
	H5Sclose(space);
	H5Tclose(ft);
	H5Aclose(a);
	*out = buf;
	*outlen = size;
	return 1;
fail:
	if (vl) H5free_memory(vl);
	free(buf);
	if (mt >= 0) H5Tclose(mt);
	if (space >= 0) H5Sclose(space);
	if (ft >= 0) H5Tclose(ft);
	if (a >= 0) H5Aclose(a);
	return ret;
}
*/
import "C"

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"strings"
	"unsafe"

	"github.com/synbols-gpu/synbols-gpu/internal/filekind"
)

var (
	// ErrHDF5 is wrapped by every error that libhdf5 reported.
	ErrHDF5 = errors.New("hdf5: library call failed")
	// ErrInvalid is wrapped by errors for arguments rejected before any
	// library call (bad shapes, offsets, NUL bytes in strings…).
	ErrInvalid = errors.New("hdf5: invalid argument")
	// ErrClosed is wrapped by errors for use of a closed handle.
	ErrClosed = errors.New("hdf5: use of closed handle")
	// ErrNotFound is wrapped by errors for an attribute that does not
	// exist (AttrString), so callers can tell "not written" from "broken".
	ErrNotFound = errors.New("hdf5: not found")
)

// ebufSize bounds the text kept from libhdf5's error stack.
const ebufSize = 4096

// ebuf is a buffer for the C side to write an error message into. It is Go
// memory without pointers, which cgo lets C write during the call.
type ebuf [ebufSize]byte

func (b *ebuf) c() (*C.char, C.size_t) { return (*C.char)(unsafe.Pointer(&b[0])), ebufSize }

// err returns the error for a failed operation op on the object named obj.
func (b *ebuf) err(op, obj string) error {
	msg := b[:]
	if i := bytes.IndexByte(msg, 0); i >= 0 {
		msg = msg[:i]
	}
	// libhdf5 puts ctime() output, newline included, into some messages.
	text := strings.Join(strings.Fields(string(msg)), " ")
	api, _, _ := strings.Cut(text, ": ")
	return &Error{Op: op, Obj: obj, API: api, Cause: cause(text), Stack: text}
}

// Error is a failure reported by libhdf5. Its message puts the cause
// first — the innermost entry of the library's error stack, where a
// system call's errno text appears ("No space left on device") — then the
// operation; the whole stack, outermost call first, is in Stack.
type Error struct {
	Op, Obj string // what this package was doing, on which object
	API     string // the libhdf5 function that failed, e.g. H5Fcreate
	Cause   string // the innermost error of the stack, condensed
	Stack   string // the library's whole error stack, one line
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s (hdf5: %s %q: %s failed)", e.Cause, e.Op, e.Obj, e.API)
}

// Unwrap makes errors.Is(err, ErrHDF5) hold.
func (e *Error) Unwrap() error { return ErrHDF5 }

// cause condenses the innermost entry of a captured stack ("fn: a(): x; …;
// z(): y") to its description, and for file driver errors to the errno
// text: "File too large (errno 27)".
func cause(stack string) string {
	entries := strings.Split(stack, "; ")
	last := entries[len(entries)-1]
	if i := strings.Index(last, "error message = '"); i >= 0 {
		rest := last[i+len("error message = '"):]
		if j := strings.IndexByte(rest, '\''); j >= 0 {
			msg := rest[:j]
			if k := strings.Index(last, "errno = "); k >= 0 {
				num := strings.TrimSpace(strings.SplitN(last[k+len("errno = "):], ",", 2)[0])
				msg += " (errno " + num + ")"
			}
			return msg
		}
	}
	// Drop the minor message in brackets when the description says more.
	if i := strings.LastIndex(last, " ["); i > 0 && strings.HasSuffix(last, "]") {
		last = last[:i]
	}
	if len(last) > 200 {
		last = last[:200] + "…"
	}
	return last
}

// Version returns the version of the linked libhdf5.
func Version() (major, minor, release uint) {
	var a, b, c C.uint
	C.synb_version(&a, &b, &c)
	return uint(a), uint(b), uint(c)
}

// object is what files, groups and datasets share: an identifier and the
// name used in error messages.
type object struct {
	id   C.hid_t // -1 once closed
	name string
}

func (o *object) open(op string) error {
	if o == nil || o.id < 0 {
		return fmt.Errorf("%w: %s on %q", ErrClosed, op, o.display())
	}
	return nil
}

func (o *object) display() string {
	if o == nil {
		return "<nil>"
	}
	return o.name
}

// SetAttrInt64 sets the scalar 64-bit integer attribute name, replacing any
// attribute of that name. h5py reads it back as a numpy.int64 scalar, as it
// does for an attribute it wrote from a Python int.
func (o *object) SetAttrInt64(name string, v int64) error {
	if err := o.open("SetAttrInt64"); err != nil {
		return err
	}
	cn := C.CString(name)
	defer C.free(unsafe.Pointer(cn))
	var eb ebuf
	p, n := eb.c()
	if C.synb_attr_i64(o.id, cn, C.int64_t(v), p, n) < 0 {
		return eb.err("set attribute "+name+" on", o.name)
	}
	return nil
}

// SetAttrString sets the scalar variable-length string attribute name
// (UTF-8, which is what h5py writes for a Python str and reads back as str),
// replacing any attribute of that name. v must not contain NUL bytes, since
// libhdf5 stores C strings.
func (o *object) SetAttrString(name, v string) error {
	if err := o.open("SetAttrString"); err != nil {
		return err
	}
	if i := bytes.IndexByte([]byte(v), 0); i >= 0 {
		return fmt.Errorf("%w: attribute %q of %q contains a NUL byte at %d", ErrInvalid, name, o.name, i)
	}
	cn := C.CString(name)
	defer C.free(unsafe.Pointer(cn))
	cv := C.CString(v)
	defer C.free(unsafe.Pointer(cv))
	var eb ebuf
	p, n := eb.c()
	if C.synb_attr_str(o.id, cn, cv, p, n) < 0 {
		return eb.err("set attribute "+name+" on", o.name)
	}
	return nil
}

// AttrString reads the scalar string attribute name, fixed or variable
// length (h5py writes a Python str as a variable-length UTF-8 string, a
// numpy.bytes_ as a fixed-length one). It fails with ErrNotFound when the
// attribute does not exist and with ErrInvalid when it is not a scalar
// string. Works on a File opened by Open or Create.
func (o *object) AttrString(name string) (string, error) {
	if err := o.open("AttrString"); err != nil {
		return "", err
	}
	cn := C.CString(name)
	defer C.free(unsafe.Pointer(cn))
	var eb ebuf
	p, n := eb.c()
	var out *C.char
	var size C.size_t
	switch C.synb_attr_read_str(o.id, cn, &out, &size, p, n) {
	case 1:
		defer C.free(unsafe.Pointer(out))
		return C.GoStringN(out, C.int(size)), nil
	case 0:
		return "", fmt.Errorf("%w: attribute %q of %q", ErrNotFound, name, o.name)
	case -2:
		return "", fmt.Errorf("%w: attribute %q of %q is not a scalar string", ErrInvalid, name, o.name)
	default:
		return "", eb.err("read attribute "+name+" of", o.name)
	}
}

// closeObj closes a group or dataset; closing twice is a no-op.
func (o *object) closeObj() error {
	if o == nil || o.id < 0 {
		return nil
	}
	var eb ebuf
	p, n := eb.c()
	r := C.synb_oclose(o.id, p, n)
	o.id = -1
	if r < 0 {
		return eb.err("close", o.name)
	}
	return nil
}

// File is an HDF5 file open for writing. Its attribute methods set
// attributes on the root group. A File is not safe for concurrent use: one
// goroutine should own it and every Group and Dataset created in it.
type File struct {
	object
}

// Create creates the file at path, truncating any existing file. The file
// is opened with the "strong" close degree, so Close also closes whatever
// groups and datasets are still open.
func Create(path string) (*File, error) {
	cp := C.CString(path)
	defer C.free(unsafe.Pointer(cp))
	var eb ebuf
	p, n := eb.c()
	id := C.synb_fcreate(cp, p, n)
	if id < 0 {
		return nil, eb.err("create file", path)
	}
	return &File{object{id: id, name: path}}, nil
}

// Open opens an existing file read-only, e.g. to read the root attributes
// of an earlier dataset (generate --fonts-from). Close it like a created
// File; the write methods fail on it with ErrHDF5.
func Open(path string) (*File, error) {
	if err := regular(path, "open file"); err != nil {
		return nil, err
	}
	cp := C.CString(path)
	defer C.free(unsafe.Pointer(cp))
	var eb ebuf
	p, n := eb.c()
	id := C.synb_fopen_ro(cp, p, n)
	if id < 0 {
		return nil, notHDF5(path, eb.err("open file", path))
	}
	return &File{object{id: id, name: path}}, nil
}

// regular checks that path names a regular file (after symlinks) before
// libhdf5 opens it: its open(2) of a named pipe blocks until a writer
// appears, inside a cgo call that no signal interrupts, and its messages
// for a missing file or a directory are an errno's text. A file swapped
// for a pipe between the check and the open still blocks; only a user's
// own race does that.
func regular(path, op string) error {
	fi, err := os.Stat(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the path is in the message already
		}
		return fmt.Errorf("hdf5: %s %q: %w", op, path, err)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%w: %s %q: it is %s, not a regular file", ErrInvalid, op, path, filekind.Name(fi.Mode()))
	}
	return nil
}

// Close flushes and closes the file, and every object still open in it.
// Closing a closed File is a no-op. Errors from the final flush (a full
// disk, say) are reported here.
func (f *File) Close() error {
	if f == nil || f.id < 0 {
		return nil
	}
	var eb ebuf
	p, n := eb.c()
	r := C.synb_fclose(f.id, p, n)
	f.id = -1
	if r < 0 {
		return eb.err("close file", f.name)
	}
	return nil
}

// Flush writes libhdf5's buffers for the file to the operating system.
func (f *File) Flush() error {
	if err := f.open("Flush"); err != nil {
		return err
	}
	var eb ebuf
	p, n := eb.c()
	if C.synb_fflush(f.id, p, n) < 0 {
		return eb.err("flush file", f.name)
	}
	return nil
}

// Group is a group of an open File. Not safe for concurrent use (see File).
type Group struct {
	object
}

// CreateGroup creates the group at path (relative to the root; its parent
// must exist) without modification times, so that identical content gives
// identical files.
func (f *File) CreateGroup(path string) (*Group, error) {
	if err := f.open("CreateGroup"); err != nil {
		return nil, err
	}
	cp := C.CString(path)
	defer C.free(unsafe.Pointer(cp))
	var eb ebuf
	p, n := eb.c()
	id := C.synb_gcreate(f.id, cp, p, n)
	if id < 0 {
		return nil, eb.err("create group", path)
	}
	return &Group{object{id: id, name: path}}, nil
}

// Close closes the group; closing twice is a no-op.
func (g *Group) Close() error { return g.closeObj() }

// Dataset is a dataset of an open File. Not safe for concurrent use (see
// File).
type Dataset struct {
	object
	dims, chunk []uint64 // chunk is nil for contiguous datasets
	strings     bool
	vlen        bool // variable-length strings (else fixed, elemSize bytes)
	typ         Type // numeric element type; see Type (read.go)
	elemSize    int
}

// Dims returns the dataset's shape.
func (d *Dataset) Dims() []uint64 { return append([]uint64(nil), d.dims...) }

// Chunk returns the dataset's chunk shape, nil for a contiguous dataset.
func (d *Dataset) Chunk() []uint64 { return append([]uint64(nil), d.chunk...) }

// Close closes the dataset; closing twice is a no-op.
func (d *Dataset) Close() error { return d.closeObj() }

func checkShape(what string, dims, chunk []uint64) error {
	if len(dims) == 0 || len(dims) > 32 {
		return fmt.Errorf("%w: %s: rank %d", ErrInvalid, what, len(dims))
	}
	if chunk != nil && len(chunk) != len(dims) {
		return fmt.Errorf("%w: %s: chunk rank %d != rank %d", ErrInvalid, what, len(chunk), len(dims))
	}
	for i, d := range dims {
		if d == 0 {
			return fmt.Errorf("%w: %s: dimension %d is 0", ErrInvalid, what, i)
		}
		if chunk != nil && (chunk[i] == 0 || chunk[i] > d) {
			return fmt.Errorf("%w: %s: chunk dimension %d is %d, want 1..%d", ErrInvalid, what, i, chunk[i], d)
		}
	}
	return nil
}

func hsizes(v []uint64) []C.hsize_t {
	h := make([]C.hsize_t, len(v))
	for i, x := range v {
		h[i] = C.hsize_t(x)
	}
	return h
}

// NoFilter, as the level of a chunked dataset, stores its chunks without
// the deflate filter: what --compression none asks for, where the disk is
// faster than deflate or the data does not compress.
const NoFilter = -1

// CreateChunkedUint8 creates a fixed-shape uint8 dataset of shape dims,
// stored in chunks of shape chunk with the deflate filter at level (1–9,
// recorded in the file, so h5py reports compression "gzip" with that
// level). Fill it with WriteChunk. Chunks never written read back as 0.
func (f *File) CreateChunkedUint8(path string, dims, chunk []uint64, level int) (*Dataset, error) {
	if err := f.open("CreateChunkedUint8"); err != nil {
		return nil, err
	}
	if err := checkShape(path, dims, chunk); err != nil {
		return nil, err
	}
	if level < NoFilter || level > 9 {
		return nil, fmt.Errorf("%w: %s: deflate level %d, want 0..9 or NoFilter", ErrInvalid, path, level)
	}
	cp := C.CString(path)
	defer C.free(unsafe.Pointer(cp))
	hd, hc := hsizes(dims), hsizes(chunk)
	var eb ebuf
	p, n := eb.c()
	id := C.synb_dcreate_u8(f.id, cp, C.int(len(dims)), &hd[0], &hc[0], C.int(level), p, n)
	if id < 0 {
		return nil, eb.err("create dataset", path)
	}
	return &Dataset{object: object{id: id, name: path}, dims: append([]uint64(nil), dims...), chunk: append([]uint64(nil), chunk...), typ: Uint8}, nil
}

// WriteChunk stores data as the chunk whose first element is at offset,
// bypassing libhdf5's filter pipeline (H5Dwrite_chunk with filter mask 0:
// every filter counts as applied). For a deflate dataset data must therefore
// be a complete zlib stream (compress/zlib, which is what the deflate filter
// produces) of the full chunk — edge chunks included, padded to the chunk
// shape. This is what lets callers compress on many goroutines and only
// write here. offset must be a multiple of the chunk shape inside the
// dataset. data is not retained.
func (d *Dataset) WriteChunk(offset []uint64, data []byte) error {
	return d.writeChunk("WriteChunk", offset, data, 0)
}

// WriteChunkUnfiltered writes one chunk as it is, with its filter mask
// saying that the deflate filter was skipped for it: readers (libhdf5,
// h5py) then read it without inflating. The deflate filter of these
// datasets is optional (H5Pset_deflate), as libhdf5 itself stores a chunk
// raw when deflate would not shrink it; data must be the whole chunk,
// uncompressed. Use WriteChunk on a dataset without a filter.
func (d *Dataset) WriteChunkUnfiltered(offset []uint64, data []byte) error {
	return d.writeChunk("WriteChunkUnfiltered", offset, data, 1)
}

func (d *Dataset) writeChunk(op string, offset []uint64, data []byte, mask uint32) error {
	if err := d.open(op); err != nil {
		return err
	}
	if d.chunk == nil || d.strings {
		return fmt.Errorf("%w: %s: %s needs a chunked numeric dataset", ErrInvalid, d.name, op)
	}
	if len(offset) != len(d.dims) {
		return fmt.Errorf("%w: %s: offset rank %d != rank %d", ErrInvalid, d.name, len(offset), len(d.dims))
	}
	for i, o := range offset {
		if o >= d.dims[i] || o%d.chunk[i] != 0 {
			return fmt.Errorf("%w: %s: offset %v is not a chunk origin inside %v (chunk %v)", ErrInvalid, d.name, offset, d.dims, d.chunk)
		}
	}
	if len(data) == 0 {
		return fmt.Errorf("%w: %s: empty chunk", ErrInvalid, d.name)
	}
	if mask != 0 {
		want := uint64(d.typ.Size())
		for _, c := range d.chunk {
			want *= c
		}
		if uint64(len(data)) != want {
			return fmt.Errorf("%w: %s: unfiltered chunk of %d bytes, want the whole chunk, %d", ErrInvalid, d.name, len(data), want)
		}
	}
	ho := hsizes(offset)
	var eb ebuf
	p, n := eb.c()
	if C.synb_write_chunk(d.id, &ho[0], unsafe.Pointer(&data[0]), C.size_t(len(data)), C.uint32_t(mask), p, n) < 0 {
		return eb.err(fmt.Sprintf("write chunk %v of", offset), d.name)
	}
	return nil
}

// CreateStrings creates a one-dimensional dataset of n variable-length
// ASCII strings (h5py returns each element as bytes), chunked by chunk
// elements and deflate-compressed by the library at level. Note that
// libhdf5 compresses only the chunks of references; the string bytes live
// in the file's global heap, uncompressed, exactly as in files h5py writes.
func (f *File) CreateStrings(path string, n, chunk uint64, level int) (*Dataset, error) {
	if err := f.open("CreateStrings"); err != nil {
		return nil, err
	}
	if err := checkShape(path, []uint64{n}, []uint64{chunk}); err != nil {
		return nil, err
	}
	if level < NoFilter || level > 9 {
		return nil, fmt.Errorf("%w: %s: deflate level %d, want 0..9 or NoFilter", ErrInvalid, path, level)
	}
	cp := C.CString(path)
	defer C.free(unsafe.Pointer(cp))
	var eb ebuf
	p, en := eb.c()
	id := C.synb_dcreate_vlstr(f.id, cp, C.hsize_t(n), C.hsize_t(chunk), C.int(level), p, en)
	if id < 0 {
		return nil, eb.err("create dataset", path)
	}
	return &Dataset{object: object{id: id, name: path}, dims: []uint64{n}, chunk: []uint64{chunk}, strings: true, vlen: true}, nil
}

// WriteStrings writes s as elements [start, start+len(s)) of a dataset made
// by CreateStrings. Strings must not contain NUL bytes (libhdf5 stores C
// strings). Writes that cover whole chunks avoid libhdf5 re-reading and
// re-compressing partly written chunks. s is not retained.
func (d *Dataset) WriteStrings(start uint64, s [][]byte) error {
	// One NUL-terminated arena, written where it lies (WriteCStrings,
	// which also refuses a NUL inside a string).
	total := 0
	for _, b := range s {
		total += len(b) + 1
	}
	arena := make([]byte, 0, total)
	starts := make([]int, len(s))
	for i, b := range s {
		starts[i] = len(arena)
		arena = append(append(arena, b...), 0)
	}
	return d.WriteCStrings(start, arena, starts)
}

// WriteCStrings is WriteStrings for strings that already lie in one
// arena, each NUL-terminated: string i starts at arena[starts[i]] and its
// NUL is the last byte before starts[i+1] (or the arena's end), with no
// other NUL in it. libhdf5 reads them where they are (the arena is
// pinned for the call), so the caller pays no copy into C memory: on the
// one goroutine that makes every libhdf5 call of a run, that copy was
// most of the Go side of writing y.
func (d *Dataset) WriteCStrings(start uint64, arena []byte, starts []int) error {
	if err := d.open("WriteCStrings"); err != nil {
		return err
	}
	if !d.strings {
		return fmt.Errorf("%w: %s: WriteCStrings needs a string dataset", ErrInvalid, d.name)
	}
	n := len(starts)
	if n == 0 {
		return nil
	}
	if start > d.dims[0] || uint64(n) > d.dims[0]-start {
		return fmt.Errorf("%w: %s: strings [%d, %d) outside [0, %d)", ErrInvalid, d.name, start, start+uint64(n), d.dims[0])
	}
	ptrs := make([]*C.char, n)
	for i, b := range starts {
		e := len(arena)
		if i+1 < n {
			e = starts[i+1]
		}
		if b < 0 || e <= b || e > len(arena) {
			return fmt.Errorf("%w: %s: string %d spans [%d, %d) of an arena of %d bytes", ErrInvalid, d.name, start+uint64(i), b, e, len(arena))
		}
		if j := bytes.IndexByte(arena[b:e], 0); j != e-b-1 {
			return fmt.Errorf("%w: %s: string %d is not one NUL-terminated string (a NUL at %d of %d bytes)", ErrInvalid, d.name, start+uint64(i), j, e-b)
		}
		ptrs[i] = (*C.char)(unsafe.Pointer(&arena[b]))
	}
	// ptrs is Go memory holding Go pointers: allowed in a cgo call when
	// what they point to is pinned.
	var pin runtime.Pinner
	pin.Pin(&arena[0])
	defer pin.Unpin()
	var eb ebuf
	p, m := eb.c()
	if C.synb_write_vlstr(d.id, C.hsize_t(start), C.hsize_t(n), &ptrs[0], p, m) < 0 {
		return eb.err(fmt.Sprintf("write strings [%d, %d) of", start, start+uint64(n)), d.name)
	}
	return nil
}

// CreateBool creates a contiguous dataset of shape dims holding data (in
// row-major order), stored as h5py stores numpy.bool_ — an enum over int8
// with members FALSE=0 and TRUE=1 — so that h5py reads dtype bool.
func (f *File) CreateBool(path string, dims []uint64, data []bool) (*Dataset, error) {
	if err := f.open("CreateBool"); err != nil {
		return nil, err
	}
	if err := checkShape(path, dims, nil); err != nil {
		return nil, err
	}
	size := uint64(1)
	for _, d := range dims {
		size *= d
	}
	if uint64(len(data)) != size {
		return nil, fmt.Errorf("%w: %s: %d values for shape %v", ErrInvalid, path, len(data), dims)
	}
	buf := make([]C.int8_t, len(data))
	for i, b := range data {
		if b {
			buf[i] = 1
		}
	}
	cp := C.CString(path)
	defer C.free(unsafe.Pointer(cp))
	hd := hsizes(dims)
	var eb ebuf
	p, n := eb.c()
	id := C.synb_dcreate_bool(f.id, cp, C.int(len(dims)), &hd[0], &buf[0], p, n)
	if id < 0 {
		return nil, eb.err("create dataset", path)
	}
	return &Dataset{object: object{id: id, name: path}, dims: append([]uint64(nil), dims...), typ: Bool}, nil
}

// Type is the element type of a numeric dataset (CreateNumeric). Files
// store every type little-endian.
type Type int

// The numeric types. Bool is the type h5py uses for numpy.bool_ (an enum
// over int8, FALSE=0 and TRUE=1, as CreateBool writes); its elements are
// the bytes 0 and 1.
const (
	Bool Type = iota + 1
	Uint8
	Int32
	Uint32
	Int64
	Float64
)

// Size is the bytes of one element.
func (t Type) Size() int {
	switch t {
	case Bool, Uint8:
		return 1
	case Int32, Uint32:
		return 4
	case Int64, Float64:
		return 8
	}
	return 0
}

// CreateNumeric creates a fixed-shape dataset of t. With chunk it is
// chunked with the deflate filter at level and filled with WriteChunk
// (zlib streams of little-endian elements), so that callers compress
// elsewhere, as for CreateChunkedUint8. Without chunk (nil) it is
// contiguous and written now from data, the little-endian elements in
// row-major order; dimensions of 0 are allowed then (an empty partition),
// which chunked datasets of fixed shape cannot have.
func (f *File) CreateNumeric(path string, t Type, dims, chunk []uint64, level int, data []byte) (*Dataset, error) {
	if err := f.open("CreateNumeric"); err != nil {
		return nil, err
	}
	if t.Size() == 0 {
		return nil, fmt.Errorf("%w: %s: unknown type %d", ErrInvalid, path, t)
	}
	size := uint64(1)
	for _, d := range dims {
		size *= d
	}
	var dp unsafe.Pointer
	if chunk != nil {
		if err := checkShape(path, dims, chunk); err != nil {
			return nil, err
		}
		if level < NoFilter || level > 9 {
			return nil, fmt.Errorf("%w: %s: deflate level %d, want 0..9 or NoFilter", ErrInvalid, path, level)
		}
		if data != nil {
			return nil, fmt.Errorf("%w: %s: a chunked dataset is filled by WriteChunk", ErrInvalid, path)
		}
	} else {
		if len(dims) == 0 || len(dims) > 32 {
			return nil, fmt.Errorf("%w: %s: rank %d", ErrInvalid, path, len(dims))
		}
		if uint64(len(data)) != size*uint64(t.Size()) {
			return nil, fmt.Errorf("%w: %s: %d bytes for shape %v of %d-byte elements", ErrInvalid, path, len(data), dims, t.Size())
		}
		if size > 0 {
			// Go memory without pointers: cgo lets C read it during
			// the call.
			dp = unsafe.Pointer(&data[0])
		}
	}
	cp := C.CString(path)
	defer C.free(unsafe.Pointer(cp))
	hd := hsizes(dims)
	var hc *C.hsize_t
	if chunk != nil {
		h := hsizes(chunk)
		hc = &h[0]
	}
	var eb ebuf
	p, n := eb.c()
	id := C.synb_dcreate_num(f.id, cp, C.int(t), C.int(len(dims)), &hd[0], hc, C.int(level), dp, p, n)
	if id < 0 {
		return nil, eb.err("create dataset", path)
	}
	d := &Dataset{object: object{id: id, name: path}, dims: append([]uint64(nil), dims...), typ: t}
	if chunk != nil {
		d.chunk = append([]uint64(nil), chunk...)
	}
	return d, nil
}

// CreateUTF8Strings creates a contiguous one-dimensional dataset holding
// s as variable-length UTF-8 strings (h5py: .asstr() gives str), e.g. the
// codebook of a coded column; s may be empty. Strings must be valid UTF-8
// without NUL bytes.
func (f *File) CreateUTF8Strings(path string, s []string) (*Dataset, error) {
	if err := f.open("CreateUTF8Strings"); err != nil {
		return nil, err
	}
	total := 1
	for i, v := range s {
		if j := strings.IndexByte(v, 0); j >= 0 {
			return nil, fmt.Errorf("%w: %s: string %d contains a NUL byte at %d", ErrInvalid, path, i, j)
		}
		total += len(v) + 1
	}
	// As in WriteStrings: the strings and their pointers in C memory.
	blob := C.malloc(C.size_t(total))
	if blob == nil {
		return nil, fmt.Errorf("%w: %s: out of memory for %d bytes of strings", ErrHDF5, path, total)
	}
	defer C.free(blob)
	ptrs := C.malloc(C.size_t(len(s)+1) * C.size_t(unsafe.Sizeof(uintptr(0))))
	if ptrs == nil {
		return nil, fmt.Errorf("%w: %s: out of memory for %d string pointers", ErrHDF5, path, len(s))
	}
	defer C.free(ptrs)
	mem := unsafe.Slice((*byte)(blob), total)
	pv := unsafe.Slice((**C.char)(ptrs), len(s)+1)
	off := 0
	for i, v := range s {
		copy(mem[off:], v)
		mem[off+len(v)] = 0
		pv[i] = (*C.char)(unsafe.Add(blob, off))
		off += len(v) + 1
	}
	cp := C.CString(path)
	defer C.free(unsafe.Pointer(cp))
	var eb ebuf
	p, n := eb.c()
	id := C.synb_dcreate_utf8(f.id, cp, C.hsize_t(len(s)), (**C.char)(ptrs), p, n)
	if id < 0 {
		return nil, eb.err("create dataset", path)
	}
	return &Dataset{object: object{id: id, name: path}, dims: []uint64{uint64(len(s))}, strings: true, vlen: true}, nil
}
