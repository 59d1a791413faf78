package codegen

import (
	"github.com/dave/jennifer/jen"

	"github.com/tdflow/tdc/planner"
)

// stateMethod emits StateBytes for an operator that holds state across
// runs (a tdrt.Stateful): the runtime's memory monitor asks for it
// between runs, at most once per check, to name the operators that hold
// the most memory. Keyed states and arrangements estimate themselves;
// other state is estimated by tdrt.EstimateBytes, which samples.
func (d *dfGen) stateMethod(op *planner.Op) {
	body := d.stateBytes(op)
	recv := jen.Id("op").Op("*").Id(d.opType(op))
	if op.Combiner() != nil {
		d.partialBytesMethod(op)
		partials := jen.Id("op").Dot("partialBytes").Call()
		if body != nil {
			d.f.Comment("ownStateBytes estimates the bytes of the operator's own state, without its combiner's.")
			d.f.Func().Params(recv.Clone()).Id("ownStateBytes").Params().Int64().Block(body...)
			partials = jen.Id("op").Dot("ownStateBytes").Call().Op("+").Add(partials)
		}
		body = []jen.Code{jen.Return(partials)}
	}
	if body == nil {
		return
	}
	d.f.Comment("StateBytes estimates the bytes of state the operator holds, for the memory limit and -stats.")
	d.f.Func().Params(recv.Clone()).Id("StateBytes").Params().Int64().Block(body...)
}

// stateBytes returns the body of op's StateBytes, or nil when op holds
// no state across runs.
func (d *dfGen) stateBytes(op *planner.Op) []jen.Code {
	estimate := func(fields ...string) []jen.Code {
		var sum *jen.Statement
		for _, f := range fields {
			e := jen.Qual(rt, "EstimateBytes").Call(jen.Id("op").Dot(f))
			if sum == nil {
				sum = e
			} else {
				sum = sum.Op("+").Add(e)
			}
		}
		return []jen.Code{jen.Return(sum)}
	}
	// sumBytes adds the Bytes of every value of the map or slice field.
	sumBytes := func(field string) jen.Code {
		return jen.For(jen.List(jen.Id("_"), jen.Id("m")).Op(":=").Range().Id("op").Dot(field)).Block(
			jen.Id("n").Op("+=").Id("m").Dot("Bytes").Call(),
		)
	}
	switch {
	case op.Kind == planner.DelayOp, op.Kind == planner.CustomOp:
		return estimate("state")
	case op.Kind == planner.IterateOp:
		return estimate("seen")
	case op.Kind == planner.JoinOp && op.Arranged != nil:
		return []jen.Code{
			jen.Var().Id("n").Int64(),
			sumBytes("arranged"),
			jen.Return(jen.Id("n").Op("+").Qual(rt, "EstimateBytes").Call(jen.Id("op").Dot("pending"))),
		}
	case op.Kind == planner.JoinOp:
		return []jen.Code{jen.Var().Id("n").Int64(), sumBytes("left"), sumBytes("right"), jen.Return(jen.Id("n"))}
	case op.Kind.Aggregates() || op.Kind == planner.CombineOp:
		code := []jen.Code{jen.Var().Id("n").Int64(), sumBytes("state"), sumBytes("spare")}
		if op.Node.Across {
			return append(code, jen.Return(jen.Id("n").Op("+").Qual(rt, "EstimateBytes").Call(jen.Id("op").Dot("acc"))))
		}
		return append(code, jen.Return(jen.Id("n")))
	}
	return nil
}

// partialBytesMethod emits partialBytes for an operator with a fused
// combiner: its states are emptied at the end of every run, but the
// spare ones are kept for the next.
func (d *dfGen) partialBytesMethod(op *planner.Op) {
	d.f.Comment("partialBytes is the size of the combiner's states.")
	d.f.Func().Params(jen.Id("op").Op("*").Id(d.opType(op))).Id("partialBytes").Params().Int64().Block(
		jen.Var().Id("n").Int64(),
		jen.For(jen.List(jen.Id("_"), jen.Id("m")).Op(":=").Range().Id("op").Dot("partials")).Block(jen.Id("n").Op("+=").Id("m").Dot("Bytes").Call()),
		jen.For(jen.List(jen.Id("_"), jen.Id("m")).Op(":=").Range().Id("op").Dot("sparePartials")).Block(jen.Id("n").Op("+=").Id("m").Dot("Bytes").Call()),
		jen.Return(jen.Id("n")),
	)
}
