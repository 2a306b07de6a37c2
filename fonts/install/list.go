package install

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// parseList reads a package list: one name per line; blank lines and
// everything after '#' are ignored; surrounding spaces are trimmed. It is
// the block-list format of fonts.ReadBlockList (a copy, so that this
// package does not import fonts): a binary line is an error, not a
// silent skip.
func parseList(r io.Reader) ([]string, error) {
	var out []string
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if !utf8.ValidString(line) || strings.ContainsFunc(line, func(r rune) bool { return r < ' ' && r != '\t' }) {
			return nil, fmt.Errorf("line %d is not text (a list of package names, one per line, is expected)", n)
		}
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return out, nil
}
