package cc

// labels holds the least label heard of for each node: in a slice indexed
// by id (0 for none, else label+1) below denseNodes, in a map above.
type labels struct {
	dense  []uint32
	sparse map[uint32]uint32
}

// lower sets the label of v to l if v has none or a greater one, and
// reports whether it did.
func (ls *labels) lower(v, l uint32) bool {
	if v >= denseNodes {
		if old, ok := ls.sparse[v]; ok && old <= l {
			return false
		}
		if ls.sparse == nil {
			ls.sparse = map[uint32]uint32{}
		}
		ls.sparse[v] = l
		return true
	}
	if int(v) >= len(ls.dense) {
		ls.dense = append(ls.dense, make([]uint32, int(v)+1-len(ls.dense))...)
	}
	if old := ls.dense[v]; old != 0 && old-1 <= l {
		return false
	}
	ls.dense[v] = l + 1
	return true
}

// of returns the label of v, which must have one.
func (ls *labels) of(v uint32) uint32 {
	if int(v) < len(ls.dense) {
		return ls.dense[v] - 1
	}
	return ls.sparse[v]
}

// nodeList is a list of distinct nodes.
type nodeList struct {
	nodes []uint32
	in    []uint64 // bitmap of the nodes below denseNodes
	big   map[uint32]bool
}

// add appends v unless the list has it.
func (l *nodeList) add(v uint32) {
	if v >= denseNodes {
		if l.big[v] {
			return
		}
		if l.big == nil {
			l.big = map[uint32]bool{}
		}
		l.big[v] = true
	} else {
		w, bit := int(v/64), uint64(1)<<(v%64)
		if w >= len(l.in) {
			l.in = append(l.in, make([]uint64, w+1-len(l.in))...)
		}
		if l.in[w]&bit != 0 {
			return
		}
		l.in[w] |= bit
	}
	l.nodes = append(l.nodes, v)
}

// reset empties the list for reuse.
func (l *nodeList) reset() {
	for _, v := range l.nodes {
		if v < denseNodes {
			l.in[v/64] = 0
		}
	}
	l.nodes = l.nodes[:0]
	clear(l.big)
}
