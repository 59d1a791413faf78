package pagerankcustom

// denseNodes bounds the node ids kept in slices indexed by id; larger ids
// go to a map, so that a few huge ids do not cost huge slices.
const denseNodes = 1 << 22

// adjacency holds the out-neighbours of nodes. Edges are collected as
// they come and sorted by source (a counting sort into one array, with an
// offset per node) the first time neighbours are asked for after new
// edges came.
type adjacency struct {
	srcs, dsts []uint32 // edges not yet sorted in
	offsets    []uint32 // the neighbours of v are targets[offsets[v]:offsets[v+1]]
	targets    []uint32
	sparse     map[uint32][]uint32
}

// add records the edge src -> dst.
func (a *adjacency) add(src, dst uint32) {
	if src >= denseNodes {
		if a.sparse == nil {
			a.sparse = map[uint32][]uint32{}
		}
		a.sparse[src] = append(a.sparse[src], dst)
		return
	}
	a.srcs = append(a.srcs, src)
	a.dsts = append(a.dsts, dst)
}

// out returns the out-neighbours of src.
func (a *adjacency) out(src uint32) []uint32 {
	if len(a.srcs) > 0 {
		a.sort()
	}
	if int(src)+1 < len(a.offsets) {
		return a.targets[a.offsets[src]:a.offsets[src+1]]
	}
	return a.sparse[src]
}

// sort merges the new edges into offsets and targets.
func (a *adjacency) sort() {
	for v := 0; v+1 < len(a.offsets); v++ {
		for _, d := range a.targets[a.offsets[v]:a.offsets[v+1]] {
			a.srcs = append(a.srcs, uint32(v))
			a.dsts = append(a.dsts, d)
		}
	}
	nodes := 0
	for _, s := range a.srcs {
		nodes = max(nodes, int(s)+1)
	}
	offsets := make([]uint32, nodes+1)
	for _, s := range a.srcs {
		offsets[s+1]++
	}
	for v := 1; v <= nodes; v++ {
		offsets[v] += offsets[v-1]
	}
	targets := make([]uint32, len(a.srcs))
	next := append([]uint32(nil), offsets[:nodes]...)
	for i, s := range a.srcs {
		targets[next[s]] = a.dsts[i]
		next[s]++
	}
	a.offsets, a.targets = offsets, targets
	a.srcs, a.dsts = a.srcs[:0], a.dsts[:0]
}
