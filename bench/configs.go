package main

import (
	"fmt"
	"slices"
	"time"
)

// config is one row of the table: a program in one configuration.
type config struct {
	program  string
	workers  int
	procs    int
	records  float64                 // records processed, for records/s
	run      func() (measure, error) // one run
	baseline string                  // "pagerank" or "reach": the row's baseline
	timely   []string                // timely's equivalent command, relative to -timely, without -n -p -h
	wire     bool                    // the cross-process exchange, compared with TCP
	startup  []string                // a start-up row's command (run is nil): many runs, interleaved with the other start-up rows
}

// ours runs a built program with -stats, through tdc launch when procs
// > 1.
func (e *env) ours(name string, workers, procs int, args ...string) func() (measure, error) {
	return func() (measure, error) {
		args := append(slices.Clip(args), "-stats")
		if procs > 1 {
			launch := append([]string{"launch", "-n", itoa(procs), "-w", itoa(workers), e.bin(name)}, args...)
			return runChild(e.tdc, launch...)
		}
		return runChild(e.bin(name), append([]string{"-w", itoa(workers)}, args...)...)
	}
}

// configs lists the rows of the suite.
func (e *env) configs() []config {
	s := e.sz
	var cs []config
	for _, w := range []int{1, 2} {
		cs = append(cs, config{
			program: "exchange-rounds", workers: w, procs: 1,
			records: float64(s.batch * s.rounds * w),
			run:     e.ours("exchange-rounds", w, 1, "-batch", itoa(s.batch), "-rounds", itoa(s.rounds)),
			timely:  []string{"exchange", itoa(s.batch), itoa(s.rounds), "-w", itoa(w)},
		})
	}
	cs = append(cs, config{
		program: "exchange-rounds", workers: 1, procs: 2,
		records: float64(s.batch * s.xrounds * 2),
		run:     e.ours("exchange-rounds", 1, 2, "-batch", itoa(s.batch), "-rounds", itoa(s.xrounds)),
		timely:  []string{"exchange", itoa(s.batch), itoa(s.xrounds), "-w", "1"},
	}, config{
		program: fmt.Sprintf("exchange-rounds batch %d", s.bigBatch), workers: 1, procs: 2,
		records: float64(s.bigBatch * s.bigR * 2), wire: true,
		run:    e.ours("exchange-rounds", 1, 2, "-batch", itoa(s.bigBatch), "-rounds", itoa(s.bigR)),
		timely: []string{"exchange", itoa(s.bigBatch), itoa(s.bigR), "-w", "1"},
	})
	for _, w := range []int{1, 2} {
		cs = append(cs, config{
			program: "exchange (host-fed, in-process)", workers: w, procs: 1,
			records: float64(s.batch * s.rounds * w),
			run: func() (measure, error) {
				m, _, err := e.inproc("exchange", w, s.batch, s.rounds)
				return m, err
			},
		})
	}
	cs = append(cs, config{
		program: fmt.Sprintf("pingpong %dx%d", s.iter, s.elements), workers: 2, procs: 1,
		records: float64(s.elements * s.iter),
		run:     e.ours("pingpong", 2, 1, "-elements", itoa(s.elements), "-iters", itoa(s.iter)),
		timely:  []string{"pingpong", itoa(s.iter), itoa(s.elements), "-w", "2"},
	})
	for _, w := range []int{1, 2} {
		cs = append(cs, config{
			program: "latency", workers: w, procs: 1, records: float64(s.epochs),
			run: func() (measure, error) {
				m, _, err := e.inproc("latency", w, s.epochs)
				return m, err
			},
		})
	}
	graph := []string{"-input", e.graph}
	for _, p := range []struct{ w, n int }{{1, 1}, {2, 1}, {1, 2}} {
		cs = append(cs, config{
			program: "pagerank", workers: p.w, procs: p.n, records: float64(s.edges * 20), baseline: "pagerank",
			run:    e.ours("pagerank", p.w, p.n, graph...),
			timely: []string{"classic_pagerank", e.graph, "20", "-w", itoa(p.w)},
		})
	}
	for _, p := range []struct{ w, n int }{{1, 1}, {2, 1}, {1, 2}} {
		cs = append(cs, config{
			program: "pagerank classic (-combine=false)", workers: p.w, procs: p.n, records: float64(s.edges * 20), baseline: "pagerank",
			run:    e.ours("pagerank", p.w, p.n, append(graph, "-combine=false")...),
			timely: []string{"classic_pagerank", e.graph, "20", "-w", itoa(p.w)},
		})
	}
	cs = append(cs, config{
		program: "pagerank-custom", workers: 2, procs: 1, records: float64(s.edges * 20), baseline: "pagerank",
		run: e.ours("pagerank-custom", 2, 1, graph...),
	})
	for _, p := range []struct{ w, n int }{{1, 1}, {2, 1}, {1, 2}} {
		cs = append(cs, config{
			program: "reach", workers: p.w, procs: p.n, records: float64(s.edges), baseline: "reach",
			run:    e.ours("reach", p.w, p.n, graph...),
			timely: []string{"reach", e.graph, "0", "-w", itoa(p.w)},
		})
	}
	for _, w := range []int{1, 2} {
		cs = append(cs, config{
			program: "wordcount", workers: w, procs: 1, records: float64(s.words),
			run: e.ours("wordcount", w, 1, "-input", e.text),
		})
	}
	return append(cs, e.startupConfigs()...)
}

// latencyRun runs examples/latency in this process for epochs epochs;
// the note gives the median and 99th percentile time of an epoch.
func latencyRun(workers, epochs int) (measure, error) {
	before := readUsage()
	start := time.Now()
	r, err := measureLatency(bg(), workers, epochs)
	if err != nil {
		return measure{}, err
	}
	m := measure{wall: time.Since(start), gcFrac: -1, note: fmt.Sprintf("epoch median %v, p99 %v", r.Median(), r.P99())}
	before.since(&m, float64(epochs))
	return m, nil
}
