package lang

import (
	"fmt"
	"go/token"
	"go/types"
	"slices"
	"strings"
)

// The hints of this file finish go/types' messages about names in the
// Go code of a program with what to write instead: the import a package
// needs ("undefined: json" gets add import "encoding/json"), or the
// closest name in scope ("undefined: limt" gets did you mean "limit"?,
// "undefined: strings.Fieldz" gets did you mean "strings.Fields"?).

// hint returns the text to append to a go/types message msg reported at
// pos, or "".
func (s *goSession) hint(pos token.Pos, msg string) string {
	if name, ok := strings.CutPrefix(msg, "undefined: "); ok {
		if pkg, member, ok := strings.Cut(name, "."); ok {
			return s.memberHint(pkg, member)
		}
		return s.undefinedHint(pos, name)
	}
	if strings.Contains(msg, " has no field or method ") && !strings.Contains(msg, "but does have") {
		return s.fieldHint(msg)
	}
	return ""
}

// undefinedHint is the hint for an undefined name: the import of the
// package it names when it is used as one (name.Member), else the
// closest name in scope.
func (s *goSession) undefinedHint(pos token.Pos, name string) string {
	member, selector := s.memberAfter(pos, name)
	if selector {
		if h := s.importHint(name, member); h != "" {
			return h
		}
	}
	inScope := s.namesInScope(pos)
	candidates := inScope
	if selector {
		// name.member: a package, imported or not, or a variable.
		candidates = nil
		for _, n := range inScope {
			if _, isType := types.Universe.Lookup(n).(*types.TypeName); !isType {
				candidates = append(candidates, n)
			}
		}
		for n := range stdPackages {
			candidates = append(candidates, n)
		}
	}
	c := suggest(name, candidates)
	switch {
	case c == "" || c == name:
		if selector {
			return ""
		}
		return s.declareHint(pos, name)
	case !slices.Contains(inScope, c):
		return fmt.Sprintf("; did you mean %q? (add import %q)", c, stdPackages[c][0])
	}
	return fmt.Sprintf("; did you mean %q?", c)
}

// importHint is the hint for name.member where name is no package the
// file imports: the import of the standard library's package of that
// name, or where the file imports it under another name, that name.
func (s *goSession) importHint(name, member string) string {
	paths := stdPackages[name]
	if len(paths) == 0 {
		return ""
	}
	for _, imp := range s.imports {
		if slices.Contains(paths, imp.Path) {
			return fmt.Sprintf("; the import of %q names it %s: write %s.%s", imp.Path, imp.Name, imp.Name, member)
		}
	}
	if len(paths) == 1 {
		return fmt.Sprintf("; add import %q", paths[0])
	}
	// Several packages have the name: the first, in order of
	// preference, that has the member.
	for _, p := range paths {
		if slices.Contains(stdExports[p], member) {
			return fmt.Sprintf("; add import %q", p)
		}
	}
	var others []string
	for _, p := range paths[1:] {
		others = append(others, fmt.Sprintf("%q", p))
	}
	return fmt.Sprintf("; add import %q (or %s)", paths[0], strings.Join(others, ", "))
}

// memberHint is the hint for pkg.member where pkg is an imported package
// without that member: the closest exported name of the package.
func (s *goSession) memberHint(pkg, member string) string {
	for _, imp := range s.imports {
		if imp.Name != pkg {
			continue
		}
		p := s.loaded[imp.Path]
		if p == nil {
			return ""
		}
		var names []string
		for _, n := range p.Scope().Names() {
			if token.IsExported(n) {
				names = append(names, n)
			}
		}
		if c := suggest(member, names); c != "" && c != member {
			return fmt.Sprintf("; did you mean %q?", pkg+"."+c)
		}
	}
	return ""
}

// fieldHint is the hint for "x.F undefined (type T has no field or
// method F)" where T is a type of the program: its closest field or
// method.
func (s *goSession) fieldHint(msg string) string {
	_, rest, _ := strings.Cut(msg, "(type ")
	typ, member, ok := strings.Cut(strings.TrimSuffix(rest, ")"), " has no field or method ")
	if !ok {
		return ""
	}
	typ = strings.TrimPrefix(typ, "*")
	typ, _, _ = strings.Cut(typ, "[")
	obj, _ := s.pkg.Scope().Lookup(typ).(*types.TypeName)
	if obj == nil {
		return ""
	}
	var names []string
	if st, ok := obj.Type().Underlying().(*types.Struct); ok {
		for i := 0; i < st.NumFields(); i++ {
			names = append(names, st.Field(i).Name())
		}
	}
	ms := types.NewMethodSet(types.NewPointer(obj.Type()))
	for i := 0; i < ms.Len(); i++ {
		names = append(names, ms.At(i).Obj().Name())
	}
	if c := suggest(member, names); c != "" && c != member {
		return fmt.Sprintf("; did you mean %q?", c)
	}
	return ""
}

// declareHint says how to declare an undefined name, by what follows it:
// a call is of a function of the package's Go files, a composite
// literal of a record type, and a name in a source's argument a param.
func (s *goSession) declareHint(pos token.Pos, name string) string {
	tp := s.fset.PositionFor(pos, false)
	src, ok := s.sources[tp.Filename]
	if !ok || tp.Offset+len(name) > len(src) || src[tp.Offset:tp.Offset+len(name)] != name {
		return ""
	}
	rest := strings.TrimLeft(src[tp.Offset+len(name):], " \t")
	switch {
	case strings.HasPrefix(rest, "("):
		return fmt.Sprintf("; declare func %s in a Go file of package %s beside the .tdf file", name, s.pkg.Name())
	case strings.HasPrefix(rest, "{"):
		return fmt.Sprintf("; declare it: type %s struct { ... }", name)
	}
	if s.argType == nil {
		return ""
	}
	return fmt.Sprintf("; to give it at run time, declare it: param %s %s", name, types.TypeString(types.Default(s.argType), nil))
}

// memberAfter returns the member of name.member when the undefined name
// at pos is followed by a selector in the source.
func (s *goSession) memberAfter(pos token.Pos, name string) (string, bool) {
	tp := s.fset.PositionFor(pos, false)
	src, ok := s.sources[tp.Filename]
	if !ok || tp.Offset+len(name) > len(src) || src[tp.Offset:tp.Offset+len(name)] != name {
		return "", false
	}
	rest := strings.TrimLeft(src[tp.Offset+len(name):], " \t")
	after, ok := strings.CutPrefix(rest, ".")
	if !ok {
		return "", false
	}
	end := strings.IndexFunc(after, func(r rune) bool {
		return !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r > 127)
	})
	if end < 0 {
		end = len(after)
	}
	return after[:end], true
}

// namesInScope lists the names that Go code at pos can refer to, but for
// the checker's own (tdc...).
func (s *goSession) namesInScope(pos token.Pos) []string {
	var inner *types.Scope
	for i := 0; i < s.pkg.Scope().NumChildren(); i++ {
		if fs := s.pkg.Scope().Child(i); fs.Contains(pos) {
			inner = fs.Innermost(pos)
			break
		}
	}
	if inner == nil {
		inner = s.pkg.Scope()
	}
	var names []string
	for sc := inner; sc != nil; sc = sc.Parent() {
		for _, n := range sc.Names() {
			obj := sc.Lookup(n)
			local := sc != s.pkg.Scope() && sc != types.Universe && sc.Parent() != s.pkg.Scope()
			if strings.HasPrefix(n, "_") || strings.HasPrefix(n, "tdc") || local && obj.Pos() > pos {
				continue
			}
			names = append(names, n)
		}
	}
	return names
}
