package runtime

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/tdflow/tdc/runtime/tdnet"
)

// ExitUsage is the exit status of a binary started with a bad command
// line (EX_USAGE, as tdc's own).
const ExitUsage = 64

// Main runs the command of a generated binary: it parses the command
// line (the workers flag plus whatever register adds), runs run with a
// context that ends on SIGINT or SIGTERM, and returns the exit status:
// 0 on success, 1 when run fails (the error is printed to stderr),
// ExitUsage on bad usage.
func Main(name string, args []string, stderr io.Writer, register func(*flag.FlagSet), run func(context.Context, Config) error) int {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := DefaultConfig()
	fs.IntVar(&cfg.Workers, "w", cfg.Workers, "number of workers (goroutines) in this process")
	fs.IntVar(&cfg.Workers, "threads", cfg.Workers, "same as -w")
	fs.IntVar(&cfg.Cluster.Processes, "n", 1, "number of processes of the computation")
	fs.IntVar(&cfg.Cluster.Processes, "processes", 1, "same as -n")
	fs.IntVar(&cfg.Cluster.Index, "p", 0, "index of this process, 0..n-1")
	fs.IntVar(&cfg.Cluster.Index, "process", 0, "same as -p")
	hostfile := fs.String("hostfile", "", "file of host:port lines, one per process (needed when -n > 1)")
	var sf securityFlags
	sf.register(fs, &cfg.Cluster)
	var lf limitFlags
	lf.register(fs)
	stats := fs.Bool("stats", false, "print at the end the peak state of each operator and the bytes of data and of progress sent to other processes")
	progress := fs.Bool("progress", false, "print how far the computation got every few seconds")
	combine := fs.Bool("combine", true, "pre-aggregate count, sum, min and max per key on the sending worker; false sends every record")
	var of observeFlags
	of.register(fs)
	ours := make(map[string]bool)
	fs.VisitAll(func(f *flag.Flag) { ours[f.Name] = true })
	register(fs)
	if err := refuseSecretFlag(args); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return ExitUsage
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return ExitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "%s: unexpected argument %q\n", name, fs.Arg(0))
		fs.Usage()
		return ExitUsage
	}
	if *stats {
		cfg.Stats = stderr
	}
	if *progress {
		cfg.Progress = stderr
	}
	cfg.NoCombine = !*combine
	if err := clusterFlags(&cfg.Cluster, *hostfile); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return ExitUsage
	}
	if err := sf.apply(&cfg.Cluster); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return ExitUsage
	}
	if err := lf.apply(&cfg); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return ExitUsage
	}
	cfg.Log = stderr
	if cfg.Cluster.Processes > 1 {
		cfg.Cluster.Terms = paramTerms(fs, ours)
	}
	if err := cfg.Validate(); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return ExitUsage
	}
	stopObserving, err := of.start(&cfg, stderr, name)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 1
	}
	status := runMain(cfg, stderr, name, run)
	if err := stopObserving(); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		status = max(status, 1)
	}
	return status
}

// runMain runs run with a context that ends on SIGINT or SIGTERM and
// returns Main's exit status.
func runMain(cfg Config, stderr io.Writer, name string, run func(context.Context, Config) error) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- run(ctx, cfg) }()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		// Workers stop at their next scheduling point; one blocked in a
		// read (of standard input, say) may never get there.
		select {
		case err = <-done:
		case <-time.After(interruptGrace):
			err = fmt.Errorf("interrupted; gave up waiting %v for the workers to stop", interruptGrace)
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 1
	}
	return 0
}

// clusterFlags completes the cluster configuration from the -hostfile
// flag.
func clusterFlags(cl *tdnet.ClusterConfig, hostfile string) error {
	if cl.Processes <= 1 {
		if hostfile != "" && cl.Processes == 1 {
			return nil // a hostfile of one process changes nothing
		}
		if cl.Processes < 1 {
			return fmt.Errorf("-n %d: want at least 1 process", cl.Processes)
		}
		return nil
	}
	if hostfile == "" {
		return fmt.Errorf("-n %d needs -hostfile, a file with the host:port of every process", cl.Processes)
	}
	f, err := os.Open(hostfile)
	if err != nil {
		return err
	}
	defer f.Close()
	addrs, err := tdnet.ParseHostfile(f, hostfile)
	if err != nil {
		return err
	}
	if len(addrs) < cl.Processes {
		return fmt.Errorf("%s lists %d addresses; -n %d needs one per process", hostfile, len(addrs), cl.Processes)
	}
	cl.Addresses = addrs[:cl.Processes]
	return nil
}

// interruptGrace is how long Main waits for the workers after a signal.
const interruptGrace = 2 * time.Second

// number is the set of param types the flag package has no Var for.
type number interface {
	~int8 | ~int16 | ~int32 | ~uint8 | ~uint16 | ~uint32 | ~float32
}

// numberFlag is a flag.Value for a param of a sized number type.
type numberFlag[T number] struct{ p *T }

// NumberFlag returns a flag.Value that parses into *p and rejects values
// out of T's range.
func NumberFlag[T number](p *T) flag.Value { return numberFlag[T]{p} }

func (f numberFlag[T]) String() string {
	if f.p == nil {
		return "0"
	}
	return fmt.Sprint(*f.p)
}

func (f numberFlag[T]) Set(s string) error {
	var zero T
	switch any(zero).(type) {
	case float32:
		v, err := strconv.ParseFloat(s, 32)
		if err != nil {
			return err
		}
		*f.p = T(v)
	case uint8, uint16, uint32:
		v, err := strconv.ParseUint(s, 0, bitSize(zero))
		if err != nil {
			return err
		}
		*f.p = T(v)
	default:
		v, err := strconv.ParseInt(s, 0, bitSize(zero))
		if err != nil {
			return err
		}
		*f.p = T(v)
	}
	return nil
}

func bitSize(v any) int {
	switch v.(type) {
	case int8, uint8:
		return 8
	case int16, uint16:
		return 16
	}
	return 32
}
