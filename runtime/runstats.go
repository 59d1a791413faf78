package runtime

import (
	"fmt"
	"runtime/metrics"
	"time"
)

// What -stats says about a run as a whole, for benchmarks: one line per
// process at the end, in a fixed machine-readable form (see docs/cli.md),
//
//	tdc-stats: dataflow=NAME process=P workers=W run_s=S cpu_s=S gc_cpu_s=S allocs=N alloc_bytes=N gc_cycles=N
//
// The figures cover the run: from the moment the workers start (with
// several processes, once the cluster has formed, so that process start,
// connecting and the handshake are not in them) to the moment the last
// worker stops. cpu_s is the process's user and system CPU time over the
// run (from getrusage; 0 where the system has none), gc_cpu_s the
// runtime's estimate of the CPU the garbage collector used over the run
// (runtime/metrics, updated at the end of each cycle), allocs and
// alloc_bytes the heap allocations made over the run by every goroutine
// of the process.

// runUsage is a reading of what the process used so far.
type runUsage struct {
	at                 time.Time
	cpu                time.Duration // user + system CPU of the process
	allocs, allocBytes uint64
	gcCPU              float64 // seconds
	gcCycles           uint64
}

// runUsageMetrics are the runtime/metrics that runUsage reads, in the
// order readRunUsage expects them.
var runUsageMetrics = []string{
	"/gc/heap/allocs:objects",
	"/gc/heap/allocs:bytes",
	"/cpu/classes/gc/total:cpu-seconds",
	"/gc/cycles/total:gc-cycles",
}

// readRunUsage reads the process's usage now.
func readRunUsage() runUsage {
	s := make([]metrics.Sample, len(runUsageMetrics))
	for i, name := range runUsageMetrics {
		s[i].Name = name
	}
	metrics.Read(s)
	u := runUsage{at: time.Now(), cpu: processCPU()}
	u.allocs = metricUint(s[0])
	u.allocBytes = metricUint(s[1])
	if s[2].Value.Kind() == metrics.KindFloat64 {
		u.gcCPU = s[2].Value.Float64()
	}
	u.gcCycles = metricUint(s[3])
	return u
}

// metricUint is the value of s, or 0 when this Go has no such metric.
func metricUint(s metrics.Sample) uint64 {
	if s.Value.Kind() == metrics.KindUint64 {
		return s.Value.Uint64()
	}
	return 0
}

// beginRun notes the usage at the moment the workers start, when the
// run's statistics are wanted.
func (c *Computation) beginRun() {
	if c.cfg.Stats != nil {
		c.runBegin = readRunUsage()
	}
}

// printRunStats prints the run's line to Config.Stats: the usage from
// beginRun to now. It prints nothing when the workers never started.
func (c *Computation) printRunStats() {
	b := c.runBegin
	if b.at.IsZero() {
		return
	}
	e := readRunUsage()
	fmt.Fprintf(c.cfg.Stats, "tdc-stats: dataflow=%s process=%d workers=%d run_s=%.6f cpu_s=%.6f gc_cpu_s=%.6f allocs=%d alloc_bytes=%d gc_cycles=%d\n",
		c.graph.Name, c.cfg.Cluster.Index, c.cfg.Workers, e.at.Sub(b.at).Seconds(), (e.cpu - b.cpu).Seconds(),
		max(e.gcCPU-b.gcCPU, 0), e.allocs-b.allocs, e.allocBytes-b.allocBytes, e.gcCycles-b.gcCycles)
}
