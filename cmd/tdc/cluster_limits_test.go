//go:build unix

package main

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// These tests run a binary whose lambdas misbehave on purpose, chosen by
// its mode param, and check that every process of the computation ends
// with an error that says what happened, under the limits of
// docs/security.md ("Limits"), and never hangs or exits 0.

// faultsTDF's first map lambda misbehaves once, on record 500, as the
// mode param says. The strings of the second fill the distinct's state,
// which, with many records, grows without bound until the source ends.
// (It calls os.Exit through a variable: tdc check refuses a lambda that
// calls os.Exit itself.)
const faultsTDF = `package faults

import (
	"fmt"
	"os"
	"time"
)

param mode string = "ok"
param records int64 = 1000
param label string = "" (per process)

dataflow Faults {
	range(0, records)
		-> exchange(x => x)
		-> map(x => {
			if x != 500 {
				return x
			}
			exit := os.Exit
			switch mode {
			case "loop":
				for {
				}
			case "exit":
				exit(3)
			case "exit0":
				exit(0)
			case "gopanic":
				go func() { panic("boom in a goroutine of a lambda") }()
				time.Sleep(time.Second)
			}
			return x
		})
		-> map(x => fmt.Sprintf("key %d", x))
		-> distinct()
		-> map(k => "keys")
		-> count()
		-> print((k, n) => fmt.Sprintf("%s%s %d", label, k, n))
}
`

// faultsBinary builds the faults program into a temporary directory
// of the test.
func faultsBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds a binary with go build")
	}
	isolateBuildCache(t)
	dir := t.TempDir()
	return buildTDF(t, writeFile(t, dir, "faults.tdf", faultsTDF), dir)
}

// faults is what the tests of the faults program share: the binary, a
// tdc command for tdc launch, and a directory to run in.
type faults struct{ bin, tdc, dir string }

// TestFaults builds the faults program once and runs the tests of its
// faults.
func TestFaults(t *testing.T) {
	f := faults{bin: faultsBinary(t), tdc: tdcCommand(t), dir: t.TempDir()}
	t.Run("ok", f.testOK)
	t.Run("stall", f.testStall)
	t.Run("max_memory", f.testMaxMemory)
	t.Run("ends_early", f.testEndsEarly)
	t.Run("per_process_param", f.testPerProcessParam)
}

// testPerProcessParam: processes with different values of a param
// declared (per process) compute together, each with its own value:
// the process that prints the count prints its label.
func (f faults) testPerProcessParam(t *testing.T) {
	hosts := writeHostfile(t, f.dir, freeAddrs(t, 2))
	p0 := startProc(t, f.dir, nil, f.bin, append(clusterArgs(2, 0, hosts, 2), "-label", "zero ")...)
	p1 := startProc(t, f.dir, nil, f.bin, append(clusterArgs(2, 1, hosts, 2), "-label", "one ")...)
	var out string
	for i, p := range []*clusterProc{p0, p1} {
		code := p.wait(t, 20*time.Second)
		require.Equal(t, 0, code, "process %d: %s", i, p.stderr.String())
		assert.Empty(t, p.stderr.String(), "process %d", i)
		out += p.stdout.String()
	}
	assert.Regexp(t, `^(zero|one) keys 1000\n$`, out)
}

// testOK: the faults program computes its answer when nothing
// misbehaves, so that the other tests' failures are the faults'.
func (f faults) testOK(t *testing.T) {
	bin := f.bin
	assert.Equal(t, "keys 1000\n", runOK(t, f.dir, nil, bin, "-w", "2", "-stall-timeout", "5s", "-stall-exit"))
}

// testStall: a lambda that loops forever, with -stall-timeout
// and -stall-exit, ends every process with an error naming the lambda,
// in one process of two workers and under tdc launch -n 2.
func (f faults) testStall(t *testing.T) {
	bin, tdc, dir := f.bin, f.tdc, f.dir
	stall := []string{"-mode", "loop", "-stall-timeout", "1s", "-stall-exit"}
	want := `faults\.tdf:16:6: map\+map: has run for over 1(\.\d+)?s without returning \(worker \d, in the lambda of map at faults\.tdf:16:15; stall timeout 1s\)`

	t.Run("one_process", func(t *testing.T) {
		p := startProc(t, dir, nil, bin, append([]string{"-w", "2"}, stall...)...)
		assert.Equal(t, 1, p.wait(t, 20*time.Second))
		assert.Regexp(t, "^faults: "+want+"\n$", p.stderr.String())
		assert.Empty(t, p.stdout.String())
	})
	t.Run("launch", func(t *testing.T) {
		p := startProc(t, dir, nil, tdc, append([]string{"launch", "-n", "2", "-w", "2", bin}, stall...)...)
		assert.Equal(t, 1, p.wait(t, 30*time.Second))
		stderr := p.stderr.String()
		t.Logf("stderr:\n%s", stderr)
		// The stalled process names the lambda; the other names it too,
		// as the stalled process's failure.
		assert.Regexp(t, `(?m)^process \d: faults: `+want+`$`, stderr)
		assert.Regexp(t, `(?m)^process \d: faults: process \d \(127\.0\.0\.1:\d+\) failed: `+want+`$`, stderr)
		assert.Empty(t, p.stdout.String())
	})
}

// testMaxMemory: a computation whose state grows without bound (the
// distinct of a billion keys) ends, under -max-memory, with the error
// that names the operator holding the state, exit status 1, on every
// process, in one process of two workers and under tdc launch -n 2, its
// memory bounded.
func (f faults) testMaxMemory(t *testing.T) {
	bin, tdc, dir := f.bin, f.tdc, f.dir
	grow := []string{"-records", "1000000000", "-max-memory", "64MiB"}
	want := `memory limit of 64\.0 MiB exceeded \(\d+\.\d MiB of live heap\); the most state \(estimated\): faults\.tdf:36:6: distinct\+map\+combine count holds \d+\.\d MiB`

	t.Run("one_process", func(t *testing.T) {
		p := startProc(t, dir, nil, bin, append([]string{"-w", "2"}, grow...)...)
		assert.Equal(t, 1, p.wait(t, 60*time.Second))
		assert.Regexp(t, "^faults: "+want+"\n$", p.stderr.String())
		assert.Empty(t, p.stdout.String())
		rss := p.cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss // KiB
		t.Logf("peak RSS %d MiB", rss>>10)
		assert.Less(t, rss, int64(300<<10), "peak RSS in KiB")
	})
	t.Run("launch", func(t *testing.T) {
		p := startProc(t, dir, nil, tdc, append([]string{"launch", "-n", "2", "-w", "2", bin}, grow...)...)
		assert.Equal(t, 1, p.wait(t, 60*time.Second))
		stderr := p.stderr.String()
		t.Logf("stderr:\n%s", stderr)
		for i := range 2 {
			assert.Regexp(t, fmt.Sprintf(`(?m)^process %d: faults: (process \d \(127\.0\.0\.1:\d+\) failed: )?%s$`, i, want), stderr)
		}
		assert.Empty(t, p.stdout.String())
	})
}

// testEndsEarly: a lambda that ends its process (os.Exit with a
// status, even 0, or a panic in a goroutine it started) makes tdc launch
// say which process ended first and how, and the other process report
// it as gone; no process of the launch may exit 0 with the answer
// missing.
func (f faults) testEndsEarly(t *testing.T) {
	bin, tdc, dir := f.bin, f.tdc, f.dir
	for _, c := range []struct {
		mode   string
		status int    // of tdc launch
		how    string // the ended process's end, as tdc launch says it
	}{
		{"exit", 3, `exit status 3`},
		{"exit0", 1, `exit status 0`},
		{"gopanic", 2, `exit status 2`},
	} {
		t.Run(c.mode, func(t *testing.T) {
			p := startProc(t, dir, nil, tdc, "launch", "-n", "2", "-w", "2", bin, "-mode", c.mode)
			assert.Equal(t, c.status, p.wait(t, 30*time.Second))
			stderr := p.stderr.String()
			t.Logf("stderr:\n%s", stderr)
			assert.Empty(t, p.stdout.String(), "no answer")
			m := regexp.MustCompile(`(?m)^tdc launch: process (\d) \(` + c.how + `\) ended first, then process (\d) \(exit status 1\)$`).FindStringSubmatch(stderr)
			require.NotNil(t, m, "tdc launch's summary")
			gone, other := m[1], m[2]
			assert.NotEqual(t, gone, other)
			assert.Regexp(t, `(?m)^process `+other+`: faults: process `+gone+` \(127\.0\.0\.1:\d+\) ended before the computation finished(: it closed the connection without a goodbye|, or the connection to it broke \(.*\))$`, stderr)
			if c.mode == "gopanic" {
				assert.Contains(t, stderr, "process "+gone+": panic: boom in a goroutine of a lambda")
			}
		})
	}
}

// pausedTDF runs for a few seconds on three processes: records, each
// sent to the worker its hash names, of which the first thousand are
// printed as soon as the cluster is formed.
const pausedTDF = `package paused

param records int64 = 1000

dataflow Paused {
	range(0, records) -> exchange(x => x) -> filter(x => x < 1000) -> print()
}
`

// TestPeerPaused stops one process of three with SIGSTOP for 10 s, as a
// stalled virtual machine or a long swap would, and then continues it:
// with a peer timeout of 30 s the computation survives and gives the
// whole answer; with one of 2 s every process fails, saying why. The
// two cases run in parallel.
func TestPeerPaused(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary with go build and pauses a process for 10 s")
	}
	isolateBuildCache(t)
	dir := t.TempDir()
	bin := buildTDF(t, writeFile(t, dir, "paused.tdf", pausedTDF), dir)
	var want []string
	for i := range 1000 {
		want = append(want, fmt.Sprint(i))
	}
	sort.Strings(want)
	for _, c := range []struct {
		name    string
		timeout string
		ok      bool
	}{
		{"survived", "30s", true},
		{"timed_out", "2s", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			hosts := writeHostfile(t, dir, freeAddrs(t, 3))
			var procs []*clusterProc
			for p := range 3 {
				args := append(clusterArgs(3, p, hosts, 1), "-peer-timeout", c.timeout, "-records", "200000000")
				procs = append(procs, startProc(t, dir, nil, bin, args...))
			}
			// Every process prints once its connections are all up.
			for p, proc := range procs {
				waitFor(t, 20*time.Second, func() bool { return proc.stdout.Len() > 0 || proc.exited() },
					"process %d printed nothing; stderr: %s", p, proc.stderr.String())
			}
			require.NoError(t, syscall.Kill(procs[1].cmd.Process.Pid, syscall.SIGSTOP))
			time.Sleep(10 * time.Second)
			require.NoError(t, syscall.Kill(procs[1].cmd.Process.Pid, syscall.SIGCONT))
			var out []string
			for p, proc := range procs {
				code := proc.wait(t, 60*time.Second)
				stderr := proc.stderr.String()
				t.Logf("process %d: exit status %d: %s", p, code, strings.TrimSpace(stderr))
				out = append(out, sortedLines(proc.stdout.String())...)
				if c.ok {
					assert.Equal(t, 0, code, "process %d", p)
					assert.Empty(t, stderr, "process %d", p)
					continue
				}
				assert.Equal(t, 1, code, "process %d", p)
				if p == 1 {
					// The paused process learns of the others' failure, or,
					// waking with its clock 10 s on, finds them silent itself.
					assert.Regexp(t, `^paused: process [02] \(127\.0\.0\.1:\d+\) (failed: process 1 \(127\.0\.0\.1:\d+\) sent nothing for 2s|ended before the computation finished|sent nothing for 2s)`, stderr)
				} else {
					assert.Regexp(t, `^paused: process 1 \(127\.0\.0\.1:\d+\) sent nothing for 2s \(no heartbeat either\)\n$|failed: process 1 \(127\.0\.0\.1:\d+\) sent nothing for 2s`, stderr)
				}
			}
			if c.ok {
				sort.Strings(out)
				assert.Equal(t, want, out)
			}
		})
	}
}
