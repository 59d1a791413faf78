package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBaselines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "g.txt")
	require.NoError(t, os.WriteFile(path, []byte("0 1\n0 2\n1 2\n\n2 0\n3 4\n"), 0o644))
	g, err := loadCSR(path)
	require.NoError(t, err)
	assert.Equal(t, []uint32{0, 2, 3, 4, 5, 5}, g.off)
	assert.Equal(t, 3, g.reach(0), "0, 1 and 2")
	assert.Equal(t, 2, g.reach(3))
	r := g.pageRank(1)
	// Node 2 gets 1/2 from 0 and 1 from 1; node 4 gets 1 from 3; 3 gets nothing.
	assert.InDelta(t, 0.15+0.85*1.5, r[2], 1e-6)
	assert.InDelta(t, 0.15+0.85, r[4], 1e-6)
	assert.InDelta(t, 0.15, r[3], 1e-6)
	var out bytes.Buffer
	require.NoError(t, runBaseline("reach", path, &out))
	assert.Equal(t, "reached 3\n", out.String())
}

func TestGraphAndText(t *testing.T) {
	dir := t.TempDir()
	g := filepath.Join(dir, "g.txt")
	require.NoError(t, writeGraph(g, 10, 100, 2))
	c, err := loadCSR(g)
	require.NoError(t, err)
	assert.Len(t, c.dst, 100)
	text := filepath.Join(dir, "t.txt")
	require.NoError(t, writeText(text, 95, 7))
	b, err := os.ReadFile(text)
	require.NoError(t, err)
	assert.Len(t, bytes.Fields(b), 95)
}

func TestLastGC(t *testing.T) {
	assert.Zero(t, lastGC([]byte("nothing")))
	log := "gc 1 @0.010s 40%: x\nprocess 1: gc 7 @1.5s 3%: y\ngc 9 @2.0s 2%: z\n"
	assert.InDelta(t, 0.40, lastGC([]byte(log)), 1e-9, "the largest of the last lines")
}

func TestQuantile(t *testing.T) {
	r := latencyResult{Epochs: []time.Duration{1, 2, 3, 4, 5}}
	assert.Equal(t, time.Duration(3), r.Median())
	assert.Equal(t, time.Duration(5), r.P99())
	assert.Zero(t, latencyResult{}.Median())
}

func TestTable(t *testing.T) {
	tb := &table{Rows: []row{{Program: "p", Workers: 2, Processes: 1, WallSeconds: 1.5, RecordsPerS: 1.3e8, AllocsPerRec: -1, GCFraction: 0.02}}}
	var out bytes.Buffer
	tb.print(&out)
	assert.Contains(t, out.String(), "1.3e8")
	assert.Contains(t, out.String(), "2.0%")
	assert.Equal(t, "-", sci(0))
}

func TestInprocLatency(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, runInproc("latency", []string{"2", "50"}, &out))
	assert.Contains(t, out.String(), `"finished":true`)
	assert.Error(t, runInproc("nope", nil, &out))
}

func TestUsage(t *testing.T) {
	assert.Equal(t, 64, run([]string{"extra"}, &bytes.Buffer{}, &bytes.Buffer{}))
	assert.Equal(t, 64, run([]string{"-baseline", "reach"}, &bytes.Buffer{}, &bytes.Buffer{}))
}

func TestParseRunStats(t *testing.T) {
	assert.Zero(t, parseRunStats([]byte("nothing")).processes)
	log := "gc 1 @0.010s 40%: x\n" +
		"process 0: tdc-stats: dataflow=ExchangeRounds process=0 workers=1 run_s=1.250000 cpu_s=1.000000 gc_cpu_s=0.010000 allocs=110 alloc_bytes=4058496 gc_cycles=1\n" +
		"process 1: ExchangeRounds: process 1 sent 404436049 data bytes in 51001 frames\n" +
		"process 1: tdc-stats: dataflow=ExchangeRounds process=1 workers=1 run_s=1.500000 cpu_s=0.500000 gc_cpu_s=0.020000 allocs=139 alloc_bytes=4051744 gc_cycles=2\n"
	s := parseRunStats([]byte(log))
	assert.Equal(t, 2, s.processes)
	assert.Equal(t, 1500*time.Millisecond, s.run, "the longest process")
	assert.Equal(t, int64(249), s.allocs)
	assert.InDelta(t, 0.02, s.gcFraction(), 1e-9, "0.03 s of 1.5 s")
	assert.Equal(t, -1.0, runStats{}.gcFraction())
}

func TestTimelyRun(t *testing.T) {
	out := "21.557914ms\tworker 0 complete; rate: 92774004.42708272\n1.5s\tworker 1 complete; rate: 1\n"
	assert.Equal(t, 1500*time.Millisecond, timelyRun([]byte(out)))
	assert.Zero(t, timelyRun([]byte("worker 0:\thello 8\n")))
}

func TestAllocsFormat(t *testing.T) {
	assert.Equal(t, "-", allocs(-1))
	assert.Equal(t, "0.000", allocs(0))
	assert.Equal(t, "3.1e-04", allocs(0.00031))
	assert.Equal(t, "2.953", allocs(2.953))
}

func TestQuantileOfRuns(t *testing.T) {
	var runs []measure
	for _, w := range []time.Duration{5, 1, 4, 2, 3, 9, 7, 8, 6, 10} {
		runs = append(runs, measure{wall: w, cpu: 2 * w})
	}
	assert.Equal(t, time.Duration(2), quantile(runs, 0.1))
	assert.Equal(t, medianOf(runs).wall, quantile(runs, 0.5), "the median as medianOf")
	assert.Equal(t, 11*time.Duration(1), meanCPU(runs))
	assert.Equal(t, "1.25 ms", secs(0.00125))
	assert.Equal(t, "1.500 s", secs(1.5))
	assert.Equal(t, "-", optSecs(0))
}

func TestCheckHello(t *testing.T) {
	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Skip("no /bin/sh")
	}
	assert.NoError(t, checkHello("/bin/sh", "-c", "for i in 0 1 2 3 4 5 6 7 8 9; do echo hello $i; done"))
	assert.ErrorContains(t, checkHello("/bin/sh", "-c", "echo hello 1"), "printed 1 hello lines, want 10")
	m, err := runStart("/bin/sh", "-c", "exit 0")
	require.NoError(t, err)
	assert.Positive(t, m.wall)
	_, err = runStart("/bin/sh", "-c", "echo broken >&2; exit 3")
	assert.ErrorContains(t, err, "broken")
}

func TestFreshCopy(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "a")
	require.NoError(t, os.WriteFile(src, []byte("#!/bin/sh\necho hi\n"), 0o755))
	dst := filepath.Join(dir, "sub", "b")
	require.NoError(t, freshCopy(src, dst))
	require.NoError(t, freshCopy(src, dst), "again, over the first copy")
	b, err := os.ReadFile(dst)
	require.NoError(t, err)
	assert.Equal(t, "#!/bin/sh\necho hi\n", string(b))
	fi, err := os.Stat(dst)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o755), fi.Mode().Perm())
}
