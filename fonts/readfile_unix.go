//go:build unix

package fonts

import (
	"os"
	"syscall"
)

// readFontFile maps a font file read-only instead of reading it onto the
// heap. A full Debian font pool is several GB of files of which a run
// touches a few glyphs each: mapped, they cost page cache that the kernel
// can reclaim, not anonymous memory (reading them all peaked at 6.4 GB).
// The mapping lives as long as the process, like the Face that uses it.
// Empty files and files that cannot be mapped are read normally.
func readFontFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := st.Size()
	if size <= 0 || size != int64(int(size)) {
		return os.ReadFile(path)
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return os.ReadFile(path)
	}
	return data, nil
}
