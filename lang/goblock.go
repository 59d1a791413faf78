package lang

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/ast/astutil"
)

// checkBlockLambda checks a lambda whose body is a block. The block's
// return statements are rewritten into calls of the result function, so
// that the types of the returned values can be read off like an
// expression lambda's, then the file is type-checked.
func (s *goSession) checkBlockLambda(src, fn string, l *Lambda) lambdaResult {
	f := s.parseFile(src)
	if f == nil {
		return lambdaResult{}
	}
	var body *ast.BlockStmt
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name == fn {
			body = fd.Body
		}
	}
	if body == nil {
		return lambdaResult{}
	}
	var calls []*ast.CallExpr
	astutil.Apply(body, func(c *astutil.Cursor) bool {
		switch n := c.Node().(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			call := &ast.CallExpr{Fun: ast.NewIdent(resultFunc), Args: n.Results, Lparen: n.Return, Rparen: n.Return}
			calls = append(calls, call)
			c.Replace(&ast.BlockStmt{List: []ast.Stmt{&ast.ExprStmt{X: call}, &ast.ReturnStmt{Return: n.Return}}})
		}
		return true
	}, nil)
	before := len(*s.errs)
	s.checkFile(f)
	if len(*s.errs) > before {
		return lambdaResult{}
	}
	var returns [][]types.Type
	for _, call := range calls {
		var got []types.Type
		if len(call.Args) == 1 && len(s.rawTypes(call.Args[0])) > 1 {
			got = s.rawTypes(call.Args[0])
		} else {
			for _, a := range call.Args {
				got = append(got, s.flexibleType(a))
			}
		}
		returns = append(returns, got)
	}
	first, bad := unifyReturns(returns)
	if bad >= 0 {
		s.errs.Addf(s.position(calls[bad].Lparen), "lambda returns %s here, but %s elsewhere", typesString(returns[bad]), typesString(first))
		return lambdaResult{}
	}
	if len(first) > 0 && !endsInReturn(body) {
		s.errs.Addf(l.Body.Pos, "missing return at the end of the lambda body")
		return lambdaResult{}
	}
	return lambdaResult{results: first, params: s.usedParams(f), ok: true}
}

// unifyReturns finds the result types of a block lambda from the types
// of its return statements: at each position the first typed value sets
// the type, and untyped constants elsewhere must fit it; with only
// untyped constants, their default type. It returns the index of a
// return that does not fit, or -1.
func unifyReturns(returns [][]types.Type) ([]types.Type, int) {
	if len(returns) == 0 {
		return nil, -1
	}
	n := len(returns[0])
	result := make([]types.Type, n)
	for i := 0; i < n; i++ {
		for _, r := range returns {
			if i < len(r) && !isUntyped(r[i]) {
				result[i] = r[i]
				break
			}
		}
		if result[i] == nil {
			// Only untyped constants: the widest kind wins, as in
			// 1 and 2.5 making float64.
			widest := returns[0][i]
			for _, r := range returns {
				if i < len(r) && untypedRank(r[i]) > untypedRank(widest) {
					widest = r[i]
				}
			}
			result[i] = types.Default(widest)
		}
	}
	for k, r := range returns {
		if len(r) != n {
			return result, k
		}
		for i, t := range r {
			if isUntyped(t) {
				if !types.AssignableTo(t, result[i]) {
					return result, k
				}
			} else if !types.Identical(t, result[i]) {
				return result, k
			}
		}
	}
	return result, -1
}

// flexibleType returns the type of a returned value, or for a constant
// that go/types gave its default type (return 0 becomes int), the untyped
// kind, so that another return can decide the type.
func (s *goSession) flexibleType(e ast.Expr) types.Type {
	tv := s.info.Types[e]
	if tv.Value == nil || tv.Type == nil {
		return tv.Type
	}
	untyped := map[types.BasicKind]types.BasicKind{
		types.Int: types.UntypedInt, types.Float64: types.UntypedFloat, types.String: types.UntypedString,
		types.Bool: types.UntypedBool, types.Int32: types.UntypedRune, types.Complex128: types.UntypedComplex,
	}
	if b, ok := tv.Type.(*types.Basic); ok && b == types.Typ[b.Kind()] {
		if u, ok := untyped[b.Kind()]; ok {
			if _, ok := ast.Unparen(e).(*ast.BasicLit); ok || isConstIdent(e) {
				return types.Typ[u]
			}
		}
	}
	return tv.Type
}

// isConstIdent reports whether e is true, false or another identifier;
// with a constant value, it names an untyped constant or a typed one,
// which the caller cannot tell apart, so it is treated as untyped.
func isConstIdent(e ast.Expr) bool {
	_, ok := ast.Unparen(e).(*ast.Ident)
	return ok
}

// untypedRank orders the untyped numeric kinds from narrow to wide.
func untypedRank(t types.Type) int {
	b, ok := t.(*types.Basic)
	if !ok {
		return 0
	}
	switch b.Kind() {
	case types.UntypedInt:
		return 1
	case types.UntypedRune:
		return 2
	case types.UntypedFloat:
		return 3
	case types.UntypedComplex:
		return 4
	}
	return 0
}

func isUntyped(t types.Type) bool {
	b, ok := t.(*types.Basic)
	return ok && b.Info()&types.IsUntyped != 0
}

// endsInReturn reports whether a rewritten block ends in a (rewritten)
// return statement or a panic.
func endsInReturn(b *ast.BlockStmt) bool {
	if len(b.List) == 0 {
		return false
	}
	switch last := b.List[len(b.List)-1].(type) {
	case *ast.BlockStmt:
		if len(last.List) == 2 {
			_, ok := last.List[1].(*ast.ReturnStmt)
			return ok
		}
	case *ast.ExprStmt:
		if call, ok := last.X.(*ast.CallExpr); ok {
			if id, ok := call.Fun.(*ast.Ident); ok && id.Name == "panic" {
				return true
			}
		}
	}
	return false
}

// typesString spells a list of types as (A, B) or A.
func typesString(ts []types.Type) string {
	switch len(ts) {
	case 0:
		return "no value"
	case 1:
		return ts[0].String()
	}
	s := "("
	for i, t := range ts {
		if i > 0 {
			s += ", "
		}
		s += t.String()
	}
	return s + ")"
}
