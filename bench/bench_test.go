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
