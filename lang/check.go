package lang

import (
	"fmt"
	"go/token"
	"go/types"
	"path/filepath"
)

// CheckOptions configures Check.
type CheckOptions struct {
	// Dir is the directory whose Go module resolves the imported
	// packages; the .tdf file's directory when empty.
	Dir string
}

// Check resolves names and infers types in f. It returns every error it
// finds as an ErrorList.
func Check(f *File, opts CheckOptions) (*Program, error) {
	c := &checker{file: f}
	dir := opts.Dir
	if dir == "" {
		dir = filepath.Dir(f.Pos.Filename)
	}
	prog := &Program{File: f, Package: f.Package.Name}
	c.checkPackageName(f.Package)
	host := findHostFiles(dir, f.Package.Name)
	var hostImports []string
	for _, hf := range host {
		prog.HostFiles = append(prog.HostFiles, hf.path)
		hostImports = append(hostImports, hf.imports...)
	}
	imports, loaded := resolveImports(f, dir, hostImports, &c.errs)
	prog.Imports = imports
	if len(c.errs) > 0 {
		return nil, c.errs.Err()
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
	c.inputTypes = c.s.checkBase(c.validRecords(typeDecls), inputs, c.params, c.s.parseHostFiles(host))
	if c.inputTypes == nil {
		return nil, c.errs.Err()
	}
	prog.Pkg = c.s.pkg
	for _, td := range c.validRecords(typeDecls) {
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
	if len(c.errs) == 0 {
		for _, imp := range imports {
			if !imp.Used {
				c.errs.Addf(imp.Pos, "%q imported and not used", imp.Path)
			}
		}
	}
	if err := c.errs.Err(); err != nil {
		return nil, err
	}
	return prog, nil
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
