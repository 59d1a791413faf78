package codegen

import (
	"github.com/dave/jennifer/jen"

	"github.com/tdflow/tdc/lang"

	"github.com/tdflow/tdc/planner"
)

// mainFunc emits main for a binary: flags for the workers and the params,
// then every dataflow of the file in turn. Dataflows with host inputs
// need a Go host and cannot be run this way.
func (g *gen) mainFunc(graphs []*planner.Graph) error {
	var run []jen.Code
	for _, gr := range graphs {
		for _, op := range gr.Ops {
			if op.Kind == planner.InputOp {
				var errs lang.ErrorList
				errs.Addf(op.Pos, "dataflow %s has input %s, which a Go program must feed; generate a Go API with tdc gen instead of building a binary", gr.Name, op.Node.Name)
				return errs.Err()
			}
		}
		api := exported(gr.Name)
		run = append(run,
			jen.Block(
				jen.Id("cfg").Op(":=").Id("Default"+api+"Config").Call(),
				jen.Id("cfg").Dot("Runtime").Op("=").Id("rc"),
				jen.Id("cfg").Dot("Params").Op("=").Id("params"),
				jen.If(jen.Err().Op(":=").Id("Run"+api).Call(jen.Id("ctx"), jen.Id("cfg")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
			))
	}
	run = append(run, jen.Return(jen.Nil()))
	g.f.Comment("main runs the dataflows of " + g.file + " with the flags' workers and params.")
	g.f.Func().Id("main").Params().Block(
		jen.Id("params").Op(":=").Id("DefaultParams").Call(),
		jen.Qual("os", "Exit").Call(jen.Qual(rt, "Main").Call(
			jen.Qual("path/filepath", "Base").Call(jen.Qual("os", "Args").Index(jen.Lit(0))),
			jen.Qual("os", "Args").Index(jen.Lit(1), jen.Empty()),
			jen.Qual("os", "Stderr"),
			jen.Id("params").Dot("RegisterFlags"),
			jen.Func().Params(jen.Id("ctx").Qual("context", "Context"), jen.Id("rc").Qual(rt, "Config")).Error().Block(run...),
		)),
	)
	return nil
}
