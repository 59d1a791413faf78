package planner

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tdflow/tdc/lang"
)

// planSource plans the one dataflow of a program given as source text.
func planSource(t *testing.T, src string) *Graph {
	t.Helper()
	f, err := lang.Parse("in.tdf", []byte(src))
	require.NoError(t, err)
	prog, err := lang.Check(f, lang.CheckOptions{Dir: "."})
	require.NoError(t, err)
	graphs, err := Plan(prog)
	require.NoError(t, err)
	require.Len(t, graphs, 1)
	return graphs[0]
}

// combinerPlaces describes where a plan's combiners run: the labels of
// the operators with a fused combiner and of the combiner operators
// left, in the graph's order.
func combinerPlaces(g *Graph) (fused, left []string) {
	for _, op := range g.Ops {
		if op.Combiner() != nil {
			fused = append(fused, op.Label())
		}
		if op.Kind == CombineOp {
			left = append(left, op.Label())
		}
	}
	return fused, left
}

// TestCombinerFusion checks where the planner fuses a combiner into the
// operator that produces its records, and where it must not. Combining
// off (-combine=false, Runtime.NoCombine) is a flag of the binary, not
// of the plan: a fused combiner then passes every record on as it is
// (examples/pagerank's TestPageRankWithoutCombining runs that path).
func TestCombinerFusion(t *testing.T) {
	cases := []struct {
		name        string
		body        string
		fused, left []string
	}{{
		name:  "after a map chain",
		body:  `range(0, 10) -> map(x => (x % 3, x)) -> exchange((k, _) => k * 7) -> map((k, v) => (k, v * 2)) -> sum() -> print()`,
		fused: []string{"map+combine sum"},
	}, {
		name:  "into a source",
		body:  `range(0, 10) -> map(x => (x % 3, x)) -> sum() -> print()`,
		fused: []string{"range+map+combine sum"},
	}, {
		name:  "count after flat_map",
		body:  `range(0, 10) -> exchange(x => x / 2) -> flat_map(x => []int64{x % 4, x % 5}) -> count() -> print()`,
		fused: []string{"flat_map+combine count"},
	}, {
		name: "each input of a concat, in a loop, after a join's match",
		body: `links := range(0, 10) -> map(x => (x, x + 1))
	seed := range(0, 10) -> map(x => (x, 1.0))
	out := loop r := seed max 3 {
		shares := r -> join(links) -> map((_, rank, d) => (d, rank / 2))
		r -> map((v, _) => (v, 0.0)) -> concat(shares) -> sum() -> next
	}
	out -> print()`,
		fused: []string{"join+map+combine sum", "map+combine sum"},
	}, {
		name: "not when the producer's output has another reader",
		body: `pairs := range(0, 10) -> exchange(x => x / 3) -> map(x => (x % 3, x))
	pairs -> min() -> print()
	pairs -> print()`,
		left: []string{"combine min"},
	}, {
		name:  "not across an exchange",
		body:  `range(0, 10) -> map(x => (x % 3, x)) -> exchange((_, v) => v) -> max() -> print()`,
		left:  []string{"combine max"},
		fused: nil,
	}, {
		name: "not out of a loop",
		body: `seed := range(0, 10) -> map(x => (x % 4, x))
	out := loop r := seed {
		r -> filter((_, v) => v < 20) -> map((k, v) => (k, v + 7)) -> next
		r -> filter((_, v) => v >= 20) -> leave
	}
	out -> sum() -> print()`,
		left: []string{"combine sum"},
	}, {
		name: "not with nocombine",
		body: `range(0, 10) -> map(x => (x % 3, x)) -> sum(nocombine) -> print()`,
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := "package p\n\ndataflow D {\n\t" + strings.TrimSpace(c.body) + "\n}\n"
			g := planSource(t, src)
			fused, left := combinerPlaces(g)
			assert.Equal(t, c.fused, fused, "operators with a fused combiner")
			assert.Equal(t, c.left, left, "combiner operators")
			for _, op := range g.Ops {
				if op.Combiner() == nil {
					continue
				}
				// A fused combiner's output is the aggregation's input:
				// routed by the key, of the combiner's type.
				require.NotNil(t, op.Out)
				for _, ch := range op.Out.Channels {
					assert.True(t, ch.Exchange(), "%s: channel %d routes by key", op.Label(), ch.ID)
					assert.True(t, ch.To.Kind.Aggregates(), "%s: channel %d goes to the aggregation", op.Label(), ch.ID)
					assert.Equal(t, op.Combiner().Out, ch.Type)
				}
			}
			for i, op := range g.Ops {
				assert.Equal(t, i, op.ID)
			}
			for i, ch := range g.Channels {
				assert.Equal(t, i, ch.ID)
			}
		})
	}
}
