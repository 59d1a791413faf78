package lang

import (
	"fmt"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"strings"
)

// operatorDecl checks a custom operator: its inputs and output, its
// state's fields and its handlers, each type-checked as a Go function
// that receives the state, the time, the records and the functions that
// emit and ask for notifications. It reports every handler's errors, and
// returns nil when there were any.
func (c *checker) operatorDecl(d *OperatorDecl) *OperatorDef {
	name := d.Name.Name
	switch {
	case c.customOps[name] != nil:
		return nil // declared twice, which checkDeclNames reports
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
	if !c.stateTypeFree(d, op) || !c.operatorTypes(d, op) {
		return nil
	}
	ok := true
	var valid []*Handler
	first := map[string]*Handler{}
	for _, h := range d.Handlers {
		if c.handlerShape(op, h, first) {
			valid = append(valid, h)
		} else {
			ok = false
		}
	}
	for _, h := range valid {
		if !c.handler(op, h) {
			ok = false
		}
	}
	if !ok {
		return nil
	}
	for i, in := range op.Inputs {
		if in.Handler == nil {
			c.errs.Addf(d.Inputs[i].Pos, "operator %s has no handler for input %s; add on %s(t, data) { ... }", name, in.Name, in.Name)
			ok = false
		}
	}
	if !ok {
		return nil
	}
	return op
}

// stateTypeFree checks that the name of the Go type of op's state is not
// taken by a record, a param or a declaration of the package's Go files.
func (c *checker) stateTypeFree(d *OperatorDecl, op *OperatorDef) bool {
	obj := c.s.pkg.Scope().Lookup(op.StateType())
	if obj == nil {
		return true
	}
	where := c.s.position(obj.Pos())
	at := shortPos(where)
	if where.Filename != d.Pos.Filename {
		at = fmt.Sprintf("%s:%d:%d", where.Filename, where.Line, where.Column)
	}
	c.errs.Addf(d.Name.Pos, "operator %s keeps its state in a Go type named %s, which the declaration at %s already uses; rename one of them", op.Name, op.StateType(), at)
	return false
}

// operatorTypes checks the types of an operator's inputs, output and
// state in one synthetic file.
func (c *checker) operatorTypes(d *OperatorDecl, op *OperatorDef) bool {
	state := "struct{}"
	if d.State != nil {
		if !c.stateSyntax(d.State) {
			return false
		}
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

// stateSyntax parses the fields of a state on their own and reports
// their Go syntax errors: those inside the block, or the first. Parsed
// as part of a larger file, a mistake there would also be reported in
// the code that follows it.
func (c *checker) stateSyntax(b *GoBlock) bool {
	src := "package p\n\ntype _ struct " + directive(b.Pos) + b.Text + "\n"
	_, err := parser.ParseFile(token.NewFileSet(), "state.go", src, parser.SkipObjectResolution)
	list, ok := err.(scanner.ErrorList)
	if err == nil || !ok || len(list) == 0 {
		return true
	}
	end := blockEnd(b)
	for i, e := range list {
		p := Pos{Filename: e.Pos.Filename, Line: e.Pos.Line, Column: e.Pos.Column}
		if i == 0 || before(p, end) {
			c.errs.Add(p, e.Msg)
		}
	}
	return false
}

// blockEnd is the position of the "}" that ends b.
func blockEnd(b *GoBlock) Pos {
	p := b.Pos
	p.Advance(strings.TrimSuffix(b.Text, "}"))
	return p
}

// before reports whether p comes before q in the same file.
func before(p, q Pos) bool {
	return p.Line < q.Line || p.Line == q.Line && p.Column < q.Column
}

// handlerParamNames are the names a handler's body sees besides its
// parameters, which the parameters may not take.
var handlerParamNames = map[string]string{
	"state":  "the operator's state",
	"emit":   "the function emit",
	"emitAt": "the function emitAt",
	"notify": "the function notify",
	"fail":   "the function fail",
}

// handlerShape checks what a handler applies to and its parameters, and
// records it in first, by input, when it is the first for its input.
func (c *checker) handlerShape(op *OperatorDef, h *Handler, first map[string]*Handler) bool {
	name := h.Input.Name
	var in *OperatorInputDef
	var names []string
	for _, i := range op.Inputs {
		names = append(names, i.Name)
		if i.Name == name {
			in = i
		}
	}
	switch {
	case name != "notify" && in == nil:
		if hint := suggestion(name, append(names, "notify")); hint != "" {
			c.errs.Addf(h.Input.Pos, "operator %s has no input %s%s", op.Name, name, hint)
			return false
		}
		var usages []string
		for _, n := range names {
			usages = append(usages, fmt.Sprintf("on %s(t, data)", n))
		}
		c.errs.Addf(h.Input.Pos, "operator %s has no input %s; its handlers are %s and on notify(t)", op.Name, name, strings.Join(usages, ", "))
		return false
	case first[name] != nil:
		what := "input " + name + " of operator " + op.Name + " has two handlers"
		if name == "notify" {
			what = "operator " + op.Name + " has two notify handlers"
		}
		c.errs.Addf(h.Pos, "%s; the first is at %s", what, shortPos(first[name].Pos))
		return false
	}
	first[name] = h
	want, usage := 2, fmt.Sprintf("on %s(t, data)", name)
	if name == "notify" {
		want, usage = 1, "on notify(t)"
	}
	if len(h.Params) != want {
		c.errs.Addf(h.Pos, "handler on %s takes %d %s, not %d: %s", name, want, plural(want, "parameter"), len(h.Params), usage)
		return false
	}
	seen := map[string]bool{}
	for _, p := range h.Params {
		switch {
		case strings.HasPrefix(p.Name, "tdc"):
			c.errs.Addf(p.Pos, "parameter %s: names starting with tdc are reserved for generated code", p.Name)
		case token.IsKeyword(p.Name):
			c.errs.Addf(p.Pos, "parameter name %s is a Go keyword; choose another name", p.Name)
		case handlerParamNames[p.Name] != "":
			c.errs.Addf(p.Pos, "parameter %s would hide %s from the handler; choose another name", p.Name, handlerParamNames[p.Name])
		case seen[p.Name] && p.Name != "_":
			c.errs.Addf(p.Pos, "duplicate parameter %s of on %s", p.Name, name)
		default:
			seen[p.Name] = true
			continue
		}
		return false
	}
	return true
}

// plural returns word, with an s unless n is 1.
func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// handler type-checks the body of on input(t, data) { ... } or on
// notify(t) { ... }, whose shape handlerShape checked.
func (c *checker) handler(op *OperatorDef, h *Handler) bool {
	var in *OperatorInputDef
	for _, i := range op.Inputs {
		if i.Name == h.Input.Name {
			in = i
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
		c.handlerErrors(op, h, before)
		return false
	}
	uses := c.s.usedParams(f) // reports assignments to params
	if len(c.errs) > before {
		c.handlerErrors(op, h, before)
		return false
	}
	hd := &HandlerDef{Pos: h.Body.Pos, Body: h.Body.Text, UsesParams: uses}
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

// handlerErrors rewrites the errors that checking the handler h added to
// the list after its first before: it drops what Go's parser reports
// past the end of the body once it lost its way, and words the messages
// about the names a handler sees in the terms of the .tdf file.
func (c *checker) handlerErrors(op *OperatorDef, h *Handler, from int) {
	end := blockEnd(h.Body)
	added := append([]*Error(nil), c.errs[from:]...)
	c.errs = c.errs[:from]
	for _, e := range added {
		if len(c.errs) > from && !before(e.Pos, end) {
			continue
		}
		msg := e.Msg
		if bare, _, _ := strings.Cut(msg, ";"); op.Out == nil && (bare == "undefined: emit" || bare == "undefined: emitAt") {
			msg = fmt.Sprintf("operator %s has no output type, so it cannot emit; declare one after its inputs: operator %s(...) Out", op.Name, op.Name)
		}
		msg = strings.Replace(msg, "type *"+op.StateType()+" has no field or method", "the state of operator "+op.Name+" has no field", 1)
		msg = strings.Replace(msg, "copy it into a variable of the lambda", "copy it into a variable of the handler", 1)
		c.errs.Add(e.Pos, msg)
	}
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
	switch want := len(op.Inputs) - 1; {
	case want == 0 && len(args) > 0:
		c.errs.Addf(args[0].Pos, "operator %s takes no arguments (its one input is the piped stream): %s", op.Name, usage)
		return nil
	case len(args) < want:
		c.errs.Addf(call.Pos, "operator %s needs the stream for its input %s: %s", op.Name, op.Inputs[len(args)+1].Name, usage)
		return nil
	case len(args) > want:
		c.errs.Addf(args[want].Pos, "operator %s takes one stream argument, for its input %s, not %d: %s", op.Name, op.Inputs[1].Name, len(args), usage)
		return nil
	}
	n := &Node{Op: op.Name, Pos: call.Pos, Inputs: []*Node{in}, Out: op.Out, Operator: op}
	for _, a := range args {
		name := ""
		if a.Expr != nil {
			name = strings.TrimSpace(a.Expr.Text)
		}
		other, ok := sc.stream(name)
		switch {
		case ok && other.Out == nil:
			return nil
		case ok:
			n.Inputs = append(n.Inputs, other)
			continue
		case a.Lambda != nil:
			c.errs.Addf(a.Pos, "argument of %s must be a stream name, not a lambda", op.Name)
		case token.IsIdentifier(name):
			c.unknownStream(sc, a.Pos, name)
		default:
			c.errs.Addf(a.Pos, "argument of %s must be a stream name, not %s", op.Name, name)
		}
		return nil
	}
	for i, input := range n.Inputs {
		if !types.Identical(input.Out, op.Inputs[i].Type) {
			pos := call.Pos
			if i > 0 {
				pos = args[i-1].Pos
			}
			c.errs.Addf(pos, "input %s of operator %s takes %s, not %s", op.Inputs[i].Name, op.Name, c.typeName(op.Inputs[i].Type), c.typeName(input.Out))
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
