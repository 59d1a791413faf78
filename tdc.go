// Package tdc carries the source of the runtime (package runtime, which
// generated code imports as tdrt) for the tdc command: tdc build and tdc
// run copy it into the module they build a binary in, so that tdc works
// however it was installed (go install, go tool, -trimpath) without
// finding its source tree.
package tdc

import (
	"bytes"
	"embed"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// RuntimeSource holds the runtime's files (its Go files and those of its
// network layer runtime/tdnet, tests included, and the web view's page)
// and this module's go.mod and go.sum, which give the versions and
// checksums of the modules the runtime imports; tdc copies what a build
// needs.
//
//go:embed runtime/*.go runtime/tdnet/*.go runtime/page/* go.mod go.sum
var RuntimeSource embed.FS

// RuntimeFiles returns the files of fsys, a tree laid out like this
// module, that a build of the runtime needs, sorted: go.mod, go.sum,
// the non-test Go files of the runtime and runtime/tdnet, and its page
// files.
func RuntimeFiles(fsys fs.FS) ([]string, error) {
	var out []string
	for _, pattern := range []string{"runtime/*.go", "runtime/tdnet/*.go", "runtime/page/*"} {
		names, err := fs.Glob(fsys, pattern)
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			if !strings.HasSuffix(n, "_test.go") {
				out = append(out, n)
			}
		}
	}
	out = append(out, "go.mod", "go.sum")
	sort.Strings(out)
	return out, nil
}

// WriteRuntimeModule writes the RuntimeFiles of fsys into dir as module
// github.com/tdflow/tdc, only the files that changed, and removes
// runtime files that are gone.
func WriteRuntimeModule(fsys fs.FS, dir string) error {
	names, err := RuntimeFiles(fsys)
	if err != nil {
		return err
	}
	keep := map[string]bool{}
	for _, n := range names {
		data, err := fs.ReadFile(fsys, n)
		if err != nil {
			return err
		}
		if n == "go.mod" {
			// A program's module need not be at tdc's patch release.
			data = goDirective.ReplaceAll(data, []byte("go "+RuntimeGoVersion))
		}
		dst := filepath.Join(dir, filepath.FromSlash(n))
		keep[dst] = true
		if err := writeIfChanged(dst, data); err != nil {
			return err
		}
	}
	for _, pattern := range []string{"*.go", "tdnet/*.go", "page/*"} {
		old, _ := filepath.Glob(filepath.Join(dir, "runtime", pattern))
		for _, f := range old {
			if !keep[f] {
				os.Remove(f)
			}
		}
	}
	return nil
}

// RuntimeGoVersion is the go directive of the runtime's module as tdc
// writes it: the least Go version of a module that builds programs (the
// modules the runtime imports need Go 1.26.0).
const RuntimeGoVersion = "1.26.0"

// goDirective matches the go directive of a go.mod file.
var goDirective = regexp.MustCompile(`(?m)^go [0-9.]+$`)

// writeIfChanged writes data to name, making its directory, unless the
// file holds data already.
func writeIfChanged(name string, data []byte) error {
	if old, err := os.ReadFile(name); err == nil && bytes.Equal(old, data) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	return os.WriteFile(name, data, 0o644)
}
