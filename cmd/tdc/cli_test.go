package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tdflow/tdc/lang"
)

// runTDC calls run in-process and returns the exit status and output.
func runTDC(t *testing.T, args ...string) (status int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	status = run(args, strings.NewReader(""), &out, &errOut)
	return status, out.String(), errOut.String()
}

// TestRunUsage checks the exit status and messages of command lines that
// tdc rejects before reading any file.
func TestRunUsage(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		status int
		stdout string // substring; "" means no output
		stderr string // substring; "" means no output
	}{
		{"no args", nil, exitUsage, "", "Usage:"},
		{"help", []string{"help"}, exitOK, "Usage:", ""},
		{"-h", []string{"-h"}, exitOK, "Usage:", ""},
		{"--help", []string{"--help"}, exitOK, "Usage:", ""},
		{"unknown command", []string{"compile", "x.tdf"}, exitUsage, "", `tdc: unknown command "compile"`},
		{"gen without file", []string{"gen"}, exitUsage, "", "tdc gen: no .tdf file named"},
		{"gen two files", []string{"gen", "a.tdf", "b.tdf"}, exitUsage, "", "tdc gen: one .tdf file at a time"},
		{"gen unknown flag", []string{"gen", "-x", "a.tdf"}, exitUsage, "", "flag provided but not defined: -x"},
		{"gen -h", []string{"gen", "-h"}, exitOK, "", "usage: tdc gen"},
		{"build without file", []string{"build"}, exitUsage, "", "tdc build: no .tdf file named"},
		{"build two files", []string{"build", "a.tdf", "b.tdf"}, exitUsage, "", "tdc build: one .tdf file at a time"},
		{"check without file", []string{"check"}, exitUsage, "", "tdc check: no .tdf file named"},
		{"run without file", []string{"run"}, exitUsage, "", "tdc run: no .tdf file named"},
		{"run flags only", []string{"run", "-w", "2"}, exitUsage, "", "tdc run: no .tdf file named"},
		{"run -h", []string{"run", "-h"}, exitOK, "", "usage: tdc run"},
		{"build flag after file", []string{"build", "a.tdf", "-x"}, exitUsage, "", "flag provided but not defined: -x"},
		{"build two files with a flag between", []string{"build", "a.tdf", "-o", "a", "b.tdf"}, exitUsage, "", "tdc build: one .tdf file at a time, not 2: a.tdf b.tdf"},
		{"misspelled command", []string{"biuld", "a.tdf"}, exitUsage, "", `tdc: unknown command "biuld"; did you mean "build"?`},
		{"another tool's command", []string{"compile", "a.tdf"}, exitUsage, "", `did you mean "build"?`},
		{"a file for a command", []string{"a.tdf"}, exitUsage, "", "to build and run a program: tdc run a.tdf"},
		{"--version", []string{"--version"}, exitOK, "tdc ", ""},
		{"help command", []string{"help", "gen"}, exitOK, "usage: tdc gen", ""},
		{"help alias", []string{"help", "compile"}, exitOK, "usage: tdc build", ""},
		{"help unknown", []string{"help", "gne"}, exitUsage, "", `did you mean "gen"?`},
		{"help two", []string{"help", "gen", "run"}, exitUsage, "", "tdc help: one command at a time"},
		{"launch without binary", []string{"launch", "-n", "2"}, exitUsage, "", "tdc launch: no binary named"},
		{"launch a .tdf", []string{"launch", "a.tdf"}, exitUsage, "", "build it first: tdc build -o a a.tdf"},
		{"launch -p after binary", []string{"launch", "./a", "-p", "1"}, exitUsage, "", "launch sets -p of every process itself"},
		{"launch bad -n after binary", []string{"launch", "./a", "-n", "x"}, exitUsage, "", `invalid value "x" for flag -n`},
		{"version with an argument", []string{"version", "x"}, exitUsage, "", "usage: tdc version"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, stdout, stderr := runTDC(t, tt.args...)
			assert.Equal(t, tt.status, status)
			if tt.stdout == "" {
				assert.Empty(t, stdout)
			} else {
				assert.Contains(t, stdout, tt.stdout)
			}
			if tt.stderr == "" {
				assert.Empty(t, stderr)
			} else {
				assert.Contains(t, stderr, tt.stderr)
			}
		})
	}
}

// TestRunFileErrors checks the one-line errors for files tdc cannot
// read; none of them may leave anything behind.
func TestRunFileErrors(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", filepath.Join(dir, "cache"))
	missing := filepath.Join(dir, "missing.tdf")
	for _, cmd := range []string{"check", "gen", "build", "run"} {
		t.Run(cmd, func(t *testing.T) {
			status, stdout, stderr := runTDC(t, cmd, missing)
			assert.Equal(t, exitError, status)
			assert.Empty(t, stdout)
			assert.Equal(t, "tdc: "+missing+": no such file\n", stderr)

			status, _, stderr = runTDC(t, cmd, filepath.Join(dir, "prog.txt"))
			assert.Equal(t, exitError, status)
			assert.Equal(t, "tdc: "+filepath.Join(dir, "prog.txt")+": not a .tdf file\n", stderr)
		})
	}
	assert.NoDirExists(t, filepath.Join(dir, "cache"), "a missing file must not create a build module")
	assert.NoFileExists(t, filepath.Join(dir, "missing_tdf.go"))
}

// TestBuildBadTDCRoot checks that a TDC_ROOT without the tdc source tree
// is reported as such.
func TestBuildBadTDCRoot(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", filepath.Join(dir, "cache"))
	t.Setenv("TDC_ROOT", dir)
	tdf := filepath.Join(dir, "p.tdf")
	require.NoError(t, os.WriteFile(tdf, []byte("package p\n\ndataflow D {\n\trange(0, 3) -> print()\n}\n"), 0o644))
	status, _, stderr := runTDC(t, "build", "-o", filepath.Join(dir, "p"), tdf)
	assert.Equal(t, exitError, status)
	assert.Equal(t, "tdc: TDC_ROOT="+dir+" does not hold the tdc source tree (no runtime/ beside a go.mod of github.com/tdflow/tdc)\n", stderr)
}

func TestReportErrorList(t *testing.T) {
	var list lang.ErrorList
	list.Add(lang.Pos{Filename: "a.tdf", Line: 3, Column: 7}, "second")
	list.Add(lang.Pos{Filename: "a.tdf", Line: 1, Column: 2}, "first")
	var stderr bytes.Buffer
	status := report(&cliEnv{stderr: &stderr}, list.Err())
	assert.Equal(t, exitError, status)
	assert.Equal(t, "a.tdf:1:2: first\na.tdf:3:7: second\n", stderr.String())

	stderr.Reset()
	report(&cliEnv{stderr: &stderr}, os.ErrPermission)
	assert.Equal(t, "tdc: permission denied\n", stderr.String())
}

func TestGenPathAndDefaultBinary(t *testing.T) {
	assert.Equal(t, "wordcount_tdf.go", genPath("wordcount.tdf"))
	assert.Equal(t, filepath.Join("examples", "wc", "wordcount_tdf.go"), genPath(filepath.Join("examples", "wc", "wordcount.tdf")))
	assert.Equal(t, "a.b_tdf.go", genPath("a.b.tdf"))
	want := "wordcount"
	if filepath.Separator == '\\' {
		want += ".exe"
	}
	assert.Equal(t, want, defaultBinary(filepath.Join("examples", "wc", "wordcount.tdf")))
}

// TestWriteIfChanged checks that an unchanged file is not rewritten, so
// that build tools see no change.
func TestWriteIfChanged(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x_tdf.go")
	require.NoError(t, writeIfChanged(path, []byte("one")))
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	require.NoError(t, os.Chtimes(path, old, old))

	require.NoError(t, writeIfChanged(path, []byte("one")))
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.True(t, info.ModTime().Equal(old), "same content rewritten")

	require.NoError(t, writeIfChanged(path, []byte("two")))
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "two", string(data))
}

// TestGenUnchangedKeepsFile runs tdc gen twice and checks that the second
// run leaves the generated file alone, modification time included.
func TestGenUnchangedKeepsFile(t *testing.T) {
	dir := t.TempDir()
	tdf := filepath.Join(dir, "p.tdf")
	require.NoError(t, os.WriteFile(tdf, []byte("package p\n\nparam count int64 = 3\n\ndataflow D {\n\trange(0, count) -> print()\n}\n"), 0o644))
	status, _, stderr := runTDC(t, "gen", tdf)
	require.Equal(t, exitOK, status, stderr)
	gen := filepath.Join(dir, "p_tdf.go")
	first, err := os.ReadFile(gen)
	require.NoError(t, err)
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	require.NoError(t, os.Chtimes(gen, old, old))

	status, _, stderr = runTDC(t, "gen", tdf)
	require.Equal(t, exitOK, status, stderr)
	second, err := os.ReadFile(gen)
	require.NoError(t, err)
	assert.Equal(t, string(first), string(second))
	info, err := os.Stat(gen)
	require.NoError(t, err)
	assert.True(t, info.ModTime().Equal(old), "tdc gen rewrote an unchanged file")
}

func TestIsStdImport(t *testing.T) {
	for path, want := range map[string]bool{
		"strings":            true,
		"math/rand/v2":       true,
		"example.com/x/y":    false,
		"mymod/util":         false, // a module path need not have a dot
		"github.com/a/b/c/d": false,
	} {
		assert.Equal(t, want, isStdImport(path), path)
	}
}

// TestParseFlagsAnyOrder checks that flags and file names may come in
// any order, that -- ends the flags, and that the flags keep their
// values.
func TestParseFlagsAnyOrder(t *testing.T) {
	tests := []struct {
		args  []string
		out   string
		main  bool
		files []string
	}{
		{[]string{"a.tdf"}, "", false, []string{"a.tdf"}},
		{[]string{"-o", "x", "a.tdf"}, "x", false, []string{"a.tdf"}},
		{[]string{"a.tdf", "-o", "x"}, "x", false, []string{"a.tdf"}},
		{[]string{"a.tdf", "-main", "b.tdf", "-o=y"}, "y", true, []string{"a.tdf", "b.tdf"}},
		{[]string{"-main", "--", "-o", "a.tdf"}, "", true, []string{"-o", "a.tdf"}},
		{[]string{"a.tdf", "--", "-main"}, "", false, []string{"a.tdf", "-main"}},
		{nil, "", false, []string{}},
	}
	for _, tt := range tests {
		var stderr bytes.Buffer
		fs := newFlags("gen", &cliEnv{stderr: &stderr})
		out := fs.String("o", "", "")
		main := fs.Bool("main", false, "")
		require.Equal(t, -1, parseFlags(fs, tt.args), "%q: %s", tt.args, stderr.String())
		assert.Equal(t, tt.out, *out, "%q", tt.args)
		assert.Equal(t, tt.main, *main, "%q", tt.args)
		assert.Equal(t, tt.files, fs.Args(), "%q", tt.args)
	}
}

// TestProgramArg checks which argument of tdc run names the program.
func TestProgramArg(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want int
	}{
		{[]string{"a.tdf"}, 0},
		{[]string{"a.tdf", "-w", "2"}, 0},
		{[]string{"-w", "2", "a.tdf", "-input", "b.tdf"}, 2},
		{[]string{"-input=x.tdf", "a.tdf"}, 1},
		{[]string{"notes.txt", "-w", "2"}, 0},
		{[]string{"-w", "2"}, -1},
		{[]string{"--", "a.tdf"}, -1},
		{nil, -1},
	} {
		assert.Equal(t, tt.want, programArg(tt.args), "%q", tt.args)
	}
}

// TestLaunchArgs checks that launch takes -n and -w from after the
// binary, passes the binary's other flags on, and refuses the flags it
// sets itself.
func TestLaunchArgs(t *testing.T) {
	for _, tt := range []struct {
		args    []string
		rest    []string
		n, w    int
		errText string
	}{
		{[]string{"-input", "x"}, []string{"-input", "x"}, 2, 1, ""},
		{[]string{"-n", "3", "-input", "x", "-w=4"}, []string{"-input", "x"}, 3, 4, ""},
		{[]string{"--processes", "5", "-threads", "2", "-stats"}, []string{"-stats"}, 5, 2, ""},
		{[]string{"-stats", "--", "-n", "3"}, []string{"-stats", "--", "-n", "3"}, 2, 1, ""},
		{[]string{"-p", "1"}, nil, 2, 1, "launch sets -p of every process itself"},
		{[]string{"-hostfile=h"}, nil, 2, 1, "launch sets -hostfile"},
		{[]string{"-n"}, nil, 2, 1, "flag needs an argument: -n"},
		{[]string{"-w", "many"}, nil, 2, 1, `invalid value "many" for flag -w`},
		{[]string{"-verbose", "-input", "x"}, []string{"-input", "x"}, 2, 1, ""},
		{[]string{"-verbose=false", "-input", "x"}, []string{"-input", "x"}, 2, 1, ""},
	} {
		fs := flag.NewFlagSet("launch", flag.ContinueOnError)
		n := fs.Int("n", 2, "")
		w := fs.Int("w", 1, "")
		verbose := fs.Bool("verbose", false, "") // a bool flag of launch's takes no value
		rest, err := launchArgs(fs, tt.args)
		if tt.errText != "" {
			assert.ErrorContains(t, err, tt.errText, "%q", tt.args)
			continue
		}
		require.NoError(t, err, "%q", tt.args)
		assert.Equal(t, tt.rest, rest, "%q", tt.args)
		assert.Equal(t, tt.n, *n, "%q", tt.args)
		assert.Equal(t, tt.w, *w, "%q", tt.args)
		assert.Equal(t, slices.Contains(tt.args, "-verbose"), *verbose, "%q", tt.args)
	}
}

// TestAliasesAndExamples checks that other tools' names lead to commands
// tdc has, and that every command has examples for its -h.
func TestAliasesAndExamples(t *testing.T) {
	for name, target := range aliases {
		assert.NotNil(t, lookup(target), "alias %s -> %s", name, target)
		assert.Nil(t, lookup(name), "alias %s is a command", name)
	}
	for _, c := range commands {
		assert.NotEmpty(t, commandExamples[c.name], "tdc %s has no examples", c.name)
	}
}
