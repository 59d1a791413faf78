package codegen

import (
	"go/types"

	"github.com/dave/jennifer/jen"

	"github.com/tdflow/tdc/lang"
	"github.com/tdflow/tdc/planner"
)

// A join in a loop whose one input is a stream from outside the loop
// (planner.Op.Arranged) keeps that input's (key, value) tuples indexed by
// key, per time of the outer stream (the loop's rounds at zero): the
// arrangement. The other input's records, of any round, are matched
// against the arrangement of their outer time as soon as it is complete,
// and the pairs are emitted at the record's own time; records that come
// before their arrangement is complete wait, holding a capability. An
// arrangement is dropped once it is complete and the other input can
// bring no more records of its outer time.

// arrangedSides returns, for an arranged join, the puller names and
// counts of the arranged input and of the input matched against it.
func arrangedSides(op *planner.Op) (arranged func(int) string, nArranged int, probe func(int) string, nProbe int, probeLoc int) {
	if op.Arranged == op.Right {
		return rightName, len(op.Right.Channels), inName, len(op.In.Channels), op.In.Loc
	}
	return inName, len(op.In.Channels), rightName, len(op.Right.Channels), op.Right.Loc
}

// arrangedJoinState returns the types of an arranged join's arrangement
// (outer time -> key -> values) and of its waiting records (time ->
// records).
func (d *dfGen) arrangedJoinState(op *planner.Op) (jen.Code, jen.Code) {
	key, value := d.arrangedTypes(op)
	return jen.Map(jen.Qual(rt, "Time")).Op("*").Add(d.arrangementType(op)).Types(key, value),
		jen.Map(jen.Qual(rt, "Time")).Index().Add(d.typ(probePort(op).Type))
}

// arrangedTypes returns the key and value types of the arranged input's
// (key, value) tuples.
func (d *dfGen) arrangedTypes(op *planner.Op) (jen.Code, jen.Code) {
	fields := lang.TupleFields(op.Arranged.Type)
	return d.typ(fields[0]), d.typ(fields[1])
}

// probePort is the input of an arranged join that is matched against
// the arrangement: the one that is not arranged.
func probePort(op *planner.Op) *planner.Port {
	if op.Arranged == op.In {
		return op.Right
	}
	return op.In
}

// arrangementType is the runtime's arrangement for the join's key type:
// IntArrangement for integer keys, MapArrangement otherwise.
func (d *dfGen) arrangementType(op *planner.Op) jen.Code {
	return arrangementFor(lang.TupleFields(op.Arranged.Type)[0])
}

// arrangementFor is the runtime's arrangement for keys of type k.
func arrangementFor(k types.Type) *jen.Statement {
	if b, ok := k.Underlying().(*types.Basic); ok && b.Info()&types.IsInteger != 0 {
		return jen.Qual(rt, "IntArrangement")
	}
	return jen.Qual(rt, "MapArrangement")
}

// lookupBatchFor is the runtime's batch look-up for the arrangement of
// keys of type k (see arrangementFor).
func lookupBatchFor(k types.Type) *jen.Statement {
	if b, ok := k.Underlying().(*types.Basic); ok && b.Info()&types.IsInteger != 0 {
		return jen.Qual(rt, "LookupBatch")
	}
	return jen.Qual(rt, "LookupBatchMap")
}

// arrangedJoinFields are the fields of an arranged join.
func (d *dfGen) arrangedJoinFields(op *planner.Op) []jen.Code {
	arranged, pending := d.arrangedJoinState(op)
	_, value := d.arrangedTypes(op)
	return []jen.Code{
		jen.Comment("arranged holds the values of each key of the input from outside the loop, per time of that input."),
		jen.Id("arranged").Add(arranged),
		jen.Comment("pending holds, per time, the records of the other input that came before their arrangement was complete."),
		jen.Id("pending").Add(pending),
		jen.Id("ready").Index().Qual(rt, "Time"),
		jen.Comment("found holds the arranged values of the key of each record of a batch being matched."),
		jen.Id("found").Index().Index().Add(value),
	}
}

// runArrangedJoin adds the arranged input's tuples to the arrangement,
// matches the other input's records whose arrangement is complete (and
// stashes the others), matches the stashed records whose arrangement has
// become complete, oldest first, and drops the arrangements no longer
// needed.
func (d *dfGen) runArrangedJoin(op *planner.Op) []jen.Code {
	out := jen.Lit(op.Out.Loc)
	depth := jen.Lit(op.ArrangedDepth)
	arrangedName, nArranged, probeName, nProbe, probeLoc := arrangedSides(op)
	arranged, pending, ready := jen.Id("op").Dot("arranged"), jen.Id("op").Dot("pending"), jen.Id("op").Dot("ready")
	key, value := d.arrangedTypes(op)
	body := d.drainPullers(arrangedName, nArranged, func(bt jen.Code) []jen.Code {
		return []jen.Code{
			jen.Id("m").Op(":=").Add(arranged).Index(jen.Add(bt).Dot("Time")),
			jen.If(jen.Id("m").Op("==").Nil()).Block(
				jen.Id("m").Op("=").New(jen.Add(d.arrangementType(op)).Types(key, value)),
				jen.Add(arranged).Index(jen.Add(bt).Dot("Time")).Op("=").Id("m"),
			),
			jen.Id("m").Dot("AddTuples").Call(jen.Add(bt).Dot("Data")),
		}
	})
	body = append(body, jen.Id("af").Op(":=").Id("op").Dot("w").Dot("Frontier").Call(jen.Lit(op.Arranged.Loc)))
	body = append(body, d.drainPullers(probeName, nProbe, func(bt jen.Code) []jen.Code {
		t := jen.Add(bt).Dot("Time")
		return []jen.Code{
			jen.If(jen.Id("af").Dot("LessEqual").Call(jen.Add(t).Dot("Outer").Call(depth))).Block(
				jen.List(jen.Id("recs"), jen.Id("held")).Op(":=").Add(pending).Index(t),
				jen.If(jen.Op("!").Id("held")).Block(jen.Id("op").Dot("w").Dot("Hold").Call(out, t)),
				jen.Add(pending).Index(t).Op("=").Append(jen.Id("recs"), jen.Add(bt).Dot("Data").Op("...")),
			).Else().If(jen.Err().Op(":=").Id("op").Dot("match").Call(t, jen.Add(bt).Dot("Data")), jen.Err().Op("!=").Nil()).Block(
				jen.Return(jen.Err()),
			),
		}
	})...)
	body = append(body,
		jen.Add(ready).Op("=").Add(ready).Index(jen.Empty(), jen.Lit(0)),
		jen.For(jen.Id("t").Op(":=").Range().Add(pending)).Block(
			jen.If(jen.Op("!").Id("af").Dot("LessEqual").Call(jen.Id("t").Dot("Outer").Call(depth))).Block(jen.Add(ready).Op("=").Append(ready, jen.Id("t"))),
		),
		jen.Qual("slices", "SortFunc").Call(ready, jen.Qual(rt, "CompareTime")),
		jen.For(jen.List(jen.Id("_"), jen.Id("t")).Op(":=").Range().Add(ready)).Block(
			jen.If(jen.Err().Op(":=").Id("op").Dot("match").Call(jen.Id("t"), jen.Add(pending).Index(jen.Id("t"))), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
			jen.Delete(pending, jen.Id("t")),
			jen.Id("op").Dot("w").Dot("Release").Call(out, jen.Id("t")),
		),
		jen.Id("pf").Op(":=").Id("op").Dot("w").Dot("Frontier").Call(jen.Lit(probeLoc)),
		jen.For(jen.Id("o").Op(":=").Range().Add(arranged)).Block(
			jen.If(jen.Op("!").Id("af").Dot("LessEqual").Call(jen.Id("o")).Op("&&").Qual(rt, "OuterDone").Call(jen.Id("pf"), jen.Id("o"), depth)).Block(
				jen.Delete(arranged, jen.Id("o")),
				jen.Comment("found may still hold values of the arrangement."),
				jen.Clear(jen.Id("op").Dot("found").Index(jen.Empty(), jen.Cap(jen.Id("op").Dot("found")))),
			),
		),
	)
	return append(body, jen.Return(jen.Nil()))
}

// matchMethod emits match, which pairs records of the input matched
// against the arrangement, at time t, with the values of their key in
// the arrangement of t's outer time, and runs the stages over each
// (key, value, value) triple as it is made. The values of a batch's keys
// are found first, in one pass (tdrt.LookupBatch).
func (d *dfGen) matchMethod(op *planner.Op) {
	probe := probePort(op)
	triple := jen.Dict{jen.Id("F0"): jen.Id("r").Dot("F0"), jen.Id("F1"): jen.Id("r").Dot("F1"), jen.Id("F2"): jen.Id("v")}
	if op.Arranged == op.In {
		triple = jen.Dict{jen.Id("F0"): jen.Id("r").Dot("F0"), jen.Id("F1"): jen.Id("v"), jen.Id("F2"): jen.Id("r").Dot("F1")}
	}
	code := []jen.Code{
		jen.Id("m").Op(":=").Id("op").Dot("arranged").Index(jen.Id("t").Dot("Outer").Call(jen.Lit(op.ArrangedDepth))),
		jen.If(jen.Id("m").Op("==").Nil()).Block(jen.Comment("Nothing was arranged at t's outer time: no record matches."), jen.Return(jen.Nil())),
		jen.Id("m").Dot("Seal").Call(),
	}
	if stages := d.joinedStages(op, triple); len(stages) > 0 {
		found := jen.Id("op").Dot("found")
		code = append(code, d.timeChanges(op)...)
		code = append(code, pushTimes(op)...)
		code = append(code, combinerStart(op)...)
		code = append(code, jen.For(jen.Len(jen.Id("data")).Op(">").Lit(0)).Block(
			jen.Id("batch").Op(":=").Id("data").Index(jen.Empty(), jen.Min(jen.Len(jen.Id("data")), jen.Qual(rt, "BatchSize"))),
			jen.Id("data").Op("=").Id("data").Index(jen.Len(jen.Id("batch")), jen.Empty()),
			jen.Add(found).Op("=").Add(lookupBatchFor(lang.TupleFields(op.Arranged.Type)[0])).Call(jen.Id("m"), jen.Id("batch"), found),
			jen.For(jen.List(jen.Id("i"), jen.Id("r")).Op(":=").Range().Id("batch")).Block(
				jen.For(jen.List(jen.Id("_"), jen.Id("v")).Op(":=").Range().Add(found).Index(jen.Id("i"))).Block(stages...),
			),
		))
		code = append(code, combinerEnd(op)...)
	}
	d.f.Comment("match pairs records at time t with the arranged values of their key and runs the stages over each triple.")
	d.f.Func().Params(jen.Id("op").Op("*").Id(d.opType(op))).Id("match").
		Params(jen.Id("t").Qual(rt, "Time"), jen.Id("data").Index().Add(d.typ(probe.Type))).Error().
		Block(append(code, jen.Return(jen.Nil()))...)
}

// joinedStages returns the statements that make a join's output triple
// r0 from fields and run the operator's fused stages over it, in the
// loop that finds the matches, with no batch of triples in between;
// nil when the stages do nothing with it.
func (d *dfGen) joinedStages(op *planner.Op, fields jen.Dict) []jen.Code {
	s := &stageGen{dfGen: d, op: op}
	stages := s.stages(0, "r0")
	if len(stages) == 0 {
		return nil
	}
	triple := d.typ(op.Node.Out).(*jen.Statement).Clone().Values(fields)
	return append([]jen.Code{jen.Id("r0").Op(":=").Add(triple)}, stages...)
}
