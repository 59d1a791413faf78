package lang

import (
	"fmt"
	"strconv"
	"strings"
)

// Dump returns an outline of f for tests and debugging: one node a line,
// children indented by two spaces under their parent. Each line is the
// node's kind, its position as line:col, then its details. For example
// (from ExampleDump):
//
//	File 1:1 package wordcount@1:9
//	  Import 3:8 str "strings"
//	  Type 5:1 Count@5:6
//	    Field 7:2 Pair
//	      Tuple 7:7
//	        Named 7:8 int64
//	        Slice 7:15
//	          Named 7:17 byte
//	  Param 10:1 n@10:7
//	    Named 10:9 int
//	    Literal 10:15 -3
//	  Dataflow 12:1 WordCount@12:10
//	    Input 13:2 lines@13:8
//	      Named 13:14 string
//	    Pipeline 14:2 evens :=
//	      Call 14:11 range ()@14:16
//	        Expr 14:17 `0`
//	        Expr 14:20 `n`
//	      Call 15:6 filter ()@15:12
//	        Lambda 15:13 (x@15:14)
//	          Body 15:20 `x%2 == 0`
//
// A name whose position differs from its node's is followed by
// @line:col; so is the "(" of a call's argument list, which tells
// count() from count. Types are nodes of their own: Named (Name or
// pkg.Name), Slice, Array [N] and Tuple. A lambda parameter written
// without parentheses has the lambda's position, so (x) is x => and
// (x@15:14) is (x) =>. Go code is shown in backquotes, or as a quoted Go
// string when it spans lines or contains a backquote. A param default
// shows its sign.
//
// An Operator line has its Input lines, then its output type, if any,
// then its State (a Go block) and its Handlers: a Handler line shows the
// input it handles, or notify, and its parameters, with its Body (a Go
// block) under it. A Loop line reads
// like its statement, [name :=] loop var := seed, with the Bound (the
// round limit after max) and the statements of its body under it.
//
// Nodes that a hand-built tree leaves out are skipped, and missing names
// print as <nil>.
func Dump(f *File) string {
	d := &dumper{}
	d.file(f)
	return d.b.String()
}

// dumper accumulates the lines of a Dump.
type dumper struct {
	b     strings.Builder
	depth int
}

// line writes one node line at the current depth.
func (d *dumper) line(kind string, pos Pos, details string) {
	d.b.WriteString(strings.Repeat("  ", d.depth))
	fmt.Fprintf(&d.b, "%s %d:%d", kind, pos.Line, pos.Column)
	if details != "" {
		d.b.WriteString(" " + details)
	}
	d.b.WriteByte('\n')
}

// nested runs fn one level deeper.
func (d *dumper) nested(fn func()) {
	d.depth++
	fn()
	d.depth--
}

// dumpName renders id, with its position when it differs from the node's.
func dumpName(id *Ident, node Pos) string {
	if id == nil {
		return "<nil>"
	}
	if id.Pos.Line == node.Line && id.Pos.Column == node.Column {
		return id.Name
	}
	return fmt.Sprintf("%s@%d:%d", id.Name, id.Pos.Line, id.Pos.Column)
}

// dumpGo renders embedded Go source on one line.
func dumpGo(s string) string {
	if strings.ContainsAny(s, "`\n\r") {
		return strconv.Quote(s)
	}
	return "`" + s + "`"
}

func (d *dumper) file(f *File) {
	if f == nil {
		return
	}
	d.line("File", f.Pos, "package "+dumpName(f.Package, f.Pos))
	d.nested(func() {
		for _, im := range f.Imports {
			details := im.Path // quoted, as written
			if im.Name != nil {
				details = dumpName(im.Name, im.Pos) + " " + details
			}
			d.line("Import", im.Pos, details)
		}
		for _, decl := range f.Decls {
			switch {
			case decl.Type != nil:
				d.typeDecl(decl.Type)
			case decl.Param != nil:
				d.param(decl.Param)
			case decl.Operator != nil:
				d.operator(decl.Operator)
			case decl.Dataflow != nil:
				d.dataflow(decl.Dataflow)
			}
		}
	})
}

func (d *dumper) typeDecl(t *TypeDecl) {
	d.line("Type", t.Pos, dumpName(t.Name, t.Pos))
	d.nested(func() {
		for _, f := range t.Fields {
			d.line("Field", f.Pos, dumpName(f.Name, f.Pos))
			d.nested(func() { d.typeExpr(f.Type) })
		}
	})
}

func (d *dumper) typeExpr(t *TypeExpr) {
	switch {
	case t == nil:
		return
	case t.Tuple != nil:
		d.line("Tuple", t.Pos, "")
		d.nested(func() {
			for _, e := range t.Tuple {
				d.typeExpr(e)
			}
		})
	case t.Array != nil:
		if t.Array.Len == "" {
			d.line("Slice", t.Array.Pos, "")
		} else {
			d.line("Array", t.Array.Pos, "["+t.Array.Len+"]")
		}
		d.nested(func() { d.typeExpr(t.Array.Elem) })
	case t.Named != nil:
		n := t.Named.Name
		if t.Named.Pkg != "" {
			n = t.Named.Pkg + "." + n
		}
		d.line("Named", t.Named.Pos, n)
	}
}

func (d *dumper) param(p *ParamDecl) {
	name := dumpName(p.Name, p.Pos)
	if p.PerProcess {
		name += " (per process)"
	}
	d.line("Param", p.Pos, name)
	d.nested(func() {
		d.typeExpr(p.Type)
		if l := p.Default; l != nil {
			v := l.Value
			if l.Neg {
				v = "-" + v
			}
			d.line("Literal", l.Pos, v)
		}
	})
}

func (d *dumper) operator(op *OperatorDecl) {
	d.line("Operator", op.Pos, dumpName(op.Name, op.Pos))
	d.nested(func() {
		for _, in := range op.Inputs {
			if in == nil {
				continue
			}
			d.line("Input", in.Pos, dumpName(in.Name, in.Pos))
			d.nested(func() { d.typeExpr(in.Type) })
		}
		d.typeExpr(op.Out)
		if op.State != nil {
			d.line("State", op.State.Pos, dumpGo(op.State.Text))
		}
		for _, h := range op.Handlers {
			if h == nil {
				continue
			}
			params := make([]string, len(h.Params))
			for i, p := range h.Params {
				params[i] = dumpName(p, h.Pos)
			}
			d.line("Handler", h.Pos, dumpName(h.Input, h.Pos)+" ("+strings.Join(params, ", ")+")")
			if h.Body != nil {
				d.nested(func() { d.line("Body", h.Body.Pos, dumpGo(h.Body.Text)) })
			}
		}
	})
}

func (d *dumper) dataflow(df *Dataflow) {
	d.line("Dataflow", df.Pos, dumpName(df.Name, df.Pos))
	d.nested(func() { d.stmts(df.Stmts) })
}

func (d *dumper) stmts(stmts []*Stmt) {
	for _, s := range stmts {
		switch {
		case s.Input != nil:
			d.line("Input", s.Input.Pos, dumpName(s.Input.Name, s.Input.Pos))
			d.nested(func() { d.typeExpr(s.Input.Type) })
		case s.Loop != nil:
			d.loop(s.Loop)
		case s.Pipeline != nil:
			d.pipeline(s.Pipeline)
		}
	}
}

func (d *dumper) loop(l *LoopStmt) {
	details := l.Kind + " " + dumpName(l.Var, l.Pos) + " := " + dumpName(l.Seed, l.Pos)
	if l.Bind != nil {
		details = dumpName(l.Bind, l.Pos) + " := " + details
	}
	d.line("Loop", l.Pos, details)
	d.nested(func() {
		if l.Max != nil {
			d.line("Bound", l.Max.Pos, l.Max.Value)
		}
		d.stmts(l.Stmts)
	})
}

func (d *dumper) pipeline(p *Pipeline) {
	details := ""
	if p.Bind != nil {
		details = dumpName(p.Bind, p.Pos)
		for _, m := range p.More {
			details += ", " + dumpName(m, p.Pos)
		}
		details += " :="
	}
	d.line("Pipeline", p.Pos, details)
	d.nested(func() {
		if p.Head != nil {
			d.call(p.Head)
		}
		for _, c := range p.Ops {
			d.call(c)
		}
	})
}

func (d *dumper) call(c *Call) {
	details := dumpName(c.Name, c.Pos)
	if c.Args != nil {
		details += fmt.Sprintf(" ()@%d:%d", c.Args.Pos.Line, c.Args.Pos.Column)
	}
	d.line("Call", c.Pos, details)
	if c.Args == nil {
		return
	}
	d.nested(func() {
		for _, a := range c.Args.Args {
			switch {
			case a.Lambda != nil:
				d.lambda(a.Lambda)
			case a.Expr != nil:
				d.line("Expr", a.Expr.Pos, dumpGo(a.Expr.Text))
			}
		}
	})
}

func (d *dumper) lambda(l *Lambda) {
	params := make([]string, len(l.Params))
	for i, p := range l.Params {
		params[i] = dumpName(p, l.Pos)
	}
	d.line("Lambda", l.Pos, "("+strings.Join(params, ", ")+")")
	if l.Body != nil {
		d.nested(func() { d.line("Body", l.Body.Pos, dumpGo(l.Body.Text)) })
	}
}
