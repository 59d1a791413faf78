package lang

import (
	"fmt"
	"go/token"
	"go/types"
	"path/filepath"
	"strings"
)

// CheckOptions configures Check.
type CheckOptions struct {
	// Dir is the directory whose Go module resolves the imported
	// packages; the .tdf file's directory when empty.
	Dir string
	// Output is the Go file the program is generated into. Check never
	// reads it as a host file, whatever it holds, and when it is set the
	// Go files of its directory must all declare the program's package.
	Output string
	// API returns the Go source generated for a checked program. When
	// the host files refer to names they do not declare, Check checks
	// them again beside that source's declarations, so that host code
	// may use the generated API. Without API such references are errors.
	API func(*Program) ([]byte, error)
	// Require lists packages that the generated code imports and that
	// must therefore resolve in the module, such as the runtime; a
	// problem with one is reported at the package clause.
	Require []string
}

// Check resolves names and infers types in f. It returns the errors it
// finds as an ErrorList in position order, at most maxErrors of them
// and then "too many errors", as the Go compiler does.
func Check(f *File, opts CheckOptions) (*Program, error) {
	prog, err := checkAll(f, opts)
	return prog, bounded(err)
}

// bounded keeps the first maxErrors errors of a list and notes the
// others with "too many errors" at the first of them.
func bounded(err error) error {
	list, ok := err.(ErrorList)
	if !ok || len(list) <= maxErrors {
		return err
	}
	list.Sort()
	out := append(ErrorList(nil), list[:maxErrors]...)
	out.Add(list[maxErrors].Pos, "too many errors")
	return out
}

// maxErrors is how many errors Check reports.
const maxErrors = 10

// checkAll is Check without the bound on errors.
func checkAll(f *File, opts CheckOptions) (*Program, error) {
	prog, hostErrs, err := check(f, opts, nil)
	if err != nil || len(hostErrs) == 0 {
		return prog, err
	}
	if opts.API == nil {
		return nil, hostErrs.Err()
	}
	src, err := opts.API(prog)
	if err != nil {
		return nil, err
	}
	path := opts.Output
	if path == "" {
		path = strings.TrimSuffix(f.Pos.Filename, filepath.Ext(f.Pos.Filename)) + "_tdf.go"
	}
	api, ok := apiHostFile(path, src)
	if !ok {
		return nil, hostErrs.Err()
	}
	prog2, hostErrs2, err := check(f, opts, &api)
	if err != nil {
		// The generated code's imports do not load (outside a module,
		// say). Unless host files use names they do not declare, which
		// the generated code may have, their own errors say more.
		if !anyUndefined(hostErrs) {
			return nil, hostErrs.Err()
		}
		return nil, err
	}
	prog, hostErrs = prog2, hostErrs2
	if len(hostErrs) > 0 {
		return nil, hostErrs.Err()
	}
	return prog, nil
}

// anyUndefined reports whether an error in errs is about an undefined
// name.
func anyUndefined(errs ErrorList) bool {
	for _, e := range errs {
		if strings.HasPrefix(e.Msg, "undefined: ") || strings.Contains(e.Msg, " undefined (") {
			return true
		}
	}
	return false
}

// check checks f with the host files and, when api is not nil, the
// generated API. Errors in the .tdf file come back as err; when there are
// none, the errors in host files come back as hostErrs, with the program.
func check(f *File, opts CheckOptions, api *hostFile) (prog *Program, hostErrs ErrorList, err error) {
	c := &checker{file: f}
	dir := opts.Dir
	if dir == "" {
		dir = filepath.Dir(f.Pos.Filename)
	}
	prog = &Program{File: f, Package: f.Package.Name}
	c.checkPackageName(f.Package)
	host, others := findHostFiles(dir, f.Package.Name, opts.Output)
	if opts.Output != "" {
		c.checkOtherPackages(f, host, others)
	}
	var hostImports []hostImport
	isHost := map[string]bool{}
	for _, hf := range host {
		prog.HostFiles = append(prog.HostFiles, hf.path)
		hostImports = append(hostImports, hf.imports...)
		isHost[hf.path] = true
	}
	for _, r := range opts.Require {
		hostImports = append(hostImports, hostImport{Path: r})
	}
	if api != nil {
		host = append(host, *api)
		hostImports = append(hostImports, api.imports...)
		isHost[api.path] = true
	}
	imports, loaded := resolveImports(f, dir, hostImports, &c.errs)
	prog.Imports = imports
	if len(c.errs) > 0 {
		return nil, nil, c.errs.Err()
	}
	var typeDecls []*TypeDecl
	var inputs []*InputDecl
	for _, d := range f.Decls {
		if d.Type != nil {
			typeDecls = append(typeDecls, d.Type)
		}
		if d.Dataflow != nil {
			for _, st := range d.Dataflow.Stmts {
				if st.Input != nil {
					inputs = append(inputs, st.Input)
				}
			}
		}
	}
	c.checkDeclNames(f)
	prog.Params = c.checkParams(f, imports)
	c.s = newGoSession(f.Package.Name, f.Pos.Filename, imports, loaded, &c.errs)
	records := c.validRecords(typeDecls)
	c.inputTypes = c.s.checkBase(records, inputs, c.params, c.s.parseHostFiles(host, records))
	if c.inputTypes == nil {
		return nil, nil, c.errs.Err()
	}
	prog.Pkg = c.s.pkg
	for _, td := range records {
		prog.Records = append(prog.Records, c.record(td))
	}
	c.customOps = map[string]*OperatorDef{}
	c.declaredOps = map[string]bool{}
	for _, d := range f.Decls {
		if d.Operator != nil {
			c.declaredOps[d.Operator.Name.Name] = true
			if op := c.operatorDecl(d.Operator); op != nil {
				prog.Operators = append(prog.Operators, op)
				c.customOps[op.Name] = op
			}
		}
	}
	for _, d := range f.Decls {
		if d.Dataflow != nil {
			prog.Dataflows = append(prog.Dataflows, c.dataflow(d.Dataflow))
		}
	}
	var own ErrorList
	for _, e := range c.errs {
		if isHost[e.Pos.Filename] {
			hostErrs = append(hostErrs, e)
		} else {
			own = append(own, e)
		}
	}
	if len(own) == 0 {
		for _, imp := range imports {
			if !imp.Used {
				own.Addf(imp.Pos, "%q imported and not used", imp.Path)
			}
		}
	}
	if err := own.Err(); err != nil {
		return nil, nil, err
	}
	return prog, hostErrs, nil
}

// checkOtherPackages reports Go files beside the .tdf file that declare
// another package, which the Go compiler would refuse beside the
// generated file.
func (c *checker) checkOtherPackages(f *File, host []hostFile, others []otherPackage) {
	if len(others) == 0 {
		return
	}
	var names []string
	for _, o := range others {
		names = append(names, fmt.Sprintf("%s (package %s)", filepath.Base(o.path), o.pkg))
	}
	hint := "change the package clause of the .tdf file or of those files"
	if len(host) == 0 && allSamePackage(others) {
		hint = fmt.Sprintf("write package %s in the .tdf file, or move it to a directory of its own", others[0].pkg)
	}
	c.errs.Addf(f.Package.Pos, "package %s disagrees with the other Go files of its directory: %s; a directory holds one package: %s",
		f.Package.Name, strings.Join(names, ", "), hint)
}

func allSamePackage(others []otherPackage) bool {
	for _, o := range others {
		if o.pkg != others[0].pkg {
			return false
		}
	}
	return true
}

// checkParams checks the param declarations, skipping names declared
// twice (checkDeclNames reports those) and rejecting names that an
// import uses, since lambdas could not reach such a param.
func (c *checker) checkParams(f *File, imports []*GoImport) []*Param {
	seen := map[string]bool{}
	for _, imp := range imports {
		seen[imp.Name] = true
	}
	for _, d := range f.Decls {
		if d.Param == nil {
			continue
		}
		name := d.Param.Name.Name
		if seen[name] {
			for _, imp := range imports {
				if imp.Name == name {
					c.errs.Addf(d.Param.Name.Pos, "param %s has the name of the package imported at %s; rename one of them", name, shortPos(imp.Pos))
				}
			}
			continue
		}
		seen[name] = true
		if p := c.param(d.Param); p != nil {
			c.params = append(c.params, p)
		}
	}
	return c.params
}

// validRecords drops the record declarations that checkDeclNames
// rejected, so that the Go checker does not report them again.
func (c *checker) validRecords(decls []*TypeDecl) []*TypeDecl {
	var out []*TypeDecl
	seen := map[string]bool{}
	for _, td := range decls {
		if isReservedType(td.Name.Name) || seen[td.Name.Name] {
			continue
		}
		seen[td.Name.Name] = true
		out = append(out, td)
	}
	return out
}

// checker holds the state of one Check call.
type checker struct {
	file       *File
	errs       ErrorList
	s          *goSession
	inputTypes map[*InputDecl]types.Type
	params     []*Param
	customOps  map[string]*OperatorDef
	// declaredOps holds the names of all custom operators, those that
	// failed to check included, whose uses are then not reported again.
	declaredOps map[string]bool
	// binds holds where each stream name of the dataflow being checked
	// is first bound, for uses that come before.
	binds map[string]binding
}

func (c *checker) checkPackageName(id *Ident) {
	if !token.IsIdentifier(id.Name) || id.Name == "_" {
		c.errs.Addf(id.Pos, "invalid package name %s", id.Name)
	}
}

// checkDeclNames reports top-level names declared twice or reserved.
func (c *checker) checkDeclNames(f *File) {
	seen := map[string]Pos{}
	declare := func(id *Ident, what string) {
		if token.IsKeyword(id.Name) {
			c.errs.Addf(id.Pos, "%s name %s is a Go keyword; choose another name", what, id.Name)
			return
		}
		if prev, ok := seen[id.Name]; ok {
			c.errs.Addf(id.Pos, "%s redeclared; the first declaration is at %s", id.Name, shortPos(prev))
			return
		}
		seen[id.Name] = id.Pos
	}
	for _, d := range f.Decls {
		switch {
		case d.Type != nil:
			if isReservedType(d.Type.Name.Name) {
				what := "tuples"
				if d.Type.Name.Name == "Time" {
					what = "the timestamps of custom operators"
				}
				c.errs.Addf(d.Type.Name.Pos, "type name %s is reserved for %s; choose another name", d.Type.Name.Name, what)
				continue
			}
			declare(d.Type.Name, "type")
		case d.Param != nil:
			declare(d.Param.Name, "param")
		case d.Dataflow != nil:
			declare(d.Dataflow.Name, "dataflow")
		case d.Operator != nil:
			declare(d.Operator.Name, "operator")
		}
	}
}

func isReservedType(name string) bool {
	if name == "Time" {
		return true
	}
	for n := 2; n <= maxTuple; n++ {
		if name == "Tuple"+string(rune('0'+n)) {
			return true
		}
	}
	return false
}

// shortPos prints line:col of pos.
func shortPos(p Pos) string {
	return fmt.Sprintf("%d:%d", p.Line, p.Column)
}

// record returns the checked form of a record declaration.
func (c *checker) record(td *TypeDecl) *Record {
	r := &Record{Pos: td.Pos, Name: td.Name.Name}
	obj := c.s.pkg.Scope().Lookup(td.Name.Name)
	if obj == nil {
		return r
	}
	r.Type, _ = obj.Type().(*types.Named)
	if r.Type == nil {
		return r
	}
	st, _ := r.Type.Underlying().(*types.Struct)
	for i, f := range td.Fields {
		if st != nil && i < st.NumFields() {
			r.Fields = append(r.Fields, &RecordField{Pos: f.Pos, Name: f.Name.Name, Type: st.Field(i).Type()})
		}
	}
	return r
}
