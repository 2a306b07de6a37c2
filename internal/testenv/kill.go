package testenv

import (
	"os"
	"os/exec"
	"strconv"
	"testing"
)

// KillAtEachGuardedWrite is the crash test of a change guarded by an undo
// log (internal/hdf5's OpenGuarded): for k = 1, 2, … it runs this test
// binary's test run (a -test.run pattern whose child does the change) with
// prepare(k)'s environment and SYNBOLS_TEST_KILL_IN_GUARD=k, which SIGKILLs
// it right after its k-th guarded overwrite, then calls check(k) on what
// the kill left. It stops at the first child that finishes unkilled (every
// point was tried) and returns how many were killed; a child that fails
// otherwise, or more than limit kills, fails the test.
func KillAtEachGuardedWrite(t testing.TB, limit int, run string, prepare func(k int) []string, check func(k int)) (killed int) {
	t.Helper()
	for k := 1; ; k++ {
		if k > limit {
			t.Fatalf("more than %d guarded overwrites: the change grew, or the kill hook is never reached", limit)
		}
		cmd := exec.Command(os.Args[0], "-test.run="+run)
		cmd.Env = append(append(os.Environ(), prepare(k)...), "SYNBOLS_TEST_KILL_IN_GUARD="+strconv.Itoa(k))
		out, err := cmd.CombinedOutput()
		if err == nil {
			return killed
		}
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != -1 {
			t.Fatalf("child %d: %v: %s", k, err, out)
		}
		killed++
		check(k)
	}
}
