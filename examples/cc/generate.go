// Package cc is the connected components example: cc.tdf, its Go helpers
// (edges.go) and the Go API that tdc generates from it (cc_tdf.go).
// Regenerate with go generate after changing the .tdf file.
package cc

//go:generate go run ../../cmd/tdc gen cc.tdf
