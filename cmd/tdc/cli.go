package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/tdflow/tdc/lang"
)

// Exit statuses.
const (
	exitOK    = 0
	exitError = 1  // the program has errors, or running it failed
	exitUsage = 64 // bad command line (EX_USAGE)
)

// command is one subcommand.
type command struct {
	name    string
	usage   string
	summary string
	run     func(args []string, env *cliEnv) int
}

// cliEnv is what a subcommand reads and writes.
type cliEnv struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

var commands []*command

func init() {
	commands = []*command{
		{"gen", "tdc gen [-o FILE.go] [-main] FILE.tdf", "write the Go code of a program beside it", cmdGen},
		{"build", "tdc build [-o BIN] FILE.tdf", "build a program into a binary", cmdBuild},
		{"run", "tdc run FILE.tdf [program flags]", "build a program and run it", cmdRun},
		{"check", "tdc check FILE.tdf...", "report the errors of programs", cmdCheck},
		{"fmt", "tdc fmt [-w] [-d] [-l] [FILE.tdf|DIR...]", "lay out programs in the canonical format", cmdFmt},
		{"graph", "tdc graph [-format F] [-o OUT] FILE.tdf", "draw the planned dataflow: F is dot (default), svg or mermaid", cmdGraph},
		{"launch", "tdc launch -n N [-w W] BIN [flags]", "run N processes of a binary on this host as one computation", cmdLaunch},
		{"version", "tdc version", "print tdc's version and the runtime it builds binaries with", cmdVersion},
	}
}

// run is tdc's main function, separate from main for tests.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	env := &cliEnv{stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		usage(stdout)
		return exitOK
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(args[1:], env)
		}
	}
	fmt.Fprintf(stderr, "tdc: unknown command %q\n", args[0])
	usage(stderr)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "tdc compiles timely dataflow programs (.tdf files) to Go.")
	fmt.Fprintln(w, "\nUsage:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-40s %s\n", c.usage, c.summary)
	}
}

// newFlags returns the flag set of a subcommand, printing usage to stderr.
func newFlags(c string, env *cliEnv) *flag.FlagSet {
	fs := flag.NewFlagSet("tdc "+c, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	for _, cmd := range commands {
		if cmd.name == c {
			fs.Usage = func() {
				fmt.Fprintf(env.stderr, "usage: %s\n", cmd.usage)
				fs.PrintDefaults()
			}
		}
	}
	return fs
}

// parseFlags parses args, returning a non-negative exit status when the
// command should stop.
func parseFlags(fs *flag.FlagSet, args []string) int {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	return -1
}

// report prints err: each error of a list on its own line.
func report(env *cliEnv, err error) int {
	var list lang.ErrorList
	if errors.As(err, &list) {
		for _, e := range list {
			fmt.Fprintln(env.stderr, e.Error())
		}
		return exitError
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "tdc") {
		msg = "tdc: " + msg
	}
	fmt.Fprintln(env.stderr, msg)
	return exitError
}

// someFiles checks that at least one .tdf file was named.
func someFiles(fs *flag.FlagSet, env *cliEnv) bool {
	if fs.NArg() < 1 {
		fmt.Fprintf(env.stderr, "%s: no .tdf file named\n", fs.Name())
		fs.Usage()
		return false
	}
	return true
}

// oneFile checks that exactly one .tdf file was named and returns it.
func oneFile(fs *flag.FlagSet, env *cliEnv) (string, bool) {
	if !someFiles(fs, env) {
		return "", false
	}
	if fs.NArg() > 1 {
		fmt.Fprintf(env.stderr, "%s: one .tdf file at a time\n", fs.Name())
		return "", false
	}
	return fs.Arg(0), true
}
