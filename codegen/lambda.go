package codegen

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/tdflow/tdc/lang"
)

// lambda returns the name of the function generated for l, emitting it
// on first use. prefix names the dataflow.
func (g *gen) lambda(prefix string, node *lang.Node) string {
	l := node.Lambda
	if name, ok := g.lambdas[l]; ok {
		return name
	}
	name := lambdaName(prefix, node)
	g.lambdas[l] = name
	var params []jen.Code
	for i, p := range l.Params {
		params = append(params, jen.Id(p).Add(g.typ(l.ParamTypes[i])))
	}
	var results []jen.Code
	if l.Result != nil {
		results = append(results, g.typ(l.Result))
	}
	if l.Fallible {
		results = append(results, jen.Error())
	}
	// A lambda that uses params is a method of Params, with a local
	// variable for each param it uses.
	var locals []jen.Code
	for _, p := range l.UsesParams {
		locals = append(locals, jen.Id(p).Op(":=").Id(paramsRecv).Dot(exported(p)))
	}
	body := jen.Block(append(locals, jen.Return(jen.Id(l.Body)))...)
	if l.Result == nil && !l.Fallible {
		body = jen.Block(append(locals, jen.Id(l.Body))...)
	}
	if l.Block && len(locals) > 0 {
		body = jen.Block(append(locals, jen.Id(l.Body))...)
	} else if l.Block {
		body = jen.Id(l.Body)
	}
	fn := jen.Func()
	if len(l.UsesParams) > 0 {
		fn = fn.Params(jen.Id(paramsRecv).Op("*").Id("Params"))
	}
	g.decls = append(g.decls,
		jen.Commentf("%s is the lambda of %s at %s.", name, node.Op, g.pos(l.Pos)).Line().
			Add(fn).Id(name).Params(params...).Params(results...).Add(body))
	return name
}

// paramsRecv is the receiver of the methods of Params that lambdas and
// source arguments become; prefixed so that no .tdf name can shadow it.
const paramsRecv = "tdcParams"

// argMethodName returns the name of the method argMethod emits for a.
func argMethodName(prefix string, a *lang.GoArg) string {
	return fmt.Sprintf("%sArg%d_%d", prefix, a.Pos.Line, a.Pos.Column)
}

// argMethod returns a call of a method of Params that evaluates source
// argument a as type t, in build (where df is the dataflow).
func (g *gen) argMethod(prefix string, a *lang.GoArg, t jen.Code, convert bool) jen.Code {
	if name, ok := g.args[a]; ok {
		return jen.Id("df").Dot("cfg").Dot("Params").Dot(name).Call()
	}
	name := argMethodName(prefix, a)
	g.args[a] = name
	var body []jen.Code
	for _, p := range a.UsesParams {
		body = append(body, jen.Id(p).Op(":=").Id(paramsRecv).Dot(exported(p)))
	}
	value := jen.Id(a.Text)
	if convert {
		value = jen.Add(t).Call(jen.Id(a.Text))
	}
	body = append(body, jen.Return(value))
	g.decls = append(g.decls,
		jen.Commentf("%s evaluates the source argument at %s.", name, g.pos(a.Pos)).Line().
			Func().Params(jen.Id(paramsRecv).Op("*").Id("Params")).Id(name).Params().Add(t).Block(body...))
	return jen.Id("df").Dot("cfg").Dot("Params").Dot(name).Call()
}

// call returns a call of node's lambda on record expression rec,
// destructuring tuples into the parameters.
func (g *gen) call(prefix string, node *lang.Node, rec jen.Code) *jen.Statement {
	l := node.Lambda
	fn := g.callee(prefix, node)
	if !l.Destructure {
		return fn.Call(rec)
	}
	var args []jen.Code
	for i := range l.Params {
		args = append(args, jen.Add(rec).Dot(fmt.Sprintf("F%d", i)))
	}
	return fn.Call(args...)
}

// callee returns the function of node's lambda as an operator method
// calls it: a plain function, or a method of the operator's params.
func (g *gen) callee(prefix string, node *lang.Node) *jen.Statement {
	name := g.lambda(prefix, node)
	if len(node.Lambda.UsesParams) > 0 {
		return jen.Id("op").Dot("params").Dot(name)
	}
	return jen.Id(name)
}

// camel turns flat_map into FlatMap.
func camel(s string) string {
	out := ""
	up := true
	for _, r := range s {
		if r == '_' {
			up = true
			continue
		}
		if up && r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		up = false
		out += string(r)
	}
	return out
}
