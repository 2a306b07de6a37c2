package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"strings"
	"testing"
)

// TestSubcommandConventions: what TestConventions and TestFaultFlags do
// not already cover, for every sub-command: --help prints on stdout a
// usage that names the sub-command and spells every flag --flag, and an
// unknown flag is a one-line usage error (exit 2) naming the flag.
func TestSubcommandConventions(t *testing.T) {
	for _, c := range []struct {
		cmd   []string
		flags bool // has flags to list
	}{
		{[]string{"generate"}, true},
		{[]string{"stream"}, true},
		{[]string{"bench"}, true},
		{[]string{"fonts", "list"}, true},
		{[]string{"fonts", "check"}, true},
		{[]string{"fonts", "show"}, true},
		{[]string{"fonts", "install"}, true},
		{[]string{"fonts"}, false},
		{[]string{"presets"}, false},
		{[]string{"info"}, true},
		{[]string{"view"}, true},
		{[]string{"split"}, true},
		{[]string{"merge"}, true},
	} {
		name := strings.Join(c.cmd, " ")
		t.Run(name, func(t *testing.T) {
			var out, errb bytes.Buffer
			err := run(context.Background(), append(c.cmd, "--help"), &out, &errb)
			if err != nil && !errors.Is(err, flag.ErrHelp) {
				t.Fatalf("--help: %v", err)
			}
			help := out.String()
			if !strings.Contains(help, "synbols-gpu "+name) {
				t.Errorf("--help does not name %q:\n%s", name, help)
			}
			// A flag line is indented two spaces (its usage four).
			var flags, single []string
			for _, line := range strings.Split(help, "\n") {
				if f, ok := strings.CutPrefix(line, "  "); ok && strings.HasPrefix(f, "-") {
					flags = append(flags, f)
					if !strings.HasPrefix(f, "--") {
						single = append(single, f)
					}
				}
			}
			if c.flags && len(flags) == 0 {
				t.Errorf("--help lists no --flag:\n%s", help)
			}
			if len(single) > 0 {
				t.Errorf("--help spells flags with one dash: %q", single)
			}
			if errb.Len() != 0 {
				t.Errorf("--help wrote to stderr: %q", errb.String())
			}
			if !c.flags {
				return
			}
			code, _, errs := command(t, t.TempDir(), append(c.cmd, "--no-such-flag")...)
			if code != 2 {
				t.Errorf("unknown flag: exit %d, want 2: %s", code, errs)
			}
			oneLine(t, errs, "no-such-flag", name)
		})
	}
}
