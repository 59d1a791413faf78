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
	name := fmt.Sprintf("%s%s%d_%d", prefix, camel(node.Op), l.Pos.Line, l.Pos.Column)
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
	body := jen.Block(jen.Return(jen.Id(l.Body)))
	if l.Block {
		body = jen.Id(l.Body)
	}
	g.decls = append(g.decls,
		jen.Commentf("%s is the lambda of %s at %s.", name, node.Op, g.pos(l.Pos)).Line().
			Func().Id(name).Params(params...).Params(results...).Add(body))
	return name
}

// call returns a call of node's lambda on record expression rec,
// destructuring tuples into the parameters.
func (g *gen) call(prefix string, node *lang.Node, rec jen.Code) *jen.Statement {
	name := g.lambda(prefix, node)
	l := node.Lambda
	if !l.Destructure {
		return jen.Id(name).Call(rec)
	}
	var args []jen.Code
	for i := range l.Params {
		args = append(args, jen.Add(rec).Dot(fmt.Sprintf("F%d", i)))
	}
	return jen.Id(name).Call(args...)
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
