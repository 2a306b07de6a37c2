// The C side of guard.go: see guard.c.
#ifndef SYNB_GUARD_H
#define SYNB_GUARD_H

#include <hdf5.h>

#define SYNB_GUARD_MAGIC "SYNBUNDO"

extern long synb_guard_kill_after;
long synb_guard_synced(void);

// Defined in hdf5.go's preamble.
void synb_capture(char *eb, size_t cap, const char *fn);
void synb_quiet(void);

int synb_guard_fapl(hid_t fapl, const char *undo, int sync);

#endif
