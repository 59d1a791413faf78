package lang

import (
	"fmt"
	"go/types"
	"os"
	"path"
	"strconv"
	"strings"

	"golang.org/x/tools/go/packages"
)

// resolveImports unquotes the .tdf's imports and loads the Go packages
// they name, with go/packages from dir (so that packages of the user's
// module resolve). Problems are reported at the import's position.
func resolveImports(f *File, dir string, hostImports []string, errs *ErrorList) ([]*GoImport, map[string]*types.Package) {
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
	var paths []string
	for _, imp := range imports {
		paths = append(paths, imp.Path)
	}
	paths = append(paths, hostImports...)
	if len(paths) == 0 {
		return imports, loaded
	}
	// -mod=readonly: checking a program never changes go.mod or fetches
	// modules that go.mod does not already require.
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedTypes, Dir: dir, Env: append(os.Environ(), "GOFLAGS=-mod=readonly")}
	pkgs, err := packages.Load(cfg, paths...)
	if err != nil {
		errs.Addf(imports[0].Pos, "loading imported packages: %v", err)
		return imports, loaded
	}
	for _, p := range pkgs {
		if len(p.Errors) > 0 || p.Types == nil {
			for _, imp := range imports {
				if imp.Path == p.PkgPath || imp.Path == p.ID {
					errs.Addf(imp.Pos, "cannot import %q: %s", imp.Path, firstPackageError(p))
				}
			}
			continue
		}
		loaded[p.PkgPath] = p.Types
		collectDeps(p.Types, loaded)
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

func firstPackageError(p *packages.Package) string {
	if len(p.Errors) == 0 {
		return "no type information"
	}
	msg, _, _ := strings.Cut(p.Errors[0].Msg, "\n")
	for _, notFound := range []string{"no required module provides package", "cannot find module providing package", "is not in std", "cannot find package"} {
		if strings.Contains(msg, notFound) {
			return "no such package in the standard library or the module's requirements (add it with go get)"
		}
	}
	msg = strings.TrimSuffix(msg, "; to add it:")
	if len(msg) > 200 {
		msg = msg[:200] + "..."
	}
	return fmt.Sprint(msg)
}
