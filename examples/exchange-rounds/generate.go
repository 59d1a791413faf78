// Package rounds is timely dataflow's exchange benchmark written as a
// binary (rounds.tdf and its generated API, rounds_tdf.go): every worker
// sends 0..batch-1 per round through an exchange by value, round after
// round. examples/exchange is the host-fed version.
package rounds

//go:generate go run ../../cmd/tdc gen rounds.tdf
