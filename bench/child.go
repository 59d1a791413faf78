package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"syscall"
	"time"
)

// measure is what one run of a child process gave.
type measure struct {
	wall     time.Duration
	maxRSS   int64   // bytes, the largest process
	gcFrac   float64 // share of CPU in GC, -1 when unknown
	wire     int64   // data bytes sent between processes, summed
	stdout   []byte
	stderr   []byte
	allocsPR float64       // allocations per record, -1 when unknown
	allocs   int64         // allocations of the run (tdc-stats), -1 when unknown
	run      time.Duration // the program's own time of its run (tdc-stats), 0 when unknown
	cpu      time.Duration // user and system CPU time (start-up rows only)
	note     string        // said in the row
}

// gcLine matches a gctrace line: "gc 12 @0.5s 3%: ...".
var gcLine = regexp.MustCompile(`(?m)gc \d+ @[0-9.]+s (\d+)%:`)

// statsLine matches what -stats prints for each process.
var statsLine = regexp.MustCompile(`sent (\d+) data bytes`)

// runChild runs name with args, GODEBUG=gctrace=1 in its environment,
// and measures it. A tdc binary run with -stats reports its run itself
// (parseRunStats): its time, allocations and GC CPU come from there,
// the rest from the child's rusage and the gctrace lines.
func runChild(name string, args ...string) (measure, error) {
	cmd := exec.Command(name, args...)
	var out, errb bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &errb
	cmd.Env = append(os.Environ(), "GODEBUG=gctrace=1")
	start := time.Now()
	err := cmd.Run()
	m := measure{wall: time.Since(start), stdout: out.Bytes(), stderr: errb.Bytes(), gcFrac: -1, allocsPR: -1, allocs: -1}
	if err != nil {
		return m, fmt.Errorf("%s: %v\n%s", name, err, tail(errb.Bytes()))
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		m.maxRSS = ru.Maxrss * 1024
	}
	m.gcFrac = lastGC(errb.Bytes())
	if rs := parseRunStats(errb.Bytes()); rs.processes > 0 {
		m.run, m.allocs = rs.run, rs.allocs
		if f := rs.gcFraction(); f >= 0 {
			m.gcFrac = f
		}
	}
	for _, s := range statsLine.FindAllSubmatch(errb.Bytes(), -1) {
		n, _ := strconv.ParseInt(string(s[1]), 10, 64)
		m.wire += n
	}
	return m, nil
}

// lastGC is the GC CPU share of the last gctrace line (the runtime's
// figure since the start), or 0 with no collection at all. With several
// processes it is the largest of each process's last line, roughly.
func lastGC(stderr []byte) float64 {
	all := gcLine.FindAllSubmatch(stderr, -1)
	if len(all) == 0 {
		return 0
	}
	best := 0.0
	for _, s := range all[max(0, len(all)-4):] {
		p, _ := strconv.ParseFloat(string(s[1]), 64)
		best = max(best, p/100)
	}
	return best
}

// tail is the end of a child's standard error, without gctrace lines.
func tail(b []byte) string {
	b = gcLine.ReplaceAll(b, nil)
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}
