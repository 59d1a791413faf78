package lang

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"strings"
)

// goSession type-checks the Go code embedded in one .tdf file. All of it
// joins one synthetic Go package, one synthetic file at a time, so that
// types from different lambdas are identical when they should be. Each
// embedded fragment is preceded by a /*line*/ directive, so go/types
// reports positions in the .tdf file.
type goSession struct {
	fset     *token.FileSet
	filename string
	pkg      *types.Package
	checker  *types.Checker
	info     *types.Info
	imports  []*GoImport
	loaded   map[string]*types.Package
	errs     *ErrorList
	nfiles   int
	// sources holds the source of each file of the package, by name,
	// for hints that read the code around an error.
	sources map[string]string
	// syntaxErrs marks the errors that the Go parser reported, which
	// do not depend on types.
	syntaxErrs map[*Error]bool
	// argType is the type that the source argument being checked must
	// have, for hints; nil outside source arguments.
	argType types.Type
	tuples  [maxTuple + 1]*types.Named // generic TupleN, by N
	// paramVars maps the package-level variables that stand for the
	// params to their names.
	paramVars map[types.Object]string
}

// maxTuple is the largest tuple arity.
const maxTuple = 4

// resultFunc is the synthetic function whose variadic argument receives a
// lambda's value(s), so that any number of results can be typed.
const resultFunc = "_tdcResult"

func newGoSession(pkgName, filename string, imports []*GoImport, loaded map[string]*types.Package, errs *ErrorList) *goSession {
	s := &goSession{
		fset:       token.NewFileSet(),
		filename:   filename,
		imports:    imports,
		loaded:     loaded,
		errs:       errs,
		sources:    map[string]string{},
		syntaxErrs: map[*Error]bool{},
		info: &types.Info{
			Scopes: map[ast.Node]*types.Scope{},
			Types:  map[ast.Expr]types.TypeAndValue{},
			Defs:   map[*ast.Ident]types.Object{},
			Uses:   map[*ast.Ident]types.Object{},
		},
	}
	s.pkg = types.NewPackage("tdc.local/"+pkgName, pkgName)
	conf := &types.Config{
		Importer: importerFunc(func(path string) (*types.Package, error) {
			if p, ok := loaded[path]; ok {
				return p, nil
			}
			return nil, fmt.Errorf("package %q is not loaded", path)
		}),
		Error: s.typeError,
	}
	s.checker = types.NewChecker(conf, s.fset, s.pkg, s.info)
	return s
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

// typeError records a go/types error unless it is an artefact of the
// synthetic files (imports each file repeats whether it needs them or not).
func (s *goSession) typeError(err error) {
	terr, ok := err.(types.Error)
	if !ok {
		s.errs.Add(Pos{Filename: s.filename}, err.Error())
		return
	}
	if unusedImport(terr.Msg) || strings.HasPrefix(terr.Msg, "\t") {
		// The second part of a two-part error ("\tother declaration
		// of x") points into a synthetic file; the first part says it.
		return
	}
	msg := strings.TrimSuffix(terr.Msg, " in variable declaration")
	if t, _, ok := strings.Cut(msg, " does not satisfy _tdcIntegerType"); ok {
		msg = "want an integer, not " + t
	}
	msg = strings.ReplaceAll(msg, " as int value in argument to "+integerFunc, " as a range bound")
	msg = strings.ReplaceAll(msg, "in argument to "+integerFunc, "as a range bound")
	s.errs.Add(s.position(terr.Pos), msg+s.hint(terr.Pos, msg))
}

// unusedImport reports whether msg is go/types' complaint about an unused
// import ("imported and not used", "imported as x and not used"), which
// every synthetic file but one provokes.
func unusedImport(msg string) bool {
	return strings.Contains(msg, "imported") && strings.HasSuffix(msg, "and not used")
}

// position converts a position in a synthetic file to a .tdf position.
func (s *goSession) position(p token.Pos) Pos {
	tp := s.fset.Position(p)
	return Pos{Filename: tp.Filename, Line: tp.Line, Column: tp.Column}
}

// directive returns the /*line*/ comment that makes the next character
// appear at pos in the .tdf file.
func directive(pos Pos) string {
	return fmt.Sprintf("/*line %s:%d:%d*/", pos.Filename, pos.Line, pos.Column)
}

// header returns the package clause and the .tdf's imports, plus extra
// imports (path → name) needed to spell types in the file.
func (s *goSession) header(extra map[string]string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "package %s\n\nimport (\n", s.pkg.Name())
	for _, imp := range s.imports {
		fmt.Fprintf(&b, "\t%s%s %q\n", directive(imp.Pos), imp.Name, imp.Path)
	}
	for path, name := range extra {
		fmt.Fprintf(&b, "\t%s %q\n", name, path)
	}
	b.WriteString(")\n\n")
	return b.String()
}

// addFile parses src as one more file of the package and type-checks it.
// It returns nil when the file does not parse.
func (s *goSession) addFile(src string) *ast.File {
	f := s.parseFile(src)
	if f != nil {
		s.checkFile(f)
	}
	return f
}

// parseFile parses src as a synthetic file, reporting syntax errors at
// their .tdf positions.
func (s *goSession) parseFile(src string) *ast.File {
	s.nfiles++
	name := fmt.Sprintf("tdc_check_%d.go", s.nfiles)
	s.sources[name] = src
	f, err := parser.ParseFile(s.fset, name, src, parser.SkipObjectResolution)
	if err != nil {
		if list, ok := err.(scanner.ErrorList); ok {
			for _, e := range list {
				s.errs.Add(Pos{Filename: e.Pos.Filename, Line: e.Pos.Line, Column: e.Pos.Column}, e.Msg)
				s.syntaxErrs[(*s.errs)[len(*s.errs)-1]] = true
			}
		} else {
			s.errs.Add(Pos{Filename: s.filename}, err.Error())
		}
		return nil
	}
	return f
}

// checkFile type-checks a parsed synthetic file as part of the package.
func (s *goSession) checkFile(f *ast.File) { s.checkFiles([]*ast.File{f}) }

// checkFiles type-checks parsed files together as part of the package.
func (s *goSession) checkFiles(files []*ast.File) {
	before := len(*s.errs)
	if err := s.checker.Files(files); err != nil && len(*s.errs) == before {
		if terr, ok := err.(types.Error); !ok || !unusedImport(terr.Msg) {
			s.errs.Add(Pos{Filename: s.filename}, err.Error())
		}
	}
	for _, f := range files {
		// Only the .tdf's own Go code decides which of its imports it uses.
		if strings.HasPrefix(s.fset.File(f.Pos()).Name(), "tdc_check_") {
			s.noteImportUses(f)
			s.checkExits(f)
		}
	}
}

// noteImportUses marks the .tdf imports that file f refers to.
func (s *goSession) noteImportUses(f *ast.File) {
	ast.Inspect(f, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok {
			return true
		}
		pn, ok := s.info.Uses[id].(*types.PkgName)
		if !ok {
			return true
		}
		for _, imp := range s.imports {
			if imp.Name == pn.Name() && imp.Path == pn.Imported().Path() {
				imp.Used = true
			}
		}
		return true
	})
}

// typeString spells t as Go source in a synthetic file, registering in
// extra any import the file needs for it.
func (s *goSession) typeString(t types.Type, extra map[string]string) string {
	return types.TypeString(t, func(p *types.Package) string {
		if p == s.pkg {
			return ""
		}
		for _, imp := range s.imports {
			if imp.Path == p.Path() {
				return imp.Name
			}
		}
		name, ok := extra[p.Path()]
		if !ok {
			name = fmt.Sprintf("_tdcimp%d", len(extra))
			extra[p.Path()] = name
		}
		return name
	})
}

// tupleOf returns the tuple type with the given fields, or nil and an
// error when the arity is out of range.
func (s *goSession) tupleOf(fields []types.Type) (types.Type, error) {
	n := len(fields)
	if n < 2 || n > maxTuple {
		return nil, fmt.Errorf("tuples have 2 to %d fields, not %d", maxTuple, n)
	}
	return types.Instantiate(nil, s.tuples[n], fields, false)
}

// TupleFields returns the field types of a tuple type, or nil when t is
// not a tuple.
func TupleFields(t types.Type) []types.Type {
	named, ok := types.Unalias(t).(*types.Named)
	if !ok || named.TypeArgs().Len() == 0 || !strings.HasPrefix(named.Obj().Name(), "Tuple") || named.Obj().Pkg() == nil || !strings.HasPrefix(named.Obj().Pkg().Path(), "tdc.local/") {
		return nil
	}
	var fields []types.Type
	for i := 0; i < named.TypeArgs().Len(); i++ {
		fields = append(fields, named.TypeArgs().At(i))
	}
	return fields
}

// exprSyntax parses the Go expression g on its own and reports its
// syntax errors, at their .tdf positions, so that they are not followed
// by the parser's complaints about the synthetic code around it. It
// reports whether g parses.
func (s *goSession) exprSyntax(g *GoCode, what string) bool {
	_, err := parser.ParseExprFrom(token.NewFileSet(), "", directive(g.Pos)+g.Text, parser.SkipObjectResolution)
	list, ok := err.(scanner.ErrorList)
	if !ok || len(list) == 0 {
		return true
	}
	e := list[0]
	msg := strings.ReplaceAll(e.Msg, "found 'EOF'", "found the end of the "+what)
	s.errs.Add(Pos{Filename: e.Pos.Filename, Line: e.Pos.Line, Column: e.Pos.Column}, msg)
	s.syntaxErrs[(*s.errs)[len(*s.errs)-1]] = true
	return false
}
