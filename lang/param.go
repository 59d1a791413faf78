package lang

import (
	"go/constant"
	"go/token"
	"go/types"
	"math"
	"strconv"
	"strings"
)

// paramTypes are the types a param may have, by name.
var paramTypes = map[string]types.Type{
	"bool": types.Typ[types.Bool], "string": types.Typ[types.String],
	"int": types.Typ[types.Int], "int8": types.Typ[types.Int8], "int16": types.Typ[types.Int16],
	"int32": types.Typ[types.Int32], "int64": types.Typ[types.Int64],
	"uint": types.Typ[types.Uint], "uint8": types.Typ[types.Uint8], "uint16": types.Typ[types.Uint16],
	"uint32": types.Typ[types.Uint32], "uint64": types.Typ[types.Uint64],
	"float32": types.Typ[types.Float32], "float64": types.Typ[types.Float64],
}

// param checks a param declaration: a basic type and a default of that
// type.
func (c *checker) param(d *ParamDecl) *Param {
	if strings.HasPrefix(d.Name.Name, "tdc") {
		c.errs.Addf(d.Name.Pos, "param name %s: names starting with tdc are reserved for generated code", d.Name.Name)
		return nil
	}
	if flag, ok := reservedFlags[d.Name.Name]; ok {
		c.errs.Addf(d.Name.Pos, "param name %s is taken by the %s flag of every generated binary; choose another name", d.Name.Name, flag)
		return nil
	}
	if d.Type.Named == nil || d.Type.Named.Pkg != "" || paramTypes[d.Type.Named.Name] == nil {
		c.errs.Addf(d.Type.Pos, "param %s: type must be bool, string, an integer or a float type", d.Name.Name)
		return nil
	}
	p := &Param{Pos: d.Pos, Name: d.Name.Name, Type: paramTypes[d.Type.Named.Name], PerProcess: d.PerProcess}
	if d.Default == nil {
		p.Default = zeroLiteral(p.Type)
		return p
	}
	lit := d.Default.Value
	if d.Default.Neg {
		lit = "-" + lit
	}
	if msg := checkLiteral(lit, p.Type); msg != "" {
		c.errs.Addf(d.Default.Pos, "param %s: %s", d.Name.Name, msg)
		return nil
	}
	p.Default = lit
	return p
}

// reservedFlags are the flags every generated binary has, which params
// cannot reuse, with what they are for.
var reservedFlags = map[string]string{
	"w": "-w (workers)", "threads": "--threads (workers)",
	"n": "-n (processes)", "processes": "--processes",
	"p": "-p (process index)", "process": "--process",
	"hostfile": "-hostfile", "secret": "-secret",
	"h": "-h (help)", "help": "-help", "stats": "-stats", "progress": "-progress",
	"insecure": "-insecure (plaintext connections)", "combine": "-combine (pre-aggregation)",
}

// zeroLiteral is the Go literal of t's zero value.
func zeroLiteral(t types.Type) string {
	b := t.Underlying().(*types.Basic)
	switch {
	case b.Info()&types.IsBoolean != 0:
		return "false"
	case b.Info()&types.IsString != 0:
		return `""`
	}
	return "0"
}

// checkLiteral reports why lit is not a constant of type t, or "".
func checkLiteral(lit string, t types.Type) string {
	b := t.Underlying().(*types.Basic)
	kind := token.INT
	neg := len(lit) > 0 && lit[0] == '-'
	body := lit
	if neg {
		body = lit[1:]
	}
	switch {
	case body == "true" || body == "false":
		if b.Info()&types.IsBoolean == 0 || neg {
			return "default " + lit + " is not a " + b.Name() + defaultHint(b, lit)
		}
		return ""
	case len(body) > 0 && (body[0] == '"' || body[0] == '`'):
		if b.Info()&types.IsString == 0 || neg {
			return "default " + lit + " is not a " + b.Name() + defaultHint(b, lit)
		}
		if _, err := strconv.Unquote(body); err != nil {
			return "invalid string " + body
		}
		return ""
	}
	lower := strings.ToLower(body)
	if strings.HasPrefix(lower, "0x") && strings.ContainsAny(lower, "p.") || !strings.HasPrefix(lower, "0x") && strings.ContainsAny(lower, ".e") {
		kind = token.FLOAT
	}
	v := constant.MakeFromLiteral(body, kind, 0)
	if v.Kind() == constant.Unknown {
		return "invalid number " + lit
	}
	if neg {
		v = constant.UnaryOp(token.SUB, v, 0)
	}
	switch {
	case b.Info()&types.IsInteger != 0:
		if v.Kind() != constant.Int {
			return "default " + lit + " is not an integer; give the param a float type (float64) or an integer default"
		}
		if !representable(v, b) {
			return "default " + lit + " overflows " + b.Name() + "; give the param a wider type, like " + widerThan(b)
		}
	case b.Info()&types.IsFloat != 0:
		if b.Kind() == types.Float32 {
			if f, _ := constant.Float32Val(v); math.IsInf(float64(f), 0) {
				return "default " + lit + " overflows float32"
			}
		}
		if f, _ := constant.Float64Val(v); math.IsInf(f, 0) {
			return "default " + lit + " overflows float64"
		}
	default:
		return "default " + lit + " is not a " + b.Name() + defaultHint(b, lit)
	}
	return ""
}

// representable reports whether integer constant v fits in b.
func representable(v constant.Value, b *types.Basic) bool {
	sizes := types.SizesFor("gc", "amd64")
	bits := sizes.Sizeof(b) * 8
	if b.Info()&types.IsUnsigned != 0 {
		if constant.Sign(v) < 0 {
			return false
		}
		max := constant.Shift(constant.MakeInt64(1), token.SHL, uint(bits))
		return constant.Compare(v, token.LSS, max)
	}
	lim := constant.Shift(constant.MakeInt64(1), token.SHL, uint(bits-1))
	return constant.Compare(v, token.LSS, lim) && constant.Compare(v, token.GEQ, constant.UnaryOp(token.SUB, lim, 0))
}

// defaultHint says how to write a default of type b for the literal lit
// that does not fit it.
func defaultHint(b *types.Basic, lit string) string {
	switch {
	case b.Info()&types.IsBoolean != 0:
		return "; write true or false"
	case b.Info()&types.IsString != 0:
		return "; write it in quotes: " + strconv.Quote(lit)
	}
	if u, err := strconv.Unquote(lit); err == nil {
		if _, err := strconv.ParseFloat(u, 64); err == nil {
			return "; write the number without quotes: " + u
		}
	}
	return "; write a number"
}

// widerThan names a type that holds more than the integer type b.
func widerThan(b *types.Basic) string {
	if b.Info()&types.IsUnsigned != 0 {
		if b.Kind() == types.Uint64 || b.Kind() == types.Uint || b.Kind() == types.Uintptr {
			return "int64 for negative values"
		}
		return "uint64, or int64 for negative values"
	}
	return "int64"
}
