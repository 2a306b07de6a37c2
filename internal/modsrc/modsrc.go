// Package modsrc finds the module's root for tests that run the go command
// on the module in a child process (building it for another target, with
// a GOEXPERIMENT, or with -gcflags=-S).
//
// The go command caches a test's result keyed on its binary and the files
// the test opened or looked at; the child's reads it does not see. So Root
// looks at (os.Stat) every Go file, go.mod and go.sum under the root:
// editing any of them then reruns those tests, where otherwise a change
// to code the test binary does not contain (another build's files) would
// leave a stale pass in the cache.
package modsrc

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Root returns the module's root directory, found from the working
// directory upwards, having looked at every Go source under it. The walk
// runs once per process; Root is safe for concurrent use.
func Root() (string, error) { return walk() }

var walk = sync.OnceValues(func() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("modsrc: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", fmt.Errorf("modsrc: no go.mod above the working directory")
		}
		dir = up
	}
	err = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != dir && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if !d.IsDir() && (strings.HasSuffix(path, ".go") || d.Name() == "go.mod" || d.Name() == "go.sum") {
			_, err = os.Stat(path)
		}
		return err
	})
	if err != nil {
		return "", fmt.Errorf("modsrc: module sources: %w", err)
	}
	return dir, nil
})
