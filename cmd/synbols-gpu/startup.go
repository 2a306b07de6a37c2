package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/synbols-gpu/synbols-gpu/fonts"
	"github.com/synbols-gpu/synbols-gpu/generate"
)

// startup measures generate's start-up for --stats: the time and peak
// memory before the first sample is planned, and the font files opened
// by then. A slow or fat start (a big font pool read on every run) shows
// here, apart from the run's own stages.
type startup struct {
	begin  time.Time // the command started
	loaded time.Time // fonts loaded, atlas opened (c.load)
	ready  time.Time // generate.Config.Begin: set-up and plan done
	peak   int64     // VmHWM at ready, bytes (0: unknown)
	opened int64     // font files opened by ready
}

// atReady is generate.Config.Begin for --stats.
func (s *startup) atReady(generate.Layout) error {
	s.ready = time.Now()
	s.peak = peakRSS()
	s.opened = fonts.FilesOpened()
	return nil
}

func (s *startup) print(w io.Writer) {
	if s.ready.IsZero() {
		return
	}
	rss := "unknown"
	if s.peak > 0 {
		rss = humanBytes(s.peak)
	}
	fmt.Fprintf(w, "start-up: %.3f s before the first sample (fonts and atlas %.3f s, catalogue, font checks and plan %.3f s), peak RSS %s, %d font files opened\n",
		s.ready.Sub(s.begin).Seconds(), s.loaded.Sub(s.begin).Seconds(), s.ready.Sub(s.loaded).Seconds(), rss, s.opened)
}

// peakRSS is the process's peak resident set (VmHWM of
// /proc/self/status), 0 where that is not available.
func peakRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}
