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
	var first []types.Type
	for i, call := range calls {
		var got []types.Type
		if len(call.Args) == 1 {
			got = s.valueTypes(call.Args[0])
		} else {
			for _, a := range call.Args {
				got = append(got, s.valueTypes(a)...)
			}
		}
		if i == 0 {
			first = got
			continue
		}
		if !sameTypes(first, got) {
			s.errs.Addf(s.position(call.Pos()), "lambda returns %s here but %s before", typesString(got), typesString(first))
			return lambdaResult{}
		}
	}
	if len(first) > 0 && !endsInReturn(body) {
		s.errs.Addf(l.Body.Pos, "missing return at the end of the lambda body")
		return lambdaResult{}
	}
	return lambdaResult{results: first, ok: true}
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

func sameTypes(a, b []types.Type) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !types.Identical(a[i], b[i]) {
			return false
		}
	}
	return true
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
