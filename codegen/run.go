package codegen

import (
	"github.com/dave/jennifer/jen"

	"github.com/tdflow/tdc/planner"
)

// runMethod emits Run, which the worker calls when op is activated.
func (d *dfGen) runMethod(op *planner.Op) {
	var body []jen.Code
	switch op.Kind {
	case planner.LinesOp:
		body = d.runLines(op)
	case planner.RangeOp:
		body = d.runRange(op)
	case planner.CountOp:
		body = d.runCount(op)
	default:
		body = append(d.drain(op, func(b jen.Code) []jen.Code {
			return []jen.Code{jen.If(jen.Err().Op(":=").Id("op").Dot("process").Call(jen.Add(b).Dot("Time"), jen.Add(b).Dot("Data")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err()))}
		}), flushes(op)...)
		body = append(body, jen.Return(jen.Nil()))
	}
	d.f.Comment("Run is called by the worker when the operator is activated.")
	d.f.Func().Params(jen.Id("op").Op("*").Id(d.opType(op))).Id("Run").Params().Error().Block(body...)
}

// drain returns a loop over every input batch that runs use on it and
// then recycles the batch's slice.
func (d *dfGen) drain(op *planner.Op, use func(b jen.Code) []jen.Code) []jen.Code {
	var out []jen.Code
	for i := range d.inChannels(op) {
		in := jen.Id("op").Dot(inName(i))
		loop := []jen.Code{
			jen.List(jen.Id("b"), jen.Id("ok")).Op(":=").Add(in).Dot("Next").Call(),
			jen.If(jen.Op("!").Id("ok")).Block(jen.Break()),
		}
		loop = append(loop, use(jen.Id("b"))...)
		loop = append(loop, jen.Add(in).Dot("Recycle").Call(jen.Id("b").Dot("Data")))
		out = append(out, jen.For().Block(loop...))
	}
	return out
}

// runLines reads the worker's next lines and processes them; at the end
// of its share it releases its capability.
func (d *dfGen) runLines(op *planner.Op) []jen.Code {
	zero := jen.Qual(rt, "Time").Values()
	body := []jen.Code{
		jen.If(jen.Id("op").Dot("done")).Block(jen.Return(jen.Nil())),
		jen.If(jen.Id("op").Dot("lines").Op("==").Nil()).Block(
			jen.List(jen.Id("lines"), jen.Err()).Op(":=").Qual(rt, "OpenLines").Call(jen.Id("op").Dot("path"), jen.Id("op").Dot("w").Dot("Index").Call(), jen.Id("op").Dot("w").Dot("Peers").Call()),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
			jen.Id("op").Dot("lines").Op("=").Id("lines"),
		),
		jen.Var().Id("err").Error(),
		jen.List(jen.Id("op").Dot("batch"), jen.Err()).Op("=").Id("op").Dot("lines").Dot("Read").Call(jen.Id("op").Dot("batch").Index(jen.Empty(), jen.Lit(0)), jen.Qual(rt, "BatchSize")),
		jen.If(jen.Id("perr").Op(":=").Id("op").Dot("process").Call(zero, jen.Id("op").Dot("batch")), jen.Id("perr").Op("!=").Nil()).Block(jen.Return(jen.Id("perr"))),
	}
	body = append(body, flushes(op)...)
	body = append(body,
		jen.If(jen.Err().Op("==").Qual("io", "EOF")).Block(
			jen.Id("op").Dot("done").Op("=").True(),
			jen.Id("op").Dot("w").Dot("Release").Call(jen.Lit(op.Out.Loc), zero),
			jen.Return(jen.Id("op").Dot("lines").Dot("Close").Call()),
		),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		jen.Id("op").Dot("w").Dot("Reactivate").Call(),
		jen.Return(jen.Nil()),
	)
	return body
}

// runRange produces the worker's next integers and processes them; at the
// end of its share it releases its capability.
func (d *dfGen) runRange(op *planner.Op) []jen.Code {
	zero := jen.Qual(rt, "Time").Values()
	next := jen.Id("op").Dot("next")
	body := []jen.Code{
		jen.If(jen.Id("op").Dot("done")).Block(jen.Return(jen.Nil())),
		jen.Id("op").Dot("batch").Op("=").Id("op").Dot("batch").Index(jen.Empty(), jen.Lit(0)),
		jen.For(jen.Len(jen.Id("op").Dot("batch")).Op("<").Qual(rt, "BatchSize").Op("&&").Add(next).Op("<").Id("op").Dot("hi")).Block(
			jen.Id("op").Dot("batch").Op("=").Append(jen.Id("op").Dot("batch"), next),
			jen.Add(next).Op("++"),
		),
		jen.If(jen.Err().Op(":=").Id("op").Dot("process").Call(zero, jen.Id("op").Dot("batch")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
	}
	body = append(body, flushes(op)...)
	body = append(body,
		jen.If(jen.Add(next).Op(">=").Id("op").Dot("hi")).Block(
			jen.Id("op").Dot("done").Op("=").True(),
			jen.Id("op").Dot("w").Dot("Release").Call(jen.Lit(op.Out.Loc), zero),
			jen.Return(jen.Nil()),
		),
		jen.Id("op").Dot("w").Dot("Reactivate").Call(),
		jen.Return(jen.Nil()),
	)
	return body
}

// runCount adds the arriving records to the counts of their timestamp,
// holding a capability for each timestamp with counts, and emits the
// counts of every timestamp the input frontier has passed, oldest first.
func (d *dfGen) runCount(op *planner.Op) []jen.Code {
	out := jen.Lit(op.Out.Loc)
	counts := jen.Id("op").Dot("counts")
	body := d.drain(op, func(b jen.Code) []jen.Code {
		return []jen.Code{
			jen.List(jen.Id("m"), jen.Id("held")).Op(":=").Add(counts).Index(jen.Add(b).Dot("Time")),
			jen.If(jen.Op("!").Id("held")).Block(
				jen.Id("m").Op("=").Make(jen.Map(d.typ(op.Node.Inputs[0].Out)).Int64()),
				jen.Add(counts).Index(jen.Add(b).Dot("Time")).Op("=").Id("m"),
				jen.Id("op").Dot("w").Dot("Hold").Call(out, jen.Add(b).Dot("Time")),
			),
			jen.For(jen.List(jen.Id("_"), jen.Id("r")).Op(":=").Range().Add(b).Dot("Data")).Block(jen.Id("m").Index(jen.Id("r")).Op("++")),
		}
	})
	ready := jen.Id("op").Dot("ready")
	body = append(body,
		jen.Id("frontier").Op(":=").Id("op").Dot("w").Dot("Frontier").Call(jen.Lit(op.In.Loc)),
		jen.Add(ready).Op("=").Add(ready).Index(jen.Empty(), jen.Lit(0)),
		jen.For(jen.Id("t").Op(":=").Range().Add(counts)).Block(
			jen.If(jen.Op("!").Id("frontier").Dot("LessEqual").Call(jen.Id("t"))).Block(jen.Add(ready).Op("=").Append(ready, jen.Id("t"))),
		),
		jen.Qual("slices", "SortFunc").Call(ready, jen.Qual(rt, "CompareTime")),
		jen.For(jen.List(jen.Id("_"), jen.Id("t")).Op(":=").Range().Add(ready)).Block(
			jen.Id("op").Dot("batch").Op("=").Id("op").Dot("batch").Index(jen.Empty(), jen.Lit(0)),
			jen.For(jen.List(jen.Id("r"), jen.Id("n")).Op(":=").Range().Add(counts).Index(jen.Id("t"))).Block(
				jen.Id("op").Dot("batch").Op("=").Append(jen.Id("op").Dot("batch"), d.typ(op.Node.Out).(*jen.Statement).Clone().Values(jen.Dict{jen.Id("F0"): jen.Id("r"), jen.Id("F1"): jen.Id("n")})),
			),
			jen.If(jen.Err().Op(":=").Id("op").Dot("process").Call(jen.Id("t"), jen.Id("op").Dot("batch")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
			jen.Delete(counts, jen.Id("t")),
			jen.Id("op").Dot("w").Dot("Release").Call(out, jen.Id("t")),
		),
	)
	body = append(body, flushes(op)...)
	return append(body, jen.Return(jen.Nil()))
}
