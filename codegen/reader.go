package codegen

import (
	"go/types"

	"github.com/dave/jennifer/jen"

	"github.com/tdflow/tdc/lang"
	"github.com/tdflow/tdc/planner"
)

// typedSource reports whether op is a read or csv source: lines parsed
// into records.
func typedSource(op *planner.Op) bool {
	return op.Kind == planner.LinesOp && op.Node.Op != "lines"
}

// parser returns the name of the generated function that parses a line
// into a record of type t: fields separated by blanks, or by commas for
// csv, numbers converted by the runtime's ParseUint, ParseInt and
// ParseFloat (strconv's results, plain digits without strconv).
func (g *gen) parser(t types.Type, csv bool) string {
	kind := "Parse"
	if csv {
		kind = "ParseCSV"
	}
	return g.helper(kind, t, func(name string) jen.Code {
		fields := lang.ReadFields(t)
		body := []jen.Code{
			jen.Id("f").Op(":=").Qual(rt, "FieldSplitter").Values(jen.Dict{jen.Id("Comma"): jen.Lit(csv)}),
			jen.Id("f").Dot("Reset").Call(jen.Id("line")),
		}
		if fields == nil {
			body = append(body, jen.Block(g.parseField(t, jen.Id("rec"), "record", 1)...))
		}
		for i, f := range fields {
			body = append(body, jen.Block(g.parseField(f.Type, jen.Id("rec").Dot(f.Name), f.Name, i+1)...))
		}
		body = append(body, jen.Return(jen.Id("rec"), jen.Id("f").Dot("End").Call()))
		what := "blanks"
		if csv {
			what = "commas"
		}
		return jen.Commentf("%s parses a line of fields separated by %s into a %s.", name, what, types.TypeString(t, g.qualifier)).Line().
			Func().Id(name).Params(jen.Id("line").String()).Params(jen.Id("rec").Add(g.typ(t)), jen.Err().Error()).Block(body...)
	})
}

// parseField returns the statements that take the next field of the
// splitter f and store it, converted to t, in lv.
func (g *gen) parseField(t types.Type, lv jen.Code, name string, index int) []jen.Code {
	b := t.Underlying().(*types.Basic)
	s := jen.Id("s")
	out := []jen.Code{
		jen.List(s, jen.Id("ferr")).Op(":=").Id("f").Dot("Next").Call(jen.Lit(name)),
		jen.If(jen.Id("ferr").Op("!=").Nil()).Block(jen.Return(jen.Id("rec"), jen.Id("ferr"))),
	}
	if b.Info()&types.IsString != 0 {
		return append(out, jen.Add(lv).Op("=").Add(g.typ(t)).Call(s))
	}
	size := wordSizes.Sizeof(t) * 8
	var call jen.Code
	switch {
	case b.Info()&types.IsUnsigned != 0:
		call = jen.Qual(rt, "ParseUint").Call(s, jen.Lit(int(size)))
	case b.Info()&types.IsInteger != 0:
		call = jen.Qual(rt, "ParseInt").Call(s, jen.Lit(int(size)))
	case b.Info()&types.IsFloat != 0:
		call = jen.Qual(rt, "ParseFloat").Call(s, jen.Lit(int(size)))
	default:
		call = jen.Qual("strconv", "ParseBool").Call(s)
	}
	return append(out,
		jen.List(jen.Id("v"), jen.Id("perr")).Op(":=").Add(call),
		jen.If(jen.Id("perr").Op("!=").Nil()).Block(
			jen.Return(jen.Id("rec"), jen.Qual(rt, "ParseFieldError").Call(jen.Lit(index), jen.Lit(name), jen.Lit(types.TypeString(t, g.qualifier)), s, jen.Id("perr"))),
		),
		jen.Add(lv).Op("=").Add(g.typ(t)).Call(jen.Id("v")),
	)
}

// parseLines returns the statements of a typed source's Run that parse
// the lines just read (op.batch) into op.records, skipping blank and #
// lines and a csv header; a line that does not parse ends the
// computation with an error naming the file and line.
func (d *dfGen) parseLines(op *planner.Op) []jen.Code {
	csv := op.Node.Op == "csv"
	parse := d.parser(op.Node.Out, csv)
	perLine := []jen.Code{
		jen.If(jen.Qual(rt, "SkipLine").Call(jen.Id("line"))).Block(jen.Continue()),
	}
	if csv {
		perLine = append([]jen.Code{
			jen.If(jen.Id("op").Dot("header").Op("&&").Id("op").Dot("lines").Dot("IsFirstLine").Call(jen.Id("i"))).Block(jen.Continue()),
		}, perLine...)
	}
	perLine = append(perLine,
		jen.List(jen.Id("rec"), jen.Id("perr")).Op(":=").Id(parse).Call(jen.Id("line")),
		jen.If(jen.Id("perr").Op("!=").Nil()).Block(jen.Return(jen.Id("op").Dot("lines").Dot("RecordError").Call(jen.Id("i"), jen.Id("perr")))),
		jen.Id("op").Dot("records").Op("=").Append(jen.Id("op").Dot("records"), jen.Id("rec")),
	)
	return []jen.Code{
		jen.Id("op").Dot("records").Op("=").Id("op").Dot("records").Index(jen.Empty(), jen.Lit(0)),
		jen.For(jen.List(jen.Id("i"), jen.Id("line")).Op(":=").Range().Id("op").Dot("batch")).Block(perLine...),
	}
}
