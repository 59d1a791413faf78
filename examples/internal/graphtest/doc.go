// Package graphtest is the test support shared by the graph examples
// examples/reach, examples/pagerank and examples/cc. Their tests run the
// generated dataflows with 1, 2 and 4 workers on generated graphs and
// compare what the dataflows print with the plain reference
// implementations here.
//
// # Input
//
// The examples read a directed edge list from a text file, one edge per
// line as "src dst": two uint32 in decimal separated by one space. Blank
// lines are allowed and ignored. [WriteEdges], [WriteFile] and
// [WriteRandomFile] write that format; [ReadEdges] and [ReadFile] read it.
//
// # Graphs
//
// [Random], [Chain], [Star] and [Disjoint] generate graphs, the random
// ones deterministically from a seed (math/rand/v2 PCG). [Cases] is the
// named list of small-to-medium graphs every example test runs on.
//
// # References
//
// [Reach] is the sorted set of nodes reachable from a root, the root
// included. [PageRank] runs a fixed number of rounds of
// rank[v] = 0.15 + 0.85 * sum over edges u->v of rank[u]/outdeg(u),
// starting from 1.0, over the nodes that appear in an edge. [Components]
// labels every node with the least node id of its weakly connected
// component.
//
// # Output
//
// The examples print one line per result, in any order:
//
//	reach:     node
//	pagerank:  node rank    (fmt "%d %.6f")
//	cc:        node label
//
// [FormatReach], [FormatPageRank] and [FormatComponents] format a
// reference result that way, sorted by node. [CheckReach],
// [CheckPageRank] and [CheckComponents] compare an output with a
// reference result in any order and return an error naming the first few
// malformed, duplicate, missing, extra and wrong lines with their counts;
// they do not fail the test themselves, so tests can wrap their errors.
package graphtest
