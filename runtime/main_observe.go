package runtime

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	goruntime "runtime"
	"runtime/pprof"
	"runtime/trace"

	"golang.org/x/term"
)

// observeFlags are the flags of a generated binary that look into a
// run: the web view, the profiles and the status line.
type observeFlags struct {
	http       string
	cpuprofile string
	memprofile string
	trace      string
	quiet      bool
}

func (o *observeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&o.http, "http", "", "serve the live web view, /metrics and /debug/pprof/ on this `address` (host:port; port 0 picks one)")
	fs.StringVar(&o.cpuprofile, "cpuprofile", "", "write a CPU profile to `file`, with the operators as labels")
	fs.StringVar(&o.memprofile, "memprofile", "", "write a memory (allocation) profile to `file` at the end")
	fs.StringVar(&o.trace, "trace", "", "write a Go execution trace to `file`, each operator run a region")
	fs.BoolVar(&o.quiet, "quiet", false, "no status line on a terminal")
}

// start applies the flags to cfg and starts what they ask for: the web
// server (its address goes to stderr), the CPU profile and the trace.
// stop ends the profiles and writes the memory profile.
func (o *observeFlags) start(cfg *Config, stderr io.Writer, name string) (stop func() error, err error) {
	var stops []func() error
	stopAll := func() error {
		var errs []error
		for i := len(stops) - 1; i >= 0; i-- {
			errs = append(errs, stops[i]())
		}
		return errors.Join(errs...)
	}
	defer func() {
		if err != nil {
			stopAll()
		}
	}()
	if o.http != "" {
		web, err := serveWeb(o.http)
		if err != nil {
			return nil, fmt.Errorf("-http %s: %v", o.http, err)
		}
		cfg.HTTP = o.http
		fmt.Fprintf(stderr, "%s: web view at http://%s/\n", name, web.addr)
	}
	create := func(flagName, path string) (*os.File, error) {
		f, err := os.Create(path)
		if err != nil {
			return nil, fmt.Errorf("-%s: %v", flagName, err)
		}
		return f, nil
	}
	if o.cpuprofile != "" {
		f, err := create("cpuprofile", o.cpuprofile)
		if err != nil {
			return nil, err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return nil, fmt.Errorf("-cpuprofile: %v", err)
		}
		cfg.ProfileLabels = true
		stops = append(stops, func() error { pprof.StopCPUProfile(); return f.Close() })
	}
	if o.trace != "" {
		f, err := create("trace", o.trace)
		if err != nil {
			return nil, err
		}
		if err := trace.Start(f); err != nil {
			f.Close()
			return nil, fmt.Errorf("-trace: %v", err)
		}
		cfg.ProfileLabels = true
		stops = append(stops, func() error { trace.Stop(); return f.Close() })
	}
	if o.memprofile != "" {
		f, err := create("memprofile", o.memprofile)
		if err != nil {
			return nil, err
		}
		stops = append(stops, func() error {
			goruntime.GC()
			err := pprof.Lookup("allocs").WriteTo(f, 0)
			return errors.Join(err, f.Close())
		})
	}
	if f, ok := stderr.(*os.File); ok && !o.quiet && term.IsTerminal(int(f.Fd())) {
		cfg.Status = stderr
	}
	return stopAll, nil
}
