package lang

import (
	"fmt"
	"go/types"
	"strings"
)

// operatorDecl checks a custom operator: its inputs and output, its
// state's fields and its handlers, each type-checked as a Go function
// that receives the state, the time, the records and the functions that
// emit and ask for notifications.
func (c *checker) operatorDecl(d *OperatorDecl) *OperatorDef {
	name := d.Name.Name
	switch {
	case Ops[name] != nil:
		c.errs.Addf(d.Name.Pos, "operator %s has the name of a built-in operator; choose another name", name)
		return nil
	case strings.HasPrefix(name, "tdc"):
		c.errs.Addf(d.Name.Pos, "operator %s: names starting with tdc are reserved for generated code", name)
		return nil
	case len(d.Inputs) > 2:
		c.errs.Addf(d.Inputs[2].Pos, "operator %s has %d inputs; an operator has one or two", name, len(d.Inputs))
		return nil
	}
	op := &OperatorDef{Pos: d.Pos, Name: name}
	seen := map[string]bool{}
	for _, in := range d.Inputs {
		switch {
		case in.Name.Name == "notify":
			c.errs.Addf(in.Name.Pos, "input name notify is taken by the notification handler; choose another name")
			return nil
		case seen[in.Name.Name]:
			c.errs.Addf(in.Name.Pos, "duplicate input %s of operator %s", in.Name.Name, name)
			return nil
		}
		seen[in.Name.Name] = true
		op.Inputs = append(op.Inputs, &OperatorInputDef{Pos: in.Pos, Name: in.Name.Name})
	}
	if !c.operatorTypes(d, op) {
		return nil
	}
	for _, h := range d.Handlers {
		if !c.handler(d, op, h) {
			return nil
		}
	}
	for i, in := range op.Inputs {
		if in.Handler == nil {
			c.errs.Addf(d.Inputs[i].Pos, "operator %s has no handler for input %s; add on %s(t, data) { ... }", name, in.Name, in.Name)
			return nil
		}
	}
	return op
}

// operatorTypes checks the types of an operator's inputs, output and
// state in one synthetic file.
func (c *checker) operatorTypes(d *OperatorDecl, op *OperatorDef) bool {
	state := "struct{}"
	if d.State != nil {
		op.State, op.StatePos = d.State.Text, d.State.Pos
		state = "struct " + directive(d.State.Pos) + d.State.Text
	}
	var b strings.Builder
	b.WriteString(c.s.header(nil))
	fmt.Fprintf(&b, "type %s%s %s\n\n", directive(d.Name.Pos), op.StateType(), state)
	prefix := fmt.Sprintf("_tdcOperator%d", c.s.nfiles+1)
	for i, in := range d.Inputs {
		fmt.Fprintf(&b, "var %sIn%d %s\n", prefix, i, typeExprSource(in.Type))
	}
	if d.Out != nil {
		fmt.Fprintf(&b, "var %sOut %s\n", prefix, typeExprSource(d.Out))
	}
	before := len(c.errs)
	f := c.s.addFile(b.String())
	if f == nil || len(c.errs) > before {
		return false
	}
	scope := c.s.pkg.Scope()
	for i, in := range op.Inputs {
		in.Type = scope.Lookup(fmt.Sprintf("%sIn%d", prefix, i)).Type()
	}
	if d.Out != nil {
		op.Out = scope.Lookup(prefix + "Out").Type()
	}
	st, _ := scope.Lookup(op.StateType()).Type().Underlying().(*types.Struct)
	if st == nil {
		return false
	}
	for i := 0; i < st.NumFields(); i++ {
		f := st.Field(i)
		op.StateFields = append(op.StateFields, &RecordField{Pos: c.s.position(f.Pos()), Name: f.Name(), Type: f.Type()})
	}
	return true
}

// handler checks on input(t, data) { ... } or on notify(t) { ... }.
func (c *checker) handler(d *OperatorDecl, op *OperatorDef, h *Handler) bool {
	var in *OperatorInputDef
	for _, i := range op.Inputs {
		if i.Name == h.Input.Name {
			in = i
		}
	}
	want := 2
	switch {
	case h.Input.Name == "notify":
		if op.Notify != nil {
			c.errs.Addf(h.Pos, "operator %s has two notify handlers; the first is at %s", op.Name, shortPos(op.Notify.Pos))
			return false
		}
		want = 1
	case in == nil:
		var names []string
		for _, i := range op.Inputs {
			names = append(names, i.Name)
		}
		c.errs.Addf(h.Input.Pos, "operator %s has no input %s%s; handlers are on <input>(t, data) and on notify(t)", op.Name, h.Input.Name, suggestion(h.Input.Name, append(names, "notify")))
		return false
	case in.Handler != nil:
		c.errs.Addf(h.Pos, "input %s of operator %s has two handlers; the first is at %s", in.Name, op.Name, shortPos(in.Handler.Pos))
		return false
	}
	if len(h.Params) != want {
		usage := fmt.Sprintf("on %s(t, data)", h.Input.Name)
		if want == 1 {
			usage = "on notify(t)"
		}
		c.errs.Addf(h.Pos, "handler on %s takes %d parameter(s): %s", h.Input.Name, want, usage)
		return false
	}
	for _, p := range h.Params {
		if strings.HasPrefix(p.Name, "tdc") {
			c.errs.Addf(p.Pos, "parameter %s: names starting with tdc are reserved for generated code", p.Name)
			return false
		}
	}
	extra := map[string]string{}
	params := []string{fmt.Sprintf("state *%s", op.StateType()), fmt.Sprintf("%s%s Time", directive(h.Params[0].Pos), h.Params[0].Name)}
	if in != nil {
		params = append(params, fmt.Sprintf("%s%s []%s", directive(h.Params[1].Pos), h.Params[1].Name, c.s.typeString(in.Type, extra)))
	}
	if op.Out != nil {
		out := c.s.typeString(op.Out, extra)
		params = append(params, fmt.Sprintf("emit func(%s)", out), fmt.Sprintf("emitAt func(Time, %s)", out))
	}
	params = append(params, "notify func(Time)", "fail func(error)")
	fn := fmt.Sprintf("_tdcHandler%d", c.s.nfiles+1)
	src := c.s.header(extra) + fmt.Sprintf("func %s(%s) %s%s\n", fn, strings.Join(params, ", "), directive(h.Body.Pos), h.Body.Text)
	before := len(c.errs)
	f := c.s.addFile(src)
	if f == nil || len(c.errs) > before {
		return false
	}
	hd := &HandlerDef{Pos: h.Body.Pos, Body: h.Body.Text, UsesParams: c.s.usedParams(f)}
	for _, p := range h.Params {
		hd.Params = append(hd.Params, p.Name)
	}
	if in != nil {
		in.Handler = hd
	} else {
		op.Notify = hd
	}
	return true
}

// custom checks -> name(streams...), an application of a custom
// operator: the piped stream is its first input, the named streams the
// others.
func (c *checker) custom(sc *scope, in *Node, call *Call, op *OperatorDef) *Node {
	var args []*Arg
	if call.Args != nil {
		args = call.Args.Args
	}
	usage := op.Name + "(" + strings.Join(inputNames(op.Inputs[1:]), ", ") + ")"
	if len(args) != len(op.Inputs)-1 {
		c.errs.Addf(call.Pos, "operator %s takes %d stream(s) besides the piped one, not %d: %s", op.Name, len(op.Inputs)-1, len(args), usage)
		return nil
	}
	n := &Node{Op: op.Name, Pos: call.Pos, Inputs: []*Node{in}, Out: op.Out, Operator: op}
	for _, a := range args {
		name := ""
		if a.Expr != nil {
			name = strings.TrimSpace(a.Expr.Text)
		}
		other, ok := sc.stream(name)
		if !ok {
			if !sc.isFailed(name) {
				c.errs.Addf(a.Pos, "argument of %s must be a stream name, not %q%s", op.Name, name, suggestion(name, sc.names()))
			}
			return nil
		}
		if other.Out == nil {
			return nil
		}
		n.Inputs = append(n.Inputs, other)
	}
	for i, input := range n.Inputs {
		if !types.Identical(input.Out, op.Inputs[i].Type) {
			c.errs.Addf(call.Pos, "input %s of operator %s takes %s, not %s", op.Inputs[i].Name, op.Name, c.typeName(op.Inputs[i].Type), c.typeName(input.Out))
			return nil
		}
	}
	return sc.add(n)
}

func inputNames(ins []*OperatorInputDef) []string {
	var out []string
	for _, in := range ins {
		out = append(out, in.Name)
	}
	return out
}
