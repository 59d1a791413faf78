//go:build unix

package main

import (
	"fmt"
	"io"
	"net"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	tdrt "github.com/tdflow/tdc/runtime"
)

// benchProgram is a program of BenchmarkClusterExchange: range(0,
// records) -> exchange by the number -> a filter that drops everything,
// so that the exchange is all the work there is besides the source.
type benchProgram struct {
	name    string
	tdf     string
	records int64
	recSize int // encoded bytes of one record in a data frame
}

var benchPrograms = []benchProgram{
	{"int64", `package benchint

param records int64 = 1000

dataflow BenchInt {
	range(0, records) -> exchange(x => x) -> filter(x => x < 0) -> print()
}
`, 100_000_000, 8},
	// Records of 109 encoded bytes: the int64, a uvarint length, 100
	// bytes of string.
	{"tuple109", `package benchstr

param records int64 = 1000
param pad string = "` + strings.Repeat("0123456789", 10) + `"

dataflow BenchStr {
	range(0, records)
		-> map(x => Tuple2[int64, string]{x, pad})
		-> exchange((x, s) => x)
		-> filter((x, s) => x < 0)
		-> print()
}
`, 20_000_000, 8 + 1 + 100},
}

// BenchmarkClusterExchange runs programs whose records all go through
// an exchange, with two processes of one worker over loopback (with TLS,
// the default, and with -insecure) and with one process of two workers, and compares the first with raw loopback
// TCP carrying the same bytes. Metrics, per run of the program (process
// start and cluster formation included, a few milliseconds): records/s
// (all records), moved-records/s (those the exchange moved to the other
// worker, about half: between processes, or in memory with one
// process), payload-MB/s (the encoded records that crossed between the
// processes), wire-MB/s (what the processes sent each other, as their
// -stats count it: data frames with their headers and timestamps, and
// progress frames), raw-MB/s (goroutines of this process writing as
// many bytes in 64 KiB writes, one connection each way) and wire/raw.
//
//	go test -run '^$' -bench ClusterExchange ./cmd/tdc
func BenchmarkClusterExchange(b *testing.B) {
	benchIsolateBuildCache(b)
	dir := b.TempDir()
	for _, prog := range benchPrograms {
		bin := buildTDF(b, writeFile(b, dir, prog.name+".tdf", prog.tdf), dir)
		crossing := crossingRecords(prog.records, 2)
		payload := crossing * int64(prog.recSize)
		recs := fmt.Sprint(prog.records)

		for _, mode := range []struct {
			name string
			args []string
		}{{"tls", nil}, {"insecure", []string{"-insecure"}}} {
			b.Run(prog.name+"/2procs_x_1w/"+mode.name, func(b *testing.B) {
				var elapsed time.Duration
				var wire int64
				runs := 0
				for b.Loop() {
					hosts := writeHostfile(b, dir, freeAddrs(b, 2))
					start := time.Now()
					var procs []*clusterProc
					for p := range 2 {
						args := append(clusterArgs(2, p, hosts, 1), "-records", recs, "-stats")
						procs = append(procs, startProc(b, dir, nil, bin, append(args, mode.args...)...))
					}
					for p, proc := range procs {
						require.Equal(b, 0, proc.wait(b, 5*time.Minute), "process %d: %s", p, proc.stderr.String())
					}
					elapsed += time.Since(start)
					runs++
					for _, proc := range procs {
						wire += sentBytes(b, proc.stderr.String())
					}
				}
				perRun := elapsed.Seconds() / float64(runs)
				wirePerRun := wire / int64(runs)
				raw := rawLoopback(b, wirePerRun)
				wireMB := float64(wirePerRun) / perRun / 1e6
				rawMB := float64(wirePerRun) / raw.Seconds() / 1e6
				b.ReportMetric(float64(prog.records)/perRun, "records/s")
				b.ReportMetric(float64(crossing)/perRun, "moved-records/s")
				b.ReportMetric(float64(payload)/perRun/1e6, "payload-MB/s")
				b.ReportMetric(wireMB, "wire-MB/s")
				b.ReportMetric(rawMB, "raw-MB/s")
				b.ReportMetric(wireMB/rawMB, "wire/raw")
				b.Logf("%d records, %d crossed: %.1f MB of payload, %.1f MB sent, in %v per run; raw loopback TCP moved as much in %v",
					prog.records, crossing, float64(payload)/1e6, float64(wirePerRun)/1e6, time.Duration(perRun*float64(time.Second)).Round(time.Millisecond), raw.Round(time.Millisecond))
			})
		}

		b.Run(prog.name+"/1proc_x_2w", func(b *testing.B) {
			var elapsed time.Duration
			runs := 0
			for b.Loop() {
				start := time.Now()
				p := startProc(b, dir, nil, bin, "-w", "2", "-records", recs)
				require.Equal(b, 0, p.wait(b, 5*time.Minute), "%s", p.stderr.String())
				elapsed += time.Since(start)
				runs++
			}
			perRun := elapsed.Seconds() / float64(runs)
			b.ReportMetric(float64(prog.records)/perRun, "records/s")
			b.ReportMetric(float64(crossing)/perRun, "moved-records/s")
		})
	}
}

var statsRE = regexp.MustCompile(`sent (\d+) data bytes in \d+ frames, (\d+) progress bytes`)

// sentBytes returns the data and progress bytes a process says it sent
// in the -stats line of its stderr.
func sentBytes(b *testing.B, stderr string) int64 {
	b.Helper()
	m := statsRE.FindStringSubmatch(stderr)
	require.NotNil(b, m, "no -stats line in %q", stderr)
	data, err := strconv.ParseInt(m[1], 10, 64)
	require.NoError(b, err)
	prog, err := strconv.ParseInt(m[2], 10, 64)
	require.NoError(b, err)
	return data + prog
}

// crossingRecords returns how many of the records of range(0, records)
// an exchange by the number moves between the processes of a cluster of
// procs processes of one worker each.
func crossingRecords(records int64, procs int) int64 {
	var n int64
	for w := range procs {
		lo, hi := tdrt.RangeShare(0, records, w, procs)
		for x := lo; x < hi; x++ {
			if tdrt.RouteUint64(uint64(x), procs) != w {
				n++
			}
		}
	}
	return n
}

// rawLoopback sends total bytes over loopback TCP between goroutines,
// half each way on two connections, in 64 KiB writes, and returns how
// long it took.
func rawLoopback(b *testing.B, total int64) time.Duration {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(b, err)
	defer ln.Close()
	const chunk = 64 << 10
	buf := make([]byte, chunk)
	errs := make(chan error, 4)
	read := make(chan int64, 2)
	start := time.Now()
	for i := range 2 {
		n := total / 2
		if i == 0 {
			n += total % 2
		}
		go func() {
			c, err := ln.Accept()
			if err != nil {
				read <- 0
				errs <- err
				return
			}
			defer c.Close()
			got, err := io.CopyBuffer(io.Discard, c, make([]byte, chunk))
			read <- got
			errs <- err
		}()
		go func() {
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				errs <- err
				return
			}
			defer c.Close()
			for left := n; left > 0 && err == nil; left -= chunk {
				_, err = c.Write(buf[:min(left, chunk)])
			}
			errs <- err
		}()
	}
	for range 4 {
		require.NoError(b, <-errs)
	}
	require.Equal(b, total, <-read+<-read, "bytes read")
	return time.Since(start)
}

// benchIsolateBuildCache is isolateBuildCache for a benchmark.
func benchIsolateBuildCache(b *testing.B) {
	b.Helper()
	names := []string{"GOCACHE", "GOMODCACHE", "GOPATH"}
	out, err := exec.Command("go", append([]string{"env"}, names...)...).Output()
	require.NoError(b, err, "go env")
	values := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	require.Len(b, values, len(names))
	for i, name := range names {
		b.Setenv(name, values[i])
	}
	b.Setenv("XDG_CACHE_HOME", b.TempDir())
}
