//go:build linux

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNetworkNamespaces runs the two processes of a computation in two
// network namespaces joined by a veth pair, 10.77.0.1 and 10.77.0.2, so
// that they talk over an interface other than loopback: the word count
// must match one process's, and cutting the link must make both fail
// on the peer timeout (4 s here), naming each other. It needs root and iproute2,
// and skips without them.
func TestNetworkNamespaces(t *testing.T) {
	if testing.Short() {
		t.Skip("builds binaries with go build")
	}
	nsA, nsB, vethA := netnsPair(t)
	isolateBuildCache(t)
	root := repoRoot(t)
	dir := t.TempDir()
	// The namespaces' processes read and write the same file system.
	require.NoError(t, os.Chmod(dir, 0o755))
	hosts := writeHostfile(t, dir, []string{"10.77.0.1:7000", "10.77.0.2:7000"})
	inNS := func(ns, bin string, args ...string) *clusterProc {
		return startProc(t, root, nil, "ip", append([]string{"netns", "exec", ns, bin}, args...)...)
	}

	t.Run("wordcount", func(t *testing.T) {
		bin := buildTDF(t, filepath.Join(root, "examples", "wordcount", "wordcount.tdf"), dir)
		text := randomWords(13, 20000)
		input := writeFile(t, dir, "words.txt", text)
		want := sortedLines(runOK(t, root, nil, bin, "-w", "2", "-input", input))
		require.Equal(t, plainWordCounts(text), want)

		p0 := inNS(nsA, bin, append(clusterArgs(2, 0, hosts, 2), "-input", input)...)
		p1 := inNS(nsB, bin, append(clusterArgs(2, 1, hosts, 2), "-input", input)...)
		require.Equal(t, 0, p0.wait(t, 30*time.Second), "process 0: %s", p0.stderr.String())
		require.Equal(t, 0, p1.wait(t, 10*time.Second), "process 1: %s", p1.stderr.String())
		assert.Empty(t, p0.stderr.String())
		assert.Empty(t, p1.stderr.String())
		assert.Equal(t, want, sortedLines(p0.stdout.String()+p1.stdout.String()))
	})

	t.Run("partition", func(t *testing.T) {
		bin := buildTDF(t, writeFile(t, dir, "long.tdf", longTDF), dir)
		silent := []string{"-peer-timeout", "4s"}
		procs := []*clusterProc{inNS(nsA, bin, append(clusterArgs(2, 0, hosts, 1), silent...)...), inNS(nsB, bin, append(clusterArgs(2, 1, hosts, 1), silent...)...)}
		for p, proc := range procs {
			waitFor(t, 20*time.Second, func() bool { return proc.stdout.Len() > 0 || proc.exited() },
				"process %d printed nothing; stderr: %s", p, proc.stderr.String())
			require.False(t, proc.exited(), "process %d exited early: %v; stderr: %s", p, proc.err, proc.stderr.String())
		}
		// No FIN, no RST: only the silence tells the processes.
		out, err := exec.Command("ip", "-n", nsA, "link", "set", vethA, "down").CombinedOutput()
		require.NoError(t, err, "%s", out)
		cut := time.Now()
		for p, proc := range procs {
			code := proc.wait(t, 15*time.Second-time.Since(cut))
			stderr := proc.stderr.String()
			t.Logf("process %d exited with status %d %v after the link went down: %s", p, code, time.Since(cut).Round(time.Millisecond), strings.TrimSpace(stderr))
			assert.Equal(t, 1, code, "process %d", p)
			assert.Contains(t, stderr, fmt.Sprintf("process %d (10.77.0.%d", 1-p, 2-p), "process %d", p)
			assert.Contains(t, stderr, "sent nothing for", "process %d", p)
		}
	})
}

// netnsSeq tells the namespaces of one test process apart.
var netnsSeq atomic.Int32

// netnsPair creates two network namespaces joined by a veth pair, with
// 10.77.0.1/24 on the first and 10.77.0.2/24 on the second, and deletes
// them when the test ends. It returns their names and the first
// interface's; it skips the test when it cannot create them.
func netnsPair(t *testing.T) (nsA, nsB, vethA string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("network namespaces need root")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("network namespaces need ip (iproute2), which is not on PATH")
	}
	id := fmt.Sprintf("%d%d", os.Getpid()%100000, netnsSeq.Add(1))
	nsA, nsB = "tdctest"+id+"a", "tdctest"+id+"b"
	vethA, vethB := "tdcv"+id+"a", "tdcv"+id+"b" // at most 15 bytes
	ip := func(args ...string) error {
		out, err := exec.Command("ip", args...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
		}
		return nil
	}
	if err := ip("netns", "add", nsA); err != nil {
		t.Skipf("cannot create a network namespace: %v", err)
	}
	t.Cleanup(func() { ip("netns", "del", nsA) })
	require.NoError(t, ip("netns", "add", nsB))
	// Deleting a namespace deletes the veth end in it, and so the pair.
	t.Cleanup(func() { ip("netns", "del", nsB) })
	require.NoError(t, ip("link", "add", vethA, "type", "veth", "peer", "name", vethB))
	if err := ip("link", "set", vethA, "netns", nsA); err != nil {
		ip("link", "del", vethA)
		require.NoError(t, err)
	}
	require.NoError(t, ip("link", "set", vethB, "netns", nsB))
	require.NoError(t, ip("-n", nsA, "addr", "add", "10.77.0.1/24", "dev", vethA))
	require.NoError(t, ip("-n", nsB, "addr", "add", "10.77.0.2/24", "dev", vethB))
	require.NoError(t, ip("-n", nsA, "link", "set", vethA, "up"))
	require.NoError(t, ip("-n", nsB, "link", "set", vethB, "up"))
	return nsA, nsB, vethA
}
