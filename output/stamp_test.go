package output

import (
	"errors"
	"os"
	"testing"
	"time"
)

// TestStamp: without SOURCE_DATE_EPOCH, the local time in the original's
// layout; with it, that time in UTC; malformed values are ErrInput.
func TestStamp(t *testing.T) {
	for v, want := range map[string]string{"0": "1970-Jan-01_00:00:00", "1764633600": "2025-Dec-02_00:00:00", "253402300799": "9999-Dec-31_23:59:59"} {
		t.Setenv(SourceDateEpochEnv, v)
		got, err := Stamp()
		if err != nil || got != want {
			t.Errorf("SOURCE_DATE_EPOCH=%s: %q, %v; want %q", v, got, err, want)
		}
	}
	for _, v := range []string{"", "yesterday", "-1", "1.5", " 12", "253402300800", "99999999999999999999"} {
		t.Setenv(SourceDateEpochEnv, v)
		if got, err := Stamp(); !errors.Is(err, ErrInput) {
			t.Errorf("SOURCE_DATE_EPOCH=%q: %q, %v; want ErrInput", v, got, err)
		}
	}
	// Unset: the clock. (t.Setenv restores the variable afterwards.)
	t.Setenv(SourceDateEpochEnv, "x")
	os.Unsetenv(SourceDateEpochEnv)
	got, err := Stamp()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := time.Parse(TimestampFormat, got); err != nil {
		t.Errorf("unset: %q does not parse as %s: %v", got, TimestampFormat, err)
	}
}
