package cc

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tdflow/tdc/examples/internal/graphtest"
)

// runComponents runs the dataflow on the edges in file path with the
// given workers and returns what it prints.
func runComponents(t *testing.T, path string, workers int) []byte {
	t.Helper()
	var out bytes.Buffer
	cfg := DefaultComponentsConfig()
	cfg.Runtime.Workers = workers
	cfg.Runtime.Stdout = &out
	cfg.Params.Input = path
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	require.NoError(t, RunComponents(ctx, cfg))
	return out.Bytes()
}

// TestComponentsMatchUnionFind compares the dataflow with union-find on
// generated graphs, with 1, 2 and 4 workers.
func TestComponentsMatchUnionFind(t *testing.T) {
	cases := append(graphtest.Cases(),
		graphtest.Case{Name: "chain-long", Edges: graphtest.Chain(200)},
		graphtest.Case{Name: "many-components", Edges: graphtest.Disjoint(20, 50, 60, 5)},
	)
	for _, c := range cases {
		path := filepath.Join(t.TempDir(), "edges.txt")
		require.NoError(t, graphtest.WriteFile(path, c.Edges))
		want := graphtest.Components(c.Edges)
		for _, workers := range []int{1, 2, 4} {
			t.Run(fmt.Sprintf("%s/w%d", c.Name, workers), func(t *testing.T) {
				out := runComponents(t, path, workers)
				require.NoError(t, graphtest.CheckComponents(out, want))
			})
		}
	}
}

// TestComponentsSample checks the shipped sample's answer.
func TestComponentsSample(t *testing.T) {
	out := runComponents(t, "sample.txt", 2)
	require.NoError(t, graphtest.CheckComponents(out, map[uint32]uint32{0: 0, 1: 0, 2: 0, 3: 0, 4: 4, 5: 4, 6: 0, 7: 0}))
}
