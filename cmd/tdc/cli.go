package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/tdflow/tdc/lang"
)

// Exit statuses, the same as a generated binary's (runtime.Main).
const (
	exitOK    = 0
	exitError = 1  // the program has errors, or running it failed
	exitUsage = 64 // bad command line (EX_USAGE, as STYLE.md asks)
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
		{"help", "tdc help [COMMAND]", "show the usage of tdc or of one command", cmdHelp},
	}
}

// commandExamples holds, by command, the example lines its -h shows.
var commandExamples = map[string][]string{
	"gen":     {"tdc gen wordcount.tdf            # writes wordcount_tdf.go", "tdc gen -main -o cmd/wc/main.go wordcount.tdf"},
	"build":   {"tdc build wordcount.tdf -o wc    # flags may follow the file", "./wc -w 4 -input words.txt"},
	"run":     {"tdc run wordcount.tdf -w 4 -input words.txt", "tdc run wordcount.tdf -h        # the program's own flags"},
	"check":   {"tdc check wordcount.tdf", "tdc check examples/*/*.tdf"},
	"fmt":     {"tdc fmt -d wordcount.tdf         # show the changes", "tdc fmt -w .                     # rewrite every .tdf file"},
	"graph":   {"tdc graph wordcount.tdf | dot -Tsvg > wordcount.svg"},
	"launch":  {"tdc build -o wc wordcount.tdf && tdc launch -n 3 -w 2 ./wc -input words.txt"},
	"version": {"tdc version"},
	"help":    {"tdc help build"},
}

// aliases maps the names other tools give to a command to tdc's.
var aliases = map[string]string{
	"compile": "build", "install": "build", "exec": "run", "start": "run",
	"generate": "gen", "vet": "check", "lint": "check", "typecheck": "check",
	"dot": "graph", "plan": "graph", "cluster": "launch",
}

// run is tdc's main function, separate from main for tests.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	env := &cliEnv{stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help":
		usage(stdout)
		return exitOK
	case "-v", "-version", "--version":
		return cmdVersion(args[1:], env)
	}
	if c := lookup(args[0]); c != nil {
		return c.run(args[1:], env)
	}
	unknownCommand(env, args[0])
	return exitUsage
}

// lookup returns the command called name, or nil.
func lookup(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

// unknownCommand reports a command tdc does not have, with the one the
// user probably meant.
func unknownCommand(env *cliEnv, name string) {
	var names []string
	for _, c := range commands {
		names = append(names, c.name)
	}
	hint := ""
	switch {
	case strings.HasSuffix(name, ".tdf"):
		hint = fmt.Sprintf("; to build and run a program: tdc run %s", name)
	case aliases[name] != "":
		hint = fmt.Sprintf("; did you mean %q?", aliases[name])
	default:
		if s := lang.Suggest(name, names); s != "" {
			hint = fmt.Sprintf("; did you mean %q?", s)
		}
	}
	fmt.Fprintf(env.stderr, "tdc: unknown command %q%s\n", name, hint)
	fmt.Fprintf(env.stderr, "The commands are %s; run tdc help COMMAND for one.\n", strings.Join(names, ", "))
}

// usage prints what tdc is, its commands and its conventions.
func usage(w io.Writer) {
	fmt.Fprintln(w, "tdc compiles timely dataflow programs (.tdf files) to Go.")
	fmt.Fprintln(w, "\nUsage:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-40s %s\n", c.usage, c.summary)
	}
	fmt.Fprintln(w, "\nFlags may come before or after the file. tdc help COMMAND shows a command's")
	fmt.Fprintln(w, "flags and examples. Exit status: 0 success, 1 errors in the program or")
	fmt.Fprintln(w, "its run (tdc run: the program's own status), 2 a bad command line.")
	fmt.Fprintln(w, "Every flag and the flags of generated binaries: docs/cli.md.")
}

// cmdHelp prints the usage of tdc, or of the command named, to standard
// output.
func cmdHelp(args []string, env *cliEnv) int {
	switch {
	case len(args) == 0:
		usage(env.stdout)
		return exitOK
	case len(args) > 1:
		fmt.Fprintln(env.stderr, "tdc help: one command at a time")
		fmt.Fprintf(env.stderr, "usage: %s\n", lookup("help").usage)
		return exitUsage
	}
	name := args[0]
	if alias, ok := aliases[name]; ok && lookup(name) == nil {
		name = alias
	}
	c := lookup(name)
	if c == nil {
		unknownCommand(env, args[0])
		return exitUsage
	}
	if c.name == "help" {
		usage(env.stdout)
		return exitOK
	}
	// A command's -h prints its usage to stderr; help prints it to
	// stdout.
	return c.run([]string{"-h"}, &cliEnv{stdin: env.stdin, stdout: env.stdout, stderr: env.stdout})
}

// newFlags returns the flag set of a subcommand. Its Usage prints the
// command's usage to stderr, after a usage error or for -h.
func newFlags(c string, env *cliEnv) *flag.FlagSet {
	fs := flag.NewFlagSet("tdc "+c, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.Usage = func() {}
	if cmd := lookup(c); cmd != nil {
		fs.Usage = func() { commandUsage(env.stderr, cmd, fs) }
	}
	return fs
}

// commandUsage prints the usage line, summary, flags and examples of c.
func commandUsage(w io.Writer, c *command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "usage: %s\n\n%s.\n", c.usage, strings.ToUpper(c.summary[:1])+c.summary[1:])
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n > 0 {
		fmt.Fprintf(w, "\nFlags:\n")
		out := fs.Output()
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(out)
	}
	if ex := commandExamples[c.name]; len(ex) > 0 {
		fmt.Fprintf(w, "\nExamples:\n")
		for _, e := range ex {
			fmt.Fprintf(w, "  %s\n", e)
		}
	}
}

// parseFlags parses args, flags and file names in any order (a "--"
// ends the flags), leaving the file names as fs.Args(). It returns a
// non-negative exit status when the command should stop: 0 after -h and
// exitUsage for a bad flag, the usage printed to stderr either way.
func parseFlags(fs *flag.FlagSet, args []string) int {
	var names []string
	for {
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			return exitOK // fs.Usage has printed the usage
		}
		if err != nil {
			return exitUsage // and fs.Usage has printed the usage
		}
		rest := fs.Args()
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			names = append(names, rest...)
			break
		}
		if len(rest) == 0 {
			break
		}
		names = append(names, rest[0])
		args = rest[1:]
	}
	// Leave the names as fs.Args(); the flags keep their values.
	if err := fs.Parse(append([]string{"--"}, names...)); err != nil {
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
		fmt.Fprintf(env.stderr, "%s: one .tdf file at a time, not %d: %s\n", fs.Name(), fs.NArg(), strings.Join(fs.Args(), " "))
		fmt.Fprintf(env.stderr, "usage: %s\n", lookup(strings.TrimPrefix(fs.Name(), "tdc ")).usage)
		return "", false
	}
	return fs.Arg(0), true
}
