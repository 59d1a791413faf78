package codegen

import (
	"go/types"

	"github.com/dave/jennifer/jen"

	"github.com/tdflow/tdc/lang"
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
	case planner.JoinOp:
		if op.Arranged != nil {
			body = d.runArrangedJoin(op)
		} else {
			body = d.runJoin(op)
		}
	case planner.DelayOp:
		body = d.runDelay(op)
	case planner.CustomOp:
		body = d.runCustom(op)
	case planner.IterateOp:
		body = d.runIterate(op)
	case planner.CountOp, planner.DistinctOp, planner.SumOp, planner.MinOp, planner.MaxOp, planner.ReduceOp, planner.TopKOp:
		body = d.runAggregate(op)
	case planner.CombineOp:
		body = d.runCombine(op)
	default:
		body = append(d.drain(op, func(b jen.Code) []jen.Code {
			return []jen.Code{jen.If(jen.Err().Op(":=").Id("op").Dot("process").Call(jen.Add(b).Dot("Time"), jen.Add(b).Dot("Data")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err()))}
		}), jen.Return(jen.Nil()))
	}
	if op.Combiner() != nil {
		d.runWithCombiner(op, body)
		return
	}
	d.f.Comment("Run is called by the worker when the operator is activated.")
	d.f.Func().Params(jen.Id("op").Op("*").Id(d.opType(op))).Id("Run").Params().Error().Block(body...)
}

// runDelay stashes each record under the epoch its lambda gives (never
// earlier than its own), holding a capability for each such time, and
// emits the records of every time the input frontier has passed, oldest
// first.
func (d *dfGen) runDelay(op *planner.Op) []jen.Code {
	out := jen.Lit(op.Out.Loc)
	state := jen.Id("op").Dot("state")
	l := op.Node.Lambda
	call := d.call(d.prefix, op.Node, jen.Id("r"))
	var epoch []jen.Code
	if l.Fallible {
		epoch = []jen.Code{
			jen.List(jen.Id("e"), jen.Err()).Op(":=").Add(call),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Qual(rt, "NewLambdaError").Call(jen.Lit(d.pos(l.Pos)), jen.Lit("delay"), jen.Id("r"), jen.Err()))),
		}
	} else {
		epoch = []jen.Code{jen.Id("e").Op(":=").Add(call)}
	}
	perRecord := append([]jen.Code{jen.Id("t").Op(":=").Id("b").Dot("Time")}, epoch...)
	perRecord = append(perRecord,
		jen.If(jen.Id("e").Op(">").Lit(0).Op("&&").Uint64().Call(jen.Id("e")).Op(">").Id("t").Dot("Epoch")).Block(
			jen.Id("t").Dot("Epoch").Op("=").Uint64().Call(jen.Id("e")),
		),
		jen.List(jen.Id("recs"), jen.Id("held")).Op(":=").Add(state).Index(jen.Id("t")),
		jen.If(jen.Op("!").Id("held")).Block(jen.Id("op").Dot("w").Dot("Hold").Call(out, jen.Id("t"))),
		jen.Add(state).Index(jen.Id("t")).Op("=").Append(jen.Id("recs"), jen.Id("r")),
	)
	body := d.drain(op, func(b jen.Code) []jen.Code {
		return []jen.Code{jen.For(jen.List(jen.Id("_"), jen.Id("r")).Op(":=").Range().Add(b).Dot("Data")).Block(perRecord...)}
	})
	body = append(body, d.emitComplete(op, state, nil, jen.Add(state).Index(jen.Id("t")))...)
	return append(body, jen.Return(jen.Nil()))
}

// runJoin stores the arriving (key, value) tuples of both inputs in an
// arrangement per input and timestamp, holding a capability for each
// timestamp with values, and emits the (key, a, b) triples of every
// timestamp that both input frontiers have passed, oldest first.
func (d *dfGen) runJoin(op *planner.Op) []jen.Code {
	out := jen.Lit(op.Out.Loc)
	left, right := jen.Id("op").Dot("left"), jen.Id("op").Dot("right")
	key, a, b := d.joinTypes(op)
	arr := d.joinArrangement(op)
	store := func(mine, other jen.Code, value jen.Code) func(bt jen.Code) []jen.Code {
		return func(bt jen.Code) []jen.Code {
			t := jen.Add(bt).Dot("Time")
			return []jen.Code{
				jen.List(jen.Id("m"), jen.Id("ok")).Op(":=").Add(mine).Index(t),
				jen.If(jen.Op("!").Id("ok")).Block(
					jen.Id("m").Op("=").New(arr.Clone().Types(key, value)),
					jen.Add(mine).Index(t).Op("=").Id("m"),
					jen.If(jen.List(jen.Id("_"), jen.Id("held")).Op(":=").Add(other).Index(t), jen.Op("!").Id("held")).Block(
						jen.Id("op").Dot("w").Dot("Hold").Call(out, t),
					),
				),
				jen.Id("m").Dot("AddTuples").Call(jen.Add(bt).Dot("Data")),
			}
		}
	}
	body := d.drain(op, store(left, right, a))
	body = append(body, d.drainPullers(rightName, len(op.Right.Channels), store(right, left, b))...)
	ready := jen.Id("op").Dot("ready")
	complete := jen.Op("!").Id("lf").Dot("LessEqual").Call(jen.Id("t")).Op("&&").Op("!").Id("rf").Dot("LessEqual").Call(jen.Id("t"))
	body = append(body,
		jen.Id("lf").Op(":=").Id("op").Dot("w").Dot("Frontier").Call(jen.Lit(op.In.Loc)),
		jen.Id("rf").Op(":=").Id("op").Dot("w").Dot("Frontier").Call(jen.Lit(op.Right.Loc)),
		jen.Add(ready).Op("=").Add(ready).Index(jen.Empty(), jen.Lit(0)),
		jen.For(jen.Id("t").Op(":=").Range().Add(left)).Block(jen.If(complete).Block(jen.Add(ready).Op("=").Append(ready, jen.Id("t")))),
		jen.For(jen.Id("t").Op(":=").Range().Add(right)).Block(
			jen.If(jen.List(jen.Id("_"), jen.Id("both")).Op(":=").Add(left).Index(jen.Id("t")), jen.Op("!").Id("both").Op("&&").Add(complete)).Block(
				jen.Add(ready).Op("=").Append(ready, jen.Id("t")),
			),
		),
		jen.Qual("slices", "SortFunc").Call(ready, jen.Qual(rt, "CompareTime")),
		jen.For(jen.List(jen.Id("_"), jen.Id("t")).Op(":=").Range().Add(ready)).Block(d.joinComplete(op)...),
	)
	return append(body, jen.Return(jen.Nil()))
}

// joinComplete returns the statements that match the values of both
// inputs of a join at complete time t, running the fused stages over each
// (key, a, b) triple as it is made, and drop them.
func (d *dfGen) joinComplete(op *planner.Op) []jen.Code {
	out := jen.Lit(op.Out.Loc)
	left, right := jen.Id("op").Dot("left"), jen.Id("op").Dot("right")
	var code []jen.Code
	if stages := d.joinedStages(op, jen.Dict{jen.Id("F0"): jen.Id("k"), jen.Id("F1"): jen.Id("a"), jen.Id("F2"): jen.Id("b")}); len(stages) > 0 {
		code = append(code,
			jen.List(jen.Id("lm"), jen.Id("rm")).Op(":=").List(jen.Add(left).Index(jen.Id("t")), jen.Add(right).Index(jen.Id("t"))),
			jen.Id("lm").Dot("Seal").Call(),
			jen.Id("rm").Dot("Seal").Call(),
		)
		code = append(code, d.timeChanges(op)...)
		code = append(code, pushTimes(op)...)
		code = append(code, combinerStart(op)...)
		code = append(code, jen.For(jen.List(jen.Id("k"), jen.Id("as")).Op(":=").Range().Id("lm").Dot("All").Call()).Block(
			jen.Id("bs").Op(":=").Id("rm").Dot("Lookup").Call(jen.Id("k")),
			jen.For(jen.List(jen.Id("_"), jen.Id("a")).Op(":=").Range().Id("as")).Block(
				jen.For(jen.List(jen.Id("_"), jen.Id("b")).Op(":=").Range().Id("bs")).Block(stages...),
			),
		))
		code = append(code, combinerEnd(op)...)
	}
	return append(code,
		jen.Delete(left, jen.Id("t")),
		jen.Delete(right, jen.Id("t")),
		jen.Id("op").Dot("w").Dot("Release").Call(out, jen.Id("t")),
	)
}

// drain returns a loop over every input batch that runs use on it and
// then recycles the batch's slice.
func (d *dfGen) drain(op *planner.Op, use func(b jen.Code) []jen.Code) []jen.Code {
	return d.drainPullers(inName, len(d.inChannels(op)), use)
}

// drainPullers returns a loop over the batches of each of n pullers,
// named by name, that runs use on each and then recycles its slice.
func (d *dfGen) drainPullers(name func(int) string, n int, use func(b jen.Code) []jen.Code) []jen.Code {
	var out []jen.Code
	for i := 0; i < n; i++ {
		in := jen.Id("op").Dot(name(i))
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

// runLines reads the worker's next lines and processes them (a typed
// source parses them into records first, see parseLines); at the end of
// its share it releases its capability.
func (d *dfGen) runLines(op *planner.Op) []jen.Code {
	zero := jen.Qual(rt, "Time").Values()
	open := []jen.Code{
		jen.List(jen.Id("lines"), jen.Err()).Op(":=").Id("op").Dot("w").Dot("OpenLines").Call(jen.Id("op").Dot("path")),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
	}
	records := jen.Id("op").Dot("batch")
	if typedSource(op) {
		open = append(open, jen.Id("lines").Dot("MaxLine").Op("=").Id("op").Dot("maxLine"))
		records = jen.Id("op").Dot("records")
	}
	body := []jen.Code{
		jen.If(jen.Id("op").Dot("done")).Block(jen.Return(jen.Nil())),
		jen.If(jen.Id("op").Dot("lines").Op("==").Nil()).Block(append(open, jen.Id("op").Dot("lines").Op("=").Id("lines"))...),
	}
	if typedSource(op) {
		body = append(body, d.readRecords(op)...)
	} else {
		body = append(body,
			jen.Var().Id("err").Error(),
			jen.List(jen.Id("op").Dot("batch"), jen.Err()).Op("=").Id("op").Dot("lines").Dot("Read").Call(jen.Id("op").Dot("batch").Index(jen.Empty(), jen.Lit(0)), jen.Qual(rt, "SourceChunk")),
		)
	}
	body = append(body,
		jen.If(jen.Id("perr").Op(":=").Id("op").Dot("process").Call(zero, records), jen.Id("perr").Op("!=").Nil()).Block(jen.Return(jen.Id("perr"))),
	)
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
		jen.For(jen.Len(jen.Id("op").Dot("batch")).Op("<").Qual(rt, "SourceChunk").Op("&&").Add(next).Op("<").Id("op").Dot("hi")).Block(
			jen.Id("op").Dot("batch").Op("=").Append(jen.Id("op").Dot("batch"), next),
			jen.Add(next).Op("++"),
		),
		jen.If(jen.Err().Op(":=").Id("op").Dot("process").Call(zero, jen.Id("op").Dot("batch")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
	}
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

// runAggregate folds the arriving records into the state of their
// timestamp, holding a capability for each timestamp with state, and
// emits the state of every timestamp the input frontier has passed,
// oldest first, a batch at a time. Emptied states are kept for later
// timestamps until the input frontier is empty.
func (d *dfGen) runAggregate(op *planner.Op) []jen.Code {
	out := jen.Lit(op.Out.Loc)
	state := jen.Id("op").Dot("state")
	body := d.drain(op, func(b jen.Code) []jen.Code {
		return []jen.Code{
			jen.List(jen.Id("m"), jen.Id("held")).Op(":=").Add(state).Index(jen.Add(b).Dot("Time")),
			jen.If(jen.Op("!").Id("held")).Block(
				d.takeState(op),
				jen.Add(state).Index(jen.Add(b).Dot("Time")).Op("=").Id("m"),
				jen.Id("op").Dot("w").Dot("Hold").Call(out, jen.Add(b).Dot("Time")),
			),
			jen.For(jen.List(jen.Id("_"), jen.Id("r")).Op(":=").Range().Add(b).Dot("Data")).Block(d.fold(op)...),
		}
	})
	var emit jen.Code
	if op.Kind == planner.DistinctOp {
		emit = jen.Id("r")
	} else {
		emit = d.typ(op.Node.Out).(*jen.Statement).Clone().Values(jen.Dict{jen.Id("F0"): jen.Id("r"), jen.Id("F1"): jen.Id("v")})
	}
	loopVars := jen.List(jen.Id("r"), jen.Id("v"))
	if op.Kind == planner.DistinctOp {
		loopVars = jen.Id("r")
	}
	prepare := []jen.Code{
		jen.Id("op").Dot("batch").Op("=").Id("op").Dot("batch").Index(jen.Empty(), jen.Lit(0)),
		jen.For(loopVars.Op(":=").Range().Add(state).Index(jen.Id("t")).Dot("All").Call()).Block(
			append(d.emitState(op, emit), processFull())...,
		),
	}
	if op.Node.Across {
		prepare = d.acrossPrepare(op, emit)
	}
	recycle := append([]jen.Code{jen.Id("m").Op(":=").Add(state).Index(jen.Id("t"))}, returnState()...)
	body = append(body, d.emitComplete(op, state, prepare, jen.Id("op").Dot("batch"), recycle...)...)
	body = append(body, jen.If(jen.Id("frontier").Dot("Empty").Call()).Block(
		jen.Comment("No more records will come: let the emptied states go."),
		jen.Id("op").Dot("spare").Op("=").Nil(),
	))
	if op.Node.Across {
		body = append(body, jen.For(jen.Id("o").Op(":=").Range().Id("op").Dot("acc")).Block(
			jen.If(jen.Qual(rt, "LoopDone").Call(jen.Id("frontier"), jen.Id("o"), jen.Lit(op.Node.Loop.Depth))).Block(
				jen.Delete(jen.Id("op").Dot("acc"), jen.Id("o")),
			),
		))
	}
	return append(body, jen.Return(jen.Nil()))
}

// emitComplete returns the statements that find the times in state (a
// map by time) that the input frontier has passed, and for each, oldest
// first, runs prepare, then the operator's stages over data, drops the
// time's state and releases the capability held for it.
func (d *dfGen) emitComplete(op *planner.Op, state jen.Code, prepare []jen.Code, data jen.Code, recycle ...jen.Code) []jen.Code {
	ready := jen.Id("op").Dot("ready")
	each := append(prepare,
		jen.If(jen.Err().Op(":=").Id("op").Dot("process").Call(jen.Id("t"), data), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
	)
	each = append(each, recycle...)
	each = append(each,
		jen.Delete(state, jen.Id("t")),
		jen.Id("op").Dot("w").Dot("Release").Call(jen.Lit(op.Out.Loc), jen.Id("t")),
	)
	return []jen.Code{
		jen.Id("frontier").Op(":=").Id("op").Dot("w").Dot("Frontier").Call(jen.Lit(op.In.Loc)),
		jen.Add(ready).Op("=").Add(ready).Index(jen.Empty(), jen.Lit(0)),
		jen.For(jen.Id("t").Op(":=").Range().Add(state)).Block(
			jen.If(jen.Op("!").Id("frontier").Dot("LessEqual").Call(jen.Id("t"))).Block(jen.Add(ready).Op("=").Append(ready, jen.Id("t"))),
		),
		jen.Qual("slices", "SortFunc").Call(ready, jen.Qual(rt, "CompareTime")),
		jen.For(jen.List(jen.Id("_"), jen.Id("t")).Op(":=").Range().Add(ready)).Block(each...),
	}
}

// processFull returns the statement that, once the batch being emitted
// at time t holds BatchSize records, runs the operator's stages over it
// and empties it: the state of a time is emitted in batches, so that the
// batch never holds a copy of all of it.
func processFull() jen.Code {
	batch := jen.Id("op").Dot("batch")
	return jen.If(jen.Len(batch).Op(">=").Qual(rt, "BatchSize")).Block(
		jen.If(jen.Err().Op(":=").Id("op").Dot("process").Call(jen.Id("t"), batch), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		jen.Add(batch).Op("=").Add(batch).Index(jen.Empty(), jen.Lit(0)),
	)
}

// emitState returns the statements that add one state entry (r, v) to
// the batch to emit; top_k emits one record per kept value.
func (d *dfGen) emitState(op *planner.Op, emit jen.Code) []jen.Code {
	if op.Kind != planner.TopKOp {
		return []jen.Code{jen.Id("op").Dot("batch").Op("=").Append(jen.Id("op").Dot("batch"), emit)}
	}
	x := jen.Id("x")
	if op.Node.Lambda != nil {
		x = jen.Id("x").Dot("Record")
	}
	one := d.typ(op.Node.Out).(*jen.Statement).Clone().Values(jen.Dict{jen.Id("F0"): jen.Id("r"), jen.Id("F1"): x})
	return []jen.Code{jen.For(jen.List(jen.Id("_"), jen.Id("x")).Op(":=").Range().Id("v")).Block(
		jen.Id("op").Dot("batch").Op("=").Append(jen.Id("op").Dot("batch"), one),
	)}
}

// fold returns the statements that add record r to the keyed state m
// (a tdrt.DenseState or HashState), through the slot of its key.
func (d *dfGen) fold(op *planner.Op) []jen.Code { return d.foldInto(op, "m", "r") }

// foldInto returns the statements that add the record in variable rec
// to the keyed state in variable m.
func (d *dfGen) foldInto(op *planner.Op, m, rec string) []jen.Code {
	r := jen.Id(rec)
	k, v := jen.Id(rec).Dot("F0"), jen.Id(rec).Dot("F1")
	slot := func(key jen.Code, fresh string) []jen.Code { return d.slotIn(op, m, key, fresh) }
	p := jen.Op("*").Id("p")
	switch aggKind(op) {
	case planner.CountOp:
		if op.Node.Combined {
			return append(slot(k, "_"), jen.Add(p).Op("+=").Add(v))
		}
		return append(slot(r, "_"), jen.Add(p).Op("++"))
	case planner.DistinctOp:
		return slot(r, "")
	case planner.SumOp:
		return append(slot(k, "_"), jen.Add(p).Op("+=").Add(v))
	case planner.TopKOp:
		if op.Node.Lambda != nil {
			return d.foldRanked(op)
		}
		// Keep the values sorted, greatest first, and at most k of them.
		vs := jen.Id("vs")
		return append(slot(k, "_"),
			vs.Clone().Op(":=").Add(p),
			jen.Id("i").Op(":=").Lit(0),
			jen.For(jen.Id("i").Op("<").Len(vs).Op("&&").Add(vs).Index(jen.Id("i")).Op(">=").Add(v)).Block(jen.Id("i").Op("++")),
			jen.If(jen.Id("i").Op("<").Id("op").Dot("k")).Block(
				vs.Clone().Op("=").Qual("slices", "Insert").Call(vs, jen.Id("i"), v),
				jen.If(jen.Len(vs).Op(">").Id("op").Dot("k")).Block(vs.Clone().Op("=").Add(vs).Index(jen.Empty(), jen.Id("op").Dot("k"))),
				jen.Add(p).Op("=").Add(vs),
			),
		)
	case planner.MinOp, planner.MaxOp:
		cmp := "<"
		if aggKind(op) == planner.MaxOp {
			cmp = ">"
		}
		kept := v
		// A combiner's state lasts one run, no longer than its records; an
		// aggregation's outlives the record's block of text: keep a copy.
		// (A combiner fused into its producer has no input of its own.)
		if op.Kind != planner.CombineOp {
			if f := lang.TupleFields(op.In.Type); len(f) == 2 && isString(f[1]) {
				kept = jen.Qual(rt, "Keep").Call(v)
			}
		}
		return append(slot(k, "fresh"), jen.If(jen.Id("fresh").Op("||").Add(v).Op(cmp).Add(p)).Block(
			jen.Add(p).Op("=").Add(kept),
		))
	}
	// reduce
	l := op.Node.Lambda
	call := d.callee(d.prefix, op.Node).Call(p, v)
	combine := []jen.Code{jen.Add(p).Op("=").Add(call)}
	if l.Fallible {
		combine = []jen.Code{
			jen.List(jen.Id("nv"), jen.Err()).Op(":=").Add(call),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Qual(rt, "NewLambdaError").Call(jen.Lit(d.pos(l.Pos)), jen.Lit("reduce"), r, jen.Err()))),
			jen.Add(p).Op("=").Id("nv"),
		}
	}
	return append(slot(k, "fresh"), jen.If(jen.Id("fresh")).Block(jen.Add(p).Op("=").Add(v)).Else().Block(combine...))
}

// slot returns the statements that set p to the slot of key in the
// keyed state m, and the variable named fresh to whether the key is new
// ("_" for neither p nor fresh wanted beyond p, "" for neither: the key
// is only marked present). A DenseState is asked through TrySlot first,
// which the Go compiler inlines, and through Slot only for a key whose
// page is not there yet.
func (d *dfGen) slot(op *planner.Op, key jen.Code, fresh string) []jen.Code {
	return d.slotIn(op, "m", key, fresh)
}

// slotIn is slot for the keyed state in variable state.
func (d *dfGen) slotIn(op *planner.Op, state string, key jen.Code, fresh string) []jen.Code {
	m := jen.Id(state)
	if !denseKey(op) {
		if fresh == "" {
			return []jen.Code{m.Clone().Dot("Slot").Call(key)}
		}
		return []jen.Code{jen.List(jen.Id("p"), jen.Id(fresh)).Op(":=").Add(m).Dot("Slot").Call(key)}
	}
	if fresh == "" {
		return []jen.Code{jen.If(jen.List(jen.Id("p"), jen.Id("_")).Op(":=").Add(m).Dot("TrySlot").Call(key), jen.Id("p").Op("==").Nil()).Block(
			m.Clone().Dot("Slot").Call(key),
		)}
	}
	return []jen.Code{
		jen.List(jen.Id("p"), jen.Id(fresh)).Op(":=").Add(m).Dot("TrySlot").Call(key),
		jen.If(jen.Id("p").Op("==").Nil()).Block(jen.List(jen.Id("p"), jen.Id(fresh)).Op("=").Add(m).Dot("Slot").Call(key)),
	}
}

// stateType is the runtime's keyed state for the operator's key type:
// DenseState for integer keys, HashState otherwise.
func (d *dfGen) stateType(op *planner.Op) *jen.Statement {
	if denseKey(op) {
		return jen.Qual(rt, "DenseState")
	}
	return jen.Qual(rt, "HashState")
}

// denseKey reports whether the operator's key is an integer, kept in a
// DenseState.
func denseKey(op *planner.Op) bool {
	key := op.Node.Inputs[0].Out
	if kind := aggKind(op); kind != planner.CountOp && kind != planner.DistinctOp || op.Node.Combined {
		key = lang.TupleFields(key)[0]
	}
	b, ok := key.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsInteger != 0
}

// acrossPrepare returns the statements that, for an aggregation written
// name(across), fold the state of the complete round t into the state
// kept across the rounds of t's outer time, and add to the batch the
// keys whose result changed: a new key, a lower minimum, a higher
// maximum, a count or sum moved by a nonzero amount.
func (d *dfGen) acrossPrepare(op *planner.Op, emit jen.Code) []jen.Code {
	key, value := d.aggregateTypes(op)
	acc := jen.Id("acc")
	var fold []jen.Code
	add := jen.Id("op").Dot("batch").Op("=").Append(jen.Id("op").Dot("batch"), emit)
	switch op.Kind {
	case planner.DistinctOp:
		fold = []jen.Code{jen.If(jen.List(jen.Id("_"), jen.Id("ok")).Op(":=").Add(acc).Index(jen.Id("r")), jen.Op("!").Id("ok")).Block(
			jen.Add(acc).Index(jen.Id("r")).Op("=").Struct().Values(), add,
		)}
	case planner.MinOp, planner.MaxOp:
		cmp := "<"
		if op.Kind == planner.MaxOp {
			cmp = ">"
		}
		fold = []jen.Code{jen.If(jen.List(jen.Id("old"), jen.Id("ok")).Op(":=").Add(acc).Index(jen.Id("r")), jen.Op("!").Id("ok").Op("||").Id("v").Op(cmp).Id("old")).Block(
			jen.Add(acc).Index(jen.Id("r")).Op("=").Id("v"), add,
		)}
	default: // count, sum
		fold = []jen.Code{jen.If(jen.Id("v").Op("!=").Lit(0)).Block(
			jen.Id("v").Op("+=").Add(acc).Index(jen.Id("r")),
			jen.Add(acc).Index(jen.Id("r")).Op("=").Id("v"), add,
		)}
	}
	loopVars := jen.List(jen.Id("r"), jen.Id("v"))
	if op.Kind == planner.DistinctOp {
		loopVars = jen.Id("r")
	}
	return []jen.Code{
		jen.Id("op").Dot("batch").Op("=").Id("op").Dot("batch").Index(jen.Empty(), jen.Lit(0)),
		jen.Id("o").Op(":=").Id("t").Dot("Outer").Call(jen.Lit(op.Node.Loop.Depth - 1)),
		jen.Id("acc").Op(":=").Id("op").Dot("acc").Index(jen.Id("o")),
		jen.If(jen.Id("acc").Op("==").Nil()).Block(
			jen.Id("acc").Op("=").Make(jen.Map(key).Add(value)),
			jen.Id("op").Dot("acc").Index(jen.Id("o")).Op("=").Id("acc"),
		),
		jen.For(loopVars.Op(":=").Range().Add(jen.Id("op").Dot("state")).Index(jen.Id("t")).Dot("All").Call()).Block(fold...),
	}
}

// foldRanked returns the statements that add (key, value) record r to
// the keyed state m of top_k(k, v => score): each key's values are kept
// sorted by score, greatest first, equal scores by the values' hash,
// smallest first, and at most k of them.
func (d *dfGen) foldRanked(op *planner.Op) []jen.Code {
	v := jen.Id("r").Dot("F1")
	vt := lang.TupleFields(op.Node.Inputs[0].Out)[1]
	vs, x := jen.Id("vs"), jen.Id("x")
	before := jen.Add(vs).Index(jen.Id("i")).Dot("Score").Op(">").Add(x).Dot("Score").Op("||").
		Add(vs).Index(jen.Id("i")).Dot("Score").Op("==").Add(x).Dot("Score").Op("&&").Add(vs).Index(jen.Id("i")).Dot("Hash").Op("<=").Add(x).Dot("Hash")
	code := []jen.Code{
		jen.Id("x").Op(":=").Qual(rt, "Ranked").Types(d.typ(op.Node.Lambda.Result), d.typ(vt)).Values(jen.Dict{
			jen.Id("Score"):  d.call(d.prefix, op.Node, v),
			jen.Id("Hash"):   d.hash(vt, v),
			jen.Id("Record"): v,
		}),
	}
	code = append(code, d.slot(op, jen.Id("r").Dot("F0"), "_")...)
	return append(code,
		vs.Clone().Op(":=").Op("*").Id("p"),
		jen.Id("i").Op(":=").Lit(0),
		jen.For(jen.Id("i").Op("<").Len(vs).Op("&&").Parens(before)).Block(jen.Id("i").Op("++")),
		jen.If(jen.Id("i").Op("<").Id("op").Dot("k")).Block(
			vs.Clone().Op("=").Qual("slices", "Insert").Call(vs, jen.Id("i"), x),
			jen.If(jen.Len(vs).Op(">").Id("op").Dot("k")).Block(vs.Clone().Op("=").Add(vs).Index(jen.Empty(), jen.Id("op").Dot("k"))),
			jen.Op("*").Id("p").Op("=").Add(vs),
		),
	)
}

// runCombine folds the records that arrived since the last run into
// per-time state, by key, and sends each time's partial results, oldest
// time first; a count's partial results are (record, count) tuples. The
// records' own times give the right to send: nothing waits for a
// frontier, so no capability is held. The combiner's gate (a
// tdrt.CombineGate) counts the records folded and the partial results
// sent, and when combining does not halve them has the combiner pass
// records on for a while, dropping its emptied states. With combining
// off, or while the gate says so, it passes the records on, a count's
// as (record, 1).
func (d *dfGen) runCombine(op *planner.Op) []jen.Code {
	state, ready, gate := jen.Id("op").Dot("state"), jen.Id("op").Dot("ready"), jen.Id("op").Dot("gate")
	count := aggKind(op) == planner.CountOp
	pass := []jen.Code{jen.If(jen.Err().Op(":=").Id("op").Dot("process").Call(jen.Id("b").Dot("Time"), jen.Id("b").Dot("Data")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err()))}
	if count {
		one := d.typ(op.Node.Out).(*jen.Statement).Clone().Values(jen.Dict{jen.Id("F0"): jen.Id("r"), jen.Id("F1"): jen.Lit(1)})
		pass = []jen.Code{
			jen.Id("op").Dot("batch").Op("=").Id("op").Dot("batch").Index(jen.Empty(), jen.Lit(0)),
			jen.For(jen.List(jen.Id("_"), jen.Id("r")).Op(":=").Range().Id("b").Dot("Data")).Block(
				jen.Id("op").Dot("batch").Op("=").Append(jen.Id("op").Dot("batch"), one),
			),
			jen.If(jen.Err().Op(":=").Id("op").Dot("process").Call(jen.Id("b").Dot("Time"), jen.Id("op").Dot("batch")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		}
	}
	body := []jen.Code{jen.Id("combine").Op(":=").Id("op").Dot("w").Dot("Combine").Call()}
	body = append(body, d.drain(op, func(b jen.Code) []jen.Code {
		fold := []jen.Code{
			jen.Id("m").Op(":=").Add(state).Index(jen.Add(b).Dot("Time")),
			jen.If(jen.Id("m").Op("==").Nil()).Block(
				d.takeState(op),
				jen.Add(state).Index(jen.Add(b).Dot("Time")).Op("=").Id("m"),
			),
			jen.For(jen.List(jen.Id("_"), jen.Id("r")).Op(":=").Range().Add(b).Dot("Data")).Block(d.fold(op)...),
		}
		folding := jen.Id("combine").Op("&&").Add(gate).Dot("Fold").Call(jen.Len(jen.Add(b).Dot("Data")))
		return []jen.Code{jen.If(folding).Block(fold...).Else().Block(pass...)}
	})...)
	emit := d.typ(op.Node.Out).(*jen.Statement).Clone().Values(jen.Dict{jen.Id("F0"): jen.Id("r"), jen.Id("F1"): jen.Id("v")})
	batch := jen.Id("op").Dot("batch")
	body = append(body,
		jen.Add(ready).Op("=").Add(ready).Index(jen.Empty(), jen.Lit(0)),
		jen.For(jen.Id("t").Op(":=").Range().Add(state)).Block(jen.Add(ready).Op("=").Append(ready, jen.Id("t"))),
		jen.Qual("slices", "SortFunc").Call(ready, jen.Qual(rt, "CompareTime")),
		jen.For(jen.List(jen.Id("_"), jen.Id("t")).Op(":=").Range().Add(ready)).Block(append(append([]jen.Code{
			jen.Id("m").Op(":=").Add(state).Index(jen.Id("t")),
			jen.Add(gate).Dot("Sent").Call(jen.Id("m").Dot("Len").Call()),
			jen.Add(batch).Op("=").Add(batch).Index(jen.Empty(), jen.Lit(0)),
			jen.For(jen.List(jen.Id("r"), jen.Id("v")).Op(":=").Range().Id("m").Dot("All").Call()).Block(
				jen.Add(batch).Op("=").Append(batch, emit),
				processFull(),
			),
			jen.If(jen.Err().Op(":=").Id("op").Dot("process").Call(jen.Id("t"), batch), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		}, returnState()...), jen.Delete(state, jen.Id("t")))...),
		jen.Add(gate).Dot("Judge").Call(),
		jen.If(jen.Add(gate).Dot("Passing").Call()).Block(
			jen.Comment("Nothing is folded for a while: let the emptied states go."),
			jen.Id("op").Dot("spare").Op("=").Nil(),
		),
	)
	return append(body, jen.Return(jen.Nil()))
}

// takeState returns the statement that sets m to an empty keyed state
// for an aggregation or combiner: one of op.spare, or a new one.
func (d *dfGen) takeState(op *planner.Op) jen.Code { return d.takeStateFrom(op, "spare") }

// takeStateFrom is takeState with the emptied states in op's field spare.
func (d *dfGen) takeStateFrom(op *planner.Op, spareField string) jen.Code {
	key, value := d.aggregateTypes(op)
	spare := jen.Id("op").Dot(spareField)
	return jen.If(jen.Id("n").Op(":=").Len(spare), jen.Id("n").Op(">").Lit(0)).Block(
		jen.List(jen.Id("m"), spare).Op("=").List(jen.Add(spare).Index(jen.Id("n").Op("-").Lit(1)), jen.Add(spare).Index(jen.Empty(), jen.Id("n").Op("-").Lit(1))),
	).Else().Block(d.newState(op, key, value))
}

// newState returns the statement that sets m to a new keyed state. A
// combiner's state lasts one run, no longer than the records it folds,
// so a HashState of it borrows its keys rather than copying them.
func (d *dfGen) newState(op *planner.Op, key, value jen.Code) jen.Code {
	state := d.stateType(op).Types(key, value)
	if op.Kind == planner.CombineOp && !denseKey(op) {
		return jen.Id("m").Op("=").Op("&").Add(state).Values(jen.Dict{jen.Id("Borrow"): jen.True()})
	}
	return jen.Id("m").Op("=").New(state)
}

// returnState returns the statements that empty the keyed state m and
// keep it in op.spare for takeState.
func returnState() []jen.Code { return returnStateTo("spare") }

// returnStateTo is returnState with the emptied states in op's field
// spare.
func returnStateTo(spareField string) []jen.Code {
	spare := jen.Id("op").Dot(spareField)
	return []jen.Code{
		jen.Id("m").Dot("Reset").Call(),
		jen.Add(spare).Op("=").Append(spare, jen.Id("m")),
	}
}
