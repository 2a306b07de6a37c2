// synb_guard: the POSIX file driver of every file this package writes.
//
// It is libhdf5's sec2 driver (pread/pwrite on one descriptor) with one
// addition: when the file access list names an undo log (synb_guard_fapl),
// the open arms it, and every write or truncation that would change the
// file's first `limit` bytes (its size at the open) first appends the
// bytes it replaces to the log. A resumable writer reopens its file so
// right after a checkpoint's close: if the process dies
// anywhere after that, the next close's metadata writes included, the log
// turns the file back into the checkpoint's bytes (guard.go, RollBack).
// libhdf5 rewrites its metadata in place when it closes a file, so without
// the log a kill in the middle of that close left a file that matched
// neither the checkpoint nor the next one.
//
// The log's format is guard.go's: an 8-byte magic, then records of
// address (u64 LE), length (u64 LE), FNV-1a 64 of both and of the bytes
// (u64 LE), and the bytes. A record is appended by one write(2) before the
// pwrite it protects is issued, so a process killed at any point leaves
// every record of an overwrite that happened complete; only the last
// record can be torn, and then its overwrite never happened.
//
// The files it makes are plain HDF5 files (no driver information is
// stored in them): sec2, h5py and every other reader open them as usual.

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <hdf5.h>
#if H5_VERSION_GE(1, 13, 0)
// From 1.13 on, the driver class and H5FDregister are declared in the
// developer header (which 1.14.5's hdf5.h includes too; named here since
// this file is a driver).
#include <H5FDdevelop.h>
#endif

#include "guard.h"

typedef struct {
	H5FD_t pub; // libhdf5's part; must be first
	int fd;
	haddr_t eoa, eof;
	dev_t dev;
	ino_t ino;
	int undo;      // the undo log, -1 while unarmed
	int sync;      // fdatasync the log after each record
	haddr_t limit; // writes below it are logged first
} synb_guard_t;

// The driver's file access information: the undo log to arm at open
// ("" for none). A fixed array, so that libhdf5 copies it as plain bytes.
typedef struct {
	char undo[4096];
	int sync; // each record durable before its overwrite
} synb_guard_fa_t;

static int synb_arm(synb_guard_t *g, const char *undo, char *eb, size_t ebcap);

// Fault injection for the tests (hdf5.go reads SYNBOLS_TEST_KILL_IN_GUARD):
// SIGKILL the process right after the n-th logged overwrite has been
// written to the file, n > 0. Zero (always, outside the tests) is off.
long synb_guard_kill_after = 0;
static long synb_guard_overwrites = 0;

// Records synced by durable logs, for the tests (guardSyncs).
static long synb_guard_syncs = 0;

long synb_guard_synced(void) { return __atomic_load_n(&synb_guard_syncs, __ATOMIC_RELAXED); }

#define SYNB_MAXADDR (((haddr_t)1 << (8 * sizeof(off_t) - 1)) - 1)

// synb_push puts a system call's failure on libhdf5's error stack in
// sec2's words ("errno = N, error message = '…'"), which hdf5.go's cause
// condenses to "No space left on device (errno 28)".
#define synb_push(min, what, addr, size, err)                                                              \
	H5Epush2(H5E_DEFAULT, __FILE__, __func__, __LINE__, H5E_ERR_CLS, H5E_VFL, min,                     \
	         "%s failed: errno = %d, error message = '%s', addr = %llu, size = %zu", what, err, strerror(err), \
	         (unsigned long long)(addr), (size_t)(size))

static int synb_full_pwrite(int fd, const void *buf, size_t size, off_t off) {
	const unsigned char *p = buf;
	while (size > 0) {
		ssize_t n = pwrite(fd, p, size, off);
		if (n < 0) {
			if (errno == EINTR) continue;
			return -1;
		}
		p += n;
		size -= (size_t)n;
		off += n;
	}
	return 0;
}

// synb_full_pread reads up to size bytes at off; it returns how many there
// were (fewer only at the end of the file), or -1.
static ssize_t synb_full_pread(int fd, void *buf, size_t size, off_t off) {
	unsigned char *p = buf;
	size_t got = 0;
	while (got < size) {
		ssize_t n = pread(fd, p + got, size - got, off + (off_t)got);
		if (n < 0) {
			if (errno == EINTR) continue;
			return -1;
		}
		if (n == 0) break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

static uint64_t synb_fnv(uint64_t h, const unsigned char *p, size_t n) {
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static void synb_le64(unsigned char *p, uint64_t v) {
	for (int i = 0; i < 8; i++) p[i] = (unsigned char)(v >> (8 * i));
}

// synb_log appends the before-image of [addr, addr+size) ∩ [0, limit) to
// the undo log, if armed. Bytes past the file's end have no before-image
// (RollBack's truncation restores them).
static int synb_log(synb_guard_t *g, haddr_t addr, size_t size) {
	if (g->undo < 0 || addr >= g->limit) return 0;
	if (size > g->limit - addr) size = (size_t)(g->limit - addr);
	unsigned char *rec = malloc(24 + size);
	if (rec == NULL) {
		synb_push(H5E_CANTALLOC, "undo log record", addr, size, ENOMEM);
		return -1;
	}
	ssize_t n = synb_full_pread(g->fd, rec + 24, size, (off_t)addr);
	if (n < 0) {
		synb_push(H5E_READERROR, "undo log: read before-image", addr, size, errno);
		free(rec);
		return -1;
	}
	synb_le64(rec, addr);
	synb_le64(rec + 8, (uint64_t)n);
	uint64_t h = synb_fnv(14695981039346656037ULL, rec, 16);
	synb_le64(rec + 16, synb_fnv(h, rec + 24, (size_t)n));
	size_t len = 24 + (size_t)n;
	const unsigned char *p = rec;
	while (len > 0) {
		ssize_t w = write(g->undo, p, len);
		if (w < 0) {
			if (errno == EINTR) continue;
			synb_push(H5E_WRITEERROR, "undo log: append", addr, (size_t)n, errno);
			free(rec);
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	free(rec);
	// Durable before the overwrite it guards: else a power loss could
	// keep the overwrite and lose its before-image.
	if (g->sync) {
		if (fdatasync(g->undo) < 0) {
			synb_push(H5E_WRITEERROR, "undo log: sync", addr, (size_t)n, errno);
			return -1;
		}
		__atomic_add_fetch(&synb_guard_syncs, 1, __ATOMIC_RELAXED);
	}
	return 1;
}

static H5FD_t *synb_open(const char *name, unsigned flags, hid_t fapl, haddr_t maxaddr) {
	if (name == NULL || *name == 0 || maxaddr == 0 || maxaddr == HADDR_UNDEF) {
		H5Epush2(H5E_DEFAULT, __FILE__, __func__, __LINE__, H5E_ERR_CLS, H5E_VFL, H5E_BADVALUE, "bad file name or address space");
		return NULL;
	}
	int o = (flags & H5F_ACC_RDWR) ? O_RDWR : O_RDONLY;
	if (flags & H5F_ACC_TRUNC) o |= O_TRUNC;
	if (flags & H5F_ACC_CREAT) o |= O_CREAT;
	if (flags & H5F_ACC_EXCL) o |= O_EXCL;
	int fd = open(name, o | O_CLOEXEC, 0666);
	if (fd < 0) {
		int e = errno;
		H5Epush2(H5E_DEFAULT, __FILE__, __func__, __LINE__, H5E_ERR_CLS, H5E_VFL, H5E_CANTOPENFILE,
		         "unable to open file: name = '%s', errno = %d, error message = '%s'", name, e, strerror(e));
		return NULL;
	}
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		H5Epush2(H5E_DEFAULT, __FILE__, __func__, __LINE__, H5E_ERR_CLS, H5E_VFL, H5E_BADFILE,
		         "unable to fstat file: name = '%s', errno = %d, error message = '%s'", name, e, strerror(e));
		return NULL;
	}
	synb_guard_t *g = calloc(1, sizeof *g);
	if (g == NULL) {
		close(fd);
		H5Epush2(H5E_DEFAULT, __FILE__, __func__, __LINE__, H5E_ERR_CLS, H5E_VFL, H5E_CANTALLOC, "out of memory");
		return NULL;
	}
	g->fd = fd;
	g->eof = (haddr_t)st.st_size;
	g->dev = st.st_dev;
	g->ino = st.st_ino;
	g->undo = -1;
	const synb_guard_fa_t *fa = H5Pget_driver_info(fapl);
	if (fa != NULL && fa->undo[0] != 0) {
		// Armed before libhdf5 writes anything: opening for writing
		// already marks the superblock.
		char msg[512];
		if (synb_arm(g, fa->undo, msg, sizeof msg) < 0) {
			close(fd);
			free(g);
			H5Epush2(H5E_DEFAULT, __FILE__, __func__, __LINE__, H5E_ERR_CLS, H5E_VFL, H5E_CANTOPENFILE, "%s", msg);
			return NULL;
		}
		g->limit = g->eof;
		g->sync = fa->sync;
	}
	return &g->pub;
}

static herr_t synb_close(H5FD_t *f) {
	synb_guard_t *g = (synb_guard_t *)f;
	int bad = 0, e = 0;
	if (g->undo >= 0 && close(g->undo) < 0) bad = 1, e = errno;
	if (close(g->fd) < 0 && !bad) bad = 1, e = errno;
	free(g);
	if (bad) {
		synb_push(H5E_CANTCLOSEFILE, "close", 0, 0, e);
		return -1;
	}
	return 0;
}

static int synb_cmp(const H5FD_t *a, const H5FD_t *b) {
	const synb_guard_t *x = (const synb_guard_t *)a, *y = (const synb_guard_t *)b;
	if (x->dev != y->dev) return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino) return x->ino < y->ino ? -1 : 1;
	return 0;
}

static herr_t synb_query(const H5FD_t *f, unsigned long *flags) {
	(void)f;
	// sec2's features; get_handle returns the descriptor, as sec2's does.
	*flags = H5FD_FEAT_AGGREGATE_METADATA | H5FD_FEAT_ACCUMULATE_METADATA | H5FD_FEAT_DATA_SIEVE |
	         H5FD_FEAT_AGGREGATE_SMALLDATA | H5FD_FEAT_POSIX_COMPAT_HANDLE;
#ifdef H5FD_FEAT_DEFAULT_VFD_COMPATIBLE
	*flags |= H5FD_FEAT_DEFAULT_VFD_COMPATIBLE;
#endif
	return 0;
}

static haddr_t synb_get_eoa(const H5FD_t *f, H5FD_mem_t type) {
	(void)type;
	return ((const synb_guard_t *)f)->eoa;
}

static herr_t synb_set_eoa(H5FD_t *f, H5FD_mem_t type, haddr_t addr) {
	(void)type;
	((synb_guard_t *)f)->eoa = addr;
	return 0;
}

static haddr_t synb_get_eof(const H5FD_t *f, H5FD_mem_t type) {
	(void)type;
	return ((const synb_guard_t *)f)->eof;
}

static herr_t synb_get_handle(H5FD_t *f, hid_t fapl, void **handle) {
	(void)fapl;
	*handle = &((synb_guard_t *)f)->fd;
	return 0;
}

static herr_t synb_read(H5FD_t *f, H5FD_mem_t type, hid_t dxpl, haddr_t addr, size_t size, void *buf) {
	(void)type, (void)dxpl;
	synb_guard_t *g = (synb_guard_t *)f;
	if (addr == HADDR_UNDEF || addr > SYNB_MAXADDR || size > SYNB_MAXADDR - addr) {
		synb_push(H5E_OVERFLOW, "read", addr, size, EINVAL);
		return -1;
	}
	ssize_t n = synb_full_pread(g->fd, buf, size, (off_t)addr);
	if (n < 0) {
		synb_push(H5E_READERROR, "read", addr, size, errno);
		return -1;
	}
	// Past the end of the file reads as zeros, as with sec2.
	memset((unsigned char *)buf + n, 0, size - (size_t)n);
	return 0;
}

static herr_t synb_write(H5FD_t *f, H5FD_mem_t type, hid_t dxpl, haddr_t addr, size_t size, const void *buf) {
	(void)type, (void)dxpl;
	synb_guard_t *g = (synb_guard_t *)f;
	if (addr == HADDR_UNDEF || addr > SYNB_MAXADDR || size > SYNB_MAXADDR - addr) {
		synb_push(H5E_OVERFLOW, "write", addr, size, EINVAL);
		return -1;
	}
	int logged = synb_log(g, addr, size);
	if (logged < 0) return -1;
	if (synb_full_pwrite(g->fd, buf, size, (off_t)addr) < 0) {
		synb_push(H5E_WRITEERROR, "write", addr, size, errno);
		return -1;
	}
	if (addr + size > g->eof) g->eof = addr + size;
	if (logged && synb_guard_kill_after > 0 && ++synb_guard_overwrites >= synb_guard_kill_after)
		kill(getpid(), SIGKILL);
	return 0;
}

static herr_t synb_flush(H5FD_t *f, hid_t dxpl, hbool_t closing) {
	(void)f, (void)dxpl, (void)closing;
	return 0; // writes go straight to the kernel; the caller syncs
}

static herr_t synb_truncate(H5FD_t *f, hid_t dxpl, hbool_t closing) {
	(void)dxpl, (void)closing;
	synb_guard_t *g = (synb_guard_t *)f;
	if (g->eoa == g->eof) return 0;
	if (g->eoa < g->eof && synb_log(g, g->eoa, (size_t)(g->eof - g->eoa)) < 0) return -1;
	if (ftruncate(g->fd, (off_t)g->eoa) < 0) {
		synb_push(H5E_SEEKERROR, "truncate", g->eoa, 0, errno);
		return -1;
	}
	g->eof = g->eoa;
	return 0;
}

static herr_t synb_lock(H5FD_t *f, hbool_t rw) {
	synb_guard_t *g = (synb_guard_t *)f;
	if (flock(g->fd, (rw ? LOCK_EX : LOCK_SH) | LOCK_NB) < 0) {
		if (errno == ENOSYS) return 0; // a file system without locks, as sec2 allows
		synb_push(H5E_CANTLOCKFILE, "lock", 0, 0, errno);
		return -1;
	}
	return 0;
}

static herr_t synb_unlock(H5FD_t *f) {
	synb_guard_t *g = (synb_guard_t *)f;
	if (flock(g->fd, LOCK_UN) < 0 && errno != ENOSYS) {
		synb_push(H5E_CANTUNLOCKFILE, "unlock", 0, 0, errno);
		return -1;
	}
	return 0;
}

// Designated initialisers: the fields named exist, under these names, in
// the driver class of libhdf5 1.10 and of later versions, whose layout
// differs (H5FDdevelop.h of 1.14 adds a version, a value, vector and
// selection I/O, del and ctl, which stay zero here).
static const H5FD_class_t synb_guard_class = {
#ifdef H5FD_CLASS_VERSION
	.version = H5FD_CLASS_VERSION,
	.value = 0x5359, // an unregistered driver's value, far above the library's reserved 0–255
#endif
	.name = "synb_guard",
	.maxaddr = SYNB_MAXADDR,
	.fc_degree = H5F_CLOSE_WEAK,
	.fapl_size = sizeof(synb_guard_fa_t),
	.open = synb_open,
	.close = synb_close,
	.cmp = synb_cmp,
	.query = synb_query,
	.get_eoa = synb_get_eoa,
	.set_eoa = synb_set_eoa,
	.get_eof = synb_get_eof,
	.get_handle = synb_get_handle,
	.read = synb_read,
	.write = synb_write,
	.flush = synb_flush,
	.truncate = synb_truncate,
	.lock = synb_lock,
	.unlock = synb_unlock,
	.fl_map = H5FD_FLMAP_DICHOTOMY,
};

static hid_t synb_guard_id = -1;
static pthread_once_t synb_guard_once = PTHREAD_ONCE_INIT;

static void synb_guard_register(void) { synb_guard_id = H5FDregister(&synb_guard_class); }

int synb_guard_fapl(hid_t fapl, const char *undo, int sync) {
	pthread_once(&synb_guard_once, synb_guard_register);
	if (synb_guard_id < 0) return -1;
	synb_guard_fa_t fa;
	memset(&fa, 0, sizeof fa);
	if (undo != NULL) {
		if (strlen(undo) >= sizeof fa.undo) return -1;
		strcpy(fa.undo, undo);
		fa.sync = sync;
	}
	return H5Pset_driver(fapl, synb_guard_id, &fa) < 0 ? -1 : 0;
}

// synb_arm opens the new undo log for g (its limit is set by the caller).
static int synb_arm(synb_guard_t *g, const char *undo, char *eb, size_t ebcap) {
	// The path at most 300 bytes in the message: the rest says what failed.
	int fd = open(undo, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0) {
		int e = errno;
		snprintf(eb, ebcap, "create undo log %.300s: errno = %d, error message = '%s'", undo, e, strerror(e));
		return -1;
	}
	if (write(fd, SYNB_GUARD_MAGIC, 8) != 8) {
		int e = errno;
		snprintf(eb, ebcap, "write undo log %.300s: errno = %d, error message = '%s'", undo, e, strerror(e));
		close(fd);
		return -1;
	}
	g->undo = fd;
	return 0;
}
