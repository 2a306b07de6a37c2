package spec

import (
	"errors"
	"strconv"
	"strings"
	"unicode"
)

// Sentinel errors. Every error this package returns wraps one of them, so
// callers can tell a bad file (ErrInvalid) from a spec that is valid but
// cannot be drawn with the fonts at hand (ErrUniverse).
var (
	// ErrInvalid: a spec file does not parse or breaks a rule of the language.
	ErrInvalid = errors.New("spec: invalid spec")
	// ErrUnknownPreset: no embedded preset has the requested name.
	ErrUnknownPreset = errors.New("spec: unknown preset")
	// ErrUniverse: the spec names characters or fonts the universe lacks, or
	// the universe is empty.
	ErrUniverse = errors.New("spec: spec does not fit the universe")
)

// Error locates a problem in a spec: the file (or spec name), the field path
// in the language's dotted form (symbol.rotation.normal.std, values[2]) and,
// when known, the line. It prints as one line, e.g.
//
//	spec: my.yaml: symbol.rotation.normal.std: must be ≥ 0, got -1 (line 7)
//
// and unwraps to ErrInvalid or ErrUniverse.
type Error struct {
	Err  error // ErrInvalid or ErrUniverse
	File string
	Path string // empty for problems with the whole file (YAML syntax)
	Line int    // 1-based; 0 when unknown
	Msg  string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("spec: ")
	b.WriteString(printable(e.File))
	b.WriteString(": ")
	if e.Path != "" {
		b.WriteString(printable(e.Path))
		b.WriteString(": ")
	}
	// One line, whatever the message (yaml.v3 may report several lines).
	b.WriteString(strings.Join(strings.Fields(strings.ReplaceAll(e.Msg, "\n", "; ")), " "))
	if e.Line > 0 {
		b.WriteString(" (line ")
		b.WriteString(strconv.Itoa(e.Line))
		b.WriteString(")")
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// printable returns s, or s quoted (Go syntax) when it holds a character
// that is not printable: a field name or a file name with a newline or a
// carriage return must not break the one-line error.
func printable(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
		return strconv.Quote(s)
	}
	return s
}
