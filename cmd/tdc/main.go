// Command tdc compiles timely dataflow programs (.tdf files) to Go.
//
// Usage:
//
//	tdc gen [-o FILE.go] [-main] FILE.tdf   write the Go code beside the .tdf file
//	tdc build [-o BIN] FILE.tdf             build a binary
//	tdc run FILE.tdf [flags]                build and run; flags go to the program
//	tdc check FILE.tdf...                   report errors only
//	tdc fmt [-w] [-d] [-l] FILE.tdf...      lay out files canonically (-w rewrites, -d diffs, -l lists)
//	tdc graph [-format F] [-o OUT] FILE.tdf draw the planned dataflow (dot, svg, mermaid)
//	tdc launch -n N [-w W] BIN [flags]      run N processes of a binary as one computation
//	tdc version                             print the version
//	tdc help [COMMAND]                      show the usage of tdc or of a command
//
// Flags may come before or after the file. A generated binary takes -w N
// (workers), the cluster and security flags, and one flag per param.
// tdc exits with 0 on success, 1 when the program has errors or its run
// fails, and 64 for a bad command line (EX_USAGE). docs/cli.md describes every
// command and flag.
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
