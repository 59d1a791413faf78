package lang

import (
	"go/types"
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
		if !sc.isFailed(ls.Seed.Name) {
			c.errs.Addf(ls.Seed.Pos, "unknown stream %q%s", ls.Seed.Name, suggestion(ls.Seed.Name, sc.names()))
		}
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
		t, uses := c.s.checkArg(&GoCode{Pos: ls.Max.Pos, Text: ls.Max.Value}, anyInteger)
		if t == nil {
			c.failLoop(sc, ls)
			return
		}
		lp.Max = &GoArg{Pos: ls.Max.Pos, Text: ls.Max.Value, Type: types.Typ[types.Int64], UsesParams: uses}
	}
	body := &scope{df: sc.df, parent: sc, loop: lp, streams: map[string]*Node{}, outputs: sc.outputs, failed: map[string]bool{}}
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
		return
	}
	res := sc.add(&Node{Op: "loopresult", Pos: ls.Pos, Out: seed.Out, Inner: lp, Name: ls.Bind.Name})
	c.bind(sc, ls.Bind, res)
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
		what := "the loop variable " + lp.Var.Name
		if n.Op == "leave" {
			what = "the loop's result"
		}
		c.errs.Addf(call.Pos, "%s takes records of %s's type %s, not %s", n.Op, what, c.typeName(lp.Var.Out), c.typeName(in.Out))
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
// if written -> exchange(r => r) at pos.
func (c *checker) recordExchange(sc *scope, in *Node, pos Pos) *Node {
	key := &LambdaInfo{
		Pos: pos, Params: []string{"r"}, ParamTypes: []types.Type{in.Out},
		In: in.Out, Body: "r", Result: in.Out,
	}
	return sc.add(&Node{Op: "exchange", Pos: pos, Inputs: []*Node{in}, Out: in.Out, Lambda: key})
}
