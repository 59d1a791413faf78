package main

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"
)

// timelyCmd is the path and arguments of a timely command.
func (e *env) timelyCmd(cmd []string) (string, []string) {
	return filepath.Join(e.o.timely, cmd[0]), cmd[1:]
}

// runTimely runs a timely command; with procs > 1 it starts procs
// processes with timely's -n N -p I -h HOSTFILE on free loopback ports
// and measures them together: the wall time until the last exits and the
// largest peak memory.
func (e *env) runTimely(cmd []string, procs int) (measure, error) {
	name, args := e.timelyCmd(cmd)
	if procs <= 1 {
		m, err := runChild(name, args...)
		m.run = timelyRun(m.stdout)
		return m, err
	}
	hosts, err := freeHosts(procs)
	if err != nil {
		return measure{}, err
	}
	hostfile := filepath.Join(e.dir, "timely-hosts.txt")
	if err := os.WriteFile(hostfile, []byte(strings.Join(hosts, "\n")+"\n"), 0o644); err != nil {
		return measure{}, err
	}
	cmds := make([]*exec.Cmd, procs)
	errs := make([]bytes.Buffer, procs)
	outs := make([]bytes.Buffer, procs)
	start := time.Now()
	for p := range cmds {
		a := append(append([]string(nil), args...), "-n", itoa(procs), "-p", itoa(p), "-h", hostfile)
		cmds[p] = exec.Command(name, a...)
		cmds[p].Stderr = &errs[p]
		cmds[p].Stdout = &outs[p]
		if err := cmds[p].Start(); err != nil {
			for _, c := range cmds[:p] {
				c.Process.Kill()
				c.Wait()
			}
			return measure{}, err
		}
	}
	m := measure{gcFrac: -1, allocsPR: -1}
	var all []error
	for p, c := range cmds {
		if err := c.Wait(); err != nil {
			all = append(all, fmt.Errorf("timely process %d: %v\n%s", p, err, tail(errs[p].Bytes())))
		}
		if ru, ok := c.ProcessState.SysUsage().(*syscall.Rusage); ok {
			m.maxRSS = max(m.maxRSS, ru.Maxrss*1024)
		}
	}
	m.wall = time.Since(start)
	for p := range outs {
		m.run = max(m.run, timelyRun(outs[p].Bytes()))
	}
	return m, errors.Join(all...)
}

// timelyWorkerDone matches the line timely's exchange example prints per
// worker at its end: the time since its rounds started (Rust's Debug
// form of a Duration, which Go's ParseDuration reads), a tab, "worker I
// complete; rate: R".
var timelyWorkerDone = regexp.MustCompile(`(?m)^(\S+)\tworker \d+ complete`)

// timelyRun is the longest time a worker of a timely program reports for
// its own run, 0 when it reports none.
func timelyRun(stdout []byte) time.Duration {
	var run time.Duration
	for _, m := range timelyWorkerDone.FindAllSubmatch(stdout, -1) {
		if d, err := time.ParseDuration(string(m[1])); err == nil {
			run = max(run, d)
		}
	}
	return run
}

// freeHosts returns n loopback addresses whose ports were free a moment
// ago.
func freeHosts(n int) ([]string, error) {
	var hosts []string
	var lns []net.Listener
	defer func() {
		for _, l := range lns {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		lns = append(lns, l)
		hosts = append(hosts, l.Addr().String())
	}
	return hosts, nil
}
