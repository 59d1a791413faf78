package lang

import (
	"fmt"
	"go/token"
	"go/types"
	"strings"
)

// scope holds the streams bound so far in a dataflow or a loop body. A
// loop body sees the streams of the scopes around it.
type scope struct {
	df      *DataflowDef
	parent  *scope
	loop    *Loop // the loop whose body this is; nil for the dataflow
	streams map[string]*Node
	outputs map[string]Pos // shared by all scopes of the dataflow
	// failed holds the names bound by pipelines that had errors; using
	// them is not reported again.
	failed map[string]bool
	// incomplete is set when a pipeline of the scope failed to check.
	incomplete bool
	// bound holds where each name of streams was bound.
	bound map[string]Pos
	// inner holds the names bound in the bodies of the loops of the
	// scope, which are not visible in it, for messages.
	inner map[string]innerName
}

// innerName is a name bound in the body of a loop: where, and whether it
// is the loop's variable.
type innerName struct {
	pos     Pos
	kind    string // loop or iterate
	loopVar bool
}

// newScope returns an empty scope of the dataflow df, in the body of loop
// lp inside parent, or the dataflow's own scope when parent is nil.
func newScope(df *DataflowDef, parent *scope, lp *Loop) *scope {
	sc := &scope{df: df, parent: parent, loop: lp, streams: map[string]*Node{}, outputs: map[string]Pos{},
		failed: map[string]bool{}, bound: map[string]Pos{}, inner: map[string]innerName{}}
	if parent != nil {
		sc.outputs = parent.outputs
	}
	return sc
}

// dataflow checks one dataflow and returns its nodes.
func (c *checker) dataflow(d *Dataflow) *DataflowDef {
	sc := newScope(&DataflowDef{Pos: d.Pos, Name: d.Name.Name}, nil, nil)
	c.binds = map[string]binding{}
	collectBinds(d.Stmts, c.binds)
	for _, st := range d.Stmts {
		c.stmt(sc, st)
	}
	return sc.df
}

// stmt checks one statement of a dataflow or loop body.
func (c *checker) stmt(sc *scope, st *Stmt) {
	switch {
	case st.Input != nil:
		if sc.loop != nil {
			c.errs.Addf(st.Input.Pos, "input %s cannot be declared inside a %s; declare it before the %s and use it inside", st.Input.Name.Name, sc.loop.Kind, sc.loop.Kind)
			return
		}
		t := c.inputTypes[st.Input]
		if t == nil {
			return
		}
		n := sc.add(&Node{Op: "input", Pos: st.Input.Pos, Out: t, Name: st.Input.Name.Name})
		c.bind(sc, st.Input.Name, n)
	case st.Loop != nil:
		c.loop(sc, st.Loop)
	case st.Pipeline != nil:
		c.pipeline(sc, st.Pipeline)
	}
}

// add appends n to the dataflow, numbering it and placing it in the
// scope's loop, or in a loop around it when n is loop-invariant (see
// invariantOps).
func (sc *scope) add(n *Node) *Node {
	n.ID = len(sc.df.Nodes)
	n.Loop = sc.loop
	if invariantOps[n.Op] && n.Operator == nil && !n.Across && len(n.Inputs) > 0 {
		n.Loop = nil
		for _, in := range n.Inputs {
			if in.Depth() > n.Depth() {
				n.Loop = in.Loop
			}
		}
	}
	sc.df.Nodes = append(sc.df.Nodes, n)
	return n
}

// invariantOps are the operators that a loop body computes once per
// time of their inputs when every input is a stream from outside the
// loop: what they produce from the whole collection of an epoch does not
// depend on the round. Sinks, next and leave, enter, custom operators
// (which may keep state across rounds) and the loop's own nodes stay in
// the body.
var invariantOps = map[string]bool{
	"map": true, "filter": true, "flat_map": true, "inspect": true,
	"exchange": true, "broadcast": true, "concat": true,
	"partition": true, "branch": true, "part": true,
	"count": true, "distinct": true, "sum": true, "min": true, "max": true,
	"reduce": true, "top_k": true, "join": true, "delay": true, "probe": true,
	"combine": true,
}

// stream looks name up in the scope and the scopes around it.
func (sc *scope) stream(name string) (*Node, bool) {
	for s := sc; s != nil; s = s.parent {
		if n, ok := s.streams[name]; ok {
			return n, true
		}
	}
	return nil, false
}

// isFailed reports whether name was bound by a pipeline with errors.
func (sc *scope) isFailed(name string) bool {
	for s := sc; s != nil; s = s.parent {
		if s.failed[name] {
			return true
		}
	}
	return false
}

// boundAt returns where name was bound, in the scope or around it.
func (sc *scope) boundAt(name string) (Pos, bool) {
	for s := sc; s != nil; s = s.parent {
		if p, ok := s.bound[name]; ok {
			return p, true
		}
	}
	return Pos{}, false
}

// bind names a stream, reporting a name used twice. A name it rejects
// is marked failed, so that its uses are not reported again.
func (c *checker) bind(sc *scope, id *Ident, n *Node) {
	if prev, ok := sc.boundAt(id.Name); ok {
		c.errs.Addf(id.Pos, "stream %s redeclared; the first declaration is at %s", id.Name, shortPos(prev))
		return
	}
	_, builtin := Ops[id.Name]
	switch {
	case token.IsKeyword(id.Name) || id.Name == "_":
		c.errs.Addf(id.Pos, "invalid stream name %s", id.Name)
	case builtin || c.declaredOps[id.Name]:
		c.errs.Addf(id.Pos, "stream name %s is the name of an operator; choose another name", id.Name)
	case id.Name == "loop" || id.Name == "iterate":
		c.errs.Addf(id.Pos, "stream name %s is a keyword; choose another name", id.Name)
	default:
		sc.streams[id.Name] = n
		sc.bound[id.Name] = id.Pos
		return
	}
	sc.failed[id.Name] = true
}

// unknownStream reports a use of name at pos that no stream of the scope
// has, unless its binding failed.
func (c *checker) unknownStream(sc *scope, pos Pos, name string) {
	if sc.isFailed(name) {
		return
	}
	for s := sc; s != nil; s = s.parent {
		in, ok := s.inner[name]
		switch {
		case !ok:
			continue
		case in.loopVar:
			c.errs.Addf(pos, "stream %s is the variable of the %s at %s and is visible only in its body", name, in.kind, shortPos(in.pos))
		default:
			c.errs.Addf(pos, "stream %s is bound at %s in the body of a %s and is visible only there", name, shortPos(in.pos), in.kind)
		}
		return
	}
	if b, ok := c.binds[name]; ok {
		switch {
		case after(b.pos, pos):
			c.errs.Addf(pos, "stream %s is used before it is bound at %s; move the binding above this use", name, shortPos(b.pos))
			return
		case b.loopVar != "":
			c.errs.Addf(pos, "stream %s is the result of the loop at %s, which its own body cannot read; in the body, the records of each round are the loop variable %s", name, shortPos(b.pos), b.loopVar)
			return
		}
	}
	hint := suggestion(name, sc.names())
	if hint == "" {
		hint = fmt.Sprintf("; bind it before use, as in %s := lines(path)", name)
	}
	c.errs.Addf(pos, "unknown stream %q%s", name, hint)
}

// binding is where a stream name is first bound, and the loop variable
// when it is bound to a loop's result.
type binding struct {
	pos     Pos
	loopVar string
}

// collectBinds records where each stream name of stmts, and of the
// bodies of their loops, is first bound.
func collectBinds(stmts []*Stmt, binds map[string]binding) {
	add := func(id *Ident) {
		if _, ok := binds[id.Name]; !ok {
			binds[id.Name] = binding{pos: id.Pos}
		}
	}
	for _, st := range stmts {
		switch {
		case st.Input != nil:
			add(st.Input.Name)
		case st.Pipeline != nil && st.Pipeline.Bind != nil:
			add(st.Pipeline.Bind)
			for _, id := range st.Pipeline.More {
				add(id)
			}
		case st.Loop != nil:
			if id := st.Loop.Bind; id != nil {
				if _, ok := binds[id.Name]; !ok {
					binds[id.Name] = binding{pos: id.Pos, loopVar: st.Loop.Var.Name}
				}
			}
			collectBinds(st.Loop.Stmts, binds)
		}
	}
}

// after reports whether a comes after b in the file.
func after(a, b Pos) bool {
	return a.Line > b.Line || a.Line == b.Line && a.Column > b.Column
}

// pipeline checks head -> op -> ... and binds its result.
func (c *checker) pipeline(sc *scope, p *Pipeline) {
	cur := c.head(sc, p.Head)
	if cur == nil {
		sc.incomplete = true
		cur = c.standInSource(sc, p.Head)
	}
	for _, call := range p.Ops {
		if cur == nil {
			c.knownOperator(call)
			c.uncheckedLambdas(call)
			continue
		}
		if cur.Out == nil {
			c.errs.Addf(call.Pos, "%s ends the pipeline; nothing can follow it", cur.Op)
			return
		}
		if cur.Op == "branch" || cur.Op == "partition" {
			c.errs.Addf(call.Pos, "%s ends the pipeline; bind its parts to names and read those: %s", cur.Op, Ops[cur.Op].Usage)
			return
		}
		next := c.operator(sc, cur, call)
		if next == nil {
			sc.incomplete = true
			next = c.standIn(cur, call)
		}
		cur = next
	}
	if cur != nil && (cur.Op == "branch" || cur.Op == "partition") {
		c.bindParts(sc, p, cur)
		return
	}
	if len(p.More) > 0 {
		if cur != nil {
			c.errs.Addf(p.More[0].Pos, "a pipeline binds several names only when it ends in branch or partition, one per part; this one ends in %s", cur.Op)
		}
		for _, id := range append([]*Ident{p.Bind}, p.More...) {
			sc.failed[id.Name] = true
		}
		return
	}
	if p.Bind == nil {
		return
	}
	if cur == nil {
		sc.failed[p.Bind.Name] = true
		return
	}
	if cur.Out == nil {
		c.errs.Addf(p.Bind.Pos, "cannot bind %s: the pipeline ends in %s, which produces no stream; drop \"%s :=\"", p.Bind.Name, cur.Op, p.Bind.Name)
		sc.failed[p.Bind.Name] = true
		return
	}
	c.bind(sc, p.Bind, cur)
}

// bindParts binds the parts of a branch or partition n that ends
// pipeline p, one name each: branch has two parts, partition as many as
// names.
func (c *checker) bindParts(sc *scope, p *Pipeline, n *Node) {
	names := []*Ident{}
	if p.Bind != nil {
		names = append(names, p.Bind)
	}
	names = append(names, p.More...)
	switch {
	case n.Op == "branch" && len(names) != 2:
		c.errs.Addf(n.Pos, "branch makes two streams, the records it is true of and the others; bind both: yes, no := ... -> branch(x => cond)")
	case n.Op == "partition" && len(names) < 2:
		c.errs.Addf(n.Pos, "partition makes one stream per name bound to it, at least two: p0, p1 := ... -> partition(x => part)")
	default:
		n.Parts = len(names)
		for i, id := range names {
			part := sc.add(&Node{Op: "part", Pos: id.Pos, Inputs: []*Node{n}, Out: n.Out, Part: i, Name: id.Name})
			c.bind(sc, id, part)
		}
		return
	}
	for _, id := range names {
		sc.failed[id.Name] = true
	}
}

// head checks the start of a pipeline: a stream name or a source.
func (c *checker) head(sc *scope, call *Call) *Node {
	name := call.Name.Name
	if call.Args == nil {
		if n, ok := sc.stream(name); ok {
			return n
		}
		if sc.isFailed(name) {
			return nil
		}
		if name == "stdin" {
			if sc.loop != nil {
				c.errs.Addf(call.Pos, "source stdin cannot be inside a %s; create the stream before the %s and use it inside", sc.loop.Kind, sc.loop.Kind)
				return nil
			}
			return c.stdin(sc, call)
		}
		if spec, ok := Ops[name]; ok && spec.Kind == SourceOp {
			c.errs.Addf(call.Pos, "source %s needs arguments: %s", name, spec.Usage)
			return nil
		}
		if _, ok := Ops[name]; ok || c.declaredOps[name] {
			c.errs.Addf(call.Pos, "%s is an operator, not a stream; a pipeline starts with a stream or one of %s", name, strings.Join(opNames(SourceOp), ", "))
			return nil
		}
		c.unknownStream(sc, call.Pos, name)
		return nil
	}
	spec, ok := Ops[name]
	if !ok && c.declaredOps[name] {
		c.errs.Addf(call.Pos, "%s is an operator, not a source; a pipeline starts with a stream or one of %s", name, strings.Join(opNames(SourceOp), ", "))
		return nil
	}
	if !ok {
		c.errs.Addf(call.Pos, "unknown source %q%s", name, c.unknownHint(name, true))
		return nil
	}
	if sc.loop != nil && spec.Kind == SourceOp {
		c.errs.Addf(call.Pos, "source %s cannot be inside a %s; create the stream before the %s and use it inside", name, sc.loop.Kind, sc.loop.Kind)
		return nil
	}
	if spec.Kind != SourceOp {
		c.errs.Addf(call.Pos, "%s is an operator, not a source; a pipeline starts with a stream or one of %s", name, strings.Join(opNames(SourceOp), ", "))
		return nil
	}
	switch name {
	case "stdin":
		if len(call.Args.Args) > 0 {
			c.errs.Addf(call.Pos, "stdin takes no arguments: stdin or stdin()")
			return nil
		}
		return c.stdin(sc, call)
	case "read", "csv":
		return c.readSource(sc, call, spec)
	case "lines":
		args := c.goArgs(call, []types.Type{types.Typ[types.String]}, spec)
		if args == nil {
			return nil
		}
		return sc.add(&Node{Op: name, Pos: call.Pos, Out: types.Typ[types.String], Args: args})
	case "range":
		args := c.goArgs(call, []types.Type{anyInteger, anyInteger}, spec)
		if args == nil {
			return nil
		}
		return sc.add(&Node{Op: name, Pos: call.Pos, Out: types.Typ[types.Int64], Args: args})
	}
	return nil
}

// knownOperator reports an unknown operator name in a pipeline whose
// earlier part failed to check, so that one run shows both mistakes.
func (c *checker) knownOperator(call *Call) {
	if _, ok := Ops[call.Name.Name]; !ok && !c.declaredOps[call.Name.Name] {
		c.errs.Addf(call.Pos, "unknown operator %q%s", call.Name.Name, c.unknownHint(call.Name.Name, false))
	}
}

// stdin is the source of the lines of standard input: lines("-"), read by
// the first worker.
func (c *checker) stdin(sc *scope, call *Call) *Node {
	arg := &GoArg{Pos: call.Pos, Text: `"-"`, Type: types.Typ[types.String]}
	return sc.add(&Node{Op: "lines", Pos: call.Pos, Out: types.Typ[types.String], Args: []*GoArg{arg}})
}

// names lists the bound stream names.
func (sc *scope) names() []string {
	var out []string
	for s := sc; s != nil; s = s.parent {
		for n := range s.streams {
			out = append(out, n)
		}
	}
	return out
}

// suggestion returns `; did you mean "x"?` for the candidate closest to
// name, or "" when none is close.
func suggestion(name string, candidates []string) string {
	if s := suggest(name, candidates); s != "" && s != name {
		return fmt.Sprintf("; did you mean %q?", s)
	}
	return ""
}
