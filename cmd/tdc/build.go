package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"go/build"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	goruntime "runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/tdflow/tdc/codegen"
)

// A binary is built in a module of its own under the user's cache
// directory: the generated main package, and a copy of the runtime's
// source as module github.com/tdflow/tdc. The copy makes the build
// hermetic (no network, no go.sum) and the cache directory keeps Go's
// build cache warm across runs of the same program.

// defaultBinary is the binary tdc build writes for a .tdf file.
func defaultBinary(tdf string) string {
	name := strings.TrimSuffix(filepath.Base(tdf), ".tdf")
	if goruntime.GOOS == "windows" {
		name += ".exe"
	}
	return name
}

// buildBinary compiles the .tdf file at path into the binary dst, or,
// when dst is empty, into a binary in the program's build directory. It
// returns the binary's path.
func buildBinary(path, dst string, env *cliEnv) (string, error) {
	c, err := compile(path, codegen.Options{Main: true})
	if err != nil {
		return "", err
	}
	root := moduleRootOf(filepath.Dir(path))
	if root == "" {
		for _, imp := range c.prog.Imports {
			if !isStdImport(imp.Path) {
				return "", fmt.Errorf("%s:%d:%d: outside a Go module tdc build supports standard-library imports only; to use %q, put the program in a module (go mod init)",
					imp.Pos.Filename, imp.Pos.Line, imp.Pos.Column, imp.Path)
			}
		}
	}
	dir, err := buildDir(path, root == "")
	if err != nil {
		return "", err
	}
	if dst == "" {
		dst = filepath.Join(dir, defaultBinary(path))
	}
	absDst, err := filepath.Abs(dst)
	if err != nil {
		return "", err
	}
	var cmd *exec.Cmd
	if root != "" {
		args, pkg, err := moduleBuild(c, path, root, dir)
		if err != nil {
			return "", err
		}
		cmd = goBuildCommand(args, absDst, pkg, filepath.Dir(path), os.Environ())
	} else {
		if err := writeIfChanged(filepath.Join(dir, "main.go"), c.src); err != nil {
			return "", err
		}
		if err := copyHostFiles(c.prog.HostFiles, dir); err != nil {
			return "", err
		}
		cmd = goBuildCommand(nil, absDst, ".", dir, append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod"))
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	// The first build of a program compiles the runtime and can take a
	// while: say so on a terminal, rather than sit silent.
	done := make(chan struct{})
	defer close(done)
	if isTerminal(env.stderr) {
		go func() {
			select {
			case <-time.After(time.Second):
				fmt.Fprintf(env.stderr, "tdc: building %s (the first build compiles the runtime)...\n", filepath.Base(path))
			case <-done:
			}
		}()
	}
	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) && root != "" {
			return "", goBuildFailure(path, root, &out)
		}
		if errors.As(err, &exitErr) {
			return "", fmt.Errorf("tdc: internal error: the Go code generated for %s does not build; please report this with the program:\n%s", path, out.String())
		}
		return "", fmt.Errorf("running go build: %v (is Go installed and on PATH?)", err)
	}
	return absDst, nil
}

// copyHostFiles copies the Go files of the program's package into the
// build module as part of package main, and removes host files of an
// earlier build that are gone. Their imports must be the standard
// library's, like the program's.
func copyHostFiles(paths []string, dir string) error {
	keep := map[string]bool{"main.go": true}
	for _, path := range paths {
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, src, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if !isStdImport(p) {
				pos := fset.Position(imp.Pos())
				return fmt.Errorf("%s:%d:%d: outside a Go module tdc build supports standard-library imports only; to use %q, put the program in a module (go mod init)", path, pos.Line, pos.Column, p)
			}
		}
		main, err := asPackageMain(path, src)
		if err != nil {
			return err
		}
		name := "host_" + filepath.Base(path)
		keep[name] = true
		if err := writeIfChanged(filepath.Join(dir, name), main); err != nil {
			return err
		}
	}
	old, _ := filepath.Glob(filepath.Join(dir, "host_*.go"))
	for _, f := range old {
		if !keep[filepath.Base(f)] {
			os.Remove(f)
		}
	}
	return nil
}

// asPackageMain returns the Go source src with its package clause
// changed to package main; nothing else changes, so positions in
// compiler messages stay right.
func asPackageMain(path string, src []byte) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, parser.PackageClauseOnly)
	if err != nil {
		return nil, err
	}
	start, end := fset.Position(f.Name.Pos()).Offset, fset.Position(f.Name.End()).Offset
	return append(append(append([]byte(nil), src[:start]...), "main"...), src[end:]...), nil
}

// isTerminal reports whether w is a terminal, where progress messages are
// welcome (and not a file or pipe that a script reads).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// isStdImport reports whether the import path names a package of the
// standard library, the only packages a build module can resolve. A
// module path need not contain a dot (module mymod), so the path's form
// is not enough: the package must be in GOROOT when GOROOT is known.
func isStdImport(path string) bool {
	if first, _, _ := strings.Cut(path, "/"); strings.Contains(first, ".") {
		return false
	}
	if build.Default.GOROOT == "" {
		return true
	}
	p, err := build.Default.Import(path, "", build.FindOnly)
	return err == nil && p.Goroot
}

// buildDir prepares the build directory for the .tdf file at path and
// returns it. With standalone it holds a module of its own (the
// program's package main and the runtime); otherwise what moduleBuild
// overlays onto the user's module.
func buildDir(path string, standalone bool) (string, error) {
	rt, err := findRuntime()
	if err != nil {
		return "", err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	sum := sha256.Sum256([]byte(fmt.Sprint(abs, "\x00", rt.where, "\x00", standalone)))
	dir := filepath.Join(cache, "tdc", "build", strings.TrimSuffix(filepath.Base(path), ".tdf")+"-"+hex.EncodeToString(sum[:6]))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	if !standalone {
		return dir, nil
	}
	if err := rt.writeModule(filepath.Join(dir, "tdc")); err != nil {
		return "", err
	}
	// The program's module requires what the runtime requires, at the
	// runtime's versions, with the runtime's checksums.
	gomod, gosum, err := rt.programModule([]byte("module tdcprogram\n\ngo 1.26\n"), nil, "./tdc")
	if err != nil {
		return "", err
	}
	if err := writeIfChanged(filepath.Join(dir, "go.mod"), gomod); err != nil {
		return "", err
	}
	return dir, writeIfChanged(filepath.Join(dir, "go.sum"), gosum)
}

// programArg returns the index of the argument of tdc run that names the
// program: the first that ends in .tdf and is not a flag, or else a first
// argument that is not a flag (which compile then rejects as not a .tdf
// file); -1 when there is none.
func programArg(args []string) int {
	for i, a := range args {
		if a == "--" {
			break
		}
		if !strings.HasPrefix(a, "-") && strings.HasSuffix(a, ".tdf") {
			return i
		}
	}
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		return 0
	}
	return -1
}

// cmdRun builds the program and runs it with the other arguments,
// passing on its output and exit status. The program is the first
// argument that names a .tdf file; the arguments before and after it are
// the program's flags, so that both tdc run prog.tdf -w 4 and tdc run
// -w 4 prog.tdf work. tdc run -h is tdc run's usage; tdc run prog.tdf -h
// the program's.
func cmdRun(args []string, env *cliEnv) int {
	fs := newFlags("run", env)
	at := programArg(args)
	if at < 0 {
		for _, a := range args {
			switch a {
			case "-h", "-help", "--help":
				fs.Usage()
				return exitOK
			}
		}
		fmt.Fprintln(env.stderr, "tdc run: no .tdf file named")
		fs.Usage()
		return exitUsage
	}
	path := args[at]
	progArgs := append(append([]string(nil), args[:at]...), args[at+1:]...)
	bin, err := buildBinary(path, "", env)
	if err != nil {
		return report(env, err)
	}
	cmd := exec.Command(bin, progArgs...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = env.stdin, env.stdout, env.stderr
	// The program stops cleanly on an interrupt: pass interrupts on and
	// wait for it, rather than exit and leave it running.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	if err := cmd.Start(); err != nil {
		return report(env, err)
	}
	done := make(chan struct{})
	defer close(done)
	go func() {
		for {
			select {
			case sig := <-sigs:
				cmd.Process.Signal(sig) // not supported everywhere
			case <-done:
				return
			}
		}
	}()
	if err := cmd.Wait(); err != nil {
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			return report(env, err)
		}
		if code := exitErr.ExitCode(); code >= 0 {
			return code
		}
		// Killed by a signal, which has no exit status.
		return report(env, fmt.Errorf("%s: %v", filepath.Base(bin), err))
	}
	return exitOK
}
