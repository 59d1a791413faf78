package lang

import (
	"fmt"
	"go/types"
	"strings"
)

// lambda checks a lambda applied to records of type in. With stmt, an
// expression body may also be a call that produces no value.
func (c *checker) lambda(l *Lambda, in types.Type, stmt bool) *LambdaInfo {
	if !c.distinctParams(l) {
		return nil
	}
	if len(l.Params) == 1 {
		return c.typedLambda(l, in, []types.Type{in}, false, stmt)
	}
	fields := TupleFields(in)
	if fields == nil {
		c.errs.Addf(l.Pos, "lambda has %d parameters, but its records are %s, not a tuple; use one parameter", len(l.Params), c.typeName(in))
		return nil
	}
	if len(fields) != len(l.Params) {
		c.errs.Addf(l.Pos, "lambda has %d parameters, but its records are tuples of %d fields %s", len(l.Params), len(fields), c.typeName(in))
		return nil
	}
	return c.typedLambda(l, in, fields, true, stmt)
}

// distinctParams reports a lambda parameter named twice.
func (c *checker) distinctParams(l *Lambda) bool {
	seen := map[string]bool{}
	for _, p := range l.Params {
		if strings.HasPrefix(p.Name, "tdc") {
			c.errs.Addf(p.Pos, "lambda parameter %s: names starting with tdc are reserved for generated code", p.Name)
			return false
		}
		if seen[p.Name] && p.Name != "_" {
			c.errs.Addf(p.Pos, "duplicate lambda parameter %s", p.Name)
			return false
		}
		seen[p.Name] = true
	}
	return true
}

// typedLambda checks a lambda whose parameters have the given types.
func (c *checker) typedLambda(l *Lambda, in types.Type, paramTypes []types.Type, destructure, stmt bool) *LambdaInfo {
	if !c.distinctParams(l) {
		return nil
	}
	bodyText := l.Body.Text
	if text, checked, ok := rewriteTuplesAt(l.Body.Text, &l.Body.Pos); ok {
		body := *l.Body
		body.Text = checked
		rewritten := *l
		rewritten.Body = &body
		l, bodyText = &rewritten, text
	}
	li := &LambdaInfo{Pos: l.Body.Pos, In: in, Body: bodyText, Block: strings.HasPrefix(bodyText, "{"), ParamTypes: paramTypes, Destructure: destructure}
	for _, p := range l.Params {
		li.Params = append(li.Params, p.Name)
	}
	res := c.s.checkLambda(l, li.ParamTypes, stmt)
	if !res.ok {
		return nil
	}
	li.UsesParams = res.params
	rs := res.results
	switch {
	case len(rs) == 0:
	case len(rs) == 1 && isError(rs[0]):
		li.Fallible = true
	case len(rs) == 1:
		li.Result = rs[0]
	case len(rs) == 2 && (isError(rs[1]) || isUntypedNil(rs[1])):
		li.Result, li.Fallible = rs[0], true
	default:
		c.errs.Addf(l.Body.Pos, "lambda produces %d values; want one value, or a value and an error", len(rs))
		return nil
	}
	if li.Result != nil {
		if b, ok := li.Result.(*types.Basic); ok && b.Kind() == types.UntypedNil {
			c.errs.Addf(l.Body.Pos, "lambda produces untyped nil")
			return nil
		}
	}
	return li
}

// isUntypedNil reports whether t is the type of a bare nil.
func isUntypedNil(t types.Type) bool {
	b, ok := t.(*types.Basic)
	return ok && b.Kind() == types.UntypedNil
}

// isError reports whether t is the predeclared error type.
func isError(t types.Type) bool {
	return types.Identical(t, types.Universe.Lookup("error").Type())
}

// goArgs checks the plain Go arguments of a source against the wanted
// types. The params are in scope.
func (c *checker) goArgs(call *Call, want []types.Type, spec *OpSpec) []*GoArg {
	var args []*Arg
	if call.Args != nil {
		args = call.Args.Args
	}
	if len(args) != len(want) {
		c.errs.Addf(call.Pos, "%s takes %d argument(s), not %d: %s", spec.Name, len(want), len(args), spec.Usage)
		return nil
	}
	var out []*GoArg
	for i, a := range args {
		if a.Expr == nil {
			c.errs.Addf(a.Pos, "%s: argument %d must be a Go expression, not a lambda: %s", spec.Name, i+1, spec.Usage)
			return nil
		}
		t, uses := c.s.checkArg(a.Expr, want[i])
		if t == nil {
			return nil
		}
		out = append(out, &GoArg{Pos: a.Expr.Pos, Text: a.Expr.Text, Type: t, UsesParams: uses})
	}
	return out
}

// anyInteger asks checkArg for a value of any integer type.
var anyInteger = types.Typ[types.UntypedInt]

// checkArg type-checks a Go argument with the params as variables and
// checks that it can be assigned to want.
func (s *goSession) checkArg(g *GoCode, want types.Type) (types.Type, []string) {
	if !s.exprSyntax(g, "argument") {
		return nil, nil
	}
	s.argType = want
	if want == anyInteger {
		s.argType = types.Typ[types.Int64]
	}
	defer func() { s.argType = nil }()
	fn := fmt.Sprintf("_tdcArg%d", s.nfiles+1)
	extra := map[string]string{}
	use := fmt.Sprintf("var _ %s = %s%s", s.typeString(want, extra), directive(g.Pos), g.Text)
	if want == anyInteger {
		use = fmt.Sprintf("var _ = %s%s(%s%s)", directive(g.Pos), integerFunc, directive(g.Pos), g.Text)
	}
	src := s.header(extra) + fmt.Sprintf("func %s() {\n\t%s\n}\n", fn, use)
	before := len(*s.errs)
	f := s.addFile(src)
	if f == nil || len(*s.errs) > before {
		return nil, nil
	}
	return want, s.usedParams(f)
}
