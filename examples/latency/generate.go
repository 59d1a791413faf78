// Package latency is the latency benchmark: latency.tdf, its generated
// API (latency_tdf.go) and Measure, the Go host that feeds it one record
// per epoch and times each epoch.
package latency

//go:generate go run ../../cmd/tdc gen latency.tdf
