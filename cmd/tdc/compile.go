package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/tdflow/tdc/codegen"
	"github.com/tdflow/tdc/lang"
	"github.com/tdflow/tdc/planner"
)

// compiled is a program carried through every phase.
type compiled struct {
	prog   *lang.Program
	graphs []*planner.Graph
	src    []byte // generated Go
}

// compile parses, checks, plans and generates the .tdf file at path.
func compile(path string, opts codegen.Options) (*compiled, error) {
	return compileTo(path, opts, "")
}

// compileTo is compile for Go code to be written to output (genPath(path)
// when empty). Host files may use the API the program generates. When
// output is named, the code is for the module that holds it, which must
// then provide the runtime.
func compileTo(path string, opts codegen.Options, output string) (*compiled, error) {
	if filepath.Ext(path) != ".tdf" {
		return nil, fmt.Errorf("%s: not a .tdf file", path)
	}
	f, err := lang.ParseFile(path)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, fmt.Errorf("%s: no such file", path)
		}
		return nil, err
	}
	var require []string
	if output != "" && !opts.Main && inModule(filepath.Dir(output)) {
		// The generated file is built in the user's module, which must
		// provide the runtime it imports.
		require = append(require, runtimePath)
	}
	if output == "" {
		output = genPath(path)
	}
	prog, err := lang.Check(f, lang.CheckOptions{
		Output:  output,
		Require: require,
		API: func(prog *lang.Program) ([]byte, error) {
			graphs, err := planner.Plan(prog)
			if err != nil {
				return nil, err
			}
			return codegen.Generate(prog, graphs, codegen.Options{})
		},
	})
	if err != nil {
		return nil, err
	}
	graphs, err := planner.Plan(prog)
	if err != nil {
		return nil, err
	}
	src, err := codegen.Generate(prog, graphs, opts)
	if err != nil {
		return nil, err
	}
	return &compiled{prog: prog, graphs: graphs, src: src}, nil
}

// writeIfChanged writes data to path unless the file already holds it,
// so that build tools see no change when there is none.
func writeIfChanged(path string, data []byte) error {
	if old, err := os.ReadFile(path); err == nil && string(old) == string(data) {
		return nil
	}
	return os.WriteFile(path, data, 0o644)
}

// genPath is where tdc gen writes the Go code of a .tdf file by default:
// beside it, wordcount.tdf becoming wordcount_tdf.go.
func genPath(tdf string) string {
	base := tdf[:len(tdf)-len(filepath.Ext(tdf))]
	return base + "_tdf.go"
}

// runtimePath is the import path of the runtime generated code links
// against.
const runtimePath = "github.com/tdflow/tdc/runtime"

// inModule reports whether dir is inside a Go module: it or a parent
// holds a go.mod file.
func inModule(dir string) bool {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return false
	}
	for {
		if _, err := os.Stat(filepath.Join(abs, "go.mod")); err == nil {
			return true
		}
		parent := filepath.Dir(abs)
		if parent == abs {
			return false
		}
		abs = parent
	}
}
