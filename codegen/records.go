package codegen

import (
	"fmt"
	"go/types"

	"github.com/dave/jennifer/jen"
)

// records emits the record types declared in the .tdf file.
func (g *gen) records() {
	for _, r := range g.prog.Records {
		var fields []jen.Code
		for _, f := range r.Fields {
			fields = append(fields, jen.Id(f.Name).Add(g.typ(f.Type)))
		}
		g.f.Commentf("%s is a record type declared at %s.", r.Name, g.pos(r.Pos))
		g.f.Type().Id(r.Name).Struct(fields...)
	}
}

// params emits the Params struct, its defaults and its flags.
func (g *gen) params() {
	var fields []jen.Code
	defaults := jen.Dict{}
	var flags []jen.Code
	for _, p := range g.prog.Params {
		name := exported(p.Name)
		fields = append(fields, jen.Commentf("%s is param %s, declared at %s.", name, p.Name, g.pos(p.Pos)).Line().Id(name).Add(g.typ(p.Type)))
		defaults[jen.Id(name)] = jen.Op(p.Default)
		flags = append(flags, g.flag(p.Name, name, p.Type, p.PerProcess))
		if p.PerProcess {
			flags = append(flags, jen.Qual(rt, "PerProcessFlag").Call(jen.Id("fs"), jen.Lit(p.Name)))
		}
	}
	g.f.Comment("Params holds the values of the params declared in " + g.file + ".")
	g.f.Type().Id("Params").Struct(fields...)
	g.f.Comment("DefaultParams returns the params with their declared defaults.")
	g.f.Func().Id("DefaultParams").Params().Id("Params").Block(
		jen.Return(jen.Id("Params").Values(defaults)),
	)
	g.f.Comment("RegisterFlags defines one flag per param on fs, with p's values as defaults.")
	g.f.Func().Params(jen.Id("p").Op("*").Id("Params")).Id("RegisterFlags").Params(jen.Id("fs").Op("*").Qual("flag", "FlagSet")).Block(flags...)
}

// flag defines the flag of one param.
func (g *gen) flag(param, field string, t types.Type, perProcess bool) jen.Code {
	b := t.Underlying().(*types.Basic)
	usage := fmt.Sprintf("param %s (%s)", param, b.Name())
	if perProcess {
		usage = fmt.Sprintf("param %s (%s, may differ between processes)", param, b.Name())
	}
	target := jen.Op("&").Id("p").Dot(field)
	value := jen.Id("p").Dot(field)
	switch b.Kind() {
	case types.Bool:
		return jen.Id("fs").Dot("BoolVar").Call(target, jen.Lit(param), value, jen.Lit(usage))
	case types.String:
		return jen.Id("fs").Dot("StringVar").Call(target, jen.Lit(param), value, jen.Lit(usage))
	case types.Int64:
		return jen.Id("fs").Dot("Int64Var").Call(target, jen.Lit(param), value, jen.Lit(usage))
	case types.Int:
		return jen.Id("fs").Dot("IntVar").Call(target, jen.Lit(param), value, jen.Lit(usage))
	case types.Uint64:
		return jen.Id("fs").Dot("Uint64Var").Call(target, jen.Lit(param), value, jen.Lit(usage))
	case types.Uint:
		return jen.Id("fs").Dot("UintVar").Call(target, jen.Lit(param), value, jen.Lit(usage))
	case types.Float64:
		return jen.Id("fs").Dot("Float64Var").Call(target, jen.Lit(param), value, jen.Lit(usage))
	}
	// Other sizes parse through the runtime's range-checked flag value.
	return jen.Id("fs").Dot("Var").Call(jen.Qual(rt, "NumberFlag").Call(target), jen.Lit(param), jen.Lit(usage))
}
