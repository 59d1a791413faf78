// Package pingpong is timely dataflow's pingpong benchmark: pingpong.tdf
// and the Go API that tdc generates from it (pingpong_tdf.go).
package pingpong

//go:generate go run ../../cmd/tdc gen pingpong.tdf
