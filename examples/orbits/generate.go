// Package orbits shows loops over epochs that a Go host feeds: an
// iterate and a loop that start afresh every epoch, and a custom operator
// whose state spans epochs. orbits_tdf.go is generated from orbits.tdf;
// regenerate with go generate.
package orbits

//go:generate go run ../../cmd/tdc gen orbits.tdf
