package hdf5

/*
#cgo pkg-config: hdf5
#include <stdlib.h>
#include <hdf5.h>

void synb_capture(char *eb, size_t cap, const char *fn);
void synb_quiet(void);

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

static hid_t synb_fopen_rw(const char *path, char *eb, size_t ebcap) {
	hid_t fapl = -1, f = -1;
	synb_quiet();
	if ((fapl = H5Pcreate(H5P_FILE_ACCESS)) < 0) SYNB_FAIL2("H5Pcreate");
	if (H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) < 0) SYNB_FAIL2("H5Pset_fclose_degree");
	if ((f = H5Fopen(path, H5F_ACC_RDWR, fapl)) < 0) SYNB_FAIL2("H5Fopen");
	H5Pclose(fapl);
	return f;
fail:
	if (fapl >= 0) H5Pclose(fapl);
	return -1;
}
*/
import "C"

import "unsafe"

// OpenRW opens an existing file for reading and writing, with the strong
// close degree like Create: the writer reopens its file after each
// checkpoint, and a resumed run opens the interrupted one's.
func OpenRW(path string) (*File, error) {
	cp := C.CString(path)
	defer C.free(unsafe.Pointer(cp))
	var eb ebuf
	p, n := eb.c()
	id := C.synb_fopen_rw(cp, p, n)
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
