package codegen

import (
	"fmt"
	"go/types"

	"github.com/dave/jennifer/jen"
)

// Records that cross processes are encoded by functions generated per
// type: a uvarint count, then each record's fields in order, numbers as
// fixed-width little-endian, strings and slices with a uvarint length.
// Decoders read through a tdrt.Reader, which checks every bound.

// serializable reports whether values of t can be encoded.
func serializable(t types.Type) bool {
	switch u := t.Underlying().(type) {
	case *types.Basic:
		return u.Info()&(types.IsBoolean|types.IsInteger|types.IsFloat|types.IsString) != 0 && u.Kind() != types.UnsafePointer
	case *types.Slice:
		return serializable(u.Elem())
	case *types.Array:
		return serializable(u.Elem())
	case *types.Struct:
		for i := 0; i < u.NumFields(); i++ {
			if !serializable(u.Field(i).Type()) {
				return false
			}
		}
		return true
	}
	return false
}

// minSize is the fewest bytes a value of t encodes to; decoders use it to
// reject counts that the input cannot hold.
func minSize(t types.Type) int {
	switch u := t.Underlying().(type) {
	case *types.Basic:
		switch u.Kind() {
		case types.Bool, types.Int8, types.Uint8:
			return 1
		case types.Int16, types.Uint16:
			return 2
		case types.Int32, types.Uint32, types.Float32:
			return 4
		case types.String:
			return 1
		}
		return 8
	case *types.Slice:
		return 1
	case *types.Array:
		return int(u.Len()) * minSize(u.Elem())
	case *types.Struct:
		n := 0
		for i := 0; i < u.NumFields(); i++ {
			n += minSize(u.Field(i).Type())
		}
		return n
	}
	return 1
}

// codec returns the tdrt.Codec value for records of type t.
func (g *gen) codec(t types.Type) jen.Code {
	enc := g.helper("Encode", t, func(name string) jen.Code {
		return jen.Commentf("%s appends the encoding of a batch of %s.", name, types.TypeString(t, g.qualifier)).Line().
			Func().Id(name).Params(jen.Id("dst").Index().Byte(), jen.Id("recs").Index().Add(g.typ(t))).Index().Byte().Block(
			jen.Id("dst").Op("=").Qual("encoding/binary", "AppendUvarint").Call(jen.Id("dst"), jen.Uint64().Call(jen.Len(jen.Id("recs")))),
			jen.For(jen.Id("i").Op(":=").Range().Id("recs")).Block(g.encode(t, jen.Id("recs").Index(jen.Id("i")), 0)...),
			jen.Return(jen.Id("dst")),
		)
	})
	dec := g.helper("Decode", t, func(name string) jen.Code {
		return jen.Commentf("%s decodes a batch of %s, appending to dst.", name, types.TypeString(t, g.qualifier)).Line().
			Func().Id(name).Params(jen.Id("src").Index().Byte(), jen.Id("dst").Index().Add(g.typ(t))).Params(jen.Index().Add(g.typ(t)), jen.Error()).Block(
			jen.Id("r").Op(":=").Qual(rt, "NewReader").Call(jen.Id("src")),
			jen.Id("n").Op(":=").Id("r").Dot("Len").Call(jen.Lit(minSize(t))),
			jen.For(jen.Id("i").Op(":=").Lit(0), jen.Id("i").Op("<").Id("n").Op("&&").Id("r").Dot("Err").Call().Op("==").Nil(), jen.Id("i").Op("++")).Block(
				g.decodeOne(t)...,
			),
			jen.Return(jen.Id("dst"), jen.Id("r").Dot("Finish").Call()),
		)
	})
	codec := jen.Qual(rt, "Codec").Types(g.typ(t)).Values(jen.Dict{jen.Id("Append"): jen.Id(enc), jen.Id("Decode"): jen.Id(dec)})
	if fixedLayout(t) {
		return jen.Qual(rt, "FixedCodec").Call(codec)
	}
	return codec
}

// wordSizes are the sizes of the platforms whose layout the bulk codec
// relies on; types whose size differs between 32- and 64-bit platforms
// (int, uint, uintptr) are not fixed.
var wordSizes = types.SizesFor("gc", "amd64")

// fixedLayout reports whether values of t are numbers of fixed size, or
// arrays and structs of them without padding: their memory on a
// little-endian machine is their encoding.
func fixedLayout(t types.Type) bool {
	switch u := t.Underlying().(type) {
	case *types.Basic:
		switch u.Kind() {
		case types.Int8, types.Int16, types.Int32, types.Int64,
			types.Uint8, types.Uint16, types.Uint32, types.Uint64,
			types.Float32, types.Float64:
			return true
		}
		return false
	case *types.Array:
		return u.Len() > 0 && fixedLayout(u.Elem())
	case *types.Struct:
		if u.NumFields() == 0 {
			return false
		}
		var sum int64
		for i := 0; i < u.NumFields(); i++ {
			f := u.Field(i).Type()
			if !fixedLayout(f) {
				return false
			}
			sum += wordSizes.Sizeof(f)
		}
		return sum == wordSizes.Sizeof(u)
	}
	return false
}

// decodeOne returns the statements that decode one record of type t and
// append it to dst.
func (g *gen) decodeOne(t types.Type) []jen.Code {
	if read, ok := g.read(t); ok {
		return []jen.Code{jen.Id("dst").Op("=").Append(jen.Id("dst"), read)}
	}
	return append(append([]jen.Code{jen.Var().Id("v").Add(g.typ(t))}, g.decode(t, jen.Id("v"), 0)...),
		jen.Id("dst").Op("=").Append(jen.Id("dst"), jen.Id("v")))
}

// encode returns statements appending value v of type t to dst.
func (g *gen) encode(t types.Type, v jen.Code, depth int) []jen.Code {
	app := func(c jen.Code) []jen.Code { return []jen.Code{jen.Id("dst").Op("=").Add(c)} }
	le := func(fn string, kind types.BasicKind, conv func(...jen.Code) *jen.Statement) []jen.Code {
		return app(jen.Qual("encoding/binary", "LittleEndian").Dot(fn).Call(jen.Id("dst"), convert(t, kind, conv, v)))
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		switch u.Kind() {
		case types.Bool:
			return app(jen.Qual(rt, "AppendBool").Call(jen.Id("dst"), convert(t, types.Bool, jen.Bool().Call, v)))
		case types.Int8, types.Uint8:
			return app(jen.Append(jen.Id("dst"), convert(t, types.Uint8, jen.Byte().Call, v)))
		case types.Int16, types.Uint16:
			return le("AppendUint16", types.Uint16, jen.Uint16().Call)
		case types.Int32, types.Uint32:
			return le("AppendUint32", types.Uint32, jen.Uint32().Call)
		case types.Float32:
			return app(jen.Qual(rt, "AppendFloat32").Call(jen.Id("dst"), convert(t, types.Float32, jen.Float32().Call, v)))
		case types.Float64:
			return app(jen.Qual(rt, "AppendFloat64").Call(jen.Id("dst"), convert(t, types.Float64, jen.Float64().Call, v)))
		case types.String:
			return app(jen.Qual(rt, "AppendString").Call(jen.Id("dst"), convert(t, types.String, jen.String().Call, v)))
		}
		return le("AppendUint64", types.Uint64, jen.Uint64().Call)
	case *types.Slice:
		if b, ok := u.Elem().Underlying().(*types.Basic); ok && b.Kind() == types.Uint8 {
			bytes := jen.Index().Byte().Call(v)
			if types.Identical(t, types.NewSlice(types.Typ[types.Byte])) {
				bytes = jen.Add(v)
			}
			return app(jen.Qual(rt, "AppendBytes").Call(jen.Id("dst"), bytes))
		}
		e := jen.Id(fmt.Sprintf("e%d", depth))
		return []jen.Code{
			jen.Id("dst").Op("=").Qual("encoding/binary", "AppendUvarint").Call(jen.Id("dst"), jen.Uint64().Call(jen.Len(v))),
			jen.For(jen.List(jen.Id("_"), e).Op(":=").Range().Add(v)).Block(g.encode(u.Elem(), e, depth+1)...),
		}
	case *types.Array:
		e := jen.Id(fmt.Sprintf("e%d", depth))
		return []jen.Code{jen.For(jen.List(jen.Id("_"), e).Op(":=").Range().Add(v)).Block(g.encode(u.Elem(), e, depth+1)...)}
	case *types.Struct:
		var out []jen.Code
		for i := 0; i < u.NumFields(); i++ {
			out = append(out, g.encode(u.Field(i).Type(), jen.Add(v).Dot(u.Field(i).Name()), depth)...)
		}
		return out
	}
	panic("codegen: encode of unserializable type " + t.String())
}

// read returns the expression that reads a value of type t, for numbers,
// booleans, strings and []byte; false for other types.
func (g *gen) read(t types.Type) (jen.Code, bool) {
	conv := func(read jen.Code, kind types.BasicKind) (jen.Code, bool) {
		if b, ok := types.Unalias(t).(*types.Basic); ok && b.Kind() == kind {
			return read, true
		}
		return jen.Add(g.typ(t)).Call(read), true
	}
	r := jen.Id("r")
	switch u := t.Underlying().(type) {
	case *types.Basic:
		switch u.Kind() {
		case types.Bool:
			return conv(jen.Add(r).Dot("Bool").Call(), types.Bool)
		case types.Int8, types.Uint8:
			return conv(jen.Add(r).Dot("Uint8").Call(), types.Uint8)
		case types.Int16, types.Uint16:
			return conv(jen.Add(r).Dot("Uint16").Call(), types.Uint16)
		case types.Int32, types.Uint32:
			return conv(jen.Add(r).Dot("Uint32").Call(), types.Uint32)
		case types.Float32:
			return conv(jen.Add(r).Dot("Float32").Call(), types.Float32)
		case types.Float64:
			return conv(jen.Add(r).Dot("Float64").Call(), types.Float64)
		case types.String:
			return conv(jen.Add(r).Dot("String").Call(), types.String)
		}
		return conv(jen.Add(r).Dot("Uint64").Call(), types.Uint64)
	case *types.Slice:
		if b, ok := u.Elem().Underlying().(*types.Basic); ok && b.Kind() == types.Uint8 {
			if types.Identical(t, types.NewSlice(types.Typ[types.Byte])) {
				return jen.Add(r).Dot("Bytes").Call(), true
			}
			return jen.Add(g.typ(t)).Call(jen.Add(r).Dot("Bytes").Call()), true
		}
	}
	return nil, false
}

// decode returns statements that read a value of type t into lv.
func (g *gen) decode(t types.Type, lv jen.Code, depth int) []jen.Code {
	if read, ok := g.read(t); ok {
		return []jen.Code{jen.Add(lv).Op("=").Add(read)}
	}
	r := jen.Id("r")
	switch u := t.Underlying().(type) {
	case *types.Slice:
		i := jen.Id(fmt.Sprintf("i%d", depth))
		return []jen.Code{
			jen.Add(lv).Op("=").Make(g.typ(t), jen.Add(r).Dot("Len").Call(jen.Lit(minSize(u.Elem())))),
			jen.For(i.Clone().Op(":=").Range().Add(lv)).Block(g.decode(u.Elem(), jen.Add(lv).Index(i), depth+1)...),
		}
	case *types.Array:
		i := jen.Id(fmt.Sprintf("i%d", depth))
		return []jen.Code{jen.For(i.Clone().Op(":=").Range().Add(lv)).Block(g.decode(u.Elem(), jen.Add(lv).Index(i), depth+1)...)}
	case *types.Struct:
		var out []jen.Code
		for i := 0; i < u.NumFields(); i++ {
			out = append(out, g.decode(u.Field(i).Type(), jen.Add(lv).Dot(u.Field(i).Name()), depth)...)
		}
		return out
	}
	panic("codegen: decode of unserializable type " + t.String())
}
