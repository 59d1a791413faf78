package codegen

import (
	"go/types"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/tdflow/tdc/lang"
	"github.com/tdflow/tdc/planner"
)

// typedSource reports whether op is a read or csv source: lines parsed
// into records.
func typedSource(op *planner.Op) bool {
	return op.Kind == planner.LinesOp && op.Node.Op != "lines"
}

// A typed source reads its share of the file a block of whole lines at a
// time and parses each block with three functions generated for the
// record type T, in the style of a hand-written reader:
//
//   - tdcReadT (tdcReadCSVT for csv) walks the block's lines: it scans
//     each with tdcScanT and hands the lines that scan rejects to
//     tdcParseT, skipping blank and # lines there;
//   - tdcScanT parses a line in the common form, plain numbers and
//     words between single separators, in one pass over its bytes with
//     the runtime's Scan functions, and rejects every other line;
//   - tdcParseT parses one line exactly: a FieldSplitter, numbers by
//     ParseUint, ParseInt and ParseFloat (strconv's results and errors).
//
// A line either function accepts gives the same record, so the errors
// and the record of every unusual line are tdcParseT's.

// reader returns the name of the generated function that appends the
// records of a block of lines to a slice (see above).
func (g *gen) reader(t types.Type, csv bool) string {
	kind := "Read"
	if csv {
		kind = "ReadCSV"
	}
	return g.helper(kind, t, func(name string) jen.Code {
		// The functions it calls are named after it: tdcReadEdge calls
		// tdcScanEdge and tdcParseEdge.
		suffix := strings.TrimPrefix(name, "tdcRead")
		scan, parse := "tdcScan"+suffix, "tdcParse"+suffix
		rec, i, next, text := jen.Id("rec"), jen.Id("i"), jen.Id("next"), jen.Id("text")
		recs := jen.Id("recs")
		exact := []jen.Code{
			jen.Var().Id("line").String(),
			jen.List(jen.Id("line"), next).Op("=").Qual(rt, "LineAt").Call(text, i),
			jen.If(jen.Qual(rt, "SkipLine").Call(jen.Id("line"))).Block(
				jen.Add(i).Op("=").Add(next),
				jen.Continue(),
			),
			jen.Var().Err().Error(),
			jen.If(jen.List(rec, jen.Err()).Op("=").Id(parse).Call(jen.Id("line")), jen.Err().Op("!=").Nil()).Block(
				jen.Return(recs, i, jen.Err()),
			),
		}
		loop := []jen.Code{
			jen.List(rec, next, jen.Id("ok")).Op(":=").Id(scan).Call(text, i),
			jen.If(jen.Op("!").Id("ok")).Block(exact...),
			jen.Add(recs).Op("=").Append(recs, rec),
			jen.Add(i).Op("=").Add(next),
		}
		typ := g.typ(t)
		return jen.Add(g.scanner(scan, t, csv)).Line().Line().
			Add(g.parser(parse, t, csv)).Line().Line().
			Commentf("%s appends to recs the records of the lines of text from offset i on, a", name).Line().
			Comment("block of whole lines: a line in the common form is scanned by").Line().
			Commentf("%s, any other parsed alone by %s; blank and # lines are", scan, parse).Line().
			Comment("skipped. For a line that is not a record it returns the line's offset").Line().
			Comment("and the error.").Line().
			Func().Id(name).Params(recs.Clone().Index().Add(typ), text.Clone().String(), i.Clone().Int()).Params(jen.Index().Add(typ), jen.Int(), jen.Error()).Block(
			jen.For(jen.Add(i).Op("<").Len(text)).Block(loop...),
			jen.Return(recs, i, jen.Nil()),
		)
	})
}

// scanner returns the function, called name, that parses the line at an
// offset of a block into a record of type t when it is in the common
// form, in one pass (see reader).
func (g *gen) scanner(name string, t types.Type, csv bool) jen.Code {
	reject := jen.Return(jen.Id("rec"), jen.Lit(0), jen.False())
	var body []jen.Code
	for k, f := range recordFields(t) {
		lv := fieldOf(t, f)
		if k == 0 && isString(f.Type) {
			// A line that starts with a blank or '#' may be one to skip.
			body = append(body, jen.If(jen.Qual(rt, "MayBeSkipped").Call(jen.Id("text"), jen.Id("i"))).Block(reject))
		}
		if k > 0 {
			sep := "ScanBlanks"
			if csv {
				sep = "ScanComma"
			}
			body = append(body, jen.If(jen.List(jen.Id("i"), jen.Id("ok")).Op("=").Qual(rt, sep).Call(jen.Id("text"), jen.Id("i")), jen.Op("!").Id("ok")).Block(reject))
		}
		body = append(body, jen.Block(g.scanField(f.Type, lv, csv, reject)...))
	}
	if !csv {
		body = append(body, jen.List(jen.Id("i"), jen.Id("_")).Op("=").Qual(rt, "ScanBlanks").Call(jen.Id("text"), jen.Id("i")))
	}
	body = append(body,
		jen.List(jen.Id("next"), jen.Id("ok")).Op("=").Qual(rt, "ScanLineEnd").Call(jen.Id("text"), jen.Id("i")),
		jen.Return(jen.Id("rec"), jen.Id("next"), jen.Id("ok")),
	)
	what := "blanks"
	if csv {
		what = "commas"
	}
	return jen.Commentf("%s parses the line at text[i:] into a %s when it is in the common", name, types.TypeString(t, g.qualifier)).Line().
		Commentf("form: plain numbers and words separated by %s. It returns the record and", what).Line().
		Comment("the offset of the next line; ok is false for any other line.").Line().
		Func().Id(name).Params(jen.Id("text").String(), jen.Id("i").Int()).Params(jen.Id("rec").Add(g.typ(t)), jen.Id("next").Int(), jen.Id("ok").Bool()).Block(body...)
}

// scanField returns the statements that scan a field of type t at
// text[i:] into lv and move i past it, or reject the line.
func (g *gen) scanField(t types.Type, lv jen.Code, csv bool, reject jen.Code) []jen.Code {
	b := t.Underlying().(*types.Basic)
	size := int(wordSizes.Sizeof(t) * 8)
	// store sets lv to v, of basic kind k, converted to t, and i to j.
	conv := func(v ...jen.Code) *jen.Statement { return jen.Add(g.typ(t)).Call(v...) }
	store := func(v string, k types.BasicKind) jen.Code {
		return jen.List(lv, jen.Id("i")).Op("=").List(convert(t, k, conv, jen.Id(v)), jen.Id("j"))
	}
	scanned := func(call jen.Code, k types.BasicKind) []jen.Code {
		return []jen.Code{
			jen.List(jen.Id("v"), jen.Id("j"), jen.Id("ok")).Op(":=").Add(call),
			jen.If(jen.Op("!").Id("ok")).Block(reject),
			store("v", k),
		}
	}
	switch {
	case b.Info()&types.IsUnsigned != 0:
		return scanned(jen.Qual(rt, "ScanUint").Call(jen.Id("text"), jen.Id("i"), jen.Lit(size)), types.Uint64)
	case b.Info()&types.IsInteger != 0:
		return scanned(jen.Qual(rt, "ScanInt").Call(jen.Id("text"), jen.Id("i"), jen.Lit(size)), types.Int64)
	}
	word := "ScanWord"
	if csv {
		word = "ScanCSVField"
	}
	out := []jen.Code{
		jen.List(jen.Id("s"), jen.Id("j"), jen.Id("ok")).Op(":=").Qual(rt, word).Call(jen.Id("text"), jen.Id("i")),
		jen.If(jen.Op("!").Id("ok")).Block(reject),
	}
	var call jen.Code
	kind := types.Bool
	switch {
	case b.Info()&types.IsString != 0:
		return append(out, store("s", types.String))
	case b.Info()&types.IsFloat != 0:
		call, kind = jen.Qual(rt, "ParseFloat").Call(jen.Id("s"), jen.Lit(size)), types.Float64
	default:
		call = jen.Qual("strconv", "ParseBool").Call(jen.Id("s"))
	}
	return append(out,
		jen.List(jen.Id("v"), jen.Err()).Op(":=").Add(call),
		jen.If(jen.Err().Op("!=").Nil()).Block(reject),
		store("v", kind),
	)
}

// isString reports whether t is a string type.
func isString(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsString != 0
}

// parser returns the function, called name, that parses a line into a
// record of type t exactly: fields separated by blanks, or by commas for csv,
// numbers converted by the runtime's ParseUint, ParseInt and ParseFloat
// (strconv's results and errors, plain digits without strconv).
func (g *gen) parser(name string, t types.Type, csv bool) jen.Code {
	body := []jen.Code{
		jen.Id("f").Op(":=").Qual(rt, "FieldSplitter").Values(jen.Dict{jen.Id("Comma"): jen.Lit(csv)}),
		jen.Id("f").Dot("Reset").Call(jen.Id("line")),
	}
	for i, f := range recordFields(t) {
		body = append(body, jen.Block(g.parseField(f.Type, fieldOf(t, f), f.Name, i+1)...))
	}
	body = append(body, jen.Return(jen.Id("rec"), jen.Id("f").Dot("End").Call()))
	what := "blanks"
	if csv {
		what = "commas"
	}
	return jen.Commentf("%s parses a line of fields separated by %s into a %s.", name, what, types.TypeString(t, g.qualifier)).Line().
		Func().Id(name).Params(jen.Id("line").String()).Params(jen.Id("rec").Add(g.typ(t)), jen.Err().Error()).Block(body...)
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

// readRecords returns the statements of a typed source's Run that read
// the worker's next block of lines and parse it into op.records (see
// reader): a csv source with a header skips the file's first line. A
// line that does not parse ends the computation with an error naming the
// file and line.
func (d *dfGen) readRecords(op *planner.Op) []jen.Code {
	csv := op.Node.Op == "csv"
	read := "ReadBlockView"
	if keepsStrings(op.Node.Out) {
		read = "ReadBlock"
	}
	from := jen.Code(jen.Lit(0))
	out := []jen.Code{
		jen.List(jen.Id("text"), jen.Err()).Op(":=").Id("op").Dot("lines").Dot(read).Call(),
	}
	if csv {
		from = jen.Id("from")
		out = append(out,
			jen.Id("from").Op(":=").Lit(0),
			jen.If(jen.Id("op").Dot("header").Op("&&").Id("op").Dot("lines").Dot("BlockStartsFile").Call()).Block(
				jen.List(jen.Id("_"), jen.Id("from")).Op("=").Qual(rt, "LineAt").Call(jen.Id("text"), jen.Lit(0)),
			),
		)
	}
	return append(out,
		jen.List(jen.Id("records"), jen.Id("bad"), jen.Id("perr")).Op(":=").Id(d.reader(op.Node.Out, csv)).Call(jen.Id("op").Dot("records").Index(jen.Empty(), jen.Lit(0)), jen.Id("text"), from),
		jen.Id("op").Dot("records").Op("=").Id("records"),
		jen.If(jen.Id("perr").Op("!=").Nil()).Block(jen.Return(jen.Id("op").Dot("lines").Dot("BlockError").Call(jen.Id("bad"), jen.Id("perr")))),
	)
}

// keepsStrings reports whether records of type t hold strings, which
// keep their block of text: those read a copy of each block, the others
// parse the reader's buffer in place.
func keepsStrings(t types.Type) bool {
	for _, f := range recordFields(t) {
		if b, ok := f.Type.Underlying().(*types.Basic); !ok || b.Info()&types.IsString != 0 {
			return true
		}
	}
	return false
}

// recordFields returns the fields of a line for records of type t: the
// fields of a record type, or t itself, named "record".
func recordFields(t types.Type) []lang.ReadField {
	if fields := lang.ReadFields(t); fields != nil {
		return fields
	}
	return []lang.ReadField{{Name: "record", Type: t}}
}

// fieldOf returns the expression of field f of the record rec of type t:
// rec itself when t is not a record type.
func fieldOf(t types.Type, f lang.ReadField) jen.Code {
	if lang.ReadFields(t) == nil {
		return jen.Id("rec")
	}
	return jen.Id("rec").Dot(f.Name)
}
