// Package records is an example whose records have fields of every kind:
// records.tdf parses lines into them and routes them by a record-valued
// key. Its tests check the generated encoders and decoders.
package records

//go:generate go run ../../cmd/tdc gen records.tdf
