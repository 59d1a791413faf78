package lang

import (
	"fmt"
	"go/token"
	"go/types"
	"strconv"
	"strings"
)

// maxLoopDepth is how deeply loops nest: the runtime's Time carries this
// many round coordinates (runtime.MaxLoopDepth).
const maxLoopDepth = 2

// loop checks [name :=] loop|iterate var := seed [max N] { body }: the
// body is a scope one level deeper whose variable var is the seed at
// round 0 and what the body sends to next afterwards. It adds the
// loop's variable, its body and its result, and binds the result.
func (c *checker) loop(sc *scope, ls *LoopStmt) {
	seed, ok := sc.stream(ls.Seed.Name)
	if !ok {
		c.unknownStream(sc, ls.Seed.Pos, ls.Seed.Name)
		c.failLoop(sc, ls)
		return
	}
	if seed.Out == nil {
		c.failLoop(sc, ls)
		return
	}
	lp := &Loop{Pos: ls.Pos, Kind: ls.Kind, Depth: 1, Parent: sc.loop}
	if sc.loop != nil {
		lp.Depth = sc.loop.Depth + 1
	}
	if lp.Depth > maxLoopDepth {
		c.errs.Addf(ls.Pos, "loops nest at most %d deep; this %s is at depth %d", maxLoopDepth, ls.Kind, lp.Depth)
		c.failLoop(sc, ls)
		return
	}
	if ls.Kind == "iterate" && !c.recordKey(ls.Seed.Pos, "iterate", seed.Out) {
		c.failLoop(sc, ls)
		return
	}
	if ls.Max != nil {
		lp.Max = c.loopMax(ls)
		if lp.Max == nil {
			c.failLoop(sc, ls)
			return
		}
	}
	body := newScope(sc.df, sc, lp)
	defer c.hideBody(sc, body, ls)
	in := seed
	if ls.Kind == "iterate" {
		in = c.recordExchange(body, seed, ls.Seed.Pos)
	}
	lp.Var = body.add(&Node{Op: "loopvar", Pos: ls.Var.Pos, Inputs: []*Node{in}, Out: seed.Out, Name: ls.Var.Name})
	c.bind(body, ls.Var, lp.Var)
	before := len(c.errs)
	for _, st := range ls.Stmts {
		c.stmt(body, st)
	}
	if len(c.errs) > before || body.incomplete {
		c.failLoop(sc, ls)
		return
	}
	if len(lp.Next) == 0 {
		c.errs.Addf(ls.Pos, "%s %s sends nothing to next, so it never goes round; end a pipeline of its body with -> next", ls.Kind, ls.Var.Name)
		c.failLoop(sc, ls)
		return
	}
	if ls.Bind == nil {
		return
	}
	if ls.Kind == "loop" && lp.Max == nil && len(lp.Leave) == 0 {
		c.errs.Addf(ls.Bind.Pos, "cannot bind %s: a loop without max has no result unless its body sends records to leave", ls.Bind.Name)
		sc.failed[ls.Bind.Name] = true
		return
	}
	res := sc.add(&Node{Op: "loopresult", Pos: ls.Pos, Out: seed.Out, Inner: lp, Name: ls.Bind.Name})
	c.bind(sc, ls.Bind, res)
}

// loopMax checks the round limit of a loop: an integer of at least 1,
// or an integer param.
func (c *checker) loopMax(ls *LoopStmt) *GoArg {
	v := ls.Max.Value
	if token.IsIdentifier(v) {
		var names []string
		declared := false
		for _, d := range c.file.Decls {
			if d.Param != nil {
				names = append(names, d.Param.Name.Name)
				declared = declared || d.Param.Name.Name == v
			}
		}
		known := false
		for _, p := range c.params {
			known = known || p.Name == v
		}
		switch {
		case !known && declared:
			return nil // its declaration failed to check
		case !known && c.s.pkg.Scope().Lookup(v) == nil && types.Universe.Lookup(v) == nil:
			c.errs.Addf(ls.Max.Pos, "unknown param %q after max%s", v, suggestion(v, names))
			return nil
		}
	} else if n, err := strconv.ParseInt(strings.ReplaceAll(v, "_", ""), 0, 64); err == nil && n < 1 {
		c.errs.Addf(ls.Max.Pos, "the round limit after max must be at least 1, not %s", v)
		return nil
	}
	before := len(c.errs)
	t, uses := c.s.checkArg(&GoCode{Pos: ls.Max.Pos, Text: v}, anyInteger)
	for _, e := range c.errs[before:] {
		if w, ok := strings.CutPrefix(e.Msg, "want an integer, not "); ok {
			e.Msg = fmt.Sprintf("the round limit after max must be an integer, not %s", w)
		}
		e.Msg = strings.Replace(e.Msg, "as a range bound", "as a round limit", 1)
		if strings.Contains(e.Msg, integerFunc) { // as for nil: cannot infer T
			e.Msg = fmt.Sprintf("the round limit after max must be an integer, not %s", v)
		}
	}
	if t == nil {
		return nil
	}
	return &GoArg{Pos: ls.Max.Pos, Text: v, Type: types.Typ[types.Int64], UsesParams: uses}
}

// hideBody notes in sc the names that the body of loop ls bound, so that
// uses of them after the loop are explained.
func (c *checker) hideBody(sc, body *scope, ls *LoopStmt) {
	note := func(name string, in innerName) {
		if _, ok := sc.inner[name]; !ok {
			sc.inner[name] = in
		}
	}
	note(ls.Var.Name, innerName{pos: ls.Var.Pos, kind: ls.Kind, loopVar: true})
	for name, pos := range body.bound {
		if name != ls.Var.Name {
			note(name, innerName{pos: pos, kind: ls.Kind})
		}
	}
	for name, in := range body.inner {
		note(name, in)
	}
}

// failLoop marks the name a failed loop binds, so that its uses are not
// reported again.
func (c *checker) failLoop(sc *scope, ls *LoopStmt) {
	sc.incomplete = true
	if ls.Bind != nil {
		sc.failed[ls.Bind.Name] = true
	}
}

// loopSink checks -> next and -> leave, which only a loop body has, and
// records them with the loop.
func (c *checker) loopSink(sc *scope, n *Node, call *Call) *Node {
	lp := sc.loop
	if lp == nil {
		c.errs.Addf(call.Pos, "%s can only end a pipeline in the body of a loop or iterate", n.Op)
		return nil
	}
	in := n.Inputs[0]
	if !types.Identical(in.Out, lp.Var.Out) {
		c.errs.Addf(call.Pos, "%s takes records of type %s, the type of %s variable %s, not %s", n.Op, c.typeName(lp.Var.Out), lp.Kind, lp.Var.Name, c.typeName(in.Out))
		return nil
	}
	n.Out = nil
	switch n.Op {
	case "next":
		if lp.Kind == "iterate" {
			n.Inputs[0] = c.recordExchange(sc, in, call.Pos)
		}
		lp.Next = append(lp.Next, sc.add(n))
	case "leave":
		if lp.Kind == "iterate" {
			c.errs.Addf(call.Pos, "leave is for loop; the result of iterate is every record its variable %s takes", lp.Var.Name)
			return nil
		}
		lp.Leave = append(lp.Leave, sc.add(n))
	}
	return n
}

// recordKey checks that records of type t can be hashed and compared,
// as operator what needs.
func (c *checker) recordKey(pos Pos, what string, t types.Type) bool {
	if why := unhashable(t); why != "" || !types.Comparable(t) {
		if why == "" {
			why = "it is not comparable"
		}
		c.errs.Addf(pos, "%s needs records that can be hashed and compared, but %s cannot: %s", what, c.typeName(t), why)
		return false
	}
	return true
}

// recordExchange adds an exchange of in's records by their own value, as
// if written -> exchange(r => r) at pos, unless they are spread that way
// already.
func (c *checker) recordExchange(sc *scope, in *Node, pos Pos) *Node {
	if spread(in) == spreadByRecord {
		return in
	}
	return c.implicitExchange(sc, in, pos, "r", in.Out)
}
