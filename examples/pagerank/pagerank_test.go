package pagerank

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tdflow/tdc/examples/internal/graphtest"
)

// runPageRank runs the dataflow on the edges in file path for iters
// rounds with the given workers, printing to out.
func runPageRank(path string, iters, workers int, out io.Writer) error {
	return runPageRankWith(path, iters, workers, true, out)
}

// runPageRankWith is runPageRank with combining on or off
// (-combine=false).
func runPageRankWith(path string, iters, workers int, combine bool, out io.Writer) error {
	cfg := DefaultPageRankConfig()
	cfg.Runtime.Workers = workers
	cfg.Runtime.NoCombine = !combine
	cfg.Runtime.Stdout = out
	cfg.Params.Input = path
	cfg.Params.Iters = iters
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	return RunPageRank(ctx, cfg)
}

// TestPageRankMatchesReference compares the dataflow with a plain power
// iteration in float64 on generated graphs, within 1e-4 relative, with 1,
// 2 and 4 workers. On random-sparse the degree count's combiner sees
// more than a probe's worth of records whose keys hardly repeat, so it
// passes most of them on (see tdrt.CombineGate) while the shares'
// combiner, whose runs hold a whole round, folds.
func TestPageRankMatchesReference(t *testing.T) {
	cases := append(graphtest.Cases(),
		graphtest.Case{Name: "random-large", Edges: graphtest.Random(2000, 20000, 3)},
		graphtest.Case{Name: "random-sparse", Edges: graphtest.Random(400_000, 300_000, 4)},
	)
	for _, c := range cases {
		path := filepath.Join(t.TempDir(), "edges.txt")
		require.NoError(t, graphtest.WriteFile(path, c.Edges))
		for _, iters := range []int{1, 20} {
			want := graphtest.PageRank(c.Edges, iters)
			for _, workers := range []int{1, 2, 4} {
				t.Run(fmt.Sprintf("%s/iters%d/w%d", c.Name, iters, workers), func(t *testing.T) {
					var out bytes.Buffer
					require.NoError(t, runPageRank(path, iters, workers, &out))
					require.NoError(t, graphtest.CheckPageRank(out.Bytes(), want, 1e-4))
				})
			}
		}
	}
}

// TestPageRankWithoutCombining runs the combiners fused into the
// operators that produce their records (the join's, the zeros' map's,
// the degree count's map's) with combining off, where each passes every
// record through the exchange as it is (the count's as (record, 1)):
// the ranks are the same.
func TestPageRankWithoutCombining(t *testing.T) {
	c := graphtest.Case{Name: "random-large", Edges: graphtest.Random(2000, 20000, 3)}
	path := filepath.Join(t.TempDir(), "edges.txt")
	require.NoError(t, graphtest.WriteFile(path, c.Edges))
	want := graphtest.PageRank(c.Edges, 20)
	for _, workers := range []int{1, 2} {
		var out bytes.Buffer
		require.NoError(t, runPageRankWith(path, 20, workers, false, &out))
		require.NoError(t, graphtest.CheckPageRank(out.Bytes(), want, 1e-4), "%d workers", workers)
	}
}

// TestPageRankSample checks the shipped sample against the reference.
func TestPageRankSample(t *testing.T) {
	edges, err := graphtest.ReadFile("sample.txt")
	require.NoError(t, err)
	var out bytes.Buffer
	require.NoError(t, runPageRank("sample.txt", 20, 2, &out))
	require.NoError(t, graphtest.CheckPageRank(out.Bytes(), graphtest.PageRank(edges, 20), 1e-4))
}

// TestPageRankNeedsARound rejects iters below 1 with the loop's position.
func TestPageRankNeedsARound(t *testing.T) {
	err := runPageRank("sample.txt", 0, 1, io.Discard)
	require.EqualError(t, err, "pagerank.tdf:39:31: loop r: max iters is 0; want 1 or more")
}

// BenchmarkPageRank runs 20 rounds over a random graph of 100k nodes and
// 1M edges. It reports shares/s: the (node, share of rank) records that
// spread emits and accumulate adds up, edges+nodes per round, in all
// rounds; and allocs/share, the allocations of a whole run (parsing and
// setup included) per share.
func BenchmarkPageRank(b *testing.B) {
	const nodes, edges, iters = 100_000, 1_000_000, 20
	path := filepath.Join(b.TempDir(), "edges.txt")
	require.NoError(b, graphtest.WriteRandomFile(path, nodes, edges, 1))
	list, err := graphtest.ReadFile(path)
	require.NoError(b, err)
	distinct := map[uint32]bool{}
	for _, e := range list {
		distinct[e.Src], distinct[e.Dst] = true, true
	}
	shares := float64(iters * (len(list) + len(distinct)))
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("w%d", workers), func(b *testing.B) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			for i := 0; i < b.N; i++ {
				require.NoError(b, runPageRank(path, iters, workers, io.Discard))
			}
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			b.ReportMetric(shares*float64(b.N)/elapsed.Seconds(), "shares/s")
			b.ReportMetric(float64(after.Mallocs-before.Mallocs)/(shares*float64(b.N)), "allocs/share")
		})
	}
}
