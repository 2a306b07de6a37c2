package generate

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/synbols-gpu/synbols-gpu/engine/cpu"
	"github.com/synbols-gpu/synbols-gpu/output"
	"github.com/synbols-gpu/synbols-gpu/spec"
)

// TestShardOfTiles: for every dataset size up to 60 and every shard count
// up to the size, ShardOf's ranges tile [0, n) in order, each non-empty,
// sizes differing by at most one.
func TestShardOfTiles(t *testing.T) {
	for n := 1; n <= 60; n++ {
		for parts := 1; parts <= n; parts++ {
			next, lo, hi := 0, n, 0
			for k := range parts {
				r, err := ShardOf(k, parts, n)
				if err != nil {
					t.Fatalf("ShardOf(%d, %d, %d): %v", k, parts, n, err)
				}
				if r.Start != next || r.End <= r.Start {
					t.Fatalf("ShardOf(%d, %d, %d) = %v after row %d", k, parts, n, r, next)
				}
				next = r.End
				lo, hi = min(lo, r.End-r.Start), max(hi, r.End-r.Start)
			}
			if next != n || hi-lo > 1 {
				t.Fatalf("%d shards of %d: end %d, sizes %d..%d", parts, n, next, lo, hi)
			}
		}
	}
	for _, c := range [][3]int{{3, 3, 10}, {-1, 3, 10}, {0, 0, 10}, {0, 12, 10}, {0, 1, 0}} {
		if _, err := ShardOf(c[0], c[1], c[2]); !errors.Is(err, ErrConfig) {
			t.Errorf("ShardOf%v: %v, want ErrConfig", c, err)
		}
	}
}

// TestShardConfig: a shard outside the dataset, of another format, with
// a preview or a Start is refused before anything is written.
func TestShardConfig(t *testing.T) {
	lib, at := env(t)
	sp, err := spec.Preset("default")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, c := range []struct {
		name string
		mod  func(*Config)
	}{
		{"past the end", func(c *Config) { c.Shard = Range{5, 11} }},
		{"empty", func(c *Config) { c.Shard = Range{4, 4} }},
		{"negative", func(c *Config) { c.Shard = Range{-1, 4} }},
		{"npz", func(c *Config) { c.Format = output.FormatNPZ; c.Out = filepath.Join(dir, "s.npz") }},
		{"preview", func(c *Config) { c.Preview = true }},
		{"start", func(c *Config) { c.Start = 2 }},
	} {
		cfg := Config{Spec: sp, N: 10, Seed: 1, Out: filepath.Join(dir, "s.h5py"), Shard: Range{2, 6},
			Fonts: lib, SkipFontChecks: true, Atlas: at, Backend: cpu.New(1), Workers: 1}
		c.mod(&cfg)
		if _, err := Run(context.Background(), cfg); !errors.Is(err, ErrConfig) {
			t.Errorf("%s: %v, want ErrConfig", c.name, err)
		}
		if ents, _ := os.ReadDir(dir); len(ents) != 0 {
			t.Fatalf("%s: left %v", c.name, ents)
		}
	}
	res, err := Run(context.Background(), Config{Spec: sp, N: 10, Seed: 1, Out: filepath.Join(dir, "s.h5py"), Shard: Range{2, 6},
		Fonts: lib, SkipFontChecks: true, Atlas: at, Backend: cpu.New(1), Workers: 1})
	if err != nil || res.N != 4 {
		t.Fatalf("shard [2, 6): %v, %d samples", err, res.N)
	}
}
