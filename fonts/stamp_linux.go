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

// fileID is the file's device and inode, for the face index (index.go);
// ok is false where the platform does not give them.
func fileID(fi os.FileInfo) (dev, ino uint64, ok bool) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Dev), st.Ino, true
	}
	return 0, 0, false
}

// identityKnown: fileID and changeTime give a file's identity here.
const identityKnown = true
