package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	goruntime "runtime"
	"runtime/debug"
	"strings"

	"github.com/tdflow/tdc"
)

// runtimeSource is the source of the runtime that binaries built by tdc
// link against: the copy embedded in tdc, or the tree $TDC_ROOT names
// (for working on the runtime without rebuilding tdc).
type runtimeSource struct {
	fsys  fs.FS  // holds runtime/ and go.mod, go.sum
	where string // "embedded" or the TDC_ROOT directory
}

// findRuntime returns the runtime's source.
func findRuntime() (*runtimeSource, error) {
	if root := os.Getenv("TDC_ROOT"); root != "" {
		if !isTDCRoot(root) {
			return nil, fmt.Errorf("TDC_ROOT=%s does not hold the tdc source tree (no runtime/ beside a go.mod of github.com/tdflow/tdc)", root)
		}
		return &runtimeSource{fsys: os.DirFS(root), where: root}, nil
	}
	return &runtimeSource{fsys: tdc.RuntimeSource, where: "embedded"}, nil
}

func isTDCRoot(dir string) bool {
	data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil || !strings.Contains(string(data), "module github.com/tdflow/tdc\n") {
		return false
	}
	_, err = os.Stat(filepath.Join(dir, "runtime", "api.go"))
	return err == nil
}

// hash identifies the runtime's source: a SHA-256 prefix of its files
// (see tdc.RuntimeFiles).
func (rt *runtimeSource) hash() (string, error) {
	names, err := tdc.RuntimeFiles(rt.fsys)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, n := range names {
		data, err := fs.ReadFile(rt.fsys, n)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s %d\n", n, len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil)[:8]), nil
}

// writeModule writes the runtime as module github.com/tdflow/tdc into
// dir, only the files that changed, and removes files that are gone.
func (rt *runtimeSource) writeModule(dir string) error {
	return tdc.WriteRuntimeModule(rt.fsys, dir)
}

// moduleFile returns the runtime module's go.mod or go.sum.
func (rt *runtimeSource) moduleFile(name string) ([]byte, error) {
	return fs.ReadFile(rt.fsys, name)
}

// cmdVersion prints tdc's version and the runtime it builds binaries
// with.
func cmdVersion(args []string, env *cliEnv) int {
	fs := newFlags("version", env)
	if st := parseFlags(fs, args); st >= 0 {
		return st
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.stderr, "tdc version takes no arguments, not %q\n", fs.Arg(0))
		fs.Usage()
		return exitUsage
	}
	version := "(unknown)"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		version = bi.Main.Version
	}
	fmt.Fprintf(env.stdout, "tdc %s %s\n", version, goruntime.Version())
	rt, err := findRuntime()
	if err != nil {
		return report(env, err)
	}
	h, err := rt.hash()
	if err != nil {
		return report(env, err)
	}
	where := "embedded in tdc"
	if rt.where != "embedded" {
		where = "from TDC_ROOT=" + rt.where
	}
	fmt.Fprintf(env.stdout, "runtime for tdc build and tdc run: %s, source %s\n", where, h)
	fmt.Fprintln(env.stdout, "runtime for tdc gen: the module's requirement of github.com/tdflow/tdc")
	return exitOK
}
