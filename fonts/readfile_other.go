//go:build !unix

package fonts

import "os"

// readFontFile reads a font file onto the heap (no mmap on this system).
func readFontFile(path string) ([]byte, error) { return os.ReadFile(path) }
