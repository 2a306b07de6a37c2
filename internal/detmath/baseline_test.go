//go:build amd64 && !amd64.v3

package detmath

// mathUnfused: math's pure-Go functions are compiled without fused
// multiply-adds here (amd64 below v3), so those this package follows must
// agree with them bit for bit.
const mathUnfused = true
