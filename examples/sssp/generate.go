// Package sssp is the shortest-paths example: sssp.tdf and the Go API
// that tdc generates from it (sssp_tdf.go). Regenerate with go generate
// after changing the .tdf file.
package sssp

//go:generate go run ../../cmd/tdc gen sssp.tdf
