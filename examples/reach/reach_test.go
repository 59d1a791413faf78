package reach

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tdflow/tdc/examples/internal/graphtest"
)

// runReach runs the dataflow on the edges in file path from root with the
// given workers and returns what it prints.
func runReach(t *testing.T, path string, root uint32, workers int) []byte {
	t.Helper()
	var out bytes.Buffer
	cfg := DefaultReachConfig()
	cfg.Runtime.Workers = workers
	cfg.Runtime.Stdout = &out
	cfg.Params.Input = path
	cfg.Params.Root = root
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	require.NoError(t, RunReach(ctx, cfg))
	return out.Bytes()
}

// TestReachMatchesBFS compares the dataflow with a breadth-first search
// on generated graphs, from several roots, with 1, 2 and 4 workers.
func TestReachMatchesBFS(t *testing.T) {
	cases := append(graphtest.Cases(),
		graphtest.Case{Name: "random-deep", Edges: graphtest.Random(3000, 3300, 7)},
		graphtest.Case{Name: "chain-long", Edges: graphtest.Chain(300)},
	)
	for _, c := range cases {
		path := filepath.Join(t.TempDir(), "edges.txt")
		require.NoError(t, graphtest.WriteFile(path, c.Edges))
		roots := []uint32{0}
		if len(c.Edges) > 0 {
			roots = append(roots, c.Edges[len(c.Edges)/2].Src, 123456)
		}
		for _, root := range roots {
			want := graphtest.Reach(c.Edges, root)
			for _, workers := range []int{1, 2, 4} {
				t.Run(fmt.Sprintf("%s/root%d/w%d", c.Name, root, workers), func(t *testing.T) {
					out := runReach(t, path, root, workers)
					require.NoError(t, graphtest.CheckReach(out, want))
				})
			}
		}
	}
}

// TestReachSample checks the shipped sample's answer.
func TestReachSample(t *testing.T) {
	edges, err := graphtest.ReadFile("sample.txt")
	require.NoError(t, err)
	out := runReach(t, "sample.txt", 0, 2)
	require.NoError(t, graphtest.CheckReach(out, graphtest.Reach(edges, 0)))
	require.NoError(t, graphtest.CheckReach(out, []uint32{0, 1, 2, 3, 6}))
}

// TestReachBadEdge reports a malformed line with the file, the line
// number and the field.
func TestReachBadEdge(t *testing.T) {
	path := filepath.Join(t.TempDir(), "edges.txt")
	require.NoError(t, writeText(path, "0 1\n1 x\n"))
	cfg := DefaultReachConfig()
	cfg.Runtime.Stdout = &bytes.Buffer{}
	cfg.Params.Input = path
	err := RunReach(context.Background(), cfg)
	require.Error(t, err)
	require.Equal(t, path+`:2: field 2 (Dst): "x" is not a valid uint32: invalid syntax (line: "1 x")`, err.Error())
}

// BenchmarkReach finds the nodes reachable from node 0 of a random graph
// of 100k nodes and 1M edges (nearly all of them are). It reports edges/s:
// the graph's edges over the whole run, reading the file included.
func BenchmarkReach(b *testing.B) {
	const nodes, edges = 100_000, 1_000_000
	path := filepath.Join(b.TempDir(), "edges.txt")
	require.NoError(b, graphtest.WriteRandomFile(path, nodes, edges, 1))
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("w%d", workers), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				cfg := DefaultReachConfig()
				cfg.Runtime.Workers = workers
				cfg.Runtime.Stdout = io.Discard
				cfg.Params.Input = path
				require.NoError(b, RunReach(context.Background(), cfg))
			}
			b.ReportMetric(float64(edges)*float64(b.N)/b.Elapsed().Seconds(), "edges/s")
		})
	}
}
