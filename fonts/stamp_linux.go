package fonts

import (
	"os"
	"syscall"
)

// changeTime is the file's status change time (st_ctim) in nanoseconds.
// Unlike the modification time it cannot be set by a program (cp -p,
// touch -d), so any write or truncation since Load shows in it.
func changeTime(fi os.FileInfo) int64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return st.Ctim.Nano()
	}
	return 0
}
