package main

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	tdrt "github.com/tdflow/tdc/runtime"
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
	if st := parseFlags(fs, args); st >= 0 {
		return st
	}
	if fs.NArg() < 1 {
		fmt.Fprintln(env.stderr, "tdc launch: no binary named")
		fs.Usage()
		return exitUsage
	}
	if *n < 1 || *workers < 1 {
		fmt.Fprintln(env.stderr, "tdc launch: -n and -w must be at least 1")
		return exitUsage
	}
	webHost, _, err := net.SplitHostPort(*web)
	if *web != "" && err != nil {
		fmt.Fprintf(env.stderr, "tdc launch: -http %s: %v\n", *web, err)
		return exitUsage
	}
	bin := fs.Arg(0)
	if !strings.ContainsRune(bin, filepath.Separator) {
		bin = "." + string(filepath.Separator) + bin
	}
	dir, err := os.MkdirTemp("", "tdc-launch-")
	if err != nil {
		return report(env, err)
	}
	defer os.RemoveAll(dir)
	hostfile := filepath.Join(dir, "hosts")
	addrs, err := tdrt.FreeLoopbackAddrs(*n)
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
	l := &launcher{env: env, stop: make(chan struct{})}
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
		procArgs = append(procArgs, fs.Args()[1:]...)
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
	status   int // the first failure's exit status
	failed   bool
	stop     chan struct{}
	stopOnce sync.Once
}

// start starts process i and the goroutines that copy its output and
// wait for it.
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
	go func() { defer copies.Done(); l.copyLines(stdout, l.env.stdout, "") }()
	go func() { defer copies.Done(); l.copyLines(stderr, l.env.stderr, fmt.Sprintf("process %d: ", i)) }()
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		copies.Wait()
		err := cmd.Wait()
		if err == nil {
			return
		}
		status := exitError
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) && exitErr.ExitCode() > 0 {
			status = exitErr.ExitCode()
		}
		l.mu.Lock()
		first := !l.failed
		if first {
			l.failed, l.status = true, status
		}
		l.mu.Unlock()
		if first {
			l.stopAll()
		}
	}()
	return nil
}

// copyLines copies r to w a line at a time, each line prefixed.
func (l *launcher) copyLines(r io.Reader, w io.Writer, prefix string) {
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

// wait waits for every process and returns the launch's exit status.
func (l *launcher) wait() int {
	l.wg.Wait()
	l.stopOnce.Do(func() { close(l.stop) })
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.status
}
