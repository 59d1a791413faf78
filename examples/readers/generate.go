// Package readers is an example of typed sources: readers.tdf reads
// records with every kind of field from text and CSV files, and its
// tests check the parsers that tdc generates for them.
package readers

//go:generate go run ../../cmd/tdc gen readers.tdf
