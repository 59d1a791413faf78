// Package exchange holds the exchange benchmark: exchange.tdf and the Go
// API that tdc generates from it. Its tests drive it epoch by epoch.
package exchange

//go:generate go run ../../cmd/tdc gen exchange.tdf
