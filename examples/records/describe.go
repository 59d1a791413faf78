package records

import "strconv"

// describe is Go of the records package that records.tdf calls: a .tdf
// program may use the functions and types of the package it is generated
// into.
func describe(e Entry) string {
	return e.Name + " " + strconv.FormatFloat(e.Score, 'f', 1, 64)
}
