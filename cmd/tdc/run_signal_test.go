//go:build unix

package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRunForwardsSignals sends SIGTERM to tdc run while the program runs:
// tdc must pass it on and exit with the program's status once the program
// has stopped, not exit at once and leave the program running.
func TestRunForwardsSignals(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary with go build")
	}
	dir := t.TempDir()
	// The test binary acts as tdc when called by that name (TestMain).
	exe, err := os.Executable()
	require.NoError(t, err)
	tdc := filepath.Join(dir, "tdc")
	require.NoError(t, os.Symlink(exe, tdc))
	tdf := filepath.Join(dir, "long.tdf")
	require.NoError(t, os.WriteFile(tdf, []byte("package long\n\ndataflow L {\n\trange(0, 1000000000000) -> filter(x => x == 0) -> print()\n}\n"), 0o644))

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, tdc, "run", tdf, "-w", "2")
	cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+filepath.Join(dir, "cache"))
	for k, v := range goEnv(t) {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	// A process group of its own, so that cleanup reaches the program
	// even if tdc left it behind.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = 5 * time.Second
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })

	// The program prints 0 as soon as it runs.
	lines := bufio.NewReader(stdout)
	first := make(chan string, 1)
	go func() {
		line, _ := lines.ReadString('\n')
		first <- line
	}()
	select {
	case line := <-first:
		require.Equal(t, "0\n", line, "stderr: %s", stderr.String())
	case <-time.After(45 * time.Second):
		t.Fatalf("the program printed nothing; stderr: %s", stderr.String())
	}

	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	rest := make(chan error, 1)
	go func() {
		_, err := io.Copy(io.Discard, lines)
		rest <- err
	}()
	select {
	case <-rest:
		// The program's end of the pipe is closed: it has exited.
	case <-time.After(10 * time.Second):
		t.Fatal("the program still runs after tdc run got SIGTERM")
	}
	err = cmd.Wait()
	var exitErr *exec.ExitError
	require.True(t, errors.As(err, &exitErr), "tdc run: %v", err)
	assert.Equal(t, 1, exitErr.ExitCode(), "the program's exit status; stderr: %s", stderr.String())
	assert.Contains(t, stderr.String(), "long: ")
}
