package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tdflow/tdc/codegen"
	"github.com/tdflow/tdc/planner/picture"
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
	format := fs.String("format", "", "the picture's format: dot, svg or mermaid (default: svg when -o ends in .svg, mermaid for .mmd, else dot)")
	out := fs.String("o", "", "file to write (default: standard output)")
	if st := parseFlags(fs, args); st >= 0 {
		return st
	}
	path, ok := oneFile(fs, env)
	if !ok {
		return exitUsage
	}
	f := *format
	switch {
	case f != "":
	case strings.HasSuffix(*out, ".svg"):
		f = "svg"
	case strings.HasSuffix(*out, ".mmd"):
		f = "mermaid"
	default:
		f = "dot"
	}
	if !slices.Contains(picture.Formats, f) {
		fmt.Fprintf(env.stderr, "tdc graph: unknown format %q; use %s\n", f, strings.Join(picture.Formats, ", "))
		return exitUsage
	}
	c, err := compile(path, codegen.Options{})
	if err != nil {
		return report(env, err)
	}
	data, err := picture.Draw(c.graphs, f)
	if err != nil {
		return report(env, err)
	}
	if *out == "" {
		_, err = env.stdout.Write(data)
	} else {
		err = writeIfChanged(*out, data)
	}
	if err != nil {
		return report(env, err)
	}
	return exitOK
}
