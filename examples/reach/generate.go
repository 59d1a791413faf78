// Package reach is the reachability example: reach.tdf, its Go helpers
// (edges.go) and the Go API that tdc generates from it (reach_tdf.go).
// Regenerate with go generate after changing the .tdf file.
package reach

//go:generate go run ../../cmd/tdc gen reach.tdf
