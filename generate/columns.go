package generate

import (
	"slices"
	"sync"
)

// codebook maps the char or font names of a run to dense uint32 codes, so
// that the columns the splits need cost 4 bytes a sample instead of a
// string header each (and a million-sample run does not hold 32 MB of
// headers per column).
//
// The names of the universe are coded up front and read without locking;
// a name outside it (a multi-symbol scene without symbols records "") is
// added under a mutex. Codes may then depend on the order workers meet
// such names, but nothing depends on the codes: the splits see the
// names (splitCodes sorts them).
//
// Safe for concurrent use.
type codebook struct {
	base  map[string]uint32 // read-only after newCodebook
	mu    sync.Mutex
	extra map[string]uint32
	names []string // by code; guarded by mu past len(base)
}

func newCodebook(names []string) *codebook {
	cb := &codebook{base: make(map[string]uint32, len(names)), extra: map[string]uint32{}}
	for _, n := range names {
		if _, ok := cb.base[n]; !ok {
			cb.base[n] = uint32(len(cb.names))
			cb.names = append(cb.names, n)
		}
	}
	return cb
}

func (cb *codebook) code(name string) uint32 {
	if c, ok := cb.base[name]; ok {
		return c
	}
	cb.mu.Lock()
	defer cb.mu.Unlock()
	if c, ok := cb.extra[name]; ok {
		return c
	}
	c := uint32(len(cb.names))
	cb.extra[name] = c
	cb.names = append(cb.names, name)
	return c
}

// table returns the names by code, once no more codes are added.
func (cb *codebook) table() []string {
	cb.mu.Lock()
	defer cb.mu.Unlock()
	return slices.Clone(cb.names)
}
