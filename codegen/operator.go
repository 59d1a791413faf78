package codegen

import (
	"fmt"
	"go/types"

	"github.com/dave/jennifer/jen"

	"github.com/tdflow/tdc/lang"
	"github.com/tdflow/tdc/planner"
)

// opType is the name of an operator's generated type (see nameOperators).
func (d *dfGen) opType(op *planner.Op) string { return d.opTypes[op] }

// outName is the operator field that pushes into a channel.
func outName(i int) string { return fmt.Sprintf("out%d", i) }

// inName is the operator field that pulls from a channel.
func inName(i int) string { return fmt.Sprintf("in%d", i) }

// rightName is the join's field that pulls from a channel of its second input.
func rightName(i int) string { return fmt.Sprintf("right%d", i) }

// writeStages lists op's write sinks.
func writeStages(op *planner.Op) []*lang.Node {
	var ws []*lang.Node
	for _, st := range op.Stages {
		if st.Op == "write" {
			ws = append(ws, st)
		}
	}
	return ws
}

// fileName is the operator field of its i-th write sink's file buffer.
func fileName(i int) string { return fmt.Sprintf("file%d", i) }

// hasStage reports whether op has a stage of one of the kinds.
func hasStage(op *planner.Op, kinds ...string) bool {
	for _, st := range op.Stages {
		for _, k := range kinds {
			if st.Op == k {
				return true
			}
		}
	}
	return false
}

// exchanges reports whether op routes records to other workers.
func exchanges(op *planner.Op) bool {
	if op.Out == nil {
		return false
	}
	for _, ch := range op.Out.Channels {
		if ch.Exchange() {
			return true
		}
	}
	return false
}

// usesParams reports whether a lambda that op calls reads params.
func usesParams(op *planner.Op) bool {
	if op.Node != nil && op.Node.Lambda != nil && len(op.Node.Lambda.UsesParams) > 0 {
		return true
	}
	for _, st := range op.Stages {
		if st.Lambda != nil && len(st.Lambda.UsesParams) > 0 {
			return true
		}
	}
	if op.Out != nil {
		for _, ch := range op.Out.Channels {
			if ch.Key != nil && len(ch.Key.Lambda.UsesParams) > 0 {
				return true
			}
		}
	}
	return false
}

// operator emits the type of one operator and its methods.
func (d *dfGen) operator(op *planner.Op) {
	name := d.opType(op)
	fields := []jen.Code{jen.Id("w").Op("*").Qual(rt, "Worker")}
	if exchanges(op) {
		fields = append(fields, jen.Id("peers").Int())
	}
	if usesParams(op) {
		fields = append(fields, jen.Id("params").Op("*").Id("Params"))
	}
	fields = append(fields, d.kindFields(op)...)
	fields = append(fields, d.combinerFields(op)...)
	fields = append(fields, d.limitFields(op)...)
	for i := range d.inChannels(op) {
		fields = append(fields, jen.Id(inName(i)).Op("*").Qual(rt, "Puller").Types(d.typ(op.In.Type)))
	}
	if op.Right != nil {
		for i := range op.Right.Channels {
			fields = append(fields, jen.Id(rightName(i)).Op("*").Qual(rt, "Puller").Types(d.typ(op.Right.Type)))
		}
	}
	if op.Out != nil {
		for i, ch := range op.Out.Channels {
			fields = append(fields, jen.Id(outName(i)).Op("*").Qual(rt, "Pusher").Types(d.typ(ch.Type)))
		}
	}
	if hasStage(op, "print", "output", "capture") {
		fields = append(fields, jen.Id("stdout").Op("*").Qual("bufio", "Writer"))
	}
	if hasStage(op, "print", "output", "capture", "write") {
		fields = append(fields, jen.Id("text").Index().Byte())
	}
	for _, st := range op.Stages {
		switch st.Op {
		case "output":
			fields = append(fields, jen.Id("on"+exported(st.Name)).Func().Params(jen.Qual(rt, "Time"), d.typ(st.Inputs[0].Out)))
		case "capture":
			fields = append(fields, jen.Id("cap"+exported(st.Name)).Op("*").Qual(rt, "Capture").Types(d.typ(st.Inputs[0].Out)))
		}
	}
	for i := range writeStages(op) {
		fields = append(fields, jen.Id(fileName(i)).Op("*").Qual("bufio", "Writer"))
	}
	d.f.Commentf("%s is one worker's instance of operator %d of %s, %s at %s.", name, op.ID, d.gr.Name, op.Label(), d.pos(op.Pos))
	d.f.Type().Id(name).Struct(fields...)
	d.runMethod(op)
	if (op.Kind != planner.CustomOp || op.Node.Operator.Out != nil) && op.Kind != planner.JoinOp {
		// A join runs its stages in the loop that finds the matches.
		d.processMethod(op)
	}
	d.stateMethod(op)
	d.combinerMethods(op)
	switch op.Kind {
	case planner.CustomOp:
		d.customMethods(op)
	case planner.IterateOp:
		d.freshMethod(op)
	case planner.JoinOp:
		if op.Arranged != nil {
			d.matchMethod(op)
		}
	}
}

// inChannels lists the channels op pulls from: the host's for an input.
func (d *dfGen) inChannels(op *planner.Op) []string {
	if op.Kind == planner.InputOp {
		return []string{fmt.Sprintf("host%d", op.ID)}
	}
	if op.In == nil {
		return nil
	}
	var names []string
	for _, ch := range op.In.Channels {
		names = append(names, chanName(ch))
	}
	return names
}

// kindFields are the fields particular to the operator's kind.
func (d *dfGen) kindFields(op *planner.Op) []jen.Code {
	switch op.Kind {
	case planner.LinesOp:
		fields := []jen.Code{
			jen.Id("path").String(),
			jen.Id("lines").Op("*").Qual(rt, "LineReader"),
		}
		if !typedSource(op) {
			return append(fields, jen.Id("batch").Index().String(), jen.Id("done").Bool())
		}
		return append(fields,
			jen.Id("done").Bool(),
			jen.Id("records").Index().Add(d.typ(op.Node.Out)),
			jen.Id("header").Bool(),
			jen.Id("maxLine").Int(),
		)
	case planner.RangeOp:
		return []jen.Code{
			jen.List(jen.Id("next"), jen.Id("hi")).Int64(),
			jen.Id("batch").Index().Int64(),
			jen.Id("done").Bool(),
		}
	case planner.DelayOp:
		return []jen.Code{
			jen.Comment("state holds, per epoch not yet complete, the records delayed to it."),
			jen.Id("state").Map(jen.Qual(rt, "Time")).Index().Add(d.typ(op.Node.Out)),
			jen.Id("ready").Index().Qual(rt, "Time"),
		}
	case planner.CustomOp:
		return d.customFields(op)
	case planner.IterateOp:
		return []jen.Code{
			jen.Comment("seen holds, per time with the loop's round at 0, the records the loop variable held."),
			jen.Id("seen").Map(jen.Qual(rt, "Time")).Add(d.seenType(op)),
			jen.Id("batch").Index().Add(d.typ(op.In.Type)),
		}
	case planner.JoinOp:
		key, a, b := d.joinTypes(op)
		if op.Arranged != nil {
			return d.arrangedJoinFields(op)
		}
		arr := d.joinArrangement(op)
		return []jen.Code{
			jen.Comment("left and right hold, per timestamp not yet complete, the values of each key of each input."),
			jen.Id("left").Map(jen.Qual(rt, "Time")).Op("*").Add(arr.Clone().Types(key, a)),
			jen.Id("right").Map(jen.Qual(rt, "Time")).Op("*").Add(arr.Clone().Types(key, b)),
			jen.Id("ready").Index().Qual(rt, "Time"),
		}
	}
	if op.Kind == planner.CombineOp {
		key, value := d.aggregateTypes(op)
		return []jen.Code{
			jen.Commentf("state holds, per time, %s among the records of one run; spare holds emptied states for reuse.", aggregateDoc[aggKind(op)]),
			jen.Id("state").Map(jen.Qual(rt, "Time")).Op("*").Add(d.stateType(op).Types(key, value)),
			jen.Id("spare").Index().Op("*").Add(d.stateType(op).Types(key, value)),
			jen.Id("ready").Index().Qual(rt, "Time"),
			jen.Id("batch").Index().Add(d.typ(op.Node.Out)),
			jen.Comment("gate decides whether combining pays, from the records folded and the partial results sent."),
			jen.Id("gate").Qual(rt, "CombineGate"),
		}
	}
	if op.Kind.Aggregates() {
		key, value := d.aggregateTypes(op)
		var extra []jen.Code
		if op.Kind == planner.TopKOp {
			extra = append(extra, jen.Id("k").Int())
		}
		if op.Node.Across {
			extra = append(extra,
				jen.Commentf("acc holds, per time with the loop's round at zero, %s over the rounds complete so far.", aggregateDoc[op.Kind]),
				jen.Id("acc").Map(jen.Qual(rt, "Time")).Map(key).Add(value))
		}
		return append(extra,
			jen.Commentf("state holds, per timestamp not yet complete, %s; spare holds emptied states for reuse.", aggregateDoc[op.Kind]),
			jen.Id("state").Map(jen.Qual(rt, "Time")).Op("*").Add(d.stateType(op).Types(key, value)),
			jen.Id("spare").Index().Op("*").Add(d.stateType(op).Types(key, value)),
			jen.Id("ready").Index().Qual(rt, "Time"),
			jen.Id("batch").Index().Add(d.typ(op.Node.Out)),
		)
	}
	return nil
}

// aggregateDoc says what the state of an aggregating operator holds.
var aggregateDoc = map[planner.OpKind]string{
	planner.CountOp:    "the count of each record",
	planner.DistinctOp: "the distinct records",
	planner.SumOp:      "the sum of the values of each key",
	planner.MinOp:      "the least value of each key",
	planner.MaxOp:      "the greatest value of each key",
	planner.ReduceOp:   "the values of each key combined so far",
	planner.TopKOp:     "the greatest values of each key, greatest first",
}

// joinArrangement is the arrangement a join of two streams keeps each
// input's values in, per time: by the type of its key.
func (d *dfGen) joinArrangement(op *planner.Op) *jen.Statement {
	return arrangementFor(lang.TupleFields(op.In.Type)[0])
}

// joinTypes returns the key type and the value types of a join's inputs.
func (d *dfGen) joinTypes(op *planner.Op) (jen.Code, jen.Code, jen.Code) {
	left, right := lang.TupleFields(op.In.Type), lang.TupleFields(op.Right.Type)
	return d.typ(left[0]), d.typ(left[1]), d.typ(right[1])
}

// aggKind is the aggregation op computes: its kind, or for a combiner
// the kind of the aggregation it pre-aggregates for.
func aggKind(op *planner.Op) planner.OpKind {
	if op.Kind == planner.CombineOp {
		return planner.OpKind(op.Node.Name)
	}
	return op.Kind
}

// aggregateTypes returns the key and value types of an aggregating
// operator's state.
func (d *dfGen) aggregateTypes(op *planner.Op) (jen.Code, jen.Code) {
	in := op.Node.Inputs[0].Out
	switch aggKind(op) {
	case planner.CountOp:
		if op.Node.Combined {
			return d.typ(lang.TupleFields(in)[0]), jen.Int64()
		}
		return d.typ(in), jen.Int64()
	case planner.DistinctOp:
		return d.typ(in), jen.Struct()
	}
	fields := lang.TupleFields(in)
	if aggKind(op) == planner.TopKOp && op.Node.Lambda != nil {
		return d.typ(fields[0]), jen.Index().Qual(rt, "Ranked").Types(d.typ(op.Node.Lambda.Result), d.typ(fields[1]))
	}
	if op.Kind == planner.TopKOp {
		return d.typ(fields[0]), jen.Index().Add(d.typ(fields[1]))
	}
	return d.typ(fields[0]), d.typ(fields[1])
}

// newOperator returns the statements of build that create op's instance.
func (d *dfGen) newOperator(op *planner.Op) []jen.Code {
	v := fmt.Sprintf("op%d", op.ID)
	init := jen.Dict{jen.Id("w"): jen.Id("w")}
	if exchanges(op) {
		init[jen.Id("peers")] = jen.Id("w").Dot("Peers").Call()
	}
	if usesParams(op) {
		init[jen.Id("params")] = jen.Op("&").Id("df").Dot("cfg").Dot("Params")
	}
	for i, ch := range d.inChannels(op) {
		init[jen.Id(inName(i))] = jen.Id("df").Dot(ch).Dot("Puller").Call(jen.Id("w"))
	}
	if op.Right != nil {
		for i, ch := range op.Right.Channels {
			init[jen.Id(rightName(i))] = jen.Id("df").Dot(chanName(ch)).Dot("Puller").Call(jen.Id("w"))
		}
	}
	if op.Out != nil {
		for i, ch := range op.Out.Channels {
			init[jen.Id(outName(i))] = jen.Id("df").Dot(chanName(ch)).Dot("Pusher").Call(jen.Id("w"))
		}
	}
	if hasStage(op, "print", "output", "capture") {
		init[jen.Id("stdout")] = jen.Id("w").Dot("Stdout").Call()
	}
	for _, st := range op.Stages {
		switch st.Op {
		case "output":
			init[jen.Id("on"+exported(st.Name))] = jen.Id("df").Dot("cfg").Dot("On" + exported(st.Name))
		case "capture":
			init[jen.Id("cap"+exported(st.Name))] = jen.Id("df").Dot(exported(st.Name))
		}
	}
	d.combinerInit(op, init)
	stmts := []jen.Code{}
	for i, st := range writeStages(op) {
		f := fmt.Sprintf("%sFile%d", v, i)
		stmts = append(stmts,
			jen.List(jen.Id(f), jen.Err()).Op(":=").Id("w").Dot("File").Call(d.argMethod(d.prefix, st.Args[0], jen.String(), false)),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
		)
		init[jen.Id(fileName(i))] = jen.Id(f)
	}
	switch op.Kind {
	case planner.LinesOp:
		init[jen.Id("path")] = d.argMethod(d.prefix, op.Node.Args[0], jen.String(), false)
		if typedSource(op) {
			if op.Node.Op == "csv" {
				init[jen.Id("header")] = d.argMethod(d.prefix, op.Node.Args[1], jen.Bool(), false)
			}
			init[jen.Id("maxLine")] = jen.Int().Call(d.argMethod(d.prefix, op.Node.Args[2], jen.Int64(), false))
		}
	}
	switch op.Kind {
	case planner.CustomOp:
		def := op.Node.Operator
		state := jen.Dict{}
		if operatorUsesParams(def) {
			state[jen.Id(paramsRecv)] = jen.Op("&").Id("df").Dot("cfg").Dot("Params")
		}
		init[jen.Id("state")] = jen.Op("&").Id(def.StateType()).Values(state)
		init[jen.Id("notifier")] = jen.Qual(rt, "NewNotifier").Call(jen.Id("w"), jen.Lit(op.Out.Loc), jen.Lit(d.pos(op.Pos)), jen.Lit(def.Name))
	case planner.IterateOp:
		init[jen.Id("seen")] = jen.Make(jen.Map(jen.Qual(rt, "Time")).Add(d.seenType(op)))
	}
	if op.Kind == planner.DelayOp {
		init[jen.Id("state")] = jen.Make(jen.Map(jen.Qual(rt, "Time")).Index().Add(d.typ(op.Node.Out)))
	} else if op.Kind == planner.JoinOp && op.Arranged != nil {
		arranged, pending := d.arrangedJoinState(op)
		init[jen.Id("arranged")] = jen.Make(arranged)
		init[jen.Id("pending")] = jen.Make(pending)
	} else if op.Kind == planner.JoinOp {
		key, a, b := d.joinTypes(op)
		arr := d.joinArrangement(op)
		init[jen.Id("left")] = jen.Make(jen.Map(jen.Qual(rt, "Time")).Op("*").Add(arr.Clone().Types(key, a)))
		init[jen.Id("right")] = jen.Make(jen.Map(jen.Qual(rt, "Time")).Op("*").Add(arr.Clone().Types(key, b)))
	} else if op.Kind.Aggregates() || op.Kind == planner.CombineOp {
		key, value := d.aggregateTypes(op)
		init[jen.Id("state")] = jen.Make(jen.Map(jen.Qual(rt, "Time")).Op("*").Add(d.stateType(op).Types(key, value)))
		if op.Node.Across {
			init[jen.Id("acc")] = jen.Make(jen.Map(jen.Qual(rt, "Time")).Map(key).Add(value))
		}
	}
	if op.Kind == planner.TopKOp {
		init[jen.Id("k")] = jen.Int().Call(d.argMethod(d.prefix, op.Node.Args[0], jen.Int64(), true))
	}
	stmts = append(stmts, jen.Id(v).Op(":=").Op("&").Id(d.opType(op)).Values(init))
	if op.Kind == planner.TopKOp {
		stmts = append(stmts, jen.If(jen.Id(v).Dot("k").Op("<").Lit(1)).Block(jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(
			jen.Lit(fmt.Sprintf("%s: top_k(%s): k is %%d; want 1 or more", d.pos(op.Node.Args[0].Pos), op.Node.Args[0].Text)), jen.Id(v).Dot("k")))))
	}
	if op.Kind == planner.CustomOp {
		stmts = append(stmts, d.newCustom(op, v)...)
	}
	stmts = append(stmts, d.newLimits(op, v)...)
	if op.Kind == planner.RangeOp {
		lo := d.argMethod(d.prefix, op.Node.Args[0], jen.Int64(), true)
		hi := d.argMethod(d.prefix, op.Node.Args[1], jen.Int64(), true)
		stmts = append(stmts, jen.List(jen.Id(v).Dot("next"), jen.Id(v).Dot("hi")).Op("=").Qual(rt, "RangeShare").Call(
			lo, hi, jen.Id("w").Dot("Index").Call(), jen.Id("w").Dot("Peers").Call()))
	}
	return stmts
}

// processMethod emits process, which runs the stages over a batch of the
// records op's head produces and pushes the results to op's channels.
func (d *dfGen) processMethod(op *planner.Op) {
	s := &stageGen{dfGen: d, op: op}
	body := s.stages(0, "r0")
	code := append(d.timeChanges(op), pushTimes(op)...)
	code = append(code, combinerStart(op)...)
	if len(body) > 0 {
		code = append(code, jen.For(jen.List(jen.Id("_"), jen.Id("r0")).Op(":=").Range().Id("data")).Block(body...))
	}
	code = append(code, combinerEnd(op)...)
	code = append(code, jen.Return(jen.Nil()))
	d.f.Comment("process runs the operator's stages over records at time t.")
	d.f.Func().Params(jen.Id("op").Op("*").Id(d.opType(op))).Id("process").
		Params(jen.Id("t").Qual(rt, "Time"), jen.Id("data").Index().Add(d.typ(op.InType()))).Error().Block(code...)
}

// pushTimes returns the statements at the start of process that set the
// time of each pusher that TryPut and Put send with, once for the batch,
// so that the per-record calls compare no times.
func pushTimes(op *planner.Op) []jen.Code {
	if op.Out == nil {
		return nil
	}
	var out []jen.Code
	for i, ch := range op.Out.Channels {
		if ch.Broadcast != nil {
			continue // GiveAll takes its time with each record
		}
		t := jen.Id("t")
		if len(ch.Changes) > 0 {
			t = jen.Id(fmt.Sprintf("tOut%d", i))
		}
		out = append(out, jen.Id("op").Dot(outName(i)).Dot("At").Call(t))
	}
	return out
}

// stageGen emits the fused stages of one operator as nested Go.
type stageGen struct {
	*dfGen
	op   *planner.Op
	vars int
}

// newVar returns a fresh record variable name.
func (s *stageGen) newVar() string {
	s.vars++
	return fmt.Sprintf("r%d", s.vars)
}

// stages returns the statements applying stages i.. to record variable rec.
func (s *stageGen) stages(i int, rec string) []jen.Code {
	if i == len(s.op.Stages) {
		return s.push(rec)
	}
	st := s.op.Stages[i]
	r := jen.Id(rec)
	pos := s.pos(st.Pos)
	if st.Lambda != nil {
		pos = s.pos(st.Lambda.Pos)
	}
	switch st.Op {
	case "map":
		next := s.newVar()
		return append(s.bind(st, next, r, pos), s.stages(i+1, next)...)
	case "filter":
		if !st.Lambda.Fallible {
			return []jen.Code{jen.If(s.call(s.prefix, st, r)).Block(s.stages(i+1, rec)...)}
		}
		keep := s.newVar()
		return append(s.bind(st, keep, r, pos), jen.If(jen.Id(keep)).Block(s.stages(i+1, rec)...))
	case "flat_map":
		// A slice is ranged over by index; an iterator (iter.Seq) by
		// its yield, which needs no slice per record.
		many, next := s.newVar(), s.newVar()
		elems := jen.List(jen.Id("_"), jen.Id(next))
		if lang.SeqElem(st.Lambda.Result) != nil {
			elems = jen.Id(next)
		}
		return append(s.bind(st, many, r, pos), jen.For(elems.Op(":=").Range().Id(many)).Block(s.stages(i+1, next)...))
	case "inspect":
		return append(s.bind(st, "_", r, pos), s.stages(i+1, rec)...)
	case "branch":
		// Part 0 holds the records the lambda is true of, part 1 the others.
		keep := s.newVar()
		var code []jen.Code
		if st.Lambda.Fallible {
			code = s.bind(st, keep, r, pos)
		} else {
			code = []jen.Code{jen.Id(keep).Op(":=").Add(s.call(s.prefix, st, r))}
		}
		code = append(code, jen.Id("part").Op(":=").Lit(1), jen.If(jen.Id(keep)).Block(jen.Id("part").Op("=").Lit(0)))
		return append(append(code, s.partsUnread()...), s.stages(i+1, rec)...)
	case "partition":
		index := s.newVar()
		code := s.bind(st, index, r, pos)
		if !st.Lambda.Fallible {
			code = []jen.Code{jen.Id(index).Op(":=").Add(s.call(s.prefix, st, r))}
		}
		code = append(code,
			jen.Id("part").Op(":=").Int().Call(jen.Id(index)),
			jen.If(jen.Err().Op(":=").Qual(rt, "CheckPart").Call(jen.Int64().Call(jen.Id(index)), jen.Lit(st.Parts)), jen.Err().Op("!=").Nil()).Block(
				jen.Return(jen.Qual(rt, "NewLambdaError").Call(jen.Lit(pos), jen.Lit(st.Op), r, jen.Err())),
			),
		)
		return append(append(code, s.partsUnread()...), s.stages(i+1, rec)...)
	case "print":
		return append(s.print(st, r), s.stages(i+1, rec)...)
	case "write":
		k := 0
		for _, w := range s.op.Stages[:i] {
			if w.Op == "write" {
				k++
			}
		}
		text := jen.Id("op").Dot("text")
		return append([]jen.Code{
			jen.Add(text).Op("=").Add(s.appendText(st.Inputs[0].Out, jen.Add(text).Index(jen.Empty(), jen.Lit(0)), r)),
			jen.Add(text).Op("=").Append(text, jen.LitRune('\n')),
			jen.Id("op").Dot(fileName(k)).Dot("Write").Call(text),
		}, s.stages(i+1, rec)...)
	case "capture":
		if s.opts.Main {
			// A binary has no host to hand the records to: it prints
			// each with its time.
			text := jen.Id("op").Dot("text")
			return append([]jen.Code{
				jen.Add(text).Op("=").Append(jen.Add(text).Index(jen.Empty(), jen.Lit(0)), jen.Id("t").Dot("String").Call().Op("...")),
				jen.Add(text).Op("=").Append(text, jen.LitRune(' ')),
				jen.Add(text).Op("=").Add(s.appendText(st.Inputs[0].Out, text, r)),
				jen.Add(text).Op("=").Append(text, jen.LitRune('\n')),
				jen.Id("op").Dot("stdout").Dot("Write").Call(text),
			}, s.stages(i+1, rec)...)
		}
		return append([]jen.Code{jen.Id("op").Dot("cap"+exported(st.Name)).Dot("Add").Call(jen.Id("op").Dot("w"), jen.Id("t"), r)}, s.stages(i+1, rec)...)
	case "combine":
		return s.combine(st, rec)
	case "output":
		cb := jen.Id("op").Dot("on" + exported(st.Name))
		return append([]jen.Code{jen.If(jen.Add(cb).Op("!=").Nil()).Block(jen.Add(cb).Call(jen.Id("t"), r)).Else().Block(s.printDefault(st.Inputs[0].Out, r)...)},
			s.stages(i+1, rec)...)
	}
	panic("codegen: unknown stage " + st.Op)
}

// partsUnread returns a use of the part variable when no channel of the
// operator reads a part, so that the variable is used.
func (s *stageGen) partsUnread() []jen.Code {
	if s.op.Out != nil {
		for _, ch := range s.op.Out.Channels {
			if ch.Partition != nil {
				return nil
			}
		}
	}
	return []jen.Code{jen.Id("_").Op("=").Id("part")}
}

// bind calls st's lambda on r and binds its value to v, returning on
// error with the lambda's position and the record.
func (s *stageGen) bind(st *lang.Node, v string, r jen.Code, pos string) []jen.Code {
	call := s.call(s.prefix, st, r)
	l := st.Lambda
	switch {
	case !l.Fallible && (l.Result == nil || v == "_"):
		return []jen.Code{call}
	case !l.Fallible:
		return []jen.Code{jen.Id(v).Op(":=").Add(call)}
	}
	lambdaErr := jen.Return(jen.Qual(rt, "NewLambdaError").Call(jen.Lit(pos), jen.Lit(st.Op), r, jen.Err()))
	switch {
	case l.Result == nil:
		return []jen.Code{jen.If(jen.Err().Op(":=").Add(call), jen.Err().Op("!=").Nil()).Block(lambdaErr)}
	case v == "_":
		return []jen.Code{jen.If(jen.List(jen.Id("_"), jen.Err()).Op(":=").Add(call), jen.Err().Op("!=").Nil()).Block(lambdaErr)}
	}
	fail := jen.If(jen.Err().Op("!=").Nil()).Block(lambdaErr)
	return []jen.Code{jen.List(jen.Id(v), jen.Err()).Op(":=").Add(call), fail}
}

// print writes r as a line to the worker's standard output.
func (s *stageGen) print(st *lang.Node, r jen.Code) []jen.Code {
	if st.Lambda == nil {
		return s.printDefault(st.Inputs[0].Out, r)
	}
	return []jen.Code{
		jen.Id("op").Dot("stdout").Dot("WriteString").Call(s.call(s.prefix, st, r)),
		jen.Id("op").Dot("stdout").Dot("WriteByte").Call(jen.LitRune('\n')),
	}
}

// printDefault writes the text form of r, of type t, as a line.
func (s *stageGen) printDefault(t types.Type, r jen.Code) []jen.Code {
	text := jen.Id("op").Dot("text")
	return []jen.Code{
		jen.Add(text).Op("=").Add(s.appendText(t, jen.Add(text).Index(jen.Empty(), jen.Lit(0)), r)),
		jen.Add(text).Op("=").Append(text, jen.LitRune('\n')),
		jen.Id("op").Dot("stdout").Dot("Write").Call(text),
	}
}

// push sends record rec into every channel leaving op.
func (s *stageGen) push(rec string) []jen.Code {
	if s.op.Out == nil || len(s.op.Out.Channels) == 0 {
		if n := len(s.op.Stages); n > 0 && (s.op.Stages[n-1].Op == "map" || s.op.Stages[n-1].Op == "flat_map") {
			// Nothing reads the result; the lambda ran for its effects.
			return []jen.Code{jen.Id("_").Op("=").Id(rec)}
		}
		return nil
	}
	var out []jen.Code
	for i, ch := range s.op.Out.Channels {
		t := jen.Id("t")
		if len(ch.Changes) > 0 {
			t = jen.Id(fmt.Sprintf("tOut%d", i))
		}
		var give jen.Code
		switch {
		case ch.Broadcast != nil:
			give = jen.Id("op").Dot(outName(i)).Dot("GiveAll").Call(t, jen.Id(rec))
		case !ch.Exchange():
			// TryPutLocal is the inlined common case; PutLocal the rest.
			// The pusher's time was set once for the batch (pushTimes).
			pusher := jen.Id("op").Dot(outName(i))
			give = jen.If(jen.Op("!").Add(pusher).Dot("TryPutLocal").Call(jen.Id(rec))).Block(
				jen.Add(pusher).Dot("PutLocal").Call(jen.Id(rec)),
			)
		default:
			key := s.call(s.prefix, ch.Key, jen.Id(rec))
			route := s.route(ch.Key.Lambda.Result, key, jen.Id("op").Dot("peers"))
			pusher := jen.Id("op").Dot(outName(i))
			give = jen.If(
				jen.Id("target").Op(":=").Add(route),
				jen.Op("!").Add(pusher).Dot("TryPut").Call(jen.Id("target"), jen.Id(rec)),
			).Block(
				jen.Add(pusher).Dot("Put").Call(jen.Id("target"), jen.Id(rec)),
			)
		}
		if guarded(ch) {
			give = jen.If(jen.Id(fmt.Sprintf("sendOut%d", i))).Block(give)
		}
		if ch.Partition != nil {
			give = jen.If(jen.Id("part").Op("==").Lit(ch.Part)).Block(give)
		}
		out = append(out, give)
	}
	return out
}
