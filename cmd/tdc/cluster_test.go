//go:build unix

package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tdflow/tdc/codegen"
	tdrt "github.com/tdflow/tdc/runtime"
	"github.com/tdflow/tdc/runtime/tdnet"
)

// These tests run generated binaries as computations of several
// processes on 127.0.0.1: through tdc launch, and started one by one with
// a hostfile the test writes, to kill a process, or to stand in for one.

// TestExamplesAcrossProcesses runs every example with two workers per
// process under tdc launch -n 1, 2 and 3: the lines printed by all the
// processes, sorted, must be those of one process with two workers.
func TestExamplesAcrossProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds binaries with go build")
	}
	isolateBuildCache(t)
	root := repoRoot(t)
	tdfs, err := filepath.Glob(filepath.Join(root, "examples", "*", "*.tdf"))
	require.NoError(t, err)
	require.NotEmpty(t, tdfs, "no examples found")
	dir := t.TempDir()
	tdc := tdcCommand(t)

	// A larger word count input: 20k lines, with repeating words.
	big := filepath.Join(dir, "big.txt")
	bigText := randomWords(11, 20000)
	require.NoError(t, os.WriteFile(big, []byte(bigText), 0o644))
	// A larger graph for the loop examples: 3000 random edges between
	// 2000 nodes, so that rounds carry records between processes.
	graph := filepath.Join(dir, "graph.txt")
	require.NoError(t, os.WriteFile(graph, []byte(randomEdges(5, 2000, 3000)), 0o644))

	for _, tdf := range tdfs {
		name := strings.TrimSuffix(filepath.Base(tdf), ".tdf")
		t.Run(name, func(t *testing.T) {
			if _, err := compile(tdf, codegen.Options{Main: true}); err != nil {
				// A program that only a Go host can run (host inputs).
				_, apiErr := compile(tdf, codegen.Options{})
				require.NoError(t, apiErr)
				t.Skipf("not a binary: %v", err)
			}
			bin := buildTDF(t, tdf, dir)
			// The default params: their paths are relative to the
			// repository's root, where the processes run.
			inputs := map[string][]string{"default": nil}
			switch name {
			case "wordcount":
				inputs["big"] = []string{"-input", big}
			case "reach", "pagerank", "pagerank_custom", "cc":
				inputs["graph"] = []string{"-input", graph}
			}
			for in, args := range inputs {
				t.Run(in, func(t *testing.T) {
					want := sortedLines(runOK(t, root, nil, bin, append([]string{"-w", "2"}, args...)...))
					require.NotEmpty(t, want, "the single-process run printed nothing")
					if in == "big" {
						require.Equal(t, plainWordCounts(bigText), want, "one process, two workers")
					}
					for _, n := range []int{1, 2, 3} {
						launch := append([]string{"launch", "-n", fmt.Sprint(n), "-w", "2", bin}, args...)
						got := sortedLines(runOK(t, root, nil, tdc, launch...))
						if name == "pagerank" || name == "pagerank_custom" {
							// Float sums in another order may differ in
							// the last printed digit.
							assertSameRanks(t, want, got, "tdc launch -n %d -w 2 differs from one process", n)
							continue
						}
						assert.Equal(t, want, got, "tdc launch -n %d -w 2 differs from one process", n)
					}
				})
			}
		})
	}
}

// assertSameRanks checks that two sorted outputs of "node rank" lines
// name the same nodes with ranks within 1e-5 relative.
func assertSameRanks(t *testing.T, want, got []string, msgAndArgs ...any) {
	t.Helper()
	if !assert.Equal(t, len(want), len(got), msgAndArgs...) {
		return
	}
	for i := range want {
		var wn, gn uint32
		var wr, gr float64
		_, werr := fmt.Sscanf(want[i], "%d %g", &wn, &wr)
		_, gerr := fmt.Sscanf(got[i], "%d %g", &gn, &gr)
		if !assert.NoError(t, werr) || !assert.NoError(t, gerr) {
			return
		}
		if wn != gn || math.Abs(wr-gr) > 1e-5*math.Abs(wr)+1e-6 {
			assert.Fail(t, fmt.Sprintf("line %d: got %q, want %q", i, got[i], want[i]), msgAndArgs...)
			return
		}
	}
}

// randomEdges returns n "src dst" lines of edges between random nodes
// below nodes.
func randomEdges(seed uint64, nodes, n int) string {
	r := rand.New(rand.NewPCG(seed, 2))
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "%d %d\n", r.IntN(nodes), r.IntN(nodes))
	}
	return b.String()
}

// longTDF runs for tens of seconds: two billion records, each sent to
// the worker its hash names, of which the first thousand are printed, so
// that every process prints as soon as the cluster is formed.
const longTDF = `package long

dataflow Long {
	range(0, 2000000000) -> exchange(x => x) -> filter(x => x < 1000) -> print()
}
`

// TestPeerKilled kills one process of three with SIGKILL while data flows
// between them: the others must fail promptly, naming it. A process
// stopped with SIGSTOP must be found out by the peer timeout.
func TestPeerKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary with go build")
	}
	isolateBuildCache(t)
	dir := t.TempDir()
	bin := buildTDF(t, writeFile(t, dir, "long.tdf", longTDF), dir)
	for _, c := range []struct {
		name  string
		sig   syscall.Signal
		limit time.Duration // for the others to exit
		want  string
	}{
		{"SIGKILL", syscall.SIGKILL, 5 * time.Second, `ended before the computation finished|failed:`},
		{"SIGSTOP", syscall.SIGSTOP, 4*time.Second + 3*time.Second, `sent nothing for 4s`},
	} {
		t.Run(c.name, func(t *testing.T) {
			addrs := freeAddrs(t, 3)
			hosts := writeHostfile(t, dir, addrs)
			var procs []*clusterProc
			for p := range 3 {
				procs = append(procs, startProc(t, dir, nil, bin, append(clusterArgs(3, p, hosts, 2), "-peer-timeout", "4s")...))
			}
			for p, proc := range procs {
				waitFor(t, 20*time.Second, func() bool { return proc.stdout.Len() > 0 || proc.exited() },
					"process %d printed nothing; stderr: %s", p, proc.stderr.String())
				require.False(t, proc.exited(), "process %d exited early: %v; stderr: %s", p, proc.err, proc.stderr.String())
			}

			require.NoError(t, syscall.Kill(procs[1].cmd.Process.Pid, c.sig))
			sent := time.Now()
			for _, p := range []int{0, 2} {
				code := procs[p].wait(t, c.limit-time.Since(sent))
				stderr := procs[p].stderr.String()
				t.Logf("process %d exited with status %d %v after process 1 got %s: %s", p, code, time.Since(sent).Round(time.Millisecond), c.name, strings.TrimSpace(stderr))
				assert.NotEqual(t, 0, code, "process %d", p)
				assert.Contains(t, stderr, fmt.Sprintf("process 1 (%s)", addrs[1]), "process %d", p)
				assert.Regexp(t, c.want, stderr, "process %d", p)
			}
		})
	}
}

// TestPeersRefused starts processes that must not form one computation:
// of different programs, with different secrets, with different workers
// per process.
func TestPeersRefused(t *testing.T) {
	if testing.Short() {
		t.Skip("builds binaries with go build")
	}
	isolateBuildCache(t)
	root := repoRoot(t)
	dir := t.TempDir()
	wcTDF := filepath.Join(root, "examples", "wordcount", "wordcount.tdf")
	wc := buildTDF(t, wcTDF, dir)

	// Both processes must refuse, saying the programs differ.
	t.Run("different_programs", func(t *testing.T) {
		recTDF := filepath.Join(root, "examples", "records", "records.tdf")
		rec := buildTDF(t, recTDF, dir)
		// The records binary starts with its first dataflow.
		wcFP, recFP := fingerprintOf(t, wcTDF), fingerprints(t, recTDF)[0]
		require.NotEqual(t, wcFP, recFP)
		hosts := writeHostfile(t, dir, freeAddrs(t, 2))
		p0 := startProc(t, root, nil, wc, clusterArgs(2, 0, hosts, 1)...)
		p1 := startProc(t, root, nil, rec, clusterArgs(2, 1, hosts, 1)...)
		for i, p := range []*clusterProc{p0, p1} {
			code := p.wait(t, 10*time.Second)
			t.Logf("process %d exited with status %d: %s", i, code, strings.TrimSpace(p.stderr.String()))
			assert.Equal(t, 1, code, "process %d", i)
			assert.Contains(t, p.stderr.String(), fmt.Sprintf("process %d (", 1-i))
			assert.Contains(t, p.stderr.String(), "runs a different program")
			assert.Contains(t, p.stderr.String(), wcFP)
			assert.Contains(t, p.stderr.String(), recFP)
			assert.Empty(t, p.stdout.String())
		}
	})

	// Process 1 with another secret than process 0's must fail at once
	// saying so, and so must process 0: process 1 comes from the host of
	// a peer, speaks tdc's TLS, and has other credentials.
	t.Run("secret", func(t *testing.T) {
		wrong := writeFile(t, dir, "wrong", "wrong\n")
		for _, c := range []struct {
			name string
			env  []string
			args []string
		}{
			{"other_file", nil, []string{"-secret-file", wrong}},
			{"other_env", []string{"TDC_SECRET=wrong"}, nil},
		} {
			addrs := freeAddrs(t, 2)
			hosts := writeHostfile(t, dir, addrs)
			p0 := startProc(t, root, []string{"TDC_SECRET=right"}, wc, clusterArgs(2, 0, hosts, 2)...)
			p1 := startProc(t, root, c.env, wc, append(clusterArgs(2, 1, hosts, 2), c.args...)...)
			for i, p := range []*clusterProc{p0, p1} {
				code := p.wait(t, 10*time.Second)
				t.Logf("%s: process %d exited with status %d: %s", c.name, i, code, strings.TrimSpace(p.stderr.String()))
				assert.Equal(t, 1, code, c.name)
				assert.Empty(t, p.stdout.String())
				assert.NotContains(t, p.stderr.String(), "right")
				assert.NotContains(t, p.stderr.String(), "wrong")
			}
			assert.Contains(t, p1.stderr.String(), fmt.Sprintf("process 0 (%s) presented the certificate of another secret (the secrets differ)", addrs[0]), c.name)
			assert.Contains(t, p0.stderr.String(), "rejected this process's certificate (remote error: tls: bad certificate; do the secrets differ?)", c.name)
		}
	})

	// A process 1 with -insecure fails at once; process 0 drops what a
	// connection says in plaintext and waits on, and the right process
	// 1 then completes the computation.
	t.Run("insecure", func(t *testing.T) {
		want := sortedLines(runOK(t, root, nil, wc, "-w", "2"))
		addrs := freeAddrs(t, 2)
		hosts := writeHostfile(t, dir, addrs)
		p0 := startProc(t, root, nil, wc, clusterArgs(2, 0, hosts, 2)...)
		p1 := startProc(t, root, nil, wc, append(clusterArgs(2, 1, hosts, 2), "-insecure")...)
		code := p1.wait(t, 10*time.Second)
		t.Logf("process 1 exited with status %d: %s", code, strings.TrimSpace(p1.stderr.String()))
		assert.Equal(t, 1, code)
		assert.Contains(t, p1.stderr.String(), fmt.Sprintf("process 0 (%s) requires TLS (it has a secret or certificates), and this process runs with -insecure", addrs[0]))
		require.False(t, p0.exited(), "process 0 exited: %v; stderr: %s", p0.err, p0.stderr.String())
		p1 = startProc(t, root, nil, wc, clusterArgs(2, 1, hosts, 2)...)
		require.Equal(t, 0, p1.wait(t, 20*time.Second), "process 1: %s", p1.stderr.String())
		require.Equal(t, 0, p0.wait(t, 10*time.Second), "process 0: %s", p0.stderr.String())
		assert.Empty(t, p0.stderr.String())
		assert.Empty(t, p1.stderr.String())
		assert.Equal(t, want, sortedLines(p0.stdout.String()+p1.stdout.String()))
	})

	// Different -w must not succeed. The handshake does not compare the
	// workers per process, so this is found only once records or
	// progress flow, and the errors do not say what is wrong: "process
	// 0 sent a bad data frame: worker 2 is not in this process", or a
	// peer that "did not finish within 5s".
	t.Run("workers_differ", func(t *testing.T) {
		for _, w := range [][2]int{{2, 1}, {1, 2}} {
			hosts := writeHostfile(t, dir, freeAddrs(t, 2))
			p0 := startProc(t, root, nil, wc, clusterArgs(2, 0, hosts, w[0])...)
			p1 := startProc(t, root, nil, wc, clusterArgs(2, 1, hosts, w[1])...)
			for i, p := range []*clusterProc{p0, p1} {
				code := p.wait(t, 15*time.Second)
				t.Logf("-w %d and -w %d: process %d exited with status %d: %s", w[0], w[1], i, code, strings.TrimSpace(p.stderr.String()))
				assert.NotEqual(t, 0, code, "-w %d and -w %d: process %d", w[0], w[1], i)
			}
			// The process that learns of the other's workers in the
			// handshake says so.
			both := p0.stderr.String() + p1.stderr.String()
			assert.Contains(t, both, "workers per process")
		}
	})
}

// stopsTDF runs for a minute or so, and fails in the process whose share
// of the range starts at -fail (a worker per process).
const stopsTDF = `package stops

import "errors"

param fail int64 = -1

dataflow Stops {
	range(0, 3000000000)
		-> map(x => {
			if x == fail {
				return x, errors.New("boom")
			}
			return x, nil
		})
		-> exchange(x => x)
		-> filter(x => x < 1000)
		-> print()
}
`

// TestLaunchStops checks that tdc launch stops every process when one
// fails, or when it is told to stop, and exits with a failure.
func TestLaunchStops(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary with go build")
	}
	isolateBuildCache(t)
	dir := t.TempDir()
	bin := buildTDF(t, writeFile(t, dir, "stops.tdf", stopsTDF), dir)
	tdc := tdcCommand(t)
	// gone reports whether no process of launch's group is left.
	gone := func(launch *clusterProc) bool {
		return syscall.Kill(-launch.cmd.Process.Pid, 0) == syscall.ESRCH
	}

	t.Run("failure", func(t *testing.T) {
		// With three workers, 2000000000 starts the share of process 2.
		launch := startProc(t, dir, nil, tdc, "launch", "-n", "3", bin, "-fail", "2000000000")
		code := launch.wait(t, 10*time.Second)
		stderr := launch.stderr.String()
		t.Logf("tdc launch exited with status %d: %s", code, stderr)
		assert.Equal(t, 1, code)
		assert.Regexp(t, `(?m)^process 2: stops: stops\.tdf:\d+:\d+: map: boom`, stderr)
		// Each process says why it stopped; tdc launch then says how
		// each ended, in the order they did.
		lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
		for _, line := range lines[:len(lines)-1] {
			assert.Regexp(t, `^process [0-2]: stops: `, line)
		}
		assert.Regexp(t, `^tdc launch: process \d \(exit status 1\) ended first, then process \d \(exit status 1\), process \d \(exit status 1\)$`, lines[len(lines)-1])
		waitFor(t, 3*time.Second, func() bool { return gone(launch) }, "processes of tdc launch are left")
	})

	t.Run("sigterm", func(t *testing.T) {
		launch := startProc(t, dir, nil, tdc, "launch", "-n", "3", bin)
		waitFor(t, 20*time.Second, func() bool { return launch.stdout.Len() > 0 || launch.exited() },
			"the processes printed nothing; stderr: %s", launch.stderr.String())
		require.False(t, launch.exited(), "tdc launch exited: %v; stderr: %s", launch.err, launch.stderr.String())
		require.NoError(t, launch.cmd.Process.Signal(syscall.SIGTERM))
		code := launch.wait(t, 5*time.Second)
		t.Logf("tdc launch exited with status %d: %s", code, launch.stderr.String())
		assert.NotEqual(t, 0, code)
		waitFor(t, 3*time.Second, func() bool { return gone(launch) }, "processes of tdc launch are left")
	})
}

// repoRoot returns the absolute path of the repository's root.
func repoRoot(t testing.TB) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	return root
}

// tdcCommand returns a command named tdc that runs the test binary as
// tdc (see TestMain).
func tdcCommand(t testing.TB) string {
	t.Helper()
	exe, err := os.Executable()
	require.NoError(t, err)
	tdc := filepath.Join(t.TempDir(), "tdc")
	require.NoError(t, os.Symlink(exe, tdc))
	return tdc
}

// buildTDF builds the program at tdf into dir with tdc build and returns
// the binary's path.
func buildTDF(t testing.TB, tdf, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, defaultBinary(tdf))
	var stderr bytes.Buffer
	st := run([]string{"build", "-o", bin, tdf}, nil, io.Discard, &stderr)
	require.Equal(t, exitOK, st, "tdc build %s: %s", tdf, stderr.String())
	return bin
}

var fingerprintRE = regexp.MustCompile(`(?m)^const \w+Fingerprint = "([!-~]+)"$`)

// fingerprints returns the plan fingerprints of the dataflows of the
// program at tdf, in the order tdc gen writes them: the order of the
// dataflows, which a binary runs one after the other.
func fingerprints(t testing.TB, tdf string) []string {
	t.Helper()
	c, err := compile(tdf, codegen.Options{})
	require.NoError(t, err)
	var fps []string
	for _, m := range fingerprintRE.FindAllSubmatch(c.src, -1) {
		fps = append(fps, string(m[1]))
	}
	require.NotEmpty(t, fps, "no fingerprint constants in the Go code of %s", tdf)
	return fps
}

// fingerprintOf returns the plan fingerprint of the program at tdf,
// which has one dataflow.
func fingerprintOf(t testing.TB, tdf string) string {
	t.Helper()
	fps := fingerprints(t, tdf)
	require.Len(t, fps, 1, "dataflows of %s", tdf)
	return fps[0]
}

// writeFile writes text to the file name in dir and returns its path.
func writeFile(t testing.TB, dir, name, text string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
	return path
}

// freeAddrs returns n distinct addresses of 127.0.0.1 whose ports were
// free a moment ago. The ports are below the range the kernel takes
// ephemeral ports from, so that no connection this test (or a process
// it started) makes can take one before its process listens on it.
func freeAddrs(t testing.TB, n int) []string {
	t.Helper()
	addrs, err := tdnet.FreeLoopbackAddrs(n)
	require.NoError(t, err)
	return addrs
}

// writeHostfile writes addrs as a hostfile in dir and returns its path.
func writeHostfile(t testing.TB, dir string, addrs []string) string {
	t.Helper()
	f, err := os.CreateTemp(dir, "hosts-")
	require.NoError(t, err)
	_, err = f.WriteString(strings.Join(addrs, "\n") + "\n")
	require.NoError(t, err)
	require.NoError(t, f.Close())
	return f.Name()
}

// clusterArgs are the flags of process p of n with w workers.
func clusterArgs(n, p int, hostfile string, w int) []string {
	return []string{"-n", fmt.Sprint(n), "-p", fmt.Sprint(p), "-hostfile", hostfile, "-w", fmt.Sprint(w)}
}

// clusterProc is a process a test started, in a process group of its own
// which the test's cleanup kills.
type clusterProc struct {
	cmd            *exec.Cmd
	stdout, stderr lockedBuffer
	done           chan struct{}
	err            error // cmd.Wait's, once done is closed
}

// testSecret is the secret the processes tests start get in the
// environment, unless env sets TDC_SECRET itself.
const testSecret = "cluster test secret"

// startProc starts name with args in dir, with env added to the test's
// environment (and TDC_SECRET=testSecret, unless env sets it).
func startProc(t testing.TB, dir string, env []string, name string, args ...string) *clusterProc {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), tdrt.SecretEnv+"="+testSecret)
	cmd.Env = append(cmd.Env, env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = 5 * time.Second
	p := &clusterProc{cmd: cmd, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = &p.stdout, &p.stderr
	require.NoError(t, cmd.Start())
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-p.done
	})
	return p
}

// exited reports whether the process has exited.
func (p *clusterProc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// wait waits at most d for the process to exit and returns its exit
// status (-1 when a signal killed it).
func (p *clusterProc) wait(t testing.TB, d time.Duration) int {
	t.Helper()
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-p.done:
	case <-timer.C:
		t.Fatalf("%s still runs after %v; stderr: %s", filepath.Base(p.cmd.Path), d, p.stderr.String())
	}
	if p.err == nil {
		return 0
	}
	var exitErr *exec.ExitError
	if !errors.As(p.err, &exitErr) {
		t.Fatalf("%s: %v", filepath.Base(p.cmd.Path), p.err)
	}
	return exitErr.ExitCode()
}

// runOK runs name with args in dir and returns its standard output,
// failing the test when it fails or writes to standard error.
func runOK(t testing.TB, dir string, env []string, name string, args ...string) string {
	t.Helper()
	p := startProc(t, dir, env, name, args...)
	code := p.wait(t, 60*time.Second)
	require.Equal(t, 0, code, "%s %s: stderr: %s", filepath.Base(name), strings.Join(args, " "), p.stderr.String())
	assert.Empty(t, p.stderr.String(), "%s %s", filepath.Base(name), strings.Join(args, " "))
	return p.stdout.String()
}

// waitFor polls cond every 10 ms until it holds, failing the test with
// the formatted message after d.
func waitFor(t testing.TB, d time.Duration, cond func() bool, format string, args ...any) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf(format, args...)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// sortedLines returns the lines of s, sorted.
func sortedLines(s string) []string {
	if s == "" {
		return nil
	}
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	sort.Strings(lines)
	return lines
}

// lockedBuffer is a bytes.Buffer safe for concurrent use.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *lockedBuffer) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Len()
}
