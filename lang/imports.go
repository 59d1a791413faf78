package lang

import (
	"fmt"
	"go/types"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/tools/go/packages"
)

// hostImport is an import of a host file, or of the generated code when
// Pos is the zero position.
type hostImport struct {
	Pos  Pos
	Path string
}

// resolveImports unquotes the .tdf's imports and loads the Go packages
// they name, with the host files' imports, with go/packages from dir (so
// that packages of the user's module resolve). A package that does not
// load is reported at each import of it, with the cause in the module
// and the command that fixes it; the imports of the generated code
// (hostImport.Pos zero) are reported at the .tdf's package clause.
func resolveImports(f *File, dir string, hostImports []hostImport, errs *ErrorList) ([]*GoImport, map[string]*types.Package) {
	var imports []*GoImport
	seen := map[string]bool{}
	for _, imp := range f.Imports {
		p, err := strconv.Unquote(imp.Path)
		if err != nil || p == "" {
			errs.Addf(imp.Pos, "invalid import path %s", imp.Path)
			continue
		}
		name := path.Base(p)
		if imp.Name != nil {
			name = imp.Name.Name
		}
		if seen[name] {
			errs.Addf(imp.Pos, "%s redeclared in this file; give one of the imports another name", name)
			continue
		}
		seen[name] = true
		imports = append(imports, &GoImport{Pos: imp.Pos, Name: name, Path: p})
	}
	loaded := map[string]*types.Package{}
	all := hostImports
	for _, imp := range imports {
		all = append(all, hostImport{Pos: imp.Pos, Path: imp.Path})
	}
	var paths []string
	for _, imp := range all {
		paths = append(paths, imp.Path)
	}
	if len(paths) == 0 {
		return imports, loaded
	}
	// -mod=readonly: checking a program never changes go.mod or fetches
	// modules that go.mod does not already require.
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedTypes, Dir: dir, Env: append(os.Environ(), "GOFLAGS=-mod=readonly")}
	pkgs, err := packages.Load(cfg, paths...)
	if err != nil {
		pos := f.Package.Pos
		if len(imports) > 0 {
			pos = imports[0].Pos
		}
		msg, _, _ := strings.Cut(err.Error(), "\n")
		errs.Addf(pos, "loading imported packages: %s", msg)
		return imports, loaded
	}
	failed := map[string]string{}
	got := map[string]bool{}
	for _, p := range pkgs {
		got[p.ID], got[p.PkgPath] = true, true
	}
	var missing []string
	for _, p := range paths {
		if !got[p] {
			missing = append(missing, p)
		}
	}
	if len(missing) > 0 {
		// go list failed as a whole, as it does when the module graph
		// does not load, and go/packages says nothing.
		errs.Addf(f.Package.Pos, "the packages the program imports do not load: %s", goListProblem(dir, missing))
		return imports, loaded
	}
	for _, p := range pkgs {
		if len(p.Errors) > 0 || p.Types == nil {
			failed[p.PkgPath] = importProblem(p, dir)
			failed[p.ID] = failed[p.PkgPath]
			continue
		}
		loaded[p.PkgPath] = p.Types
		collectDeps(p.Types, loaded)
	}
	reported := map[string]bool{}
	for _, imp := range all {
		if why, ok := failed[imp.Path]; ok && imp.Pos != (Pos{}) {
			if why == noStdPackage {
				why += stdPathHint(imp.Path)
			}
			errs.Addf(imp.Pos, "cannot import %q: %s", imp.Path, why)
			reported[imp.Path] = true
		}
	}
	for _, imp := range all {
		if why, ok := failed[imp.Path]; ok && !reported[imp.Path] {
			errs.Addf(f.Package.Pos, "the generated Go code imports %q, which does not load: %s", imp.Path, why)
			reported[imp.Path] = true
		}
	}
	for _, imp := range imports {
		if p, ok := loaded[imp.Path]; ok && imp.Name == path.Base(imp.Path) && p.Name() != imp.Name {
			// import "example.com/foo/v2" declares package foo.
			imp.Name = p.Name()
		}
	}
	return imports, loaded
}

// collectDeps adds the packages p imports, transitively, to loaded, so
// that the type checker can resolve types from them.
func collectDeps(p *types.Package, loaded map[string]*types.Package) {
	for _, dep := range p.Imports() {
		if _, ok := loaded[dep.Path()]; !ok {
			loaded[dep.Path()] = dep
			collectDeps(dep, loaded)
		}
	}
}

// importProblem explains why package p did not load, naming the cause in
// the module and the command that fixes it.
func importProblem(p *packages.Package, dir string) string {
	if len(p.Errors) == 0 {
		return "no type information"
	}
	pkg := p.PkgPath
	if pkg == "" {
		pkg = p.ID
	}
	return explainProblem(p.Errors[0].Msg, pkg, dir)
}

// goListProblem runs go list on paths to learn why they do not load.
func goListProblem(dir string, paths []string) string {
	cmd := exec.Command("go", append([]string{"list", "-e", "-f", "{{.ImportPath}}"}, paths...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=readonly")
	out, err := cmd.CombinedOutput()
	if err == nil {
		return "go list reports no problem; try go build"
	}
	msg := strings.TrimPrefix(strings.TrimSpace(string(out)), "go: ")
	return explainProblem(msg, paths[0], dir)
}

// explainProblem turns go list's message about package pkg into its
// cause and the command that fixes it.
func explainProblem(full, pkg, dir string) string {
	msg, _, _ := strings.Cut(full, "\n")
	switch {
	case strings.Contains(msg, "missing go.sum entry"):
		mod := pkg
		if _, after, ok := strings.Cut(full, "go mod download "); ok {
			mod = strings.TrimSpace(after)
		}
		return fmt.Sprintf("go.sum lacks the checksums of module %s; run go mod tidy (or go mod download %s)", mod, mod)
	case strings.Contains(msg, "go.mod file not found"):
		return fmt.Sprintf("directory %s is not inside a Go module (no go.mod), so only the standard library resolves; run go mod init MODULE there, then go get %s", displayDir(dir), pkg)
	case strings.Contains(msg, "is not in std"):
		return noStdPackage
	case strings.Contains(msg, "no required module provides package"), strings.Contains(msg, "cannot find module providing package"):
		if main := mainModule(dir); main != "" && (pkg == main || strings.HasPrefix(pkg, main+"/")) {
			return fmt.Sprintf("module %s has no such package (no Go files in directory %s)", main, strings.TrimPrefix(strings.TrimPrefix(pkg, main), "/"))
		}
		return fmt.Sprintf("no module that go.mod requires provides it; run go get %s", pkg)
	case strings.Contains(msg, "does not contain package"):
		return msg + "; check the import path, or run go get with a version that has it"
	case strings.Contains(msg, "is replaced but not required"):
		mod := pkg
		if m, _, ok := strings.Cut(strings.TrimPrefix(msg, "module "), " provides package"); ok {
			mod = m
		}
		return fmt.Sprintf("go.mod replaces module %s but does not require it (go mod tidy drops it while no Go file imports it); run go get %s", mod, pkg)
	case strings.Contains(msg, "updates to go.mod needed"):
		return "go.mod is out of date; run go mod tidy"
	}
	msg = strings.TrimSuffix(msg, "; to add it:")
	if len(msg) > 200 {
		msg = msg[:200] + "..."
	}
	return msg
}

// mainModule returns the path of the module that holds dir, or "".
func mainModule(dir string) string {
	cmd := exec.Command("go", "list", "-m")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=readonly")
	out, err := cmd.Output()
	if err != nil {
		return ""
	}
	first, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	return first
}

// displayDir spells dir for a message: relative to the working directory
// when that is shorter.
func displayDir(dir string) string {
	if abs, err := filepath.Abs(dir); err == nil {
		if wd, err := os.Getwd(); err == nil {
			if rel, err := filepath.Rel(wd, abs); err == nil && !strings.HasPrefix(rel, "..") {
				return filepath.ToSlash(rel)
			}
		}
		return abs
	}
	return dir
}

// noStdPackage is why an import path without a dot that is not in the
// standard library does not load.
const noStdPackage = "no such package in the standard library"

// stdPathHint returns the import path of the standard library meant by
// path: the package of that name (import "json" is "encoding/json"), or
// the closest path.
func stdPathHint(path string) string {
	if paths, ok := stdPackages[path]; ok {
		return fmt.Sprintf("; the standard library has package %s at %q", path, paths[0])
	}
	var all []string
	for _, paths := range stdPackages {
		all = append(all, paths...)
	}
	if s := suggest(path, all); s != "" && s != path {
		return fmt.Sprintf("; did you mean %q?", s)
	}
	return ""
}
