package codegen

import (
	"github.com/dave/jennifer/jen"

	"github.com/tdflow/tdc/lang"
	"github.com/tdflow/tdc/planner"
)

// A combiner fused into the operator that produces its records (see
// planner.Op.Combiner) is the operator's last stage. Where the stages
// before it hand on a record, it folds the record into the keyed state
// of the batch's time, in the field partials; when the run ends (Run
// calls run, then sendPartials) it sends each time's partial results
// through the exchange to the aggregation, oldest time first, and
// empties the states. The operator's own input times give it the right
// to send them, as for a combiner operator: the partial results of a
// time are sent in the run that consumed or produced its records.
//
// The combiner's gate (a tdrt.CombineGate) is asked once a batch
// whether to fold: partialsAt returns nil when combining is off
// (-combine=false) or the gate has found that it does not pay, and then
// the records go through the exchange as they are (a count's as
// (record, 1)). Each batch tells the gate how many records it took.

// combinerOp is the combiner fused into op viewed as a combiner
// operator, for the helpers that emit keyed state and folds; nil when op
// has none.
func combinerOp(op *planner.Op) *planner.Op {
	n := op.Combiner()
	if n == nil {
		return nil
	}
	return &planner.Op{Kind: planner.CombineOp, Node: n, Loop: op.Loop, Pos: n.Pos}
}

// combinerFields are the fields of an operator with a fused combiner.
func (d *dfGen) combinerFields(op *planner.Op) []jen.Code {
	comb := combinerOp(op)
	if comb == nil {
		return nil
	}
	key, value := d.aggregateTypes(comb)
	state := d.stateType(comb).Types(key, value)
	return []jen.Code{
		jen.Commentf("partials holds, per time, %s among the records this run produced, for the %s at %s; sparePartials holds emptied states for reuse.",
			aggregateDoc[aggKind(comb)], comb.Node.Name, d.pos(comb.Pos)),
		jen.Id("partials").Map(jen.Qual(rt, "Time")).Op("*").Add(state.Clone()),
		jen.Id("sparePartials").Index().Op("*").Add(state.Clone()),
		jen.Id("partialTimes").Index().Qual(rt, "Time"),
		jen.Comment("gate decides whether combining pays, from the records folded and the partial results sent."),
		jen.Id("gate").Qual(rt, "CombineGate"),
	}
}

// combinerInit adds the fused combiner's state to op's initialization.
func (d *dfGen) combinerInit(op *planner.Op, init jen.Dict) {
	if comb := combinerOp(op); comb != nil {
		key, value := d.aggregateTypes(comb)
		init[jen.Id("partials")] = jen.Make(jen.Map(jen.Qual(rt, "Time")).Op("*").Add(d.stateType(comb).Types(key, value)))
	}
}

// combinerStart returns the statements before a batch of records at
// time t runs through the stages: the state to fold them into, nil when
// they are passed on, and the count of records the combiner takes.
func combinerStart(op *planner.Op) []jen.Code {
	if op.Combiner() == nil {
		return nil
	}
	return []jen.Code{
		jen.Comment("The combiner folds the batch's records into partials, or passes them on when partials is nil."),
		jen.Id("partials").Op(":=").Id("op").Dot("partialsAt").Call(jen.Id("t")),
		jen.Id("took").Op(":=").Lit(0),
	}
}

// combinerEnd returns the statement after a batch that tells the gate
// how many records the combiner took.
func combinerEnd(op *planner.Op) []jen.Code {
	if op.Combiner() == nil {
		return nil
	}
	return []jen.Code{jen.Id("op").Dot("gate").Dot("Took").Call(jen.Id("took"), jen.Id("partials").Op("!=").Nil())}
}

// combine returns the statements of the fused combiner st, the last
// stage, for record variable rec: fold it, or hand it on.
func (s *stageGen) combine(st *lang.Node, rec string) []jen.Code {
	pass := s.push(rec)
	if st.Name == "count" {
		one := s.newVar()
		pass = append([]jen.Code{jen.Id(one).Op(":=").Add(s.typ(st.Out).(*jen.Statement).Clone().Values(jen.Dict{
			jen.Id("F0"): jen.Id(rec), jen.Id("F1"): jen.Lit(1),
		}))}, s.push(one)...)
	}
	fold := jen.If(jen.Id("partials").Op("!=").Nil()).Block(s.foldInto(combinerOp(s.op), "partials", rec)...).Else()
	if len(pass) == 1 {
		// The one push is an if statement: else if.
		fold.Add(pass[0])
	} else {
		fold.Block(pass...)
	}
	return []jen.Code{jen.Id("took").Op("++"), fold}
}

// combinerMethods emits partialsAt and sendPartials for an operator
// with a fused combiner.
func (d *dfGen) combinerMethods(op *planner.Op) {
	comb := combinerOp(op)
	if comb == nil {
		return
	}
	key, value := d.aggregateTypes(comb)
	recv := jen.Id("op").Op("*").Id(d.opType(op))
	partials := jen.Id("op").Dot("partials")
	d.f.Comment("partialsAt returns the state the combiner folds records of time t into, or nil when it passes them on: combining is off, or its gate finds that it does not pay.")
	d.f.Func().Params(recv.Clone()).Id("partialsAt").Params(jen.Id("t").Qual(rt, "Time")).Op("*").Add(d.stateType(comb).Types(key, value)).Block(
		jen.If(jen.Op("!").Id("op").Dot("w").Dot("Combine").Call().Op("||").Op("!").Id("op").Dot("gate").Dot("Folding").Call()).Block(jen.Return(jen.Nil())),
		jen.Id("m").Op(":=").Add(partials).Index(jen.Id("t")),
		jen.If(jen.Id("m").Op("==").Nil()).Block(
			d.takeStateFrom(comb, "sparePartials"),
			jen.Add(partials).Index(jen.Id("t")).Op("=").Id("m"),
		),
		jen.Return(jen.Id("m")),
	)

	s := &stageGen{dfGen: d, op: op}
	emit := d.typ(comb.Node.Out).(*jen.Statement).Clone().Values(jen.Dict{jen.Id("F0"): jen.Id("k"), jen.Id("F1"): jen.Id("v")})
	times := jen.Id("op").Dot("partialTimes")
	each := []jen.Code{
		jen.Id("m").Op(":=").Add(partials).Index(jen.Id("t")),
		jen.Id("op").Dot("gate").Dot("Sent").Call(jen.Id("m").Dot("Len").Call()),
	}
	each = append(each, pushTimes(op)...)
	each = append(each, jen.For(jen.List(jen.Id("k"), jen.Id("v")).Op(":=").Range().Id("m").Dot("All").Call()).Block(
		append([]jen.Code{jen.Id("r").Op(":=").Add(emit)}, s.push("r")...)...,
	))
	each = append(each, returnStateTo("sparePartials")...)
	each = append(each, jen.Delete(partials, jen.Id("t")))
	d.f.Comment("sendPartials sends the partial results the combiner folded during the run, oldest time first, and has its gate judge whether combining pays.")
	d.f.Func().Params(recv.Clone()).Id("sendPartials").Params().Block(
		jen.Add(times).Op("=").Add(times).Index(jen.Empty(), jen.Lit(0)),
		jen.For(jen.Id("t").Op(":=").Range().Add(partials)).Block(jen.Add(times).Op("=").Append(times, jen.Id("t"))),
		jen.Qual("slices", "SortFunc").Call(times, jen.Qual(rt, "CompareTime")),
		jen.For(jen.List(jen.Id("_"), jen.Id("t")).Op(":=").Range().Add(times)).Block(each...),
		jen.Id("op").Dot("gate").Dot("Judge").Call(),
		jen.If(jen.Id("op").Dot("gate").Dot("Passing").Call()).Block(
			jen.Comment("Nothing is folded for a while: let the emptied states go."),
			jen.Id("op").Dot("sparePartials").Op("=").Nil(),
		),
	)
}

// runWithCombiner emits Run for an operator with a fused combiner: the
// operator's own work, in run, then the partial results.
func (d *dfGen) runWithCombiner(op *planner.Op, body []jen.Code) {
	recv := jen.Id("op").Op("*").Id(d.opType(op))
	d.f.Comment("Run is called by the worker when the operator is activated; when the operator's work is done it sends what the combiner folded.")
	d.f.Func().Params(recv.Clone()).Id("Run").Params().Error().Block(
		jen.If(jen.Err().Op(":=").Id("op").Dot("run").Call(), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		jen.Id("op").Dot("sendPartials").Call(),
		jen.Return(jen.Nil()),
	)
	d.f.Comment("run is the operator's work for one activation.")
	d.f.Func().Params(recv.Clone()).Id("run").Params().Error().Block(body...)
}
