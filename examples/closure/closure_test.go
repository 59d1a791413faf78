package closure

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tdflow/tdc/examples/internal/graphtest"
)

// squaring returns the transitive closure of edges as sorted "a c"
// lines, by repeated squaring of the reachability relation: R := R ∪ R∘R
// until it stops growing.
func squaring(edges []graphtest.Edge) []string {
	rel := map[[2]uint32]bool{}
	for _, e := range edges {
		rel[[2]uint32{e.Src, e.Dst}] = true
	}
	for {
		from := map[uint32][]uint32{}
		for p := range rel {
			from[p[0]] = append(from[p[0]], p[1])
		}
		grew := false
		for p := range rel {
			for _, c := range from[p[1]] {
				q := [2]uint32{p[0], c}
				if !rel[q] {
					rel[q] = true
					grew = true
				}
			}
		}
		if !grew {
			break
		}
	}
	var lines []string
	for p := range rel {
		lines = append(lines, fmt.Sprintf("%d %d", p[0], p[1]))
	}
	slices.Sort(lines)
	return lines
}

// runClosure runs the dataflow and returns its lines, sorted.
func runClosure(t *testing.T, path string, workers int) []string {
	t.Helper()
	var out bytes.Buffer
	cfg := DefaultClosureConfig()
	cfg.Runtime.Workers = workers
	cfg.Runtime.Stdout = &out
	cfg.Params.Input = path
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	require.NoError(t, RunClosure(ctx, cfg))
	if out.Len() == 0 {
		return nil
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	slices.Sort(lines)
	return lines
}

// TestClosureMatchesSquaring compares the dataflow with repeated
// squaring on small generated graphs, with 1, 2 and 4 workers.
func TestClosureMatchesSquaring(t *testing.T) {
	cases := []graphtest.Case{
		{Name: "empty"},
		{Name: "chain", Edges: graphtest.Chain(30)},
		{Name: "star", Edges: graphtest.Star(20)},
		{Name: "sparse", Edges: graphtest.Random(60, 50, 1)},
		{Name: "dense", Edges: graphtest.Random(25, 120, 2)},
		{Name: "components", Edges: graphtest.Disjoint(4, 10, 12, 3)},
	}
	for _, c := range cases {
		path := filepath.Join(t.TempDir(), "edges.txt")
		require.NoError(t, graphtest.WriteFile(path, c.Edges))
		want := squaring(c.Edges)
		for _, workers := range []int{1, 2, 4} {
			assert.Equal(t, want, runClosure(t, path, workers), "%s, %d workers", c.Name, workers)
		}
	}
}

// TestClosureSample checks the shipped sample's answer.
func TestClosureSample(t *testing.T) {
	edges, err := graphtest.ReadFile("sample.txt")
	require.NoError(t, err)
	assert.Equal(t, squaring(edges), runClosure(t, "sample.txt", 2))
}
