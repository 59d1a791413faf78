// Package pagerankcustom is PageRank written with custom operators, the
// worked example of custom operators: pagerank_custom.tdf, its Go
// helpers (edges.go, adjacency.go, nodes.go) and the Go API that tdc
// generates from it (pagerank_custom_tdf.go). examples/pagerank computes
// the same with built-in operators only. Regenerate with go generate
// after changing the .tdf file.
package pagerankcustom

//go:generate go run ../../cmd/tdc gen pagerank_custom.tdf
