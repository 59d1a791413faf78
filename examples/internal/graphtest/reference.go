package graphtest

import "slices"

// PageRank's constants: each round a node keeps teleport and receives
// damping times the rank its in-neighbours share out.
const (
	teleport = 0.15
	damping  = 0.85
)

// dense is a graph over the nodes that appear in its edges, numbered
// 0..len(ids)-1 in order of first appearance.
type dense struct {
	ids      []uint32 // number -> node id
	src, dst []int32  // the edges, by number

	// Node id -> number+1 (0: absent): a slice indexed by id when the ids
	// are compact, as they are in generated graphs, else a map.
	table []int32
	num   map[uint32]int32
}

// newDense numbers the nodes of edges.
func newDense(edges []Edge) *dense {
	g := &dense{
		src: make([]int32, len(edges)),
		dst: make([]int32, len(edges)),
	}
	var top uint32
	for _, e := range edges {
		top = max(top, e.Src, e.Dst)
	}
	if uint64(top) < 4*uint64(len(edges))+1024 {
		g.table = make([]int32, uint64(top)+1)
	} else {
		g.num = make(map[uint32]int32)
	}
	for i, e := range edges {
		g.src[i] = g.number(e.Src)
		g.dst[i] = g.number(e.Dst)
	}
	return g
}

// number returns the number of node v, giving it the next one if new.
func (g *dense) number(v uint32) int32 {
	if n, ok := g.lookup(v); ok {
		return n
	}
	n := int32(len(g.ids))
	g.ids = append(g.ids, v)
	if g.table != nil {
		g.table[v] = n + 1
	} else {
		g.num[v] = n + 1
	}
	return n
}

// lookup returns the number of node v, if it appears in an edge.
func (g *dense) lookup(v uint32) (int32, bool) {
	var n int32
	switch {
	case g.table != nil && uint64(v) < uint64(len(g.table)):
		n = g.table[v]
	case g.num != nil:
		n = g.num[v]
	}
	return n - 1, n > 0
}

// out returns the out-neighbours in compressed form: those of node u are
// adj[off[u]:off[u+1]].
func (g *dense) out() (off, adj []int32) {
	off = make([]int32, len(g.ids)+1)
	for _, s := range g.src {
		off[s+1]++
	}
	for i := 1; i < len(off); i++ {
		off[i] += off[i-1]
	}
	adj = make([]int32, len(g.src))
	next := slices.Clone(off[:len(g.ids)])
	for i, s := range g.src {
		adj[next[s]] = g.dst[i]
		next[s]++
	}
	return off, adj
}

// Reach returns, sorted, the nodes reachable from root by following
// directed edges. Root is always included, even when no edge touches it.
func Reach(edges []Edge, root uint32) []uint32 {
	g := newDense(edges)
	r, ok := g.lookup(root)
	if !ok {
		return []uint32{root}
	}
	off, adj := g.out()
	seen := make([]bool, len(g.ids))
	seen[r] = true
	queue := []int32{r}
	for head := 0; head < len(queue); head++ {
		u := queue[head]
		for _, v := range adj[off[u]:off[u+1]] {
			if !seen[v] {
				seen[v] = true
				queue = append(queue, v)
			}
		}
	}
	out := make([]uint32, len(queue))
	for i, u := range queue {
		out[i] = g.ids[u]
	}
	slices.Sort(out)
	return out
}

// PageRank returns the ranks after iters rounds over the nodes that
// appear in an edge. Every rank starts at 1.0; each round sets, for all
// nodes at once, rank[v] = 0.15 + 0.85 * sum over edges u->v of
// rank[u]/outdeg(u), where outdeg(u) counts u's edges, duplicates and
// self-loops included. Nodes without out-edges share nothing. The sum
// runs in edge order, in float64.
func PageRank(edges []Edge, iters int) map[uint32]float64 {
	g := newDense(edges)
	n := len(g.ids)
	outdeg := make([]float64, n)
	for _, s := range g.src {
		outdeg[s]++
	}
	rank := make([]float64, n)
	for i := range rank {
		rank[i] = 1
	}
	share := make([]float64, n)
	sum := make([]float64, n)
	for range iters {
		for u := range share {
			if outdeg[u] > 0 {
				share[u] = rank[u] / outdeg[u]
			}
		}
		clear(sum)
		for i, s := range g.src {
			sum[g.dst[i]] += share[s]
		}
		for v := range rank {
			rank[v] = teleport + damping*sum[v]
		}
	}
	out := make(map[uint32]float64, n)
	for i, v := range g.ids {
		out[v] = rank[i]
	}
	return out
}

// Components maps every node that appears in an edge to the least node id
// of its connected component, the edges taken as undirected. It uses
// union-find with path compression, each union keeping the root with the
// smaller id, so a root is always its component's least node.
func Components(edges []Edge) map[uint32]uint32 {
	g := newDense(edges)
	parent := make([]int32, len(g.ids))
	for i := range parent {
		parent[i] = int32(i)
	}
	find := func(x int32) int32 {
		root := x
		for parent[root] != root {
			root = parent[root]
		}
		for parent[x] != root {
			parent[x], x = root, parent[x]
		}
		return root
	}
	for i, s := range g.src {
		a, b := find(s), find(g.dst[i])
		switch {
		case a == b:
		case g.ids[a] < g.ids[b]:
			parent[b] = a
		default:
			parent[a] = b
		}
	}
	out := make(map[uint32]uint32, len(g.ids))
	for i, v := range g.ids {
		out[v] = g.ids[find(int32(i))]
	}
	return out
}
