package sssp

import (
	"bytes"
	"container/heap"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tdflow/tdc/examples/internal/graphtest"
)

// weight is the weight the tests give the edge src -> dst.
func weight(e graphtest.Edge) uint64 { return uint64(e.Src*7+e.Dst)%9 + 1 }

// writeWeighted writes edges as "src dst weight" lines.
func writeWeighted(t *testing.T, path string, edges []graphtest.Edge) {
	t.Helper()
	var b strings.Builder
	b.WriteString("# src dst weight\n")
	for _, e := range edges {
		fmt.Fprintf(&b, "%d %d %d\n", e.Src, e.Dst, weight(e))
	}
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
}

// dijkstra returns "node distance" lines, sorted, for the nodes
// reachable from root.
func dijkstra(edges []graphtest.Edge, root uint32) []string {
	out := map[uint32][]graphtest.Edge{}
	for _, e := range edges {
		out[e.Src] = append(out[e.Src], e)
	}
	dist := map[uint32]uint64{root: 0}
	q := &queue{{root, 0}}
	for q.Len() > 0 {
		it := heap.Pop(q).(item)
		if it.dist > dist[it.node] {
			continue
		}
		for _, e := range out[it.node] {
			nd := it.dist + weight(e)
			if old, ok := dist[e.Dst]; !ok || nd < old {
				dist[e.Dst] = nd
				heap.Push(q, item{e.Dst, nd})
			}
		}
	}
	var lines []string
	for n, d := range dist {
		lines = append(lines, fmt.Sprintf("%d %d", n, d))
	}
	slices.Sort(lines)
	return lines
}

type item struct {
	node uint32
	dist uint64
}

type queue []item

func (q queue) Len() int           { return len(q) }
func (q queue) Less(i, j int) bool { return q[i].dist < q[j].dist }
func (q queue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *queue) Push(x any)        { *q = append(*q, x.(item)) }
func (q *queue) Pop() any {
	old := *q
	it := old[len(old)-1]
	*q = old[:len(old)-1]
	return it
}

// runSSSP runs the dataflow and returns its lines, sorted.
func runSSSP(t *testing.T, path string, root uint32, workers int) []string {
	t.Helper()
	var out bytes.Buffer
	cfg := DefaultShortestPathsConfig()
	cfg.Runtime.Workers = workers
	cfg.Runtime.Stdout = &out
	cfg.Params.Input = path
	cfg.Params.Root = root
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	require.NoError(t, RunShortestPaths(ctx, cfg))
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if out.Len() == 0 {
		lines = nil
	}
	slices.Sort(lines)
	return lines
}

// TestShortestPathsMatchDijkstra compares the dataflow with Dijkstra's
// algorithm on generated graphs, from two roots, with 1, 2 and 4 workers.
func TestShortestPathsMatchDijkstra(t *testing.T) {
	cases := append(graphtest.Cases(), graphtest.Case{Name: "random-deep", Edges: graphtest.Random(2000, 2600, 3)})
	for _, c := range cases {
		path := filepath.Join(t.TempDir(), "edges.txt")
		writeWeighted(t, path, c.Edges)
		roots := []uint32{0}
		if len(c.Edges) > 0 {
			roots = append(roots, c.Edges[len(c.Edges)/2].Src)
		}
		for _, root := range roots {
			want := dijkstra(c.Edges, root)
			for _, workers := range []int{1, 2, 4} {
				assert.Equal(t, want, runSSSP(t, path, root, workers), "%s from %d, %d workers", c.Name, root, workers)
			}
		}
	}
}

// TestShortestPathsSample checks the shipped sample's answer.
func TestShortestPathsSample(t *testing.T) {
	assert.Equal(t, []string{"0 0", "1 3", "2 1", "3 4", "4 7"}, runSSSP(t, "sample.txt", 0, 2))
}
