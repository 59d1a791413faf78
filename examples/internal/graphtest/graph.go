package graphtest

import (
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
)

// Edge is the directed edge Src -> Dst.
type Edge struct{ Src, Dst uint32 }

// Case is a named graph for table-driven tests.
type Case struct {
	Name  string
	Edges []Edge
}

// pcgStream is the second PCG seed word; the first is the caller's seed.
const pcgStream = 0x9e3779b97f4a7c15

// newRand returns the deterministic generator for seed.
func newRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, seed^pcgStream))
}

// Random returns edges edges whose ends are uniform over the nodes
// 0..nodes-1, deterministically from seed. It may return self-loops and
// duplicate edges. It returns nil when edges <= 0 and panics when there
// are edges but nodes is not in 1..math.MaxUint32.
func Random(nodes, edges int, seed uint64) []Edge {
	checkNodes("Random", nodes, edges)
	if edges <= 0 {
		return nil
	}
	out := make([]Edge, 0, edges)
	for e := range randomEdges(nodes, edges, seed) {
		out = append(out, e)
	}
	return out
}

// randomEdges yields the edges of Random(nodes, edges, seed) one by one,
// so that WriteRandomFile writes the same graph without holding it.
func randomEdges(nodes, edges int, seed uint64) iter.Seq[Edge] {
	return func(yield func(Edge) bool) {
		r := newRand(seed)
		n := uint32(nodes)
		for range edges {
			if !yield(Edge{r.Uint32N(n), r.Uint32N(n)}) {
				return
			}
		}
	}
}

// checkNodes panics when a generator is asked for edges over an invalid
// number of nodes.
func checkNodes(fn string, nodes, edges int) {
	if edges > 0 && (nodes <= 0 || uint64(nodes) > math.MaxUint32) {
		panic(fmt.Sprintf("graphtest: %s: %d edges over %d nodes", fn, edges, nodes))
	}
}

// Chain returns the path 0->1->...->n-1, nil when n < 2.
func Chain(n int) []Edge {
	var out []Edge
	for i := 1; i < n; i++ {
		out = append(out, Edge{uint32(i - 1), uint32(i)})
	}
	return out
}

// Star returns the edges 0->i for i in 1..n-1, nil when n < 2.
func Star(n int) []Edge {
	var out []Edge
	for i := 1; i < n; i++ {
		out = append(out, Edge{0, uint32(i)})
	}
	return out
}

// Disjoint returns k random subgraphs on disjoint node ranges,
// deterministically from seed: subgraph c has edgesEach edges whose ends
// are uniform over c*stride .. c*stride+nodesEach-1, where stride is
// nodesEach rounded up to a multiple of 1000 (at least 1000). So the
// least node of a component is rarely 0, and components can be told
// apart by their ids. A subgraph may itself fall into several components.
func Disjoint(k, nodesEach, edgesEach int, seed uint64) []Edge {
	if k <= 0 || edgesEach <= 0 {
		return nil
	}
	stride := max(1000, (nodesEach+999)/1000*1000)
	checkNodes("Disjoint", k*stride, k*edgesEach)
	checkNodes("Disjoint", nodesEach, edgesEach)
	r := newRand(seed)
	n := uint32(nodesEach)
	out := make([]Edge, 0, k*edgesEach)
	for c := range k {
		base := uint32(c * stride)
		for range edgesEach {
			out = append(out, Edge{base + r.Uint32N(n), base + r.Uint32N(n)})
		}
	}
	return out
}

// Cases returns the graphs every example test runs on, each at most a few
// thousand edges, the same on every call:
//
//	empty       no edges
//	self-loop   the single edge 7->7
//	chain       Chain(100)
//	star        Star(200)
//	sparse      Random(2000, 3000, 1): many small pieces and sinks
//	dense       Random(50, 2500, 2): self-loops and duplicate edges
//	components  Disjoint(6, 100, 150, 3)
//	sinks       a chain 0->...->49, each node also pointing to 6 random
//	            nodes of 50..1049, which have no out-edges
func Cases() []Case {
	return []Case{
		{"empty", nil},
		{"self-loop", []Edge{{7, 7}}},
		{"chain", Chain(100)},
		{"star", Star(200)},
		{"sparse", Random(2000, 3000, 1)},
		{"dense", Random(50, 2500, 2)},
		{"components", Disjoint(6, 100, 150, 3)},
		{"sinks", sinks(50, 6, 1000, 4)},
	}
}

// sinks returns a chain 0->...->n-1 in which every node also points to
// fan random nodes of n..n+leaves-1; those leaves have no out-edges.
func sinks(n, fan, leaves int, seed uint64) []Edge {
	r := newRand(seed)
	out := Chain(n)
	for i := range n {
		for range fan {
			out = append(out, Edge{uint32(i), uint32(n) + r.Uint32N(uint32(leaves))})
		}
	}
	return out
}
