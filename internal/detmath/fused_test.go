//go:build !amd64 || amd64.v3

package detmath

const mathUnfused = false
