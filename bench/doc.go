// Command bench measures tdc against timely dataflow's benchmarks and
// against single-threaded Go. Run it from the repository root:
//
//	go run ./bench [-quick] [-runs N] [-json FILE] [-timely DIR] [-keep DIR]
//
// It builds tdc and the example programs (exchange-rounds, hello,
// pingpong, pagerank, pagerank-custom, reach, wordcount) as binaries, writes a
// random graph with examples/internal/graphtest and a random text, runs
// every configuration -runs times (interleaved with timely's programs
// when -timely names a directory of timely-anchor binaries) and prints
// one table row per configuration: the median wall time, the binary's
// own time of its run, records per second, the peak resident memory of
// one process (the child's rusage maxrss), allocations per record and
// the share of CPU spent in garbage collection (both from the
// machine-readable line that -stats prints, see docs/cli.md), and,
// across processes, the bytes on the wire per record (also from
// -stats). The host-fed programs, examples/exchange and
// examples/latency, run in a child of this command through their
// generated APIs and measure themselves with runtime/metrics.
//
// # Baselines
//
// PageRank (CSR, 20 rounds of sum[dst] += rank[src]/deg[src]) and reach
// (BFS) run single-threaded in Go on the same file, load included; every
// graph row prints its time as a multiple of its baseline. The raw
// loopback TCP throughput between two processes (this binary started
// again as a sink) and the single-core memcpy bandwidth are measured
// too, and the cross-process exchange is given as a fraction of the TCP
// figure.
//
// # Start-up
//
// The start-up rows run examples/hello (timely's hello example) on 1 and
// 2 workers, timely's hello beside each, and a plain Go program printing
// the same lines (built by the suite, no dataflow: Go's own floor), 50
// times each with -quick and 100 without, all interleaved, each command
// with no flags but -w, no GODEBUG and its output to /dev/null. The wall
// column is the median; the note adds the 10th percentile and the mean
// CPU time.
package main
