//go:build !linux

package fonts

import "os"

// changeTime is 0 where the change time is not read (its field differs
// between systems): size, modification time and os.SameFile still tell
// a changed file on those.
func changeTime(os.FileInfo) int64 { return 0 }

// fileID reports no device and inode: without them and the change time
// the face index (index.go) is not trusted, and every file is read.
func fileID(os.FileInfo) (dev, ino uint64, ok bool) { return 0, 0, false }

// identityKnown: fileID and changeTime give a file's identity here.
const identityKnown = false
