// Package hello holds timely dataflow's hello example: hello.tdf and the
// Go API that tdc generates from it. The bench builds it as a binary to
// measure start-up.
package hello

//go:generate go run ../../cmd/tdc gen hello.tdf
