package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/stretchr/testify/require"
)

// TestMain lets the test binary act as tdc: testscript puts a "tdc"
// command on the scripts' PATH that runs the test binary, which then
// calls run as main does.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"tdc": func() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
	})
}

// TestScript runs the scripts of testdata/script, one concern of the
// command line each. Refresh their cmp files with -update.
func TestScript(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	goEnv := goEnv(t)
	// The cache this test process filled when it started (see Setup).
	wasmCache := filepath.Join(os.TempDir(), "go-graphviz")
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "script"),
		UpdateScripts:       *update,
		RequireExplicitExec: true,
		Setup: func(e *testscript.Env) error {
			// tdc build copies the runtime from TDC_ROOT into a build
			// module under the user cache directory; keep that module in
			// the script's work directory but share Go's build cache,
			// so that only the runtime and the program are compiled.
			e.Setenv("TDC_ROOT", root)
			e.Setenv("HOME", os.Getenv("HOME"))
			e.Setenv("XDG_CACHE_HOME", filepath.Join(e.WorkDir, ".cache"))
			for k, v := range goEnv {
				e.Setenv(k, v)
			}
			e.Setenv("GOPROXY", "off")
			e.Setenv("GOSUMDB", "off") // the module cache holds what scripts use
			e.Setenv("GOTOOLCHAIN", "local")
			// tdc draws pictures with Graphviz compiled to WebAssembly,
			// which every tdc process compiles to machine code at start
			// unless $TMPDIR/go-graphviz holds it already (some 1.2 s
			// of CPU, against 60 ms): the scripts use the cache of this
			// process's $TMPDIR, filled when it started.
			return os.Symlink(wasmCache, filepath.Join(e.WorkDir, ".tmp", "go-graphviz"))
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"status":   cmdStatus,
			"envsubst": cmdEnvsubst,
		},
	})
}

// cmdStatus runs a program and checks its exit status, keeping its
// output for stdout and stderr:
//
//	status N program [args...]
func cmdStatus(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: status N program [args...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	if err != nil {
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			ts.Fatalf("%s: %v", args[1], err)
		}
		got = exitErr.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with status %d, want %d", args[1], got, want)
	}
}

// cmdEnvsubst replaces $NAME and ${NAME} in files with the script's
// environment variables, for go.mod files that point at the repository:
//
//	envsubst file...
func cmdEnvsubst(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: envsubst file...")
	}
	for _, name := range args {
		data := ts.ReadFile(name)
		data = os.Expand(data, ts.Getenv)
		ts.Check(os.WriteFile(ts.MkAbs(name), []byte(data), 0o644))
	}
}

// goEnv returns the Go settings that let go build, run by tdc, use this
// machine's build and module caches, which a script's fresh environment
// would otherwise hide.
func goEnv(t *testing.T) map[string]string {
	t.Helper()
	names := []string{"GOCACHE", "GOMODCACHE", "GOPATH"}
	out, err := exec.Command("go", append([]string{"env"}, names...)...).Output()
	require.NoError(t, err, "go env")
	values := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	require.Len(t, values, len(names), "go env output: %q", out)
	env := map[string]string{}
	for i, name := range names {
		env[name] = values[i]
	}
	return env
}
