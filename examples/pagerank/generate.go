// Package pagerank is the PageRank example: pagerank.tdf, its Go helpers
// (edges.go) and the Go API that tdc generates from it (pagerank_tdf.go).
// Regenerate with go generate after changing the .tdf file.
package pagerank

//go:generate go run ../../cmd/tdc gen pagerank.tdf
