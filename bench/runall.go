package main

import (
	"fmt"
	"os"
	"strings"
	"time"
)

// runAll measures the machine, the baselines and every configuration.
func (e *env) runAll(t *table) error {
	t.Quick, t.Runs, t.StartedUTC = e.o.quick, e.o.runs, stamp()
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		t.Load = strings.Join(strings.Fields(string(b))[:3], " ")
	}
	e.logf("measuring loopback TCP and memcpy")
	tcp, err := tcpThroughput(e.self, e.sz.tcpBytes)
	if err != nil {
		return fmt.Errorf("tcp: %v", err)
	}
	_, mem, err := e.inproc("memcpy", 20)
	if err != nil {
		return err
	}
	t.TCPBytesPS, t.MemcpyBPS = tcp, mem.BytesPS
	base := map[string]time.Duration{}
	for _, kind := range []string{"pagerank", "reach"} {
		var ms []measure
		for range e.o.runs {
			m, err := runChild(e.self, "-baseline", kind, e.graph)
			if err != nil {
				return err
			}
			ms = append(ms, m)
		}
		m := medianOf(ms)
		base[kind] = m.wall
		recs := float64(e.sz.edges)
		if kind == "pagerank" {
			recs *= 20
		}
		t.Rows = append(t.Rows, e.row(config{program: kind + " (Go, 1 thread)", workers: 1, procs: 1, records: recs}, ms, nil, 0, 0))
	}
	var startup []config
	for _, c := range e.configs() {
		if e.o.only != nil && !e.o.only.MatchString(c.program) {
			continue
		}
		if c.startup != nil {
			startup = append(startup, c)
			continue
		}
		e.logf("%s %dx%d", c.program, c.workers, c.procs)
		var ours, theirs []measure
		for range e.o.runs {
			m, err := c.run()
			if err != nil {
				return fmt.Errorf("%s %dx%d: %v", c.program, c.workers, c.procs, err)
			}
			ours = append(ours, m)
			if e.o.timely != "" && c.timely != nil {
				tm, err := e.runTimely(c.timely, c.procs)
				if err != nil {
					return fmt.Errorf("timely %v: %v", c.timely, err)
				}
				theirs = append(theirs, tm)
			}
		}
		t.Rows = append(t.Rows, e.row(c, ours, theirs, base[c.baseline], tcp))
	}
	if len(startup) > 0 {
		return e.runStartup(t, startup)
	}
	return nil
}

// row summarizes the runs of c.
func (e *env) row(c config, ours, theirs []measure, base time.Duration, tcp float64) row {
	m := medianOf(ours)
	r := row{
		Program: c.program, Workers: c.workers, Processes: c.procs,
		WallSeconds: m.wall.Seconds(), RunSeconds: m.run.Seconds(), PeakBytes: m.maxRSS,
		AllocsPerRec: m.allocsPR, GCFraction: m.gcFrac, Note: m.note,
	}
	if m.allocs >= 0 && c.records > 0 && r.AllocsPerRec < 0 {
		r.AllocsPerRec = float64(m.allocs) / c.records
	}
	for _, o := range ours {
		r.Walls = append(r.Walls, o.wall.Seconds())
	}
	if c.records > 0 {
		r.RecordsPerS = c.records / m.wall.Seconds()
	}
	if base > 0 {
		r.VsBaseline = m.wall.Seconds() / base.Seconds()
	}
	if m.wire > 0 && c.records > 0 {
		r.WirePerRec = float64(m.wire) / c.records
		if c.wire && tcp > 0 {
			// The TCP figure counts from the connection on, so the
			// exchange's is taken over its own run when it reports one:
			// without process start and forming the cluster.
			t := m.wall
			if m.run > 0 {
				t = m.run
			}
			r.VsTCP = float64(m.wire) / t.Seconds() / tcp
		}
	}
	if len(theirs) > 0 {
		tm := medianOf(theirs)
		r.TimelySecs = tm.wall.Seconds()
		r.TimelyRatio = m.wall.Seconds() / tm.wall.Seconds()
		if tr := medianRun(theirs); tr > 0 && m.run > 0 {
			r.TimelyRunSecs = tr.Seconds()
			r.TimelyRunRatio = m.run.Seconds() / tr.Seconds()
		}
	}
	return r
}
