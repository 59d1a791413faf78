package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/rogpeppe/go-internal/diff"

	"github.com/tdflow/tdc/lang"
)

// fmtMode is what tdc fmt does with each formatted file.
type fmtMode struct {
	write, diff, list bool
}

// stdinName names standard input in tdc fmt's messages, as gofmt does.
const stdinName = "<standard input>"

// cmdFmt formats .tdf files, following gofmt's conventions: without
// flags it prints each formatted file; -l lists the files whose layout
// differs, -d prints a diff for each and -w rewrites them. With no file
// it formats standard input; a directory stands for the .tdf files under
// it. The exit status is 1 when a file has
// syntax errors or cannot be read or written, and with -d also when a
// file's layout differs; 0 otherwise.
func cmdFmt(args []string, env *cliEnv) int {
	fs := newFlags("fmt", env)
	var m fmtMode
	fs.BoolVar(&m.write, "w", false, "rewrite the files whose layout differs instead of printing them")
	fs.BoolVar(&m.diff, "d", false, "print a diff of each file's changes instead of the file")
	fs.BoolVar(&m.list, "l", false, "list the files whose layout differs instead of printing them")
	if st := parseFlags(fs, args); st >= 0 {
		return st
	}
	if fs.NArg() == 0 {
		if m.write {
			fmt.Fprintln(env.stderr, "tdc fmt: cannot use -w with standard input")
			return exitUsage
		}
		src, err := io.ReadAll(env.stdin)
		if err != nil {
			return report(env, err)
		}
		return m.format(env, stdinName, src)
	}
	status := exitOK
	for _, path := range fs.Args() {
		files, err := tdfFiles(path)
		if err != nil {
			status = report(env, err)
		}
		for _, file := range files {
			src, err := os.ReadFile(file)
			if err != nil {
				status = report(env, err)
				continue
			}
			if st := m.format(env, file, src); st != exitOK {
				status = st
			}
		}
	}
	return status
}

// tdfFiles returns path when it is not a directory, else the .tdf files
// under it, in lexical order, leaving out files and directories whose
// names start with "." (as gofmt does).
func tdfFiles(path string) ([]string, error) {
	info, err := os.Stat(path)
	if err != nil || !info.IsDir() {
		return []string{path}, nil
	}
	var files []string
	err = filepath.WalkDir(path, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		hidden := p != path && strings.HasPrefix(d.Name(), ".")
		switch {
		case d.IsDir() && hidden:
			return filepath.SkipDir
		case !d.IsDir() && !hidden && strings.HasSuffix(p, ".tdf"):
			files = append(files, p)
		}
		return nil
	})
	return files, err
}

// format formats the file at path, whose content is src, and prints,
// lists, diffs or rewrites it.
func (m fmtMode) format(env *cliEnv, path string, src []byte) int {
	name := filepath.ToSlash(path)
	out, err := lang.Format(name, src)
	if err != nil {
		return report(env, err)
	}
	status := exitOK
	if !bytes.Equal(src, out) {
		if m.list {
			fmt.Fprintln(env.stdout, path)
		}
		if m.write {
			if err := rewriteFile(path, out); err != nil {
				return report(env, err)
			}
		}
		if m.diff {
			env.stdout.Write(diff.Diff(name+".orig", src, name, out))
			status = exitError
		}
	}
	if !m.list && !m.write && !m.diff {
		env.stdout.Write(out)
	}
	return status
}

// rewriteFile replaces the content of the file at path (the file a
// symbolic link points to, for a link) with data, keeping its mode: it
// writes a temporary file beside it and renames that over it, so that
// the file is never left half written.
func rewriteFile(path string, data []byte) error {
	if err := replaceFile(path, data); err != nil {
		return fmt.Errorf("rewriting %s: %w", path, err)
	}
	return nil
}

// replaceFile does the work of rewriteFile.
func replaceFile(path string, data []byte) error {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return err
	}
	info, err := os.Stat(real)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(real), "."+filepath.Base(real)+".tdcfmt*")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(data)
	err = errors.Join(werr, tmp.Chmod(info.Mode().Perm()), tmp.Close())
	if err == nil {
		err = os.Rename(tmp.Name(), real)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}
