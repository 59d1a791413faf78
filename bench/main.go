package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// options are the command's flags.
type options struct {
	quick  bool
	runs   int
	json   string
	timely string
	keep   string
	only   *regexp.Regexp // rows whose program matches; nil for all
}

// run parses the flags and runs the suite, or one of the child modes
// (-sink, -baseline) that the suite starts this binary in.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.BoolVar(&o.quick, "quick", false, "small inputs and 3 runs: under a minute")
	fs.IntVar(&o.runs, "runs", 0, "runs of each configuration (default 3 with -quick, else 5)")
	fs.StringVar(&o.json, "json", "", "also write the table as JSON to this file")
	fs.StringVar(&o.timely, "timely", os.Getenv("TDC_TIMELY"), "a directory of timely-anchor binaries to run interleaved (default $TDC_TIMELY)")
	fs.StringVar(&o.keep, "keep", "", "build and write inputs in this directory and keep it (default a temporary one)")
	only := fs.String("only", "", "run only the rows whose program name matches this regular expression (e.g. 'pagerank|reach')")
	sink := fs.String("sink", "", "child mode: read everything from this TCP address")
	inproc := fs.String("inproc", "", "child mode: run the in-process measurement `exchange|latency|memcpy` with its numeric arguments")
	baseline := fs.String("baseline", "", "child mode: run the single-threaded `pagerank|reach` on the file given as argument")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 64
	}
	var err error
	if *only != "" {
		if o.only, err = regexp.Compile(*only); err != nil {
			fmt.Fprintln(stderr, "bench: -only:", err)
			return 64
		}
	}
	switch {
	case *sink != "":
		err = runSink(*sink, stdout)
	case *inproc != "":
		err = runInproc(*inproc, fs.Args(), stdout)
	case *baseline != "":
		if fs.NArg() != 1 {
			fmt.Fprintln(stderr, "bench: -baseline needs a file")
			return 64
		}
		err = runBaseline(*baseline, fs.Arg(0), stdout)
	default:
		if fs.NArg() != 0 {
			fmt.Fprintln(stderr, "bench: unexpected arguments")
			return 64
		}
		if o.runs <= 0 {
			o.runs = 5
			if o.quick {
				o.runs = 3
			}
		}
		err = suite(o, stdout, stderr)
	}
	if err != nil {
		fmt.Fprintln(stderr, "bench:", err)
		return 1
	}
	return 0
}
