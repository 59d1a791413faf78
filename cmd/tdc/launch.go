package main

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	goruntime "runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	tdrt "github.com/tdflow/tdc/runtime"
	"github.com/tdflow/tdc/runtime/tdnet"
)

// cmdLaunch starts n processes of a generated binary on this host as one
// computation: each gets a free loopback port in a generated hostfile.
// Their standard output is passed through line by line; standard error
// lines are prefixed with the process index. When one process fails, the
// others are stopped, and tdc exits with the failed process's status.
// The processes authenticate each other (TLS) by a fresh random secret
// of every launch, which they get in the environment ($TDC_SECRET),
// never on a command line. With -http, process 0 serves the web view of
// all processes on the address given, and the others their own on free
// ports; each prints its address ("process 0: prog: web view at ...").
func cmdLaunch(args []string, env *cliEnv) int {
	fs := newFlags("launch", env)
	n := fs.Int("n", 2, "number of processes")
	workers := fs.Int("w", 1, "workers per process")
	web := fs.String("http", "", "serve the web view of all processes on this `address` (process 0's; the others pick free ports on its host)")
	// Flags up to the binary are launch's; after it, the binary's,
	// except launch's own (-n and -w mean the same to both, and launch
	// passes them on itself).
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() < 1 {
		fmt.Fprintln(env.stderr, "tdc launch: no binary named")
		fs.Usage()
		return exitUsage
	}
	bin := fs.Arg(0)
	binArgs, err := launchArgs(fs, fs.Args()[1:])
	if err != nil {
		fmt.Fprintf(env.stderr, "tdc launch: %v\n", err)
		return exitUsage
	}
	if *n < 1 || *workers < 1 {
		fmt.Fprintln(env.stderr, "tdc launch: -n and -w must be at least 1")
		return exitUsage
	}
	if strings.HasSuffix(bin, ".tdf") {
		fmt.Fprintf(env.stderr, "tdc launch: %s is a program, not a binary; build it first: tdc build -o %s %s\n", bin, strings.TrimSuffix(filepath.Base(bin), ".tdf"), bin)
		return exitUsage
	}
	webHost, _, err := net.SplitHostPort(*web)
	if *web != "" && err != nil {
		fmt.Fprintf(env.stderr, "tdc launch: -http %s: %v\n", *web, err)
		return exitUsage
	}
	if !strings.ContainsRune(bin, filepath.Separator) {
		bin = "." + string(filepath.Separator) + bin
	}
	dir, err := os.MkdirTemp("", "tdc-launch-")
	if err != nil {
		return report(env, err)
	}
	defer os.RemoveAll(dir)
	hostfile := filepath.Join(dir, "hosts")
	addrs, err := tdnet.FreeLoopbackAddrs(*n)
	if err != nil {
		return report(env, err)
	}
	if err := os.WriteFile(hostfile, []byte(strings.Join(addrs, "\n")+"\n"), 0o644); err != nil {
		return report(env, err)
	}
	secret, err := launchSecret()
	if err != nil {
		return report(env, err)
	}
	childEnv := append(os.Environ(), tdrt.SecretEnv+"="+secret)
	if procs, ok := childMaxProcs(*n, *workers); ok {
		childEnv = append(childEnv, "GOMAXPROCS="+strconv.Itoa(procs))
	}
	l := &launcher{env: env, stop: make(chan struct{}), ends: map[int]string{}, statuses: map[int]int{}, blames: map[int]int{}}
	for i := 0; i < *n; i++ {
		procArgs := []string{"-n", strconv.Itoa(*n), "-p", strconv.Itoa(i), "-hostfile", hostfile, "-w", strconv.Itoa(*workers)}
		if *web != "" {
			// Process 0's page shows every process; each serves its own.
			addr := net.JoinHostPort(webHost, "0")
			if i == 0 {
				addr = *web
			}
			procArgs = append(procArgs, "-http", addr)
		}
		procArgs = append(procArgs, binArgs...)
		cmd := exec.Command(bin, procArgs...)
		cmd.Env = childEnv
		if err := l.start(i, cmd); err != nil {
			l.stopAll()
			l.wait()
			return report(env, err)
		}
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	go func() {
		select {
		case <-sigs:
			l.stopAll()
		case <-l.stop:
		}
	}()
	return l.wait()
}

// launchArgs returns the binary's arguments of a launch, taking out the
// flags of launch's own fs among them (-n and -w, which the binary has
// too, also as -processes and -threads), and refusing the flags that
// launch sets for every process.
func launchArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var out []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(out, args[i:]...), nil
		}
		if !strings.HasPrefix(a, "-") {
			out = append(out, a)
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if short, ok := launchAliases[name]; ok {
			name = short
		}
		f := fs.Lookup(name)
		switch {
		case name == "p" || name == "process" || name == "hostfile":
			return nil, fmt.Errorf("launch sets -%s of every process itself; leave it out", name)
		case f == nil:
			out = append(out, a)
			continue
		case !hasValue && isBoolFlag(f):
			value = "true"
		case !hasValue:
			if i+1 == len(args) {
				return nil, fmt.Errorf("flag needs an argument: %s", a)
			}
			i++
			value = args[i]
		}
		if err := fs.Set(name, value); err != nil {
			return nil, fmt.Errorf("invalid value %q for flag -%s: %v", value, name, err)
		}
	}
	return out, nil
}

// launchAliases are the binary's other names of launch's flags.
var launchAliases = map[string]string{"processes": "n", "threads": "w"}

// isBoolFlag reports whether f is a flag that needs no value.
func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// childMaxProcs returns the GOMAXPROCS of each of n processes of the
// given workers on this host: they share its cores, so each gets its
// share of them, and at least one thread per worker. A Go program runs
// on GOMAXPROCS threads, as many as there are cores by default, and
// its idle threads spin a while looking for work before they sleep: n
// processes on all of the cores each took the cores from the others'
// workers (exchange-rounds across 2 processes of 1 worker on 2 cores
// spent 13-25% more CPU; docs/performance.md). ok is false when the
// environment sets GOMAXPROCS, which the processes then inherit.
func childMaxProcs(n, workers int) (procs int, ok bool) {
	if os.Getenv("GOMAXPROCS") != "" {
		return 0, false
	}
	return max(workers, goruntime.NumCPU()/n), true
}

// launchSecret returns a fresh random secret: 32 bytes, in hex.
func launchSecret() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(b[:]), nil
}

// launcher runs the processes of one launch.
type launcher struct {
	env      *cliEnv
	procs    []*exec.Cmd
	outMu    sync.Mutex // keeps lines of different processes whole
	wg       sync.WaitGroup
	mu       sync.Mutex
	failed   bool
	order    []int          // the processes in the order they ended
	ends     map[int]string // how each process ended, once it did
	statuses map[int]int    // the exit status of each
	blames   map[int]int    // the process each one's error names as the cause
	stop     chan struct{}
	stopOnce sync.Once
}

// peerGrace is how long a launch waits, after a process failed, before
// it stops the others: they find out by themselves within it, and say
// what happened, rather than only that they were stopped.
const peerGrace = time.Second

// start starts process i and the goroutines that copy its output and
// wait for it.
//
// A process has ended when its standard error reaches its end (or when
// Wait returns, if that comes first). That order, as this process sees
// it, can put a process that failed because another ended before that
// other on a loaded machine, so the summary also reads the processes'
// errors: one that names a peer as what failed or ended ("prog: process
// 1 (host:port) ...", see runtime.PeerError) comes after that peer.
func (l *launcher) start(i int, cmd *exec.Cmd) error {
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting process %d: %v", i, err)
	}
	l.procs = append(l.procs, cmd)
	var copies sync.WaitGroup
	copies.Add(2)
	go func() { defer copies.Done(); l.copyLines(stdout, l.env.stdout, "", nil) }()
	go func() {
		defer copies.Done()
		l.copyLines(stderr, l.env.stderr, fmt.Sprintf("process %d: ", i), func(line string) {
			if m := peerBlame.FindStringSubmatch(line); m != nil {
				if q, err := strconv.Atoi(m[1]); err == nil && q != i {
					l.mu.Lock()
					l.blames[i] = q
					l.mu.Unlock()
				}
			}
		})
		l.ended(i)
	}()
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		copies.Wait()
		err := cmd.Wait()
		l.ended(i)
		status, how := exitStatus(err)
		l.mu.Lock()
		l.ends[i], l.statuses[i] = how, status
		first := err != nil && !l.failed
		l.failed = l.failed || err != nil
		l.mu.Unlock()
		if first {
			go func() {
				select {
				case <-time.After(peerGrace):
					l.stopAll()
				case <-l.stop:
				}
			}()
		}
	}()
	return nil
}

// peerBlame matches the error of a process that failed because of a
// peer, as the runtime words it: "prog: process 1 (127.0.0.1:7001)
// ended before ..." or "... failed: ...".
var peerBlame = regexp.MustCompile(`^[^:]*: process (\d+) \([^)]*\) (ended before|failed:|sent nothing|did not finish)`)

// ended notes that process i ended, unless it was noted before.
func (l *launcher) ended(i int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !slices.Contains(l.order, i) {
		l.order = append(l.order, i)
	}
}

// exitStatus returns the exit status of a launch whose first failed
// process's Wait returned err, and how the process ended.
func exitStatus(err error) (int, string) {
	if err == nil {
		return exitOK, "exit status 0"
	}
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) {
		return exitError, err.Error()
	}
	if ws, ok := exitErr.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return exitError, fmt.Sprintf("killed by signal %d: %v", int(ws.Signal()), ws.Signal())
	}
	if code := exitErr.ExitCode(); code > 0 {
		return code, fmt.Sprintf("exit status %d", code)
	}
	return exitError, exitErr.String()
}

// copyLines copies r to w a line at a time, each line prefixed, and
// hands each line to see, unless it is nil.
func (l *launcher) copyLines(r io.Reader, w io.Writer, prefix string, see func(string)) {
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		line, err := br.ReadString('\n')
		if len(line) > 0 {
			if !strings.HasSuffix(line, "\n") {
				line += "\n"
			}
			l.outMu.Lock()
			io.WriteString(w, prefix+line)
			l.outMu.Unlock()
			if see != nil {
				see(line)
			}
		}
		if err != nil {
			return
		}
	}
}

// stopAll asks every process to stop, and kills those that have not
// stopped two seconds later.
func (l *launcher) stopAll() {
	l.stopOnce.Do(func() {
		close(l.stop)
		for _, p := range l.procs {
			p.Process.Signal(syscall.SIGTERM)
		}
		go func() {
			time.Sleep(2 * time.Second)
			for _, p := range l.procs {
				p.Process.Kill()
			}
		}()
	})
}

// blameOrder returns order with each process moved after the one its
// error blames (when that one is in order), keeping order otherwise.
func blameOrder(order []int, blames map[int]int) []int {
	var out []int
	placed := map[int]bool{}
	var place func(i int, depth int)
	place = func(i int, depth int) {
		if placed[i] {
			return
		}
		if q, ok := blames[i]; ok && depth < len(order) && slices.Contains(order, q) {
			place(q, depth+1)
		}
		if !placed[i] {
			placed[i] = true
			out = append(out, i)
		}
	}
	for _, i := range order {
		place(i, 0)
	}
	return out
}

// wait waits for every process and returns the launch's exit status:
// that of the first process to end that failed. When the launch failed,
// it says how each process ended, first to end first: the first is most
// often the one to blame.
func (l *launcher) wait() int {
	l.wg.Wait()
	l.stopOnce.Do(func() { close(l.stop) })
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.failed {
		return exitOK
	}
	status := exitOK
	var ends []string
	for _, i := range blameOrder(l.order, l.blames) {
		if status == exitOK {
			status = l.statuses[i]
		}
		ends = append(ends, fmt.Sprintf("process %d (%s)", i, l.ends[i]))
	}
	if len(ends) < 2 {
		return status // its own error says it all
	}
	msg := "tdc launch: " + ends[0] + " ended first"
	msg += ", then " + strings.Join(ends[1:], ", ")
	fmt.Fprintln(l.env.stderr, msg)
	return status
}
