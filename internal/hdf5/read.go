package hdf5

// The read side: enough to look at a dataset (synbols-gpu info, view):
// list a group, open a dataset, and read hyperslabs of its elements as
// uint8, int32 or float64 (libhdf5 converts from the file's type) or as
// strings.

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

// synb_exists: 1 when the link name exists in loc, 0 when not.
static int synb_exists(hid_t loc, const char *name, char *eb, size_t ebcap) {
	htri_t ex;
	synb_quiet();
	if ((ex = H5Lexists(loc, name, H5P_DEFAULT)) < 0) SYNB_FAIL("H5Lexists");
	return ex > 0;
fail:
	return -1;
}

static int synb_nlinks(hid_t loc, const char *name, hsize_t *n, char *eb, size_t ebcap) {
	H5G_info_t info;
	synb_quiet();
	if (H5Gget_info_by_name(loc, name, &info, H5P_DEFAULT) < 0) SYNB_FAIL("H5Gget_info_by_name");
	*n = info.nlinks;
	return 0;
fail:
	return -1;
}

// synb_link_name writes the i-th member of group name (by name order)
// into buf (cap bytes) and returns its full length, which may exceed cap.
static ssize_t synb_link_name(hid_t loc, const char *name, hsize_t i, char *buf, size_t cap, char *eb, size_t ebcap) {
	ssize_t n;
	synb_quiet();
	if ((n = H5Lget_name_by_idx(loc, name, H5_INDEX_NAME, H5_ITER_INC, i, buf, cap, H5P_DEFAULT)) < 0)
		SYNB_FAIL("H5Lget_name_by_idx");
	return n;
fail:
	return -1;
}

// synb_dopen opens dataset name and describes it: rank and dims (at most
// 32), chunk dims (*chunked 0 when contiguous), the type's class, size and
// sign, and for strings whether they are variable-length.
static hid_t synb_dopen(hid_t loc, const char *name, int *rank, hsize_t *dims, int *chunked, hsize_t *chunk,
		int *cls, size_t *size, int *sign, int *vlen, char *eb, size_t ebcap) {
	hid_t d = -1, space = -1, t = -1, dcpl = -1;
	synb_quiet();
	*chunked = 0;
	*vlen = 0;
	*sign = 0;
	if ((d = H5Dopen2(loc, name, H5P_DEFAULT)) < 0) SYNB_FAIL("H5Dopen2");
	if ((space = H5Dget_space(d)) < 0) SYNB_FAIL("H5Dget_space");
	if ((*rank = H5Sget_simple_extent_ndims(space)) < 0) SYNB_FAIL("H5Sget_simple_extent_ndims");
	if (*rank > 32) { synb_capture(eb, ebcap, "synb_dopen: rank above 32"); goto fail; }
	if (H5Sget_simple_extent_dims(space, dims, NULL) < 0) SYNB_FAIL("H5Sget_simple_extent_dims");
	if ((t = H5Dget_type(d)) < 0) SYNB_FAIL("H5Dget_type");
	*cls = (int)H5Tget_class(t);
	*size = H5Tget_size(t);
	if (*cls == H5T_INTEGER) *sign = H5Tget_sign(t) == H5T_SGN_2;
	if (*cls == H5T_STRING) *vlen = H5Tis_variable_str(t) > 0;
	if ((dcpl = H5Dget_create_plist(d)) < 0) SYNB_FAIL("H5Dget_create_plist");
	if (H5Pget_layout(dcpl) == H5D_CHUNKED && *rank > 0) {
		if (H5Pget_chunk(dcpl, *rank, chunk) < 0) SYNB_FAIL("H5Pget_chunk");
		*chunked = 1;
	}
	H5Pclose(dcpl);
	H5Tclose(t);
	H5Sclose(space);
	return d;
fail:
	if (dcpl >= 0) H5Pclose(dcpl);
	if (t >= 0) H5Tclose(t);
	if (space >= 0) H5Sclose(space);
	if (d >= 0) H5Dclose(d);
	return -1;
}

// synb_select returns the file space of d with the hyperslab [start,
// start+count) selected, and in *ms a simple memory space of count.
static hid_t synb_select(hid_t d, int rank, const hsize_t *start, const hsize_t *count, hid_t *ms, char *eb, size_t ebcap) {
	hid_t fs = -1;
	*ms = -1;
	if ((fs = H5Dget_space(d)) < 0) SYNB_FAIL("H5Dget_space");
	if (H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL) < 0) SYNB_FAIL("H5Sselect_hyperslab");
	if ((*ms = H5Screate_simple(rank, count, NULL)) < 0) SYNB_FAIL("H5Screate_simple");
	return fs;
fail:
	if (fs >= 0) H5Sclose(fs);
	return -1;
}

// synb_dread reads the hyperslab as code: 0 the file's own element type
// (its bytes as stored: every type this package writes is little-endian),
// 1 uint8 (an enum, h5py's bool, is read as its own 1-byte native type:
// libhdf5 converts no enum to integers), 2 int32, 3 float64.
static int synb_dread(hid_t d, int code, int rank, const hsize_t *start, const hsize_t *count, void *buf,
		char *eb, size_t ebcap) {
	hid_t fs = -1, ms = -1, ft = -1, mt = -1;
	synb_quiet();
	if ((fs = synb_select(d, rank, start, count, &ms, eb, ebcap)) < 0) return -1;
	switch (code) {
	case 0: if ((mt = H5Dget_type(d)) < 0) SYNB_FAIL("H5Dget_type"); break;
	case 1:
		if ((ft = H5Dget_type(d)) < 0) SYNB_FAIL("H5Dget_type");
		if (H5Tget_class(ft) == H5T_ENUM) {
			if ((mt = H5Tget_native_type(ft, H5T_DIR_ASCEND)) < 0) SYNB_FAIL("H5Tget_native_type");
		} else if ((mt = H5Tcopy(H5T_NATIVE_UINT8)) < 0) SYNB_FAIL("H5Tcopy");
		break;
	case 2: if ((mt = H5Tcopy(H5T_NATIVE_INT32)) < 0) SYNB_FAIL("H5Tcopy"); break;
	default: if ((mt = H5Tcopy(H5T_NATIVE_DOUBLE)) < 0) SYNB_FAIL("H5Tcopy"); break;
	}
	if (H5Dread(d, mt, ms, fs, H5P_DEFAULT, buf) < 0) SYNB_FAIL("H5Dread");
	H5Tclose(mt);
	if (ft >= 0) H5Tclose(ft);
	H5Sclose(ms);
	H5Sclose(fs);
	return 0;
fail:
	if (mt >= 0) H5Tclose(mt);
	if (ft >= 0) H5Tclose(ft);
	if (ms >= 0) H5Sclose(ms);
	if (fs >= 0) H5Sclose(fs);
	return -1;
}

// synb_dread_vlstr reads n variable-length strings from start into ptrs
// (the caller copies them, then calls synb_vlstr_free).
static int synb_dread_vlstr(hid_t d, hsize_t start, hsize_t n, char **ptrs, char *eb, size_t ebcap) {
	hid_t fs = -1, ms = -1, mt = -1, ft = -1;
	synb_quiet();
	if ((fs = synb_select(d, 1, &start, &n, &ms, eb, ebcap)) < 0) return -1;
	if ((ft = H5Dget_type(d)) < 0) SYNB_FAIL("H5Dget_type");
	if ((mt = H5Tcopy(H5T_C_S1)) < 0) SYNB_FAIL("H5Tcopy");
	if (H5Tset_size(mt, H5T_VARIABLE) < 0) SYNB_FAIL("H5Tset_size");
	if (H5Tset_cset(mt, H5Tget_cset(ft)) < 0) SYNB_FAIL("H5Tset_cset");
	if (H5Dread(d, mt, ms, fs, H5P_DEFAULT, ptrs) < 0) SYNB_FAIL("H5Dread");
	H5Tclose(mt);
	H5Tclose(ft);
	H5Sclose(ms);
	H5Sclose(fs);
	return 0;
fail:
	if (mt >= 0) H5Tclose(mt);
	if (ft >= 0) H5Tclose(ft);
	if (ms >= 0) H5Sclose(ms);
	if (fs >= 0) H5Sclose(fs);
	return -1;
}

static void synb_vlstr_free(char **ptrs, size_t n) {
	size_t i;
	for (i = 0; i < n; i++) if (ptrs[i]) H5free_memory(ptrs[i]);
}

// synb_dread_fixstr reads n fixed-length strings (size bytes each, the
// file's type) from start into buf.
static int synb_dread_fixstr(hid_t d, hsize_t start, hsize_t n, char *buf, char *eb, size_t ebcap) {
	hid_t fs = -1, ms = -1, ft = -1;
	synb_quiet();
	if ((fs = synb_select(d, 1, &start, &n, &ms, eb, ebcap)) < 0) return -1;
	if ((ft = H5Dget_type(d)) < 0) SYNB_FAIL("H5Dget_type");
	if (H5Dread(d, ft, ms, fs, H5P_DEFAULT, buf) < 0) SYNB_FAIL("H5Dread");
	H5Tclose(ft);
	H5Sclose(ms);
	H5Sclose(fs);
	return 0;
fail:
	if (ft >= 0) H5Tclose(ft);
	if (ms >= 0) H5Sclose(ms);
	if (fs >= 0) H5Sclose(fs);
	return -1;
}
*/
import "C"

import (
	"bytes"
	"fmt"
	"strings"
	"unsafe"
)

// Exists reports whether path names a link in the file: every component
// is checked in turn, since libhdf5 fails, rather than answers false, on
// a path whose parent is missing.
func (f *File) Exists(path string) (bool, error) {
	if err := f.open("Exists"); err != nil {
		return false, err
	}
	parts := strings.Split(strings.Trim(path, "/"), "/")
	for i := range parts {
		p := strings.Join(parts[:i+1], "/")
		cp := C.CString(p)
		var eb ebuf
		b, n := eb.c()
		r := C.synb_exists(f.id, cp, b, n)
		C.free(unsafe.Pointer(cp))
		if r < 0 {
			return false, eb.err("look up", p)
		}
		if r == 0 {
			return false, nil
		}
	}
	return true, nil
}

// Members lists the names of group's members (groups and datasets) in
// name order; "/" or "" is the root.
func (f *File) Members(group string) ([]string, error) {
	if err := f.open("Members"); err != nil {
		return nil, err
	}
	if group == "" {
		group = "/"
	}
	cg := C.CString(group)
	defer C.free(unsafe.Pointer(cg))
	var eb ebuf
	b, n := eb.c()
	var count C.hsize_t
	if C.synb_nlinks(f.id, cg, &count, b, n) < 0 {
		return nil, eb.err("list group", group)
	}
	names := make([]string, 0, int(count))
	buf := make([]byte, 256)
	for i := C.hsize_t(0); i < count; i++ {
		for {
			l := C.synb_link_name(f.id, cg, i, (*C.char)(unsafe.Pointer(&buf[0])), C.size_t(len(buf)), b, n)
			if l < 0 {
				return nil, eb.err("list group", group)
			}
			if int(l) < len(buf) {
				names = append(names, string(buf[:l]))
				break
			}
			buf = make([]byte, int(l)+1)
		}
	}
	return names, nil
}

// OpenDataset opens the existing dataset at path for reading (it fails
// with ErrNotFound when there is none). Type and IsString say what it
// holds; the Read methods read it.
func (f *File) OpenDataset(path string) (*Dataset, error) {
	if err := f.open("OpenDataset"); err != nil {
		return nil, err
	}
	if ok, err := f.Exists(path); err != nil {
		return nil, err
	} else if !ok {
		return nil, fmt.Errorf("%w: dataset %q in %q", ErrNotFound, path, f.name)
	}
	cp := C.CString(path)
	defer C.free(unsafe.Pointer(cp))
	var dims, chunk [32]C.hsize_t
	var rank, chunked, cls, sign, vlen C.int
	var size C.size_t
	var eb ebuf
	b, n := eb.c()
	id := C.synb_dopen(f.id, cp, &rank, &dims[0], &chunked, &chunk[0], &cls, &size, &sign, &vlen, b, n)
	if id < 0 {
		return nil, eb.err("open dataset", path)
	}
	d := &Dataset{object: object{id: id, name: path}, dims: make([]uint64, int(rank))}
	for i := range d.dims {
		d.dims[i] = uint64(dims[i])
	}
	if chunked != 0 {
		d.chunk = make([]uint64, int(rank))
		for i := range d.chunk {
			d.chunk[i] = uint64(chunk[i])
		}
	}
	d.elemSize = int(size)
	switch cls {
	case C.H5T_STRING:
		d.strings, d.vlen = true, vlen != 0
	case C.H5T_ENUM:
		if size == 1 {
			d.typ = Bool
		}
	case C.H5T_INTEGER:
		switch {
		case size == 1 && sign == 0:
			d.typ = Uint8
		case size == 4 && sign != 0:
			d.typ = Int32
		case size == 4:
			d.typ = Uint32
		case size == 8 && sign != 0:
			d.typ = Int64
		default:
			d.typ = otherInt
		}
	case C.H5T_FLOAT:
		d.typ = Float64
		if size != 8 {
			d.typ = otherFloat
		}
	}
	return d, nil
}

// otherInt and otherFloat are integer and float types of other sizes
// (h5py writes int16, float32…): readable as int32/float64 with
// conversion, never created by this package.
const (
	otherInt Type = 100 + iota
	otherFloat
)

// Type is the element type of a dataset opened by OpenDataset: one of the
// numeric Types, or 0 for strings and types this package does not read.
// Integers and floats of other sizes report a Type whose Size is 0 but
// still read with ReadInt32 and ReadFloat64.
func (d *Dataset) Type() Type { return d.typ }

// IsString reports whether the dataset holds strings (ReadStrings).
func (d *Dataset) IsString() bool { return d.strings }

// IsInteger reports whether its elements are integers (bools excluded).
func (d *Dataset) IsInteger() bool {
	switch d.typ {
	case Uint8, Int32, Uint32, Int64, otherInt:
		return true
	}
	return false
}

// IsFloat reports whether its elements are floating-point numbers.
func (d *Dataset) IsFloat() bool { return d.typ == Float64 || d.typ == otherFloat }

// slab checks the hyperslab [start, start+count) and returns its elements
// (0 for an empty selection) and the C arrays.
func (d *Dataset) slab(op string, start, count []uint64) (uint64, []C.hsize_t, []C.hsize_t, error) {
	if err := d.open(op); err != nil {
		return 0, nil, nil, err
	}
	if len(start) != len(d.dims) || len(count) != len(d.dims) {
		return 0, nil, nil, fmt.Errorf("%w: %s: %s of rank %d/%d on a dataset of rank %d", ErrInvalid, d.name, op, len(start), len(count), len(d.dims))
	}
	total := uint64(1)
	for i := range d.dims {
		if start[i] > d.dims[i] || count[i] > d.dims[i]-start[i] {
			return 0, nil, nil, fmt.Errorf("%w: %s: %s of %v from %v outside %v", ErrInvalid, d.name, op, count, start, d.dims)
		}
		total *= count[i]
	}
	return total, hsizes(start), hsizes(count), nil
}

// read is ReadUint8, ReadInt32 and ReadFloat64: buf holds total elements.
func (d *Dataset) read(op string, code int, start, count []uint64, total uint64, buf unsafe.Pointer, hs, hc []C.hsize_t) error {
	if total == 0 {
		return nil
	}
	var eb ebuf
	b, n := eb.c()
	// buf is Go memory without pointers: C may write it during the call.
	if C.synb_dread(d.id, C.int(code), C.int(len(d.dims)), &hs[0], &hc[0], buf, b, n) < 0 {
		return eb.err(fmt.Sprintf("read %v from %v of", count, start), d.name)
	}
	return nil
}

// ReadUint8 reads the hyperslab of count elements from start, row-major:
// a uint8 dataset's bytes, or a bool's 0 and 1. libhdf5 converts other
// integer types, failing on values out of range.
func (d *Dataset) ReadUint8(start, count []uint64) ([]byte, error) {
	return readSlab[byte](d, "ReadUint8", 1, !d.strings && !d.IsFloat(), "non-integer", start, count)
}

// ReadInt32 reads the hyperslab as int32 (row-major), converted by
// libhdf5 from any integer type.
func (d *Dataset) ReadInt32(start, count []uint64) ([]int32, error) {
	return readSlab[int32](d, "ReadInt32", 2, d.IsInteger(), "non-integer", start, count)
}

// ReadFloat64 reads the hyperslab as float64 (row-major), converted by
// libhdf5 from any integer or float type (bools are read with ReadUint8).
func (d *Dataset) ReadFloat64(start, count []uint64) ([]float64, error) {
	return readSlab[float64](d, "ReadFloat64", 3, d.IsInteger() || d.IsFloat(), "non-numeric", start, count)
}

// readSlab is the three typed reads: code is synb_dread's memory type, ok
// whether the dataset's type converts to T (kind names what it is not).
func readSlab[T byte | int32 | float64](d *Dataset, op string, code int, ok bool, kind string, start, count []uint64) ([]T, error) {
	total, hs, hc, err := d.slab(op, start, count)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("%w: %s: %s of a %s dataset", ErrInvalid, d.name, op, kind)
	}
	out := make([]T, total)
	var p unsafe.Pointer
	if total > 0 {
		p = unsafe.Pointer(&out[0])
	}
	return out, d.read(op, code, start, count, total, p, hs, hc)
}

// ReadStrings reads elements [start, start+n) of a one-dimensional string
// dataset, variable or fixed length (the trailing NULs and spaces of
// fixed-length padding are cut).
func (d *Dataset) ReadStrings(start, n uint64) ([]string, error) {
	if err := d.open("ReadStrings"); err != nil {
		return nil, err
	}
	if !d.strings || len(d.dims) != 1 {
		return nil, fmt.Errorf("%w: %s: ReadStrings needs a one-dimensional string dataset", ErrInvalid, d.name)
	}
	if start > d.dims[0] || n > d.dims[0]-start {
		return nil, fmt.Errorf("%w: %s: strings [%d, %d) outside [0, %d)", ErrInvalid, d.name, start, start+n, d.dims[0])
	}
	if n == 0 {
		return []string{}, nil
	}
	var eb ebuf
	b, en := eb.c()
	out := make([]string, n)
	if !d.vlen {
		// Fixed length: one C buffer (Go memory would do, but the
		// element size may be large; keep it off the Go heap's
		// accounting of pointer-free memory either way).
		size := uint64(d.elemSize)
		buf := C.malloc(C.size_t(size * n))
		if buf == nil {
			return nil, fmt.Errorf("%w: %s: out of memory for %d strings", ErrHDF5, d.name, n)
		}
		defer C.free(buf)
		if C.synb_dread_fixstr(d.id, C.hsize_t(start), C.hsize_t(n), (*C.char)(buf), b, en) < 0 {
			return nil, eb.err(fmt.Sprintf("read strings [%d, %d) of", start, start+n), d.name)
		}
		all := unsafe.Slice((*byte)(buf), size*n)
		for i := range out {
			s := all[uint64(i)*size : uint64(i+1)*size]
			if j := bytes.IndexByte(s, 0); j >= 0 {
				s = s[:j]
			}
			out[i] = strings.TrimRight(string(s), " ")
		}
		return out, nil
	}
	// The pointer array must be C memory: libhdf5 writes C pointers in it.
	ptrs := C.calloc(C.size_t(n), C.size_t(unsafe.Sizeof(uintptr(0))))
	if ptrs == nil {
		return nil, fmt.Errorf("%w: %s: out of memory for %d string pointers", ErrHDF5, d.name, n)
	}
	defer C.free(ptrs)
	pv := unsafe.Slice((**C.char)(ptrs), n)
	if C.synb_dread_vlstr(d.id, C.hsize_t(start), C.hsize_t(n), (**C.char)(ptrs), b, en) < 0 {
		return nil, eb.err(fmt.Sprintf("read strings [%d, %d) of", start, start+n), d.name)
	}
	for i, p := range pv {
		if p != nil {
			out[i] = C.GoString(p)
		}
	}
	C.synb_vlstr_free((**C.char)(ptrs), C.size_t(n))
	return out, nil
}
