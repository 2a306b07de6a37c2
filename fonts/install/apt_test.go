package install

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
)

// fakeApt records the commands InstallPackages runs and answers
// apt-cache policy as apt does: nothing for unknown names, "Candidate:
// (none)" for names without an installable version.
type fakeApt struct {
	calls   [][]string
	unknown map[string]bool
	none    map[string]bool
	fail    string
}

func (f *fakeApt) run(_ context.Context, name string, args ...string) ([]byte, error) {
	f.calls = append(f.calls, append([]string{name}, args...))
	if len(args) > 0 && args[0] == f.fail {
		return nil, errors.New("exit status 100")
	}
	if name != "apt-cache" {
		return nil, nil
	}
	var b bytes.Buffer
	for _, p := range args[1:] {
		switch {
		case f.unknown[p]:
		case f.none[p]:
			b.WriteString(p + ":\n  Installed: (none)\n  Candidate: (none)\n  Version table:\n")
		default:
			b.WriteString(p + ":\n  Installed: (none)\n  Candidate: 1.0-1\n  Version table:\n     1.0-1 500\n")
		}
	}
	return b.Bytes(), nil
}

func TestInstallPackages(t *testing.T) {
	small, _ := TierPackages("small")
	f := &fakeApt{unknown: map[string]bool{small[0]: true}, none: map[string]bool{small[1]: true}}
	var warns []string
	var out bytes.Buffer
	got, err := InstallPackages(context.Background(), "small", InstallOptions{
		Run: f.run, IsRoot: func() bool { return true }, Out: &out,
		Warn: func(m string) { warns = append(warns, m) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, small[2:]) {
		t.Errorf("installed %q", got)
	}
	if len(warns) != 2 || !strings.Contains(warns[0], small[0]) || !strings.Contains(warns[1], small[1]) {
		t.Errorf("warnings %q", warns)
	}
	if len(f.calls) != 3 || f.calls[0][1] != "update" || f.calls[1][1] != "policy" ||
		!slices.Equal(f.calls[2][:4], []string{"apt-get", "install", "-y", "--no-install-recommends"}) ||
		!slices.Equal(f.calls[2][4:], small[2:]) {
		t.Errorf("calls %q", f.calls)
	}

	// Not root: refused before running anything; dry run needs no root.
	f = &fakeApt{}
	_, err = InstallPackages(context.Background(), "full", InstallOptions{Run: f.run, IsRoot: func() bool { return false }})
	if !errors.Is(err, ErrNotRoot) || len(f.calls) != 0 {
		t.Errorf("not root: %v, calls %q", err, f.calls)
	}
	out.Reset()
	got, err = InstallPackages(context.Background(), "full", InstallOptions{Run: f.run, IsRoot: func() bool { return false }, DryRun: true, Out: &out})
	if err != nil || len(got) < 400 || len(f.calls) != 1 || !strings.HasPrefix(out.String(), "+ apt-get install -y --no-install-recommends fonts-") {
		t.Errorf("dry run: %d packages, %v, calls %d, out %.80q", len(got), err, len(f.calls), out.String())
	}

	// apt-get failing is an error naming the step.
	f = &fakeApt{fail: "install"}
	_, err = InstallPackages(context.Background(), "small", InstallOptions{Run: f.run, IsRoot: func() bool { return true }})
	if !errors.Is(err, ErrInstall) || !strings.Contains(err.Error(), "apt-get install") {
		t.Errorf("failing install: %v", err)
	}
	// Nothing known: a clear error, no install attempted.
	all := map[string]bool{}
	for _, p := range small {
		all[p] = true
	}
	f = &fakeApt{unknown: all}
	_, err = InstallPackages(context.Background(), "small", InstallOptions{Run: f.run, IsRoot: func() bool { return true }, NoUpdate: true})
	if !errors.Is(err, ErrInstall) || len(f.calls) != 1 {
		t.Errorf("nothing known: %v, calls %q", err, f.calls)
	}
	if _, err := InstallPackages(context.Background(), "medium", InstallOptions{Run: f.run}); !errors.Is(err, ErrUnknownTier) {
		t.Errorf("unknown tier: %v", err)
	}
}

func TestTierPackages(t *testing.T) {
	small, err := TierPackages("small")
	if err != nil || len(small) < 5 || len(small) > 30 {
		t.Fatalf("small: %d packages, %v", len(small), err)
	}
	full, err := TierPackages("full")
	if err != nil || len(full) < 400 {
		t.Fatalf("full: %d packages, %v", len(full), err)
	}
	seen := map[string]bool{}
	for _, p := range full {
		if seen[p] {
			t.Errorf("full: %s twice", p)
		}
		seen[p] = true
	}
	for _, p := range small {
		if !seen[p] {
			t.Errorf("small package %s is not in full", p)
		}
	}
	if _, err := TierPackages("huge"); err == nil {
		t.Error("unknown tier accepted")
	}
}
