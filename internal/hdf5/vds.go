package hdf5

// Virtual datasets (VDS): a dataset whose rows live in other files, as
// synbols-gpu merge builds over the shards of one dataset, and the raw
// reads merge copies columns with.

/*
#cgo pkg-config: hdf5
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <hdf5.h>

// Defined in hdf5.go's preamble.
void synb_capture(char *eb, size_t cap, const char *fn);
void synb_quiet(void);

#define SYNB_FAIL(fn) do { synb_capture(eb, ebcap, fn); goto fail; } while (0)

// synb_dcreate_vds creates the uint8 dataset name of shape dims (rank)
// whose rows [starts[i], starts[i]+counts[i]) are the whole dataset
// dsets[i] of file files[i] (shape counts[i] × dims[1:]), for n sources.
static hid_t synb_dcreate_vds(hid_t loc, const char *name, int rank, const hsize_t *dims, int n,
		const char **files, const char **dsets, const hsize_t *starts, const hsize_t *counts,
		char *eb, size_t ebcap) {
	hid_t space = -1, dcpl = -1, src = -1, d = -1;
	hsize_t off[32], cnt[32];
	int i, j;
	synb_quiet();
	if (rank < 1 || rank > 32) { synb_capture(eb, ebcap, "synb_dcreate_vds: rank"); return -1; }
	if ((space = H5Screate_simple(rank, dims, dims)) < 0) SYNB_FAIL("H5Screate_simple");
	if ((dcpl = H5Pcreate(H5P_DATASET_CREATE)) < 0) SYNB_FAIL("H5Pcreate");
	if (H5Pset_obj_track_times(dcpl, 0) < 0) SYNB_FAIL("H5Pset_obj_track_times");
	for (i = 0; i < n; i++) {
		off[0] = starts[i];
		cnt[0] = counts[i];
		for (j = 1; j < rank; j++) { off[j] = 0; cnt[j] = dims[j]; }
		if (H5Sselect_hyperslab(space, H5S_SELECT_SET, off, NULL, cnt, NULL) < 0) SYNB_FAIL("H5Sselect_hyperslab");
		if ((src = H5Screate_simple(rank, cnt, cnt)) < 0) SYNB_FAIL("H5Screate_simple");
		if (H5Pset_virtual(dcpl, space, files[i], dsets[i], src) < 0) SYNB_FAIL("H5Pset_virtual");
		H5Sclose(src);
		src = -1;
	}
	if (H5Sselect_all(space) < 0) SYNB_FAIL("H5Sselect_all");
	if ((d = H5Dcreate2(loc, name, H5T_STD_U8LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT)) < 0) SYNB_FAIL("H5Dcreate2");
	H5Pclose(dcpl);
	H5Sclose(space);
	return d;
fail:
	if (src >= 0) H5Sclose(src);
	if (dcpl >= 0) H5Pclose(dcpl);
	if (space >= 0) H5Sclose(space);
	return -1;
}

// synb_is_virtual: 1 when dataset name of loc has the virtual layout.
static int synb_is_virtual(hid_t loc, const char *name, char *eb, size_t ebcap) {
	hid_t d = -1, dcpl = -1;
	int v;
	synb_quiet();
	if ((d = H5Dopen2(loc, name, H5P_DEFAULT)) < 0) SYNB_FAIL("H5Dopen2");
	if ((dcpl = H5Dget_create_plist(d)) < 0) SYNB_FAIL("H5Dget_create_plist");
	v = H5Pget_layout(dcpl) == H5D_VIRTUAL;
	H5Pclose(dcpl);
	H5Dclose(d);
	return v;
fail:
	if (dcpl >= 0) H5Pclose(dcpl);
	if (d >= 0) H5Dclose(d);
	return -1;
}
*/
import "C"

import (
	"fmt"
	"strings"
	"unsafe"
)

// VirtualSource is one block of rows of a virtual dataset: rows [Start,
// Start+Count) are the whole dataset Dataset of File, whose shape is Count
// rows of the virtual dataset's row shape.
//
// A relative File is looked for, when the virtual dataset is read, in the
// folder of the file that holds the virtual dataset (then as given,
// against the reader's working folder): so a virtual dataset and its
// sources moved together, keeping their relative places, still read.
type VirtualSource struct {
	File, Dataset string
	Start, Count  uint64
}

// CreateVirtualUint8 creates the uint8 dataset path of shape dims as a
// virtual dataset over srcs, which must tile rows [0, dims[0]) in order,
// without gaps or overlaps. The sources are not opened: they need not
// exist yet (a reader sees zeros, the fill value, where one is missing).
func (f *File) CreateVirtualUint8(path string, dims []uint64, srcs []VirtualSource) (*Dataset, error) {
	if err := f.open("CreateVirtualUint8"); err != nil {
		return nil, err
	}
	if len(dims) < 1 || len(dims) > 32 || len(srcs) == 0 {
		return nil, fmt.Errorf("%w: %s: virtual dataset of rank %d over %d sources", ErrInvalid, path, len(dims), len(srcs))
	}
	next := uint64(0)
	for _, s := range srcs {
		if s.Start != next || s.Count == 0 || s.File == "" || s.Dataset == "" ||
			strings.IndexByte(s.File, 0) >= 0 || strings.IndexByte(s.Dataset, 0) >= 0 {
			return nil, fmt.Errorf("%w: %s: source %q rows [%d, %d) after row %d", ErrInvalid, path, s.File, s.Start, s.Start+s.Count, next)
		}
		next += s.Count
	}
	if next != dims[0] {
		return nil, fmt.Errorf("%w: %s: sources cover %d of %d rows", ErrInvalid, path, next, dims[0])
	}
	n := len(srcs)
	// C memory for the arrays of C strings (cgo forbids Go pointers to Go
	// pointers).
	files := unsafe.Slice((**C.char)(C.malloc(C.size_t(n)*C.size_t(unsafe.Sizeof(uintptr(0))))), n)
	dsets := unsafe.Slice((**C.char)(C.malloc(C.size_t(n)*C.size_t(unsafe.Sizeof(uintptr(0))))), n)
	defer C.free(unsafe.Pointer(&files[0]))
	defer C.free(unsafe.Pointer(&dsets[0]))
	starts, counts := make([]C.hsize_t, n), make([]C.hsize_t, n)
	for i, s := range srcs {
		files[i], dsets[i] = C.CString(s.File), C.CString(s.Dataset)
		starts[i], counts[i] = C.hsize_t(s.Start), C.hsize_t(s.Count)
	}
	defer func() {
		for i := range srcs {
			C.free(unsafe.Pointer(files[i]))
			C.free(unsafe.Pointer(dsets[i]))
		}
	}()
	cp := C.CString(path)
	defer C.free(unsafe.Pointer(cp))
	hd := hsizes(dims)
	var eb ebuf
	b, en := eb.c()
	id := C.synb_dcreate_vds(f.id, cp, C.int(len(dims)), &hd[0], C.int(n), &files[0], &dsets[0], &starts[0], &counts[0], b, en)
	if id < 0 {
		return nil, eb.err("create virtual dataset", path)
	}
	return &Dataset{object: object{id: id, name: path}, dims: append([]uint64(nil), dims...)}, nil
}

// IsVirtual reports whether the dataset at path has the virtual layout.
func (f *File) IsVirtual(path string) (bool, error) {
	if err := f.open("IsVirtual"); err != nil {
		return false, err
	}
	cp := C.CString(path)
	defer C.free(unsafe.Pointer(cp))
	var eb ebuf
	b, n := eb.c()
	r := C.synb_is_virtual(f.id, cp, b, n)
	if r < 0 {
		return false, eb.err("open dataset", path)
	}
	return r == 1, nil
}

// ReadRaw reads the hyperslab of count elements from start, row-major, in
// the file's own element type: the bytes as stored (elemSize each), with
// no conversion, so a column copied with it is copied exactly. Strings
// are refused (ReadStrings).
func (d *Dataset) ReadRaw(start, count []uint64) ([]byte, error) {
	total, hs, hc, err := d.slab("ReadRaw", start, count)
	if err != nil {
		return nil, err
	}
	if d.strings {
		return nil, fmt.Errorf("%w: %s: ReadRaw of a string dataset", ErrInvalid, d.name)
	}
	out := make([]byte, total*uint64(d.elemSize))
	if total == 0 {
		return out, nil
	}
	if err := d.read("ReadRaw", 0, start, count, total, unsafe.Pointer(&out[0]), hs, hc); err != nil {
		return nil, err
	}
	return out, nil
}
