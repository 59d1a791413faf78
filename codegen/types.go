package codegen

import (
	"fmt"
	"go/types"

	"github.com/dave/jennifer/jen"

	"github.com/tdflow/tdc/lang"
)

// typ returns the Go spelling of t: the .tdf's records by name, its
// tuples as tdrt.TupleN, everything else qualified by its package.
func (g *gen) typ(t types.Type) jen.Code {
	switch t := types.Unalias(t).(type) {
	case *types.Basic:
		return jen.Id(t.Name())
	case *types.Named:
		obj := t.Obj()
		var args []jen.Code
		for i := 0; i < t.TypeArgs().Len(); i++ {
			args = append(args, g.typ(t.TypeArgs().At(i)))
		}
		var c *jen.Statement
		switch {
		case lang.TupleFields(t) != nil:
			c = jen.Qual(rt, obj.Name())
		case obj.Pkg() == nil:
			c = jen.Id(obj.Name()) // error
		case obj.Pkg() == g.prog.Pkg:
			c = jen.Id(obj.Name())
		default:
			c = jen.Qual(obj.Pkg().Path(), obj.Name())
		}
		if len(args) > 0 {
			c = c.Types(args...)
		}
		return c
	case *types.Slice:
		return jen.Index().Add(g.typ(t.Elem()))
	case *types.Array:
		return jen.Index(jen.Lit(int(t.Len()))).Add(g.typ(t.Elem()))
	case *types.Pointer:
		return jen.Op("*").Add(g.typ(t.Elem()))
	case *types.Map:
		return jen.Map(g.typ(t.Key())).Add(g.typ(t.Elem()))
	case *types.Struct:
		var fields []jen.Code
		for i := 0; i < t.NumFields(); i++ {
			fields = append(fields, jen.Id(t.Field(i).Name()).Add(g.typ(t.Field(i).Type())))
		}
		return jen.Struct(fields...)
	case *types.Interface:
		if t.Empty() {
			return jen.Any()
		}
	}
	return jen.Id(types.TypeString(t, func(p *types.Package) string {
		if p == g.prog.Pkg {
			return ""
		}
		return p.Name()
	}))
}

// helper returns the name of a generated helper function for kind and
// type t, generating it with build on first use.
func (g *gen) helper(kind string, t types.Type, build func(name string) jen.Code) string {
	key := kind + " " + types.TypeString(t, nil)
	if name, ok := g.helpers[key]; ok {
		return name
	}
	name := fmt.Sprintf("tdc%s%d", kind, len(g.helpers))
	switch n := types.Unalias(t).(type) {
	case *types.Basic:
		name = "tdc" + kind + exported(n.Name())
	case *types.Named:
		if n.Obj().Pkg() == g.prog.Pkg && n.TypeArgs().Len() == 0 {
			name = "tdc" + kind + n.Obj().Name()
		}
	}
	g.helpers[key] = name
	g.decls = append(g.decls, build(name))
	return name
}

// convert returns v converted to basic type kind, or v itself when it
// already has that type.
func convert(t types.Type, kind types.BasicKind, conv func(...jen.Code) *jen.Statement, v jen.Code) jen.Code {
	if b, ok := types.Unalias(t).(*types.Basic); ok && b.Kind() == kind {
		return v
	}
	return conv(v)
}

// route returns an expression of the worker, 0..peers-1, that a record
// with key expression k of type t goes to: RouteUint64 of an integer key
// (one multiply), Route of the key's hash otherwise.
func (g *gen) route(t types.Type, k, peers jen.Code) jen.Code {
	if u, ok := t.Underlying().(*types.Basic); ok && u.Info()&types.IsInteger != 0 {
		return jen.Qual(rt, "RouteUint64").Call(convert(t, types.Uint64, jen.Uint64().Call, k), peers)
	}
	return jen.Qual(rt, "Route").Call(g.hash(t, k), peers)
}

// hash returns an expression hashing key expression k of type t, for
// routing records to workers. lang has checked that t is hashable.
func (g *gen) hash(t types.Type, k jen.Code) jen.Code {
	switch u := t.Underlying().(type) {
	case *types.Basic:
		info := u.Info()
		switch {
		case info&types.IsString != 0:
			return jen.Qual(rt, "HashString").Call(convert(t, types.String, jen.String().Call, k))
		case info&types.IsBoolean != 0:
			return jen.Qual(rt, "HashBool").Call(convert(t, types.Bool, jen.Bool().Call, k))
		case info&types.IsFloat != 0:
			return jen.Qual(rt, "HashFloat64").Call(convert(t, types.Float64, jen.Float64().Call, k))
		default:
			return jen.Qual(rt, "HashUint64").Call(convert(t, types.Uint64, jen.Uint64().Call, k))
		}
	case *types.Slice:
		return jen.Qual(rt, "HashBytes").Call(k)
	}
	name := g.helper("Hash", t, func(name string) jen.Code {
		return jen.Commentf("%s hashes a key of type %s.", name, types.TypeString(t, g.qualifier)).Line().
			Func().Id(name).Params(jen.Id("k").Add(g.typ(t))).Uint64().BlockFunc(func(b *jen.Group) {
			b.Id("h").Op(":=").Uint64().Call(jen.Lit(0))
			switch u := t.Underlying().(type) {
			case *types.Array:
				b.For(jen.List(jen.Id("_"), jen.Id("e")).Op(":=").Range().Id("k")).Block(
					jen.Id("h").Op("=").Qual(rt, "HashCombine").Call(jen.Id("h"), g.hash(u.Elem(), jen.Id("e"))),
				)
			case *types.Struct:
				for i := 0; i < u.NumFields(); i++ {
					b.Id("h").Op("=").Qual(rt, "HashCombine").Call(jen.Id("h"), g.hash(u.Field(i).Type(), jen.Id("k").Dot(u.Field(i).Name())))
				}
			}
			b.Return(jen.Id("h"))
		})
	})
	return jen.Id(name).Call(k)
}

// qualifier spells packages in comments: the .tdf's own types bare.
func (g *gen) qualifier(p *types.Package) string {
	if p == g.prog.Pkg {
		return ""
	}
	return p.Name()
}

// appendText returns a statement list that appends the text form of
// value v (of type t) to byte slice b: numbers in decimal, strings as
// they are, fields of records and tuples separated by spaces.
func (g *gen) appendText(t types.Type, b, v jen.Code) jen.Code {
	switch u := t.Underlying().(type) {
	case *types.Basic:
		info := u.Info()
		switch {
		case info&types.IsString != 0:
			return jen.Append(b, jen.Add(v).Op("..."))
		case info&types.IsBoolean != 0:
			return jen.Qual("strconv", "AppendBool").Call(b, convert(t, types.Bool, jen.Bool().Call, v))
		case info&types.IsUnsigned != 0:
			return jen.Qual("strconv", "AppendUint").Call(b, convert(t, types.Uint64, jen.Uint64().Call, v), jen.Lit(10))
		case info&types.IsInteger != 0:
			return jen.Qual("strconv", "AppendInt").Call(b, convert(t, types.Int64, jen.Int64().Call, v), jen.Lit(10))
		case info&types.IsFloat != 0:
			bits := 64
			if u.Kind() == types.Float32 {
				bits = 32
			}
			return jen.Qual("strconv", "AppendFloat").Call(b, convert(t, types.Float64, jen.Float64().Call, v), jen.LitRune('g'), jen.Lit(-1), jen.Lit(bits))
		}
	case *types.Slice:
		if e, ok := u.Elem().Underlying().(*types.Basic); ok && e.Kind() == types.Byte {
			return jen.Append(b, jen.Add(v).Op("..."))
		}
	}
	switch t.Underlying().(type) {
	case *types.Struct, *types.Array, *types.Slice:
	default:
		return jen.Qual("fmt", "Append").Call(b, v)
	}
	if n, ok := types.Unalias(t).(*types.Named); ok && n.Obj().Pkg() != g.prog.Pkg && lang.TupleFields(t) == nil {
		// Another package's type may hide its fields; print it its way.
		return jen.Qual("fmt", "Append").Call(b, v)
	}
	name := g.helper("Append", t, func(name string) jen.Code {
		return jen.Commentf("%s appends the text of a %s: its parts separated by spaces.", name, types.TypeString(t, g.qualifier)).Line().
			Func().Id(name).Params(jen.Id("b").Index().Byte(), jen.Id("v").Add(g.typ(t))).Index().Byte().BlockFunc(func(bl *jen.Group) {
			switch u := t.Underlying().(type) {
			case *types.Struct:
				for i := 0; i < u.NumFields(); i++ {
					if i > 0 {
						bl.Id("b").Op("=").Append(jen.Id("b"), jen.LitRune(' '))
					}
					bl.Id("b").Op("=").Add(g.appendText(u.Field(i).Type(), jen.Id("b"), jen.Id("v").Dot(u.Field(i).Name())))
				}
			case *types.Array, *types.Slice:
				var elem types.Type
				if a, ok := u.(*types.Array); ok {
					elem = a.Elem()
				} else {
					elem = u.(*types.Slice).Elem()
				}
				bl.For(jen.List(jen.Id("i"), jen.Id("e")).Op(":=").Range().Id("v")).Block(
					jen.If(jen.Id("i").Op(">").Lit(0)).Block(jen.Id("b").Op("=").Append(jen.Id("b"), jen.LitRune(' '))),
					jen.Id("b").Op("=").Add(g.appendText(elem, jen.Id("b"), jen.Id("e"))),
				)
			}
			bl.Return(jen.Id("b"))
		})
	})
	return jen.Id(name).Call(b, v)
}
