// Command tdc compiles timely dataflow programs (.tdf files) to Go.
//
// Usage:
//
//	tdc gen [-o FILE.go] FILE.tdf     write the Go code beside the .tdf file
//	tdc build [-o BIN] FILE.tdf       build a binary
//	tdc run FILE.tdf [flags]          build and run; flags go to the program
//	tdc check FILE.tdf                report errors only
//	tdc fmt [-w] [-d] [-l] FILE.tdf   lay out files canonically (-w rewrites, -d diffs, -l lists)
//
// A generated binary takes -w N (workers) and one flag per param.
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
