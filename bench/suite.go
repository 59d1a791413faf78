package main

import (
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"time"
)

// sizes are the inputs and repetitions of one suite.
type sizes struct {
	nodes, edges   int // the random graph
	words          int // of the text
	batch, rounds  int // exchange, one process
	xrounds        int // exchange, two processes (batch as above)
	bigBatch, bigR int // exchange, two processes, large batches
	elements, iter int // pingpong
	epochs         int // latency
	tcpBytes       int64
}

var (
	quickSizes = sizes{100_000, 500_000, 1_000_000, 10_000, 500, 200, 100_000, 100, 10_000, 20, 2000, 1 << 30}
	fullSizes  = sizes{1_000_000, 10_000_000, 10_000_000, 10_000, 20_000, 2000, 100_000, 200, 1_000_000, 100, 20_000, 4 << 30}
)

// env is where the suite builds and what it has built.
type env struct {
	dir, tdc, self string
	graph, text    string
	sz             sizes
	o              options
	stderr         io.Writer
}

// bin is the path of the built example name.
func (e *env) bin(name string) string { return filepath.Join(e.dir, name) }

// suite builds everything, runs every configuration and prints the table.
func suite(o options, stdout, stderr io.Writer) error {
	if _, err := os.Stat(filepath.Join("examples", "internal", "graphtest")); err != nil {
		return fmt.Errorf("run from the repository root: %v", err)
	}
	e := &env{o: o, stderr: stderr, sz: fullSizes}
	if o.quick {
		e.sz = quickSizes
	}
	if err := e.setup(); err != nil {
		return err
	}
	if o.keep == "" {
		defer os.RemoveAll(e.dir)
	}
	t := &table{}
	if err := e.runAll(t); err != nil {
		return err
	}
	t.print(stdout)
	if o.timely == "" {
		fmt.Fprintln(stdout, "\nno timely build given (-timely DIR or $TDC_TIMELY): no timely column; see /work/shared/timely-anchor")
	}
	if o.json != "" {
		return t.writeJSON(o.json)
	}
	return nil
}

// programs are the examples built as binaries: name -> .tdf.
var programs = map[string]string{
	"exchange-rounds": "examples/exchange-rounds/rounds.tdf",
	"hello":           "examples/hello/hello.tdf",
	"pingpong":        "examples/pingpong/pingpong.tdf",
	"pagerank":        "examples/pagerank/pagerank.tdf",
	"pagerank-custom": "examples/pagerank-custom/pagerank_custom.tdf",
	"reach":           "examples/reach/reach.tdf",
	"wordcount":       "examples/wordcount/wordcount.tdf",
}

// setup builds tdc, this command and the programs, and writes the inputs.
func (e *env) setup() error {
	e.dir = e.o.keep
	if e.dir == "" {
		d, err := os.MkdirTemp("", "tdc-bench-")
		if err != nil {
			return err
		}
		e.dir = d
	} else if err := os.MkdirAll(e.dir, 0o755); err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	e.self = self
	e.tdc = filepath.Join(e.dir, "tdc")
	e.logf("building tdc and %d programs in %s", len(programs), e.dir)
	if err := e.command("go", "build", "-o", e.tdc, "./cmd/tdc"); err != nil {
		return err
	}
	for _, name := range slices.Sorted(maps.Keys(programs)) {
		if err := e.command(e.tdc, "build", "-o", e.bin(name), programs[name]); err != nil {
			return err
		}
	}
	if err := e.buildPlainHello(); err != nil {
		return err
	}
	e.graph = filepath.Join(e.dir, "graph.txt")
	e.text = filepath.Join(e.dir, "text.txt")
	e.logf("writing a graph of %d nodes and %d edges and a text of %d words", e.sz.nodes, e.sz.edges, e.sz.words)
	if err := writeGraph(e.graph, e.sz.nodes, e.sz.edges, 2); err != nil {
		return err
	}
	return writeText(e.text, e.sz.words, 7)
}

// command runs a build step, its output to standard error.
func (e *env) command(name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = e.stderr, e.stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %v: %v", name, args, err)
	}
	return nil
}

// logf prints progress to standard error.
func (e *env) logf(format string, args ...any) {
	fmt.Fprintf(e.stderr, "bench: "+format+"\n", args...)
}

// itoa formats n for a flag.
func itoa(n int) string { return strconv.Itoa(n) }

// medianRun returns the median of the runs' own times, 0 when some run
// did not report one.
func medianRun(ms []measure) time.Duration {
	var rs []time.Duration
	for _, m := range ms {
		if m.run <= 0 {
			return 0
		}
		rs = append(rs, m.run)
	}
	slices.Sort(rs)
	return rs[len(rs)/2]
}

// medianOf returns the run with the median wall time.
func medianOf(ms []measure) measure {
	s := slices.Clone(ms)
	slices.SortFunc(s, func(a, b measure) int { return int(a.wall - b.wall) })
	return s[len(s)/2]
}
