// Package filekind names the kinds of file a path can hold, for the
// messages that refuse one that is not a regular file: a dataset, a
// picture or a lock written over a device node replaces the node, and a
// read that opens a named pipe blocks until some writer appears.
package filekind

import "io/fs"

// Name describes m's file type as a message's noun phrase: "a
// directory", "a character device", "a named pipe (fifo)"…
func Name(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return "a regular file"
	case m.IsDir():
		return "a directory"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (fifo)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	default:
		return "not a regular file (" + m.Type().String() + ")"
	}
}
