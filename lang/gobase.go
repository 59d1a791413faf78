package lang

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"sort"
	"strings"
)

// checkBase type-checks the first synthetic file: the tuple types, the
// result function, the records, and the declared types of inputs. It
// returns the checked types of the inputs, by InputDecl.
func (s *goSession) checkBase(records []*TypeDecl, inputs []*InputDecl, params []*Param, host []*ast.File) map[*InputDecl]types.Type {
	var b strings.Builder
	b.WriteString(s.header(nil))
	for n := 2; n <= maxTuple; n++ {
		var params, fields []string
		for i := 0; i < n; i++ {
			params = append(params, fmt.Sprintf("T%d", i))
			fields = append(fields, fmt.Sprintf("F%d T%d", i, i))
		}
		fmt.Fprintf(&b, "type Tuple%d[%s any] struct{ %s }\n\n", n, strings.Join(params, ", "), strings.Join(fields, "; "))
		b.WriteString(tupleFuncSource(n))
	}
	b.WriteString(timeSource)
	fmt.Fprintf(&b, "func %s(...any) {}\n\n", resultFunc)
	fmt.Fprintf(&b, "type _tdcIntegerType interface {\n\t~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr\n}\n\n")
	fmt.Fprintf(&b, "func %s[T _tdcIntegerType](v T) int64 { return int64(v) }\n\n", integerFunc)
	for _, r := range records {
		fmt.Fprintf(&b, "type %s%s struct {\n", directive(r.Name.Pos), r.Name.Name)
		for _, f := range r.Fields {
			fmt.Fprintf(&b, "\t%s%s %s\n", directive(f.Name.Pos), f.Name.Name, typeExprSource(f.Type))
		}
		b.WriteString("}\n\n")
	}
	for _, p := range params {
		fmt.Fprintf(&b, "var %s%s %s\n", directive(p.Pos), p.Name, p.Type)
	}
	inputVars := map[*InputDecl]string{}
	for i, in := range inputs {
		v := fmt.Sprintf("_tdcInput%d", i)
		inputVars[in] = v
		fmt.Fprintf(&b, "var %s %s\n", v, typeExprSource(in.Type))
	}
	f := s.parseFile(b.String())
	if f == nil {
		return nil
	}
	s.checkFiles(append([]*ast.File{f}, host...))
	if s.pkg.Scope().Lookup("Tuple2") == nil {
		return nil
	}
	for n := 2; n <= maxTuple; n++ {
		s.tuples[n], _ = s.pkg.Scope().Lookup(fmt.Sprintf("Tuple%d", n)).Type().(*types.Named)
	}
	s.paramVars = map[types.Object]string{}
	for _, p := range params {
		if obj := s.pkg.Scope().Lookup(p.Name); obj != nil {
			s.paramVars[obj] = p.Name
		}
	}
	out := map[*InputDecl]types.Type{}
	for in, v := range inputVars {
		if obj := s.pkg.Scope().Lookup(v); obj != nil {
			out[in] = obj.Type()
		}
	}
	return out
}

// timeSource declares Time for the handlers of custom operators, as the
// runtime has it: an epoch and the round of each enclosing loop, under
// the product order.
const timeSource = `type Time struct {
	Epoch  uint64
	Rounds [2]uint32
}

func (t Time) LessEqual(u Time) bool {
	return t.Epoch <= u.Epoch && t.Rounds[0] <= u.Rounds[0] && t.Rounds[1] <= u.Rounds[1]
}

func (t Time) Less(u Time) bool { return t != u && t.LessEqual(u) }

func (t Time) String() string { return "" }

`

// typeExprSource spells a .tdf type as Go source, each part preceded by a
// line directive so that errors point into the .tdf file.
func typeExprSource(t *TypeExpr) string {
	switch {
	case t.Tuple != nil:
		var parts []string
		for _, e := range t.Tuple {
			parts = append(parts, typeExprSource(e))
		}
		return fmt.Sprintf("%sTuple%d[%s]", directive(t.Pos), len(parts), strings.Join(parts, ", "))
	case t.Array != nil:
		return fmt.Sprintf("%s[%s]%s", directive(t.Pos), t.Array.Len, typeExprSource(t.Array.Elem))
	case t.Named != nil:
		if t.Named.Pkg != "" {
			return fmt.Sprintf("%s%s.%s", directive(t.Pos), t.Named.Pkg, t.Named.Name)
		}
		return directive(t.Pos) + t.Named.Name
	}
	return "invalid"
}

// integerFunc is the synthetic function that accepts integers of any
// type and nothing else.
const integerFunc = "_tdcInteger"

// lambdaResult is what checking a lambda's body found.
type lambdaResult struct {
	results []types.Type // the value(s) the body produces
	params  []string     // the params the body uses, sorted
	ok      bool
}

// checkLambda type-checks a lambda applied to records of type in. With
// destructure, the parameters bind the fields of the tuple in.
func (s *goSession) checkLambda(l *Lambda, paramTypes []types.Type, stmt bool) lambdaResult {
	extra := map[string]string{}
	var params []string
	for i, p := range l.Params {
		params = append(params, fmt.Sprintf("%s%s %s", directive(p.Pos), p.Name, s.typeString(paramTypes[i], extra)))
	}
	body := l.Body.Text
	block := strings.HasPrefix(body, "{")
	if !block && !s.exprSyntax(l.Body, "lambda") {
		return lambdaResult{}
	}
	var b strings.Builder
	fn := fmt.Sprintf("_tdcLambda%d", s.nfiles+1)
	if block {
		fmt.Fprintf(&b, "func %s(%s) %s%s\n", fn, strings.Join(params, ", "), directive(l.Body.Pos), body)
	} else if stmt && isCallText(body) {
		// A call as a statement may produce no value; its type is
		// recorded all the same.
		fmt.Fprintf(&b, "func %s(%s) {\n\t%s%s\n}\n", fn, strings.Join(params, ", "), directive(l.Body.Pos), body)
	} else {
		fmt.Fprintf(&b, "func %s(%s) {\n\t%s(%s%s)\n}\n", fn, strings.Join(params, ", "), resultFunc, directive(l.Body.Pos), body)
	}
	src := s.header(extra) + b.String()
	if block {
		return s.checkBlockLambda(src, fn, l)
	}
	before := len(*s.errs)
	f := s.addFile(src)
	if f == nil || len(*s.errs) > before {
		return lambdaResult{}
	}
	if stmt && isCallText(body) {
		return lambdaResult{results: s.valueTypes(findStmtExpr(f, fn)), params: s.usedParams(f), ok: true}
	}
	call := findResultCall(f, fn)
	if call == nil || len(call.Args) != 1 {
		return lambdaResult{}
	}
	return lambdaResult{results: s.valueTypes(call.Args[0]), params: s.usedParams(f), ok: true}
}

// usedParams lists the params that the code of file f refers to.
func (s *goSession) usedParams(f *ast.File) []string {
	used := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Ident:
			if name, ok := s.paramVars[s.info.Uses[n]]; ok {
				used[name] = true
			}
		case *ast.AssignStmt:
			s.noParamAssign(n.Lhs...)
		case *ast.IncDecStmt:
			s.noParamAssign(n.X)
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				s.noParamAssign(n.X)
			}
		}
		return true
	})
	var names []string
	for name := range used {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// noParamAssign reports params among the assigned (or address-taken)
// expressions: a param is a value of the run's configuration, shared by
// every worker.
func (s *goSession) noParamAssign(exprs ...ast.Expr) {
	for _, e := range exprs {
		if id, ok := ast.Unparen(e).(*ast.Ident); ok {
			if name, ok := s.paramVars[s.info.Uses[id]]; ok {
				s.errs.Addf(s.position(id.Pos()), "cannot assign to param %s or take its address; copy it into a variable of the lambda", name)
			}
		}
	}
}

// valueTypes returns the types of the values expression e produces,
// untyped constants given their default types.
func (s *goSession) valueTypes(e ast.Expr) []types.Type {
	ts := s.rawTypes(e)
	for i, t := range ts {
		ts[i] = types.Default(t)
	}
	return ts
}

// rawTypes returns the types of the values expression e produces.
func (s *goSession) rawTypes(e ast.Expr) []types.Type {
	if e == nil {
		return nil
	}
	tv, ok := s.info.Types[e]
	if !ok || tv.Type == nil {
		return nil
	}
	if tup, ok := tv.Type.(*types.Tuple); ok {
		var out []types.Type
		for i := 0; i < tup.Len(); i++ {
			out = append(out, tup.At(i).Type())
		}
		return out
	}
	return []types.Type{tv.Type}
}

// isCallText reports whether Go expression src is a function call.
func isCallText(src string) bool {
	e, err := parser.ParseExpr(src)
	if err != nil {
		return false
	}
	_, ok := ast.Unparen(e).(*ast.CallExpr)
	return ok
}

// findStmtExpr finds the expression of the statement that is the body
// of function fn in f.
func findStmtExpr(f *ast.File, fn string) ast.Expr {
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name == fn && len(fd.Body.List) == 1 {
			if es, ok := fd.Body.List[0].(*ast.ExprStmt); ok {
				return es.X
			}
		}
	}
	return nil
}

// findResultCall finds the call of resultFunc in function fn of f.
func findResultCall(f *ast.File, fn string) *ast.CallExpr {
	var found *ast.CallExpr
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Name.Name != fn {
			continue
		}
		ast.Inspect(fd, func(n ast.Node) bool {
			if c, ok := n.(*ast.CallExpr); ok {
				if id, ok := c.Fun.(*ast.Ident); ok && id.Name == resultFunc && found == nil {
					found = c
				}
			}
			return found == nil
		})
	}
	return found
}

// tupleFuncSource is the Go source of tdcTupleN, which builds a tuple of
// n fields from its arguments: what a tuple literal (a, b) in a lambda
// becomes (see rewriteTuples). The generated code defines it alike.
func tupleFuncSource(n int) string {
	var params, args, types, fields []string
	for i := 0; i < n; i++ {
		params = append(params, fmt.Sprintf("T%d", i))
		args = append(args, fmt.Sprintf("f%d T%d", i, i))
		types = append(types, fmt.Sprintf("T%d", i))
		fields = append(fields, fmt.Sprintf("F%d: f%d", i, i))
	}
	t := fmt.Sprintf("Tuple%d[%s]", n, strings.Join(types, ", "))
	return fmt.Sprintf("func %s[%s any](%s) %s { return %s{%s} }\n\n", tupleFunc(n), strings.Join(params, ", "), strings.Join(args, ", "), t, t, strings.Join(fields, ", "))
}
