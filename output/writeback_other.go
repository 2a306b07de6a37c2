//go:build !linux

package output

import "os"

// writeback is a no-op where sync_file_range does not exist; the commit's
// fsync writes everything.
func writeback(*os.File) {}
