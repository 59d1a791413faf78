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
}

// dataflow checks one dataflow and returns its nodes.
func (c *checker) dataflow(d *Dataflow) *DataflowDef {
	sc := &scope{
		df:      &DataflowDef{Pos: d.Pos, Name: d.Name.Name},
		streams: map[string]*Node{},
		outputs: map[string]Pos{},
		failed:  map[string]bool{},
	}
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
// scope's loop.
func (sc *scope) add(n *Node) *Node {
	n.ID = len(sc.df.Nodes)
	n.Loop = sc.loop
	sc.df.Nodes = append(sc.df.Nodes, n)
	return n
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

// bind names a stream, reporting a name used twice.
func (c *checker) bind(sc *scope, id *Ident, n *Node) {
	if token.IsKeyword(id.Name) || id.Name == "_" {
		c.errs.Addf(id.Pos, "invalid stream name %s", id.Name)
		return
	}
	if prev, ok := sc.stream(id.Name); ok {
		c.errs.Addf(id.Pos, "stream %s redeclared; the first declaration is at %s", id.Name, shortPos(prev.Pos))
		return
	}
	if _, ok := Ops[id.Name]; ok || c.customOps[id.Name] != nil {
		c.errs.Addf(id.Pos, "stream name %s is the name of an operator; choose another name", id.Name)
		return
	}
	if id.Name == "loop" || id.Name == "iterate" {
		c.errs.Addf(id.Pos, "stream name %s is a keyword; choose another name", id.Name)
		return
	}
	sc.streams[id.Name] = n
}

// pipeline checks head -> op -> ... and binds its result.
func (c *checker) pipeline(sc *scope, p *Pipeline) {
	cur := c.head(sc, p.Head)
	if cur == nil {
		sc.incomplete = true
	}
	for _, call := range p.Ops {
		if cur == nil {
			c.knownOperator(call)
			continue
		}
		if cur.Out == nil {
			c.errs.Addf(call.Pos, "%s ends the pipeline; nothing can follow it", cur.Op)
			return
		}
		cur = c.operator(sc, cur, call)
		if cur == nil {
			sc.incomplete = true
		}
	}
	if p.Bind == nil {
		return
	}
	if cur == nil {
		sc.failed[p.Bind.Name] = true
		return
	}
	if cur.Out == nil {
		c.errs.Addf(p.Bind.Pos, "cannot bind %s: the pipeline ends in %s, which produces no stream", p.Bind.Name, cur.Op)
		return
	}
	c.bind(sc, p.Bind, cur)
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
		c.errs.Addf(call.Pos, "unknown stream %q%s", name, suggestion(name, sc.names()))
		return nil
	}
	spec, ok := Ops[name]
	if !ok {
		c.errs.Addf(call.Pos, "unknown source %q%s", name, suggestion(name, opNames(SourceOp)))
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
		names := opNames(ElementOp, RouteOp, CombineOp, TimeOp, SinkOp, ObserveOp)
		for name := range c.customOps {
			names = append(names, name)
		}
		c.errs.Addf(call.Pos, "unknown operator %q%s", call.Name.Name, suggestion(call.Name.Name, names))
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
