package main

import (
	"errors"
	"strings"
	"syscall"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/generate"
)

// TestInterruptedExit: a signal that stops a run exits 128+signal, with
// the resume hint when samples were kept; one that arrives after the
// command finished (its dataset complete and committed) exits 0 with a
// note; without a signal the ordinary error handling applies.
func TestInterruptedExit(t *testing.T) {
	term := &interrupted{syscall.SIGTERM}
	for _, c := range []struct {
		name       string
		err, cause error
		code       int
		ok         bool
		msg        string
	}{
		{"no signal", errors.New("disk full"), nil, 0, false, ""},
		{"no signal, other cause", nil, errors.New("deadline"), 0, false, ""},
		{"stopped", errors.New("generate: stopped"), term, 143, true, "synbols-gpu: interrupted (SIGTERM)"},
		{"suspended", &generate.SuspendedError{Path: "o.h5", Done: 41990, N: 100000}, term, 143, true,
			"synbols-gpu: interrupted (SIGTERM) after 41,990 of 100,000 samples; run the same command with --resume to continue"},
		{"after the work", nil, &interrupted{syscall.SIGINT}, 0, true, "synbols-gpu: interrupted (SIGINT) after the work was complete; its output is kept"},
	} {
		code, msg, ok := interruptedExit(c.err, c.cause)
		if code != c.code || ok != c.ok || msg != c.msg {
			t.Errorf("%s: got %d, %q, %v; want %d, %q, %v", c.name, code, msg, ok, c.code, c.msg, c.ok)
		}
		if strings.Contains(msg, "\n") {
			t.Errorf("%s: message of more than one line: %q", c.name, msg)
		}
	}
}
