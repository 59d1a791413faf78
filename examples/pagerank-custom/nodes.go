package pagerankcustom

// nodeSums adds up float32 values by node, remembering which nodes it
// has a value for.
type nodeSums struct {
	dense  []nodeSum
	nodes  []uint32 // the nodes with a dense value, in first-add order
	sparse map[uint32]float32
}

// nodeSum is the sum of one node, and whether it has one: side by side,
// so that adding to a node touches one cache line.
type nodeSum struct {
	sum float32
	has bool
}

// add adds x to the sum of node v.
func (s *nodeSums) add(v uint32, x float32) {
	if v >= denseNodes {
		if s.sparse == nil {
			s.sparse = map[uint32]float32{}
		}
		s.sparse[v] += x
		return
	}
	if int(v) >= len(s.dense) {
		s.dense = append(s.dense, make([]nodeSum, int(v)+1-len(s.dense))...)
	}
	c := &s.dense[v]
	if !c.has {
		c.has = true
		s.nodes = append(s.nodes, v)
	}
	c.sum += x
}

// drain calls fn with every node's sum, in the order of the nodes' ids
// (a scan, which reads the neighbours of consecutive nodes in order, when
// most ids have a value), and empties s for reuse.
func (s *nodeSums) drain(fn func(v uint32, sum float32)) {
	if len(s.nodes) >= len(s.dense)/8 {
		for v := range s.dense {
			if c := &s.dense[v]; c.has {
				fn(uint32(v), c.sum)
				*c = nodeSum{}
			}
		}
	} else {
		for _, v := range s.nodes {
			fn(v, s.dense[v].sum)
			s.dense[v] = nodeSum{}
		}
	}
	s.nodes = s.nodes[:0]
	for v, sum := range s.sparse {
		fn(v, sum)
	}
	clear(s.sparse)
}

// nodeSet is a set of nodes: a bitmap for ids below denseNodes, a map
// above.
type nodeSet struct {
	dense  []uint64
	sparse map[uint32]bool
}

// add adds v and reports whether it was new.
func (s *nodeSet) add(v uint32) bool {
	if v >= denseNodes {
		if s.sparse[v] {
			return false
		}
		if s.sparse == nil {
			s.sparse = map[uint32]bool{}
		}
		s.sparse[v] = true
		return true
	}
	w, bit := int(v/64), uint64(1)<<(v%64)
	if w >= len(s.dense) {
		s.dense = append(s.dense, make([]uint64, w+1-len(s.dense))...)
	}
	if s.dense[w]&bit != 0 {
		return false
	}
	s.dense[w] |= bit
	return true
}
