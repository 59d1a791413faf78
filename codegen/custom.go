package codegen

import (
	"fmt"
	"go/types"
	"slices"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/tdflow/tdc/lang"
	"github.com/tdflow/tdc/planner"
)

// operatorDecls emits, for every custom operator, the type of its state
// and its handlers as methods of that type. A handler receives the time,
// the records, and the functions that emit records and ask for
// notifications, which the operator's instance provides.
func (g *gen) operatorDecls() {
	for _, op := range g.prog.Operators {
		fields := []jen.Code{}
		if operatorUsesParams(op) {
			fields = append(fields, jen.Id(paramsRecv).Op("*").Id("Params"))
		}
		if inner := strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(op.State, "{"), "}")); inner != "" {
			fields = append(fields, jen.Id(inner))
		}
		g.f.Commentf("%s is one worker's state of operator %s (%s).", op.StateType(), op.Name, g.pos(op.Pos))
		g.f.Type().Id(op.StateType()).Struct(fields...)
		for _, in := range op.Inputs {
			g.handler(op, in.Handler, in)
		}
		if op.Notify != nil {
			g.handler(op, op.Notify, nil)
		}
	}
}

// handlerName is the method of the state type that runs a handler of in,
// or the notification handler when in is nil.
func handlerName(in *lang.OperatorInputDef) string {
	if in == nil {
		return "onNotify"
	}
	return "on" + exported(in.Name)
}

// handler emits one handler as a method of the operator's state.
func (g *gen) handler(op *lang.OperatorDef, h *lang.HandlerDef, in *lang.OperatorInputDef) {
	params := []jen.Code{jen.Id(h.Params[0]).Qual(rt, "Time")}
	what := "the notification that a time is complete"
	if in != nil {
		params = append(params, jen.Id(h.Params[1]).Index().Add(g.typ(in.Type)))
		what = "the records of input " + in.Name + "; they are the caller's after it returns"
	}
	params = append(params, g.emitParams(op)...)
	var locals []jen.Code
	for _, p := range h.UsesParams {
		locals = append(locals, jen.Id(p).Op(":=").Id("state").Dot(paramsRecv).Dot(exported(p)))
	}
	body := jen.Id(h.Body)
	if len(locals) > 0 {
		body = jen.Block(append(locals, jen.Id(h.Body))...)
	}
	g.f.Commentf("%s is operator %s's handler of %s (%s).", handlerName(in), op.Name, what, g.pos(h.Pos))
	g.f.Func().Params(jen.Id("state").Op("*").Id(op.StateType())).Id(handlerName(in)).Params(params...).Add(body)
}

// emitParams are the parameters of every handler after the time and the
// records: emit, emitAt (when the operator has an output), notify, fail.
func (g *gen) emitParams(op *lang.OperatorDef) []jen.Code {
	var out []jen.Code
	if op.Out != nil {
		out = append(out,
			jen.Id("emit").Func().Params(g.typ(op.Out)),
			jen.Id("emitAt").Func().Params(jen.Qual(rt, "Time"), g.typ(op.Out)))
	}
	return append(out, jen.Id("notify").Func().Params(jen.Qual(rt, "Time")), jen.Id("fail").Func().Params(jen.Error()))
}

// emitArgs are the arguments that match emitParams, from an operator.
func emitArgs(op *lang.OperatorDef) []jen.Code {
	var out []jen.Code
	if op.Out != nil {
		out = append(out, jen.Id("op").Dot("emit"), jen.Id("op").Dot("emitAt"))
	}
	return append(out, jen.Id("op").Dot("notify"), jen.Id("op").Dot("fail"))
}

func operatorUsesParams(op *lang.OperatorDef) bool {
	for _, in := range op.Inputs {
		if len(in.Handler.UsesParams) > 0 {
			return true
		}
	}
	return op.Notify != nil && len(op.Notify.UsesParams) > 0
}

// customFields are the fields of a custom operator's instance.
func (d *dfGen) customFields(op *planner.Op) []jen.Code {
	def := op.Node.Operator
	time := jen.Qual(rt, "Time")
	fields := []jen.Code{
		jen.Id("state").Op("*").Id(def.StateType()),
		jen.Comment("notifier has the time being handled, the notifications asked for and the first failure."),
		jen.Id("notifier").Op("*").Qual(rt, "Notifier"),
	}
	if def.Out != nil {
		out := d.typ(def.Out)
		fields = append(fields,
			jen.Comment("emitted holds the records emitted at the time being handled, processed when the handler returns."),
			jen.Id("emitted").Index().Add(out),
			jen.Id("one").Index(jen.Lit(1)).Add(out),
			jen.Id("emit").Func().Params(out),
			jen.Id("emitAt").Func().Params(time, out))
	}
	return append(fields, jen.Id("notify").Func().Params(time), jen.Id("fail").Func().Params(jen.Error()))
}

// newCustom returns the statements of build that finish a custom
// operator's instance v: the state's maps, and the functions its
// handlers call.
func (d *dfGen) newCustom(op *planner.Op, v string) []jen.Code {
	def := op.Node.Operator
	var stmts []jen.Code
	for _, f := range def.StateFields {
		if _, ok := f.Type.Underlying().(*types.Map); ok {
			stmts = append(stmts, jen.Id(v).Dot("state").Dot(f.Name).Op("=").Make(d.typ(f.Type)))
		}
	}
	if def.Out != nil {
		stmts = append(stmts, jen.List(jen.Id(v).Dot("emit"), jen.Id(v).Dot("emitAt")).Op("=").List(jen.Id(v).Dot("emitNow"), jen.Id(v).Dot("emitLater")))
	}
	return append(stmts, jen.List(jen.Id(v).Dot("notify"), jen.Id(v).Dot("fail")).Op("=").List(jen.Id(v).Dot("notifier").Dot("Notify"), jen.Id(v).Dot("notifier").Dot("Fail")))
}

// customMethods emits the methods a custom operator's handlers reach
// through emit and emitAt, and flush; notify and fail are the notifier's.
func (d *dfGen) customMethods(op *planner.Op) {
	def := op.Node.Operator
	if def.Out == nil {
		d.f.Comment("flush returns the failure of the last handler, if any.")
		d.f.Func().Params(jen.Id("op").Op("*").Id(d.opType(op))).Id("flush").Params().Error().Block(
			jen.Return(jen.Id("op").Dot("notifier").Dot("Err")))
		return
	}
	recv := jen.Id("op").Op("*").Id(d.opType(op))
	now := jen.Id("op").Dot("notifier").Dot("Now")
	out := d.typ(def.Out)
	d.f.Comment("emitNow emits r at the time being handled.")
	d.f.Func().Params(recv).Id("emitNow").Params(jen.Id("r").Add(out)).Block(
		jen.Id("op").Dot("emitted").Op("=").Append(jen.Id("op").Dot("emitted"), jen.Id("r")))
	d.f.Comment("emitLater emits r at t, which must not be earlier than the time being handled.")
	d.f.Func().Params(recv).Id("emitLater").Params(jen.Id("t").Qual(rt, "Time"), jen.Id("r").Add(out)).Block(
		jen.If(jen.Id("t").Op("==").Add(now)).Block(
			jen.Id("op").Dot("emitted").Op("=").Append(jen.Id("op").Dot("emitted"), jen.Id("r")),
			jen.Return(),
		),
		jen.If(jen.Err().Op(":=").Qual(rt, "CheckNotEarlier").Call(jen.Lit("emitAt"), now, jen.Id("t")), jen.Err().Op("!=").Nil()).Block(
			jen.Id("op").Dot("notifier").Dot("Fail").Call(jen.Err()),
			jen.Return(),
		),
		jen.Id("op").Dot("one").Index(jen.Lit(0)).Op("=").Id("r"),
		jen.If(jen.Err().Op(":=").Id("op").Dot("process").Call(jen.Id("t"), jen.Id("op").Dot("one").Index(jen.Empty(), jen.Empty())), jen.Err().Op("!=").Nil()).Block(
			jen.Id("op").Dot("notifier").Dot("Fail").Call(jen.Err()),
		),
	)
	d.f.Comment("flush processes what the last handler emitted, or returns its failure.")
	d.f.Func().Params(recv).Id("flush").Params().Error().Block(
		jen.If(jen.Id("op").Dot("notifier").Dot("Err").Op("!=").Nil()).Block(jen.Return(jen.Id("op").Dot("notifier").Dot("Err"))),
		jen.If(jen.Len(jen.Id("op").Dot("emitted")).Op("==").Lit(0)).Block(jen.Return(jen.Nil())),
		jen.Err().Op(":=").Id("op").Dot("process").Call(now, jen.Id("op").Dot("emitted")),
		jen.Id("op").Dot("emitted").Op("=").Id("op").Dot("emitted").Index(jen.Empty(), jen.Lit(0)),
		jen.Return(jen.Err()),
	)
}

// runCustom passes every arriving batch to its input's handler, then
// delivers the notifications whose times both input frontiers have
// passed, oldest first, releasing each one's capability.
func (d *dfGen) runCustom(op *planner.Op) []jen.Code {
	def := op.Node.Operator
	now := jen.Id("op").Dot("notifier").Dot("Now")
	handle := func(in *lang.OperatorInputDef) func(b jen.Code) []jen.Code {
		return func(b jen.Code) []jen.Code {
			args := append([]jen.Code{jen.Add(b).Dot("Time"), jen.Add(b).Dot("Data")}, emitArgs(def)...)
			return []jen.Code{
				jen.Add(now).Op("=").Add(b).Dot("Time"),
				jen.Id("op").Dot("state").Dot(handlerName(in)).Call(args...),
				jen.If(jen.Err().Op(":=").Id("op").Dot("flush").Call(), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
			}
		}
	}
	body := d.drain(op, handle(def.Inputs[0]))
	second := jen.Nil()
	if op.Right != nil {
		body = append(body, d.drainPullers(rightName, len(op.Right.Channels), handle(def.Inputs[1]))...)
		second = jen.Id("op").Dot("w").Dot("Frontier").Call(jen.Lit(op.Right.Loc))
	}
	each := []jen.Code{jen.Add(now).Op("=").Id("t")}
	if def.Notify != nil {
		each = append(each,
			jen.Id("op").Dot("state").Dot("onNotify").Call(append([]jen.Code{jen.Id("t")}, emitArgs(def)...)...),
			jen.If(jen.Err().Op(":=").Id("op").Dot("flush").Call(), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())))
	}
	each = append(each, jen.Id("op").Dot("notifier").Dot("Done").Call(jen.Id("t")))
	body = append(body,
		jen.Comment("A notification may ask for more at times that are complete already."),
		jen.For().Block(
			jen.Id("ready").Op(":=").Id("op").Dot("notifier").Dot("Ready").Call(jen.Id("op").Dot("w").Dot("Frontier").Call(jen.Lit(op.In.Loc)), second),
			jen.If(jen.Len(jen.Id("ready")).Op("==").Lit(0)).Block(jen.Break()),
			jen.For(jen.List(jen.Id("_"), jen.Id("t")).Op(":=").Range().Id("ready")).Block(each...),
		))
	return append(body, jen.Return(jen.Nil()))
}

// runIterate passes each input batch to fresh, and forgets the records
// of the times the input frontier has left behind.
func (d *dfGen) runIterate(op *planner.Op) []jen.Code {
	seen := jen.Id("op").Dot("seen")
	body := d.drain(op, func(b jen.Code) []jen.Code {
		return []jen.Code{
			jen.If(jen.Err().Op(":=").Id("op").Dot("fresh").Call(jen.Add(b).Dot("Time"), jen.Add(b).Dot("Data")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		}
	})
	body = append(body,
		jen.Id("frontier").Op(":=").Id("op").Dot("w").Dot("Frontier").Call(jen.Lit(op.In.Loc)),
		jen.For(jen.Id("outer").Op(":=").Range().Add(seen)).Block(
			jen.If(jen.Qual(rt, "LoopDone").Call(jen.Id("frontier"), jen.Id("outer"), jen.Lit(op.Node.Loop.Depth))).Block(jen.Delete(seen, jen.Id("outer"))),
		),
	)
	return append(body, jen.Return(jen.Nil()))
}

// seenType is the type of the set of records an iterate head keeps per
// outer time: a tdrt.IntSet for integers, a map otherwise.
func (d *dfGen) seenType(op *planner.Op) jen.Code {
	if isInteger(op.In.Type) {
		return jen.Op("*").Qual(rt, "IntSet").Types(d.typ(op.In.Type))
	}
	return jen.Map(d.typ(op.In.Type)).Struct()
}

// isInteger reports whether t is an integer type.
func isInteger(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsInteger != 0
}

// freshMethod emits fresh, which processes the records of a batch at
// time t that the loop variable has not held before in t's epoch (and
// rounds of enclosing loops).
func (d *dfGen) freshMethod(op *planner.Op) {
	seen := jen.Id("op").Dot("seen")
	newSet := jen.Make(jen.Map(d.typ(op.In.Type)).Struct())
	add := []jen.Code{jen.If(jen.List(jen.Id("_"), jen.Id("dup")).Op(":=").Id("set").Index(jen.Id("r")), jen.Op("!").Id("dup")).Block(
		jen.Id("set").Index(jen.Id("r")).Op("=").Struct().Values(),
		jen.Id("op").Dot("batch").Op("=").Append(jen.Id("op").Dot("batch"), jen.Id("r")),
	)}
	if isInteger(op.In.Type) {
		newSet = jen.Op("&").Qual(rt, "IntSet").Types(d.typ(op.In.Type)).Values()
		add = []jen.Code{jen.If(jen.Id("set").Dot("Add").Call(jen.Id("r"))).Block(
			jen.Id("op").Dot("batch").Op("=").Append(jen.Id("op").Dot("batch"), jen.Id("r")),
		)}
	}
	d.f.Comment("fresh processes the records of data that the loop variable did not hold before at t's time outside the loop.")
	d.f.Func().Params(jen.Id("op").Op("*").Id(d.opType(op))).Id("fresh").Params(jen.Id("t").Qual(rt, "Time"), jen.Id("data").Index().Add(d.typ(op.In.Type))).Error().Block(
		jen.Id("outer").Op(":=").Id("t"),
		jen.Id("outer").Dot("Rounds").Index(jen.Lit(op.Node.Loop.Depth-1)).Op("=").Lit(0),
		jen.Id("set").Op(":=").Add(seen).Index(jen.Id("outer")),
		jen.If(jen.Id("set").Op("==").Nil()).Block(
			jen.Id("set").Op("=").Add(newSet),
			jen.Add(seen).Index(jen.Id("outer")).Op("=").Id("set"),
		),
		jen.Id("op").Dot("batch").Op("=").Id("op").Dot("batch").Index(jen.Empty(), jen.Lit(0)),
		jen.For(jen.List(jen.Id("_"), jen.Id("r")).Op(":=").Range().Id("data")).Block(add...),
		jen.Return(jen.Id("op").Dot("process").Call(jen.Id("t"), jen.Id("op").Dot("batch"))),
	)
}

// timeChanges returns the statements at the start of process that
// compute, for each output channel that changes times, the time its
// records get (tOut<i>) and, for a loop's way round or out with a
// bound, whether records of this time take it (sendOut<i>).
func (d *dfGen) timeChanges(op *planner.Op) []jen.Code {
	if op.Out == nil {
		return nil
	}
	var out []jen.Code
	for i, ch := range op.Out.Channels {
		if len(ch.Changes) == 0 {
			continue
		}
		tv, send := jen.Id(fmt.Sprintf("tOut%d", i)), fmt.Sprintf("sendOut%d", i)
		out = append(out, jen.Add(tv).Op(":=").Id("t"))
		guarded := false
		for _, c := range ch.Changes {
			round := jen.Add(tv).Dot("Rounds").Index(jen.Lit(c.Loop.Depth - 1))
			if bounded(c) {
				cmp := "<"
				if c.Kind == planner.Exit {
					cmp = ">="
				}
				cond := jen.Int64().Call(round).Op("+").Lit(1).Op(cmp).Id("op").Dot(limitName(c.Loop.Depth))
				if guarded {
					out = append(out, jen.Id(send).Op("=").Id(send).Op("&&").Add(cond))
				} else {
					out = append(out, jen.Id(send).Op(":=").Add(cond))
				}
				guarded = true
			}
			if c.Kind == planner.Feedback {
				out = append(out, jen.Add(round).Op("++"))
			} else {
				out = append(out, jen.Add(round).Op("=").Lit(0))
			}
		}
	}
	return out
}

// guarded reports whether channel ch carries only the records of some
// rounds: it goes round or out of a loop with a bound.
func guarded(ch *planner.Channel) bool {
	for _, c := range ch.Changes {
		if bounded(c) {
			return true
		}
	}
	return false
}

// bounded reports whether a time change depends on its loop's bound.
func bounded(c planner.TimeChange) bool { return c.Kind != planner.Leave && c.Loop.Max != nil }

// limitName is the field that holds the bound of the loop at depth, one
// of the loops around the operator.
func limitName(depth int) string { return fmt.Sprintf("limit%d", depth) }

// boundedLoops lists the loops whose bounds op's channels need, by depth:
// loops around op, so one per depth.
func boundedLoops(op *planner.Op) []*lang.Loop {
	var loops []*lang.Loop
	if op.Out == nil {
		return nil
	}
	for _, ch := range op.Out.Channels {
		for _, c := range ch.Changes {
			if bounded(c) && !slices.Contains(loops, c.Loop) {
				loops = append(loops, c.Loop)
			}
		}
	}
	slices.SortFunc(loops, func(a, b *lang.Loop) int { return a.Depth - b.Depth })
	return loops
}

// limitFields are the fields for the loop bounds op's channels need.
func (d *dfGen) limitFields(op *planner.Op) []jen.Code {
	var out []jen.Code
	for _, lp := range boundedLoops(op) {
		out = append(out, jen.Id(limitName(lp.Depth)).Int64())
	}
	return out
}

// newLimits returns the statements of build that set op's loop bounds
// and check them.
func (d *dfGen) newLimits(op *planner.Op, v string) []jen.Code {
	var out []jen.Code
	for _, lp := range boundedLoops(op) {
		f := jen.Id(v).Dot(limitName(lp.Depth))
		out = append(out,
			jen.Add(f).Op("=").Add(d.argMethod(d.prefix, lp.Max, jen.Int64(), true)),
			jen.If(jen.Add(f).Op("<").Lit(1)).Block(jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(
				jen.Lit(fmt.Sprintf("%s: %s %s: max %s is %%d; want 1 or more", d.pos(lp.Max.Pos), lp.Kind, lp.Var.Name, lp.Max.Text)), f))),
		)
	}
	return out
}
