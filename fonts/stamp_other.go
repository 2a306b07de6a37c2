//go:build !linux

package fonts

import "os"

// changeTime is 0 where the change time is not read (its field differs
// between systems): size, modification time and os.SameFile still tell
// a changed file on those.
func changeTime(os.FileInfo) int64 { return 0 }
