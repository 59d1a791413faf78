package graphtest

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
)

// FormatReach formats a Reach result as examples/reach prints it: one
// node per line, here in ascending order.
func FormatReach(nodes []uint32) []byte {
	var b []byte
	for _, v := range slices.Sorted(slices.Values(nodes)) {
		b = strconv.AppendUint(b, uint64(v), 10)
		b = append(b, '\n')
	}
	return b
}

// FormatPageRank formats a PageRank result as examples/pagerank prints
// it: one "%d %.6f" line per node, here in ascending node order.
func FormatPageRank(ranks map[uint32]float64) []byte {
	var b []byte
	for _, v := range slices.Sorted(maps.Keys(ranks)) {
		b = fmt.Appendf(b, "%d %.6f\n", v, ranks[v])
	}
	return b
}

// FormatComponents formats a Components result as examples/cc prints it:
// one "node label" line per node, here in ascending node order.
func FormatComponents(labels map[uint32]uint32) []byte {
	var b []byte
	for _, v := range slices.Sorted(maps.Keys(labels)) {
		b = fmt.Appendf(b, "%d %d\n", v, labels[v])
	}
	return b
}
