package output

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

// SourceDateEpochEnv names the reproducible-builds convention's variable:
// when it is set, Stamp gives its time instead of the clock's.
const SourceDateEpochEnv = "SOURCE_DATE_EPOCH"

// Stamp returns the timestamp a split records (the original's "timestamp"
// attribute, TimestampFormat): the current local time, as the original
// writes it, or, where SOURCE_DATE_EPOCH is set, that many seconds since
// 1970 in UTC. Every other byte of a file already depends only on its
// spec, seed and options, so with the variable set two runs write
// byte-identical files (for checksums, caches and data version control).
// A value that is not a whole number of seconds is an ErrInput.
func Stamp() (string, error) {
	v, ok := os.LookupEnv(SourceDateEpochEnv)
	if !ok {
		return time.Now().Format(TimestampFormat), nil
	}
	s, err := strconv.ParseInt(v, 10, 64)
	if err != nil || s < 0 || s > 253402300799 { // up to 9999-12-31
		return "", fmt.Errorf("%w: %s=%q: not a whole number of seconds since 1970", ErrInput, SourceDateEpochEnv, v)
	}
	return time.Unix(s, 0).UTC().Format(TimestampFormat), nil
}

// stamp is the timestamp split sp records: its own, or Stamp's when it
// has none.
func (sp *Split) stamp() (string, error) {
	if sp.Timestamp != "" {
		return sp.Timestamp, nil
	}
	return Stamp()
}
