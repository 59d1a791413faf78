package main

import (
	"regexp"
	"strconv"
	"time"
)

// runStatsLine matches the line a tdc binary prints about its run with
// -stats (docs/cli.md, "What a run reports"), with or without the
// "process N: " that tdc launch puts before each line of a process.
var runStatsLine = regexp.MustCompile(`(?m)tdc-stats: dataflow=\S+ process=\d+ workers=\d+ run_s=([0-9.]+) cpu_s=([0-9.]+) gc_cpu_s=([0-9.]+) allocs=(\d+) alloc_bytes=\d+ gc_cycles=\d+$`)

// runStats is what the tdc-stats lines of one run say, summed over its
// processes.
type runStats struct {
	processes int
	run       time.Duration // the longest process's run
	cpu       float64       // seconds, all processes
	gcCPU     float64       // seconds, all processes
	allocs    int64         // heap allocations, all processes
}

// parseRunStats reads every tdc-stats line of stderr; processes is 0
// when there are none.
func parseRunStats(stderr []byte) runStats {
	var s runStats
	for _, m := range runStatsLine.FindAllSubmatch(stderr, -1) {
		run, _ := strconv.ParseFloat(string(m[1]), 64)
		cpu, _ := strconv.ParseFloat(string(m[2]), 64)
		gc, _ := strconv.ParseFloat(string(m[3]), 64)
		allocs, _ := strconv.ParseInt(string(m[4]), 10, 64)
		s.processes++
		s.run = max(s.run, time.Duration(run*float64(time.Second)))
		s.cpu += cpu
		s.gcCPU += gc
		s.allocs += allocs
	}
	return s
}

// gcFraction is the share of the run's CPU time that went to garbage
// collection, -1 when the CPU time is unknown.
func (s runStats) gcFraction() float64 {
	if s.cpu <= 0 {
		return -1
	}
	return min(s.gcCPU/s.cpu, 1)
}
