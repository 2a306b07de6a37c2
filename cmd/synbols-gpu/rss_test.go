package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// BenchmarkPeakRSS runs generate on 10⁵ and 10⁶ samples into a file and on
// 10⁷ as a dry run (everything but the file, splits included), and reports
// the process' peak resident memory (ru_maxrss) and bytes per sample above
// the 10⁵ run. The goal is ≤ 1 GiB at 10⁷: per sample a run keeps only
// its compact columns (15 bytes), everything else is per batch.
//
//	go test -run '^$' -bench PeakRSS -benchtime 1x ./cmd/synbols-gpu
//
// SYNBOLS_RSS_SIZES (e.g. "100000,1000000") picks other sizes.
func BenchmarkPeakRSS(b *testing.B) {
	sizes := []int{100_000, 1_000_000, 10_000_000}
	if s := os.Getenv("SYNBOLS_RSS_SIZES"); s != "" {
		sizes = nil
		for _, f := range strings.Split(s, ",") {
			n, err := strconv.Atoi(f)
			if err != nil {
				b.Fatal(err)
			}
			sizes = append(sizes, n)
		}
	}
	for _, n := range sizes {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			dir := b.TempDir()
			args := []string{"generate", "--n_samples", fmt.Sprint(n), "--system-fonts=false", "--quiet"}
			if n >= 10_000_000 {
				args = append(args, "--dry-run")
			} else {
				args = append(args, "--out", filepath.Join(dir, "x.h5py"), "--force") // b.N runs replace it
			}
			for range b.N {
				cmd := child(dir, nil, args...)
				cmd.Stderr = os.Stderr
				if err := cmd.Run(); err != nil {
					b.Fatalf("%v: %v", args, err)
				}
				ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
				mib := float64(ru.Maxrss) / 1024 // Linux reports KiB
				b.ReportMetric(mib, "peak-MiB")
				b.ReportMetric(float64(ru.Maxrss)*1024/float64(n), "peak-B/sample")
				os.Remove(filepath.Join(dir, "x.h5py"))
			}
		})
	}
}
