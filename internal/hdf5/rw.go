package hdf5

// Updating an existing file (synbols-gpu split --add): opened for
// writing with OpenRW (flush.go), remove links, read an integer attribute. The caller works on a
// copy it renames into place, so a file is never changed where it lies.

/*
#cgo pkg-config: hdf5
#include <stdint.h>
#include <stdlib.h>
#include <hdf5.h>

// Defined in hdf5.go's preamble.
void synb_capture(char *eb, size_t cap, const char *fn);
void synb_quiet(void);

#define SYNB_FAIL(fn) do { synb_capture(eb, ebcap, fn); goto fail; } while (0)

static int synb_ldelete(hid_t loc, const char *name, char *eb, size_t ebcap) {
	synb_quiet();
	if (H5Ldelete(loc, name, H5P_DEFAULT) < 0) SYNB_FAIL("H5Ldelete");
	return 0;
fail:
	return -1;
}

// synb_attr_read_i64: 1 read into *v, 0 no such attribute, -2 not a
// scalar integer, -1 error.
static int synb_attr_read_i64(hid_t loc, const char *name, int64_t *v, char *eb, size_t ebcap) {
	hid_t a = -1, t = -1, s = -1;
	htri_t ex;
	synb_quiet();
	if ((ex = H5Aexists(loc, name)) < 0) SYNB_FAIL("H5Aexists");
	if (ex == 0) return 0;
	if ((a = H5Aopen(loc, name, H5P_DEFAULT)) < 0) SYNB_FAIL("H5Aopen");
	if ((t = H5Aget_type(a)) < 0) SYNB_FAIL("H5Aget_type");
	if ((s = H5Aget_space(a)) < 0) SYNB_FAIL("H5Aget_space");
	if (H5Tget_class(t) != H5T_INTEGER || H5Sget_simple_extent_type(s) != H5S_SCALAR) {
		H5Sclose(s); H5Tclose(t); H5Aclose(a);
		return -2;
	}
	if (H5Aread(a, H5T_NATIVE_INT64, v) < 0) SYNB_FAIL("H5Aread");
	H5Sclose(s); H5Tclose(t); H5Aclose(a);
	return 1;
fail:
	if (s >= 0) H5Sclose(s);
	if (t >= 0) H5Tclose(t);
	if (a >= 0) H5Aclose(a);
	return -1;
}
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// Delete removes the link path (a dataset, or a group with everything
// under it). libhdf5 does not give the space back: the file keeps its
// size until it is repacked.
func (f *File) Delete(path string) error {
	if err := f.open("Delete"); err != nil {
		return err
	}
	cp := C.CString(path)
	defer C.free(unsafe.Pointer(cp))
	var eb ebuf
	p, n := eb.c()
	if C.synb_ldelete(f.id, cp, p, n) < 0 {
		return eb.err("delete", path)
	}
	return nil
}

// AttrInt64 reads the scalar integer attribute name (any integer type,
// converted to int64), as SetAttrInt64 and h5py write it. It fails with
// ErrNotFound when there is no such attribute and with ErrInvalid when it
// is not a scalar integer.
func (o *object) AttrInt64(name string) (int64, error) {
	if err := o.open("AttrInt64"); err != nil {
		return 0, err
	}
	cn := C.CString(name)
	defer C.free(unsafe.Pointer(cn))
	var eb ebuf
	p, n := eb.c()
	var v C.int64_t
	switch C.synb_attr_read_i64(o.id, cn, &v, p, n) {
	case 1:
		return int64(v), nil
	case 0:
		return 0, fmt.Errorf("%w: attribute %q of %q", ErrNotFound, name, o.name)
	case -2:
		return 0, fmt.Errorf("%w: attribute %q of %q is not a scalar integer", ErrInvalid, name, o.name)
	default:
		return 0, eb.err("read attribute "+name+" of", o.name)
	}
}
