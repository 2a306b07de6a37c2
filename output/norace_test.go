//go:build !race

package output

// raceEnabled reports a -race build.
const raceEnabled = false
