package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/tdflow/tdc/codegen"
)

func cmdGen(args []string, env *cliEnv) int {
	fs := newFlags("gen", env)
	out := fs.String("o", "", "output file (default: FILE_tdf.go beside FILE.tdf)")
	mainPkg := fs.Bool("main", false, "generate package main with a main function")
	if st := parseFlags(fs, args); st >= 0 {
		return st
	}
	path, ok := oneFile(fs, env)
	if !ok {
		return exitUsage
	}
	dst := *out
	if dst == "" {
		dst = genPath(path)
	}
	c, err := compileTo(path, codegen.Options{Main: *mainPkg}, dst)
	if err != nil {
		return report(env, err)
	}
	// Like go build -o, make the directory the file goes into.
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return report(env, err)
	}
	if err := writeIfChanged(dst, c.src); err != nil {
		return report(env, err)
	}
	return exitOK
}

func cmdCheck(args []string, env *cliEnv) int {
	fs := newFlags("check", env)
	if st := parseFlags(fs, args); st >= 0 {
		return st
	}
	if !someFiles(fs, env) {
		return exitUsage
	}
	status := exitOK
	for _, path := range fs.Args() {
		if _, err := compile(path, codegen.Options{}); err != nil {
			status = report(env, err)
		}
	}
	return status
}

func cmdBuild(args []string, env *cliEnv) int {
	fs := newFlags("build", env)
	out := fs.String("o", "", "binary to write (default: the .tdf file's name without .tdf)")
	if st := parseFlags(fs, args); st >= 0 {
		return st
	}
	path, ok := oneFile(fs, env)
	if !ok {
		return exitUsage
	}
	dst := *out
	if dst == "" {
		dst = defaultBinary(path)
	}
	if _, err := buildBinary(path, dst, env); err != nil {
		return report(env, err)
	}
	return exitOK
}

func cmdGraph(args []string, env *cliEnv) int {
	fs := newFlags("graph", env)
	if st := parseFlags(fs, args); st >= 0 {
		return st
	}
	path, ok := oneFile(fs, env)
	if !ok {
		return exitUsage
	}
	c, err := compile(path, codegen.Options{})
	if err != nil {
		return report(env, err)
	}
	for _, g := range c.graphs {
		fmt.Fprint(env.stdout, g.DOT())
	}
	return exitOK
}
