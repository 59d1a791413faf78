// Package pagerank is the PageRank example, written with built-in
// operators only: pagerank.tdf and the Go API that tdc generates from it
// (pagerank_tdf.go). examples/pagerank-custom computes the same with
// custom operators. Regenerate with go generate after changing the .tdf
// file.
package pagerank

//go:generate go run ../../cmd/tdc gen pagerank.tdf
