package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tdflow/tdc/runtime/tdnet"
)

// TestMain runs the test binary as wordfreq when the test starts it as a
// process of a computation.
func TestMain(m *testing.M) {
	if os.Getenv("WORDFREQ_PROCESS") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

const text = `The quick brown fox
jumps over the lazy dog
the dog sleeps

and the fox runs`

// TestProcesses runs wordfreq as 2 and 3 processes, 20 times each, and
// compares their output together with a count in plain Go. Every host
// feeds its input right after Start, before the processes are connected;
// a process of 3 with the empty file, or with an empty share, feeds
// nothing and closes its input.
func TestProcesses(t *testing.T) {
	dir := t.TempDir()
	full := filepath.Join(dir, "text.txt")
	empty := filepath.Join(dir, "empty.txt")
	for path, data := range map[string]string{full: text, empty: ""} {
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []int{2, 3} {
		for _, file := range []string{full, empty} {
			want := reference(t, file)
			t.Run(fmt.Sprintf("n%d/%s", n, filepath.Base(file)), func(t *testing.T) {
				for i := range 20 {
					if got := runProcesses(t, n, file); got != want {
						t.Fatalf("run %d: got\n%s\nwant\n%s", i, got, want)
					}
				}
			})
		}
	}
}

// reference counts the words of file in plain Go.
func reference(t *testing.T, file string) string {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, w := range strings.Fields(strings.ToLower(string(data))) {
		counts[w]++
	}
	var lines []string
	for w, n := range counts {
		lines = append(lines, fmt.Sprintf("%s %d", w, n))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// runProcesses runs n processes of wordfreq on loopback addresses and
// returns their output lines, sorted. Each gets 20 seconds; all are
// killed when the test ends.
func runProcesses(t *testing.T, n int, file string) string {
	t.Helper()
	addrs, err := tdnet.FreeLoopbackAddrs(n)
	if err != nil {
		t.Fatal(err)
	}
	hostfile := filepath.Join(t.TempDir(), "hosts")
	if err := os.WriteFile(hostfile, []byte(strings.Join(addrs, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	outs := make([]bytes.Buffer, n)
	errs := make([]bytes.Buffer, n)
	cmds := make([]*exec.Cmd, n)
	for p := range n {
		cmd := exec.CommandContext(ctx, os.Args[0], "-n", fmt.Sprint(n), "-p", fmt.Sprint(p), "-w", "2", "-hostfile", hostfile, "-secret", "s3cret", file)
		cmd.Env = append(os.Environ(), "WORDFREQ_PROCESS=1")
		cmd.Stdout, cmd.Stderr = &outs[p], &errs[p]
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds[p] = cmd
	}
	var lines []string
	for p, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("process %d: %v (timed out: %v)\n%s", p, err, ctx.Err() != nil, errs[p].String())
		}
		for _, l := range strings.Split(outs[p].String(), "\n") {
			if l != "" {
				lines = append(lines, l)
			}
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}
