package docs

// The tests in this file keep docs/language.md honest: every program in it
// is compiled, and the ones whose output or error the document shows are
// run and compared.
//
// The conventions, for the fenced code blocks of language.md:
//
//   - ```tdf is a complete program that must pass every phase of the
//     compiler (lang.Parse, lang.Check, planner.Plan, codegen.Generate).
//     The Nth program block (tdf or tdf-error) is compiled as "doc-N.tdf".
//   - ```tdf-error is a program that must fail; the block right after it
//     must be ```text holding the exact error text.
//   - A ```tdf block may be followed right away by ```text: the output of
//     `tdc run doc-N.tdf -w 2`, its lines sorted (workers print in any
//     order, so the test sorts what the program prints before comparing).
//     Programs run from the repository root, so relative paths in them
//     are relative to it.
//   - A ```tdf block may instead be followed by ```stderr: the program must
//     fail at run time and print exactly that to standard error.
//   - A ```tdf block may be followed by ```go, a host program of package
//     main that drives the code `tdc gen` makes of the .tdf (which then
//     has package main too), and then by ```text, the sorted output of
//     `go run .` of the two files.
//
// Running programs is skipped with -short.

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tdflow/tdc"
	"github.com/tdflow/tdc/codegen"
	"github.com/tdflow/tdc/lang"
	"github.com/tdflow/tdc/planner"
)

// runTimeout bounds one run of a documented program, its build included.
const runTimeout = 3 * time.Minute

// fence is one fenced code block of a markdown file.
type fence struct {
	info string // the word after the opening ```
	body string
	line int // line of the opening fence, from 1
}

// fences returns the fenced code blocks of md: a line starting with ```
// opens a block (its info string is the rest of the line) and the next
// line that is exactly ``` closes it.
func fences(md string) ([]fence, error) {
	var out []fence
	lines := strings.Split(md, "\n")
	for i := 0; i < len(lines); i++ {
		if !strings.HasPrefix(lines[i], "```") {
			continue
		}
		f := fence{info: strings.TrimSpace(strings.TrimPrefix(lines[i], "```")), line: i + 1}
		var body []string
		closed := false
		for i++; i < len(lines); i++ {
			if strings.TrimRight(lines[i], " \t\r") == "```" {
				closed = true
				break
			}
			body = append(body, lines[i])
		}
		if !closed {
			return nil, fmt.Errorf("line %d: code block not closed", f.line)
		}
		f.body = strings.Join(body, "\n") + "\n"
		out = append(out, f)
	}
	return out, nil
}

// example is a program of the document with what the document says
// about it.
type example struct {
	name    string // doc-N.tdf
	line    int
	src     string
	wantErr bool   // a tdf-error block
	want    *fence // text: expected error, output lines, or host output
	stderr  *fence // stderr: the run fails with this error
	host    *fence // go: host program
}

// examples groups the fences into programs and their expectations.
func examples(fs []fence) ([]*example, error) {
	var out []*example
	n := 0
	for i := 0; i < len(fs); i++ {
		f := fs[i]
		if f.info != "tdf" && f.info != "tdf-error" {
			continue
		}
		n++
		ex := &example{name: fmt.Sprintf("doc-%d.tdf", n), line: f.line, src: f.body, wantErr: f.info == "tdf-error"}
		next := func(info string) *fence {
			if i+1 < len(fs) && fs[i+1].info == info {
				i++
				return &fs[i]
			}
			return nil
		}
		switch {
		case ex.wantErr:
			if ex.want = next("text"); ex.want == nil {
				return nil, fmt.Errorf("line %d: a tdf-error block must be followed by a text block with the error", f.line)
			}
		default:
			if ex.host = next("go"); ex.host != nil {
				if ex.want = next("text"); ex.want == nil {
					return nil, fmt.Errorf("line %d: a host program must be followed by a text block with its output", ex.host.line)
				}
			} else if ex.want = next("text"); ex.want == nil {
				ex.stderr = next("stderr")
			}
		}
		out = append(out, ex)
	}
	return out, nil
}

// compile runs every phase of the compiler on src as file name.
func compile(name, src string) ([]byte, error) {
	f, err := lang.Parse(name, []byte(src))
	if err != nil {
		return nil, err
	}
	prog, err := lang.Check(f, lang.CheckOptions{Dir: "."})
	if err != nil {
		return nil, err
	}
	graphs, err := planner.Plan(prog)
	if err != nil {
		return nil, err
	}
	return codegen.Generate(prog, graphs, codegen.Options{})
}

// loadExamples reads language.md and returns its programs.
func loadExamples(t *testing.T) []*example {
	t.Helper()
	md, err := os.ReadFile("language.md")
	require.NoError(t, err)
	fs, err := fences(string(md))
	require.NoError(t, err)
	exs, err := examples(fs)
	require.NoError(t, err)
	return exs
}

// TestLanguageExamplesCompile compiles every program of language.md and
// compares the errors of the ones that must fail.
func TestLanguageExamplesCompile(t *testing.T) {
	for _, ex := range loadExamples(t) {
		t.Run(ex.name, func(t *testing.T) {
			_, err := compile(ex.name, ex.src)
			if !ex.wantErr {
				require.NoError(t, err, "program at language.md:%d", ex.line)
				return
			}
			require.Error(t, err, "program at language.md:%d should not compile", ex.line)
			assert.Equal(t, strings.TrimSpace(ex.want.body), err.Error(), "errors of the program at language.md:%d", ex.line)
		})
	}
}

// TestLanguageExampleCounts keeps the document well stocked with checked
// examples.
func TestLanguageExampleCounts(t *testing.T) {
	runs, errs, hosts := 0, 0, 0
	for _, ex := range loadExamples(t) {
		switch {
		case ex.wantErr:
			errs++
		case ex.host != nil:
			hosts++
		case ex.want != nil:
			runs++
		}
	}
	assert.GreaterOrEqual(t, runs, 8, "programs with their output")
	assert.GreaterOrEqual(t, errs, 3, "programs with their errors")
	assert.GreaterOrEqual(t, hosts, 1, "host programs")
}

// TestEveryOperatorDocumented checks that language.md has a section for
// every operator and source of lang.Ops.
func TestEveryOperatorDocumented(t *testing.T) {
	md, err := os.ReadFile("language.md")
	require.NoError(t, err)
	for name := range lang.Ops {
		heading := regexp.MustCompile("(?m)^### `" + regexp.QuoteMeta(name) + "[(`]")
		assert.True(t, heading.Match(md), "language.md has no section \"### `%s...`\"", name)
	}
}

// TestLanguageExamplesRun runs the programs of language.md whose output
// the document shows, and compares.
func TestLanguageExamplesRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs programs; skipped with -short")
	}
	var runnable []*example
	for _, ex := range loadExamples(t) {
		if !ex.wantErr && (ex.want != nil || ex.stderr != nil) {
			runnable = append(runnable, ex)
		}
	}
	env := newRunEnv(t)
	t.Run("group", func(t *testing.T) {
		for _, ex := range runnable {
			t.Run(ex.name, func(t *testing.T) {
				t.Parallel()
				if ex.host != nil {
					env.runHost(t, ex)
				} else {
					env.runProgram(t, ex)
				}
			})
		}
	})
}

// runEnv is what running documented programs needs: the repository root,
// a tdc binary, and a scratch directory.
type runEnv struct {
	root    string
	tdc     string
	scratch string
	env     []string // environment of tdc run

	modOnce sync.Once
	runtime string // a copy of the runtime as module github.com/tdflow/tdc
	modErr  error
}

// newRunEnv builds tdc once for all the runs.
func newRunEnv(t *testing.T) *runEnv {
	t.Helper()
	root, err := filepath.Abs("..")
	require.NoError(t, err)
	scratch := t.TempDir()
	e := &runEnv{root: root, tdc: filepath.Join(scratch, "tdc"), scratch: scratch}
	out, err := goCommand(root, nil, "build", "-o", e.tdc, "./cmd/tdc")
	require.NoError(t, err, "building tdc:\n%s", out)
	// tdc run builds each program in a module under the user cache
	// directory; point that at the scratch directory, keeping Go's own
	// build cache where it is so that builds stay fast.
	gocache, err := goCommand(root, nil, "env", "GOCACHE")
	require.NoError(t, err, "go env GOCACHE:\n%s", gocache)
	e.env = append(os.Environ(), "XDG_CACHE_HOME="+filepath.Join(scratch, "cache"), "GOCACHE="+strings.TrimSpace(string(gocache)))
	return e
}

// goCommand runs the go command in dir and returns its combined output.
func goCommand(dir string, env []string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = env
	return cmd.CombinedOutput()
}

// runProgram runs `tdc run doc-N.tdf -w 2` from the repository root and
// compares its sorted output, or its error.
func (e *runEnv) runProgram(t *testing.T, ex *example) {
	dir := t.TempDir()
	path := filepath.Join(dir, ex.name)
	require.NoError(t, os.WriteFile(path, []byte(ex.src), 0o644))
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, e.tdc, "run", path, "-w", "2")
	cmd.Dir = e.root
	cmd.Env = e.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ex.stderr != nil {
		require.Error(t, err, "program at language.md:%d should fail; its output:\n%s", ex.line, stdout.String())
		assert.Equal(t, strings.TrimSpace(ex.stderr.body), strings.TrimSpace(stderr.String()), "error of the program at language.md:%d", ex.line)
		return
	}
	require.NoError(t, err, "program at language.md:%d:\n%s", ex.line, stderr.String())
	compareLines(t, ex, stdout.String())
}

// runHost generates the Go API of the program, adds the host program, and
// runs the two in a module of their own that holds a copy of the runtime.
func (e *runEnv) runHost(t *testing.T, ex *example) {
	src, err := compile(ex.name, ex.src)
	require.NoError(t, err)
	rt := e.runtimeModule(t)
	dir := t.TempDir()
	gomod := "module dochost\n\ngo 1.26\n\nrequire github.com/tdflow/tdc v0.0.0\n\nreplace github.com/tdflow/tdc => " + rt + "\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644))
	sum, err := os.ReadFile(filepath.Join(rt, "go.sum"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "doc_tdf.go"), src, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "main.go"), []byte(ex.host.body), 0o644))
	env := append(slices.Clone(e.env), "GOWORK=off", "GOFLAGS=-mod=mod")
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "run", ".")
	cmd.Dir = dir
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "host program at language.md:%d:\n%s", ex.host.line, stderr.String())
	compareLines(t, ex, stdout.String())
}

// runtimeModule copies the runtime's sources into a module
// github.com/tdflow/tdc of its own, once, and returns its directory.
func (e *runEnv) runtimeModule(t *testing.T) string {
	e.modOnce.Do(func() {
		dir := filepath.Join(e.scratch, "tdcmod")
		e.runtime = dir
		e.modErr = tdc.WriteRuntimeModule(os.DirFS(e.root), dir)
	})
	require.NoError(t, e.modErr)
	return e.runtime
}

// compareLines compares the sorted lines of out with the example's text
// block, which must be sorted already.
func compareLines(t *testing.T, ex *example, out string) {
	t.Helper()
	want := splitLines(ex.want.body)
	assert.True(t, sort.StringsAreSorted(want), "the text block at language.md:%d is not sorted", ex.want.line)
	got := splitLines(out)
	sort.Strings(got)
	assert.Equal(t, want, got, "output of the program at language.md:%d", ex.line)
}

// splitLines returns the lines of s, without the final newline.
func splitLines(s string) []string {
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// TestExamplesGrouping checks how fenced blocks become examples.
func TestExamplesGrouping(t *testing.T) {
	md := strings.Join([]string{
		"# Title",
		"```tdf",
		"package a",
		"```",
		"prose",
		"```text",
		"out",
		"```",
		"```tdf-error",
		"package b",
		"```",
		"```text",
		"b.tdf:1:1: bad",
		"```",
		"```tdf",
		"package main",
		"```",
		"```go",
		"package main",
		"```",
		"```text",
		"host out",
		"```",
		"```tdf",
		"package c",
		"```",
		"```stderr",
		"c: failed",
		"```",
		"```sh",
		"not an example",
		"```",
		"```tdf",
		"package d",
		"```",
		"```sh",
		"```text",
		"```",
	}, "\n")
	fs, err := fences(md)
	require.NoError(t, err)
	exs, err := examples(fs)
	require.NoError(t, err)
	require.Len(t, exs, 5)
	assert.Equal(t, "doc-1.tdf", exs[0].name)
	assert.Equal(t, "out\n", exs[0].want.body)
	assert.True(t, exs[1].wantErr)
	assert.Equal(t, "b.tdf:1:1: bad\n", exs[1].want.body)
	require.NotNil(t, exs[2].host)
	assert.Equal(t, "host out\n", exs[2].want.body)
	require.NotNil(t, exs[3].stderr)
	assert.Nil(t, exs[3].want)
	assert.Equal(t, "doc-5.tdf", exs[4].name)
	assert.Nil(t, exs[4].want, "only a block right after the program is its output")

	_, err = fences("```tdf\npackage a\n")
	assert.Error(t, err, "unclosed block")
	fs, err = fences("```tdf-error\npackage a\n```\n")
	require.NoError(t, err)
	_, err = examples(fs)
	assert.Error(t, err, "tdf-error without its text")
}
