package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"
)

// report is what a child in mode -inproc prints: its own measurements.
type report struct {
	WallNS   int64   `json:"wall_ns"`
	Allocs   float64 `json:"allocs_per_record"`
	GC       float64 `json:"gc_fraction"`
	Note     string  `json:"note"`
	BytesPS  float64 `json:"bytes_per_second"`
	Finished bool    `json:"finished"`
}

// runInproc is the child mode "-inproc KIND ARGS...": the measurements
// that run in a process's own runtime (the host-fed exchange, latency,
// memcpy) run in a child, so that the suite's own memory never shows in
// a child's peak (a child's maxrss starts from its parent's at fork).
func runInproc(kind string, args []string, out io.Writer) error {
	n := make([]int, len(args))
	for i, a := range args {
		v, err := strconv.Atoi(a)
		if err != nil {
			return fmt.Errorf("-inproc %s: %v", kind, err)
		}
		n[i] = v
	}
	var m measure
	var r report
	var err error
	switch {
	case kind == "exchange" && len(n) == 3:
		m, err = runHostExchange(n[0], n[1], n[2])
	case kind == "latency" && len(n) == 2:
		m, err = latencyRun(n[0], n[1])
	case kind == "memcpy" && len(n) == 1:
		r.BytesPS = memcpyBandwidth(n[0])
	default:
		return fmt.Errorf("-inproc %s %v: unknown measurement", kind, args)
	}
	if err != nil {
		return err
	}
	r.WallNS, r.Allocs, r.GC, r.Note, r.Finished = int64(m.wall), m.allocsPR, m.gcFrac, m.note, true
	return json.NewEncoder(out).Encode(r)
}

// inproc runs the child mode -inproc kind args and returns its
// measurements, with the child's peak memory.
func (e *env) inproc(kind string, args ...int) (measure, report, error) {
	cmdArgs := []string{"-inproc", kind}
	for _, a := range args {
		cmdArgs = append(cmdArgs, itoa(a))
	}
	m, err := runChild(e.self, cmdArgs...)
	if err != nil {
		return m, report{}, err
	}
	var r report
	if err := json.Unmarshal(m.stdout, &r); err != nil || !r.Finished {
		return m, r, fmt.Errorf("-inproc %s: bad report %q: %v", kind, m.stdout, err)
	}
	if r.WallNS > 0 {
		m.wall = time.Duration(r.WallNS)
	}
	m.allocsPR, m.gcFrac, m.note = r.Allocs, r.GC, r.Note
	return m, r, nil
}
