package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTrimpathInstall builds tdc with -trimpath, as go install and go
// tool may, and runs a program with it from outside the repository
// without TDC_ROOT: the runtime it links against is the copy embedded in
// tdc.
func TestTrimpathInstall(t *testing.T) {
	if testing.Short() {
		t.Skip("builds tdc and a program")
	}
	dir := t.TempDir()
	tdcBin := filepath.Join(dir, "tdc")
	build := exec.Command("go", "build", "-trimpath", "-o", tdcBin, ".")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "go build -trimpath:\n%s", out)

	work := filepath.Join(dir, "work")
	require.NoError(t, os.MkdirAll(work, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(work, "nums.tdf"), []byte("package nums\n\ndataflow Nums {\n\trange(0, 3) -> map(x => x * 2) -> print()\n}\n"), 0o644))
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TDC_ROOT=") && !strings.HasPrefix(kv, "XDG_CACHE_HOME=") {
			env = append(env, kv)
		}
	}
	env = append(env, "XDG_CACHE_HOME="+filepath.Join(dir, "cache"), "GOFLAGS=", "GOWORK=off")

	version := exec.Command(tdcBin, "version")
	version.Env = env
	out, err = version.CombinedOutput()
	require.NoError(t, err, "tdc version:\n%s", out)
	assert.Contains(t, string(out), "runtime for tdc build and tdc run: embedded in tdc, source ")

	run := exec.Command(tdcBin, "run", "nums.tdf")
	run.Dir, run.Env = work, env
	out, err = run.CombinedOutput()
	require.NoError(t, err, "tdc run:\n%s", out)
	assert.Equal(t, "0\n2\n4\n", string(out))
}
