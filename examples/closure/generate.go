// Package closure is the transitive closure example: closure.tdf and the
// Go API that tdc generates from it (closure_tdf.go). Regenerate with go
// generate after changing the .tdf file.
package closure

//go:generate go run ../../cmd/tdc gen closure.tdf
