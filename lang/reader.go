package lang

import (
	"fmt"
	"go/ast"
	"go/types"
	"strings"
)

// readSource checks read(path, T[, maxLine]) and csv(path, T[, header[,
// maxLine]]): sources of records of type T parsed from the fields of
// each line of a text file. The node's Args are always path, header (a
// bool; false for read) and maxLine (an integer).
func (c *checker) readSource(sc *scope, call *Call, spec *OpSpec) *Node {
	var args []*Arg
	if call.Args != nil {
		args = call.Args.Args
	}
	most := 3
	if spec.Name == "csv" {
		most = 4
	}
	if len(args) < 2 || len(args) > most {
		c.errs.Addf(call.Pos, "%s takes %d to %d arguments, not %d: %s", spec.Name, 2, most, len(args), spec.Usage)
		return nil
	}
	for i, a := range args {
		if a.Expr == nil {
			c.errs.Addf(a.Pos, "%s: argument %d must be a Go expression, not a lambda: %s", spec.Name, i+1, spec.Usage)
			return nil
		}
	}
	t := c.s.checkType(args[1].Expr)
	if t == nil {
		return nil
	}
	if why := c.unreadable(t); why != "" {
		c.errs.Addf(args[1].Pos, "%s cannot parse records of type %s: %s", spec.Name, c.typeName(t), why)
		return nil
	}
	check := func(a *Arg, want types.Type) *GoArg {
		got, uses := c.s.checkArg(a.Expr, want)
		if got == nil {
			return nil
		}
		return &GoArg{Pos: a.Expr.Pos, Text: a.Expr.Text, Type: got, UsesParams: uses}
	}
	path := check(args[0], types.Typ[types.String])
	header := &GoArg{Pos: call.Pos, Text: "false", Type: types.Typ[types.Bool]}
	maxLine := &GoArg{Pos: call.Pos, Text: "16 << 20", Type: types.Typ[types.Int64]}
	rest := args[2:]
	if spec.Name == "csv" && len(rest) > 0 {
		header = check(rest[0], types.Typ[types.Bool])
		rest = rest[1:]
	}
	if len(rest) > 0 {
		maxLine = check(rest[0], types.Typ[types.Int64])
	}
	if path == nil || header == nil || maxLine == nil {
		return nil
	}
	return sc.add(&Node{Op: spec.Name, Pos: call.Pos, Out: t, Args: []*GoArg{path, header, maxLine}})
}

// unreadable says why records of type t cannot be parsed from fields,
// or "": t must be a number, bool or string, or a record or tuple of
// those.
func (c *checker) unreadable(t types.Type) string {
	if fields := ReadFields(t); fields != nil {
		for _, f := range fields {
			if !readableBasic(f.Type) {
				return fmt.Sprintf("field %s is %s; fields must be numbers, bools or strings", f.Name, c.typeName(f.Type))
			}
		}
		return ""
	}
	if readableBasic(t) {
		return ""
	}
	return "records must be numbers, bools or strings, or records or tuples of them"
}

func readableBasic(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&(types.IsInteger|types.IsFloat|types.IsBoolean|types.IsString) != 0 && b.Kind() != types.Uintptr
}

// ReadField is one field of a record that a typed source parses.
type ReadField struct {
	Name string
	Type types.Type
}

// ReadFields returns the fields, in order, that a typed source parses
// into a record of type t: a struct's fields, or a tuple's F0, F1, ...;
// nil for other types, which take the whole record from one field.
func ReadFields(t types.Type) []ReadField {
	if fields := TupleFields(t); fields != nil {
		out := make([]ReadField, len(fields))
		for i, f := range fields {
			out[i] = ReadField{Name: fmt.Sprintf("F%d", i), Type: f}
		}
		return out
	}
	st, ok := t.Underlying().(*types.Struct)
	if !ok {
		return nil
	}
	out := make([]ReadField, st.NumFields())
	for i := range out {
		out[i] = ReadField{Name: st.Field(i).Name(), Type: st.Field(i).Type()}
	}
	return out
}

// checkType type-checks a Go type expression, such as a record's name
// or Tuple2[uint32, float64].
func (s *goSession) checkType(g *GoCode) types.Type {
	fn := fmt.Sprintf("_tdcType%d", s.nfiles+1)
	src := s.header(map[string]string{}) + fmt.Sprintf("func %s() {\n\tvar _ %s%s\n}\n", fn, directive(g.Pos), g.Text)
	before := len(*s.errs)
	f := s.addFile(src)
	if f == nil || len(*s.errs) > before {
		return nil
	}
	var t types.Type
	ast.Inspect(f, func(n ast.Node) bool {
		if vs, ok := n.(*ast.ValueSpec); ok && t == nil {
			if tv, ok := s.info.Types[vs.Type]; ok && tv.IsType() {
				t = tv.Type
			}
		}
		return t == nil
	})
	if t == nil {
		*s.errs = append(*s.errs, &Error{Pos: g.Pos, Msg: fmt.Sprintf("%s is not a type", strings.TrimSpace(g.Text))})
	}
	return t
}
