// Package wordcount is the word count example: wordcount.tdf and the Go
// API that tdc generates from it (wordcount_tdf.go). Regenerate with
// go generate after changing the .tdf file.
package wordcount

//go:generate go run ../../cmd/tdc gen wordcount.tdf
