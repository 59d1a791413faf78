package planner

import (
	"fmt"

	"github.com/tdflow/tdc/lang"
)

// Plan plans every dataflow of a checked program.
func Plan(prog *lang.Program) ([]*Graph, error) {
	var graphs []*Graph
	for _, df := range prog.Dataflows {
		g, err := PlanDataflow(df)
		if err != nil {
			return nil, err
		}
		graphs = append(graphs, g)
	}
	return graphs, nil
}

// feed is one way records reach a reader: from an operator, routed by an
// optional exchange key or to every worker by a broadcast.
type feed struct {
	from      *Op
	route     *lang.Node // the exchange or broadcast node, or nil
	changes   []TimeChange
	partition *lang.Node // the partition or branch whose part is read, or nil
	part      int
}

// changed returns feeds with one more change of time.
func changed(feeds []feed, kind ChangeKind, loop *lang.Loop) []feed {
	for i := range feeds {
		feeds[i].changes = append(feeds[i].changes[:len(feeds[i].changes):len(feeds[i].changes)], TimeChange{Kind: kind, Loop: loop})
	}
	return feeds
}

// planState is the state of planning one dataflow.
type planState struct {
	g    *Graph
	uses map[*lang.Node]int // readers of each node's stream
	op   map[*lang.Node]*Op // the operator whose output is the node's stream
	tail map[*Op]*lang.Node // the last node fused into each operator
	errs lang.ErrorList
}

// PlanDataflow plans one checked dataflow.
func PlanDataflow(df *lang.DataflowDef) (*Graph, error) {
	p := &planState{
		g:    &Graph{Name: df.Name, Pos: df.Pos},
		uses: map[*lang.Node]int{},
		op:   map[*lang.Node]*Op{},
		tail: map[*Op]*lang.Node{},
	}
	for _, n := range df.Nodes {
		for _, in := range n.Inputs {
			p.uses[in]++
		}
		if lp := n.Inner; lp != nil {
			// The result of a loop reads its variable (iterate) or what
			// its body feeds back (loop with max).
			if lp.Kind == "iterate" {
				p.uses[lp.Var]++
			} else if lp.Max != nil {
				for _, next := range lp.Next {
					p.uses[next.Inputs[0]]++
				}
			}
		}
	}
	for _, n := range df.Nodes {
		p.node(n)
		if len(p.errs) > 0 {
			break // later nodes may read what this one failed to plan
		}
	}
	if err := p.errs.Err(); err != nil {
		return nil, err
	}
	p.fuseCombiners()
	p.ports()
	p.paths()
	p.name()
	if err := p.errs.Err(); err != nil {
		return nil, err
	}
	p.g.Fingerprint = fingerprint(p.g)
	return p.g, nil
}

// node places one checked node into the graph.
func (p *planState) node(n *lang.Node) {
	if n.Operator != nil {
		op := p.newOp(CustomOp, n)
		p.connect(op, p.feeds(n.Inputs[0], nil))
		if len(n.Inputs) > 1 {
			op.Right = &Port{Type: n.Inputs[1].Out}
			p.connectPort(op, op.Right, p.feeds(n.Inputs[1], nil))
		}
		p.op[n] = op
		p.tail[op] = n
		return
	}
	switch n.Op {
	case "loopvar":
		kind := LoopOp
		if n.Loop.Kind == "iterate" {
			kind = IterateOp
		}
		op := p.newOp(kind, n)
		p.connect(op, p.feeds(n.Inputs[0], nil))
		p.op[n] = op
		p.tail[op] = n
	case "next":
		head := p.op[n.Loop.Var]
		p.connectPort(head, head.In, changed(p.feeds(n.Inputs[0], nil), Feedback, n.Loop))
	case "leave", "loopresult":
		// Readers of the loop's result read through channels out of
		// the loop; see feeds.
	case "lines", "range", "input", "read", "csv":
		kind := OpKind(n.Op)
		if n.Op == "read" || n.Op == "csv" {
			kind = LinesOp // a typed source reads lines and parses them
		}
		op := p.newOp(kind, n)
		p.op[n] = op
		p.tail[op] = n
	case "count", "distinct", "sum", "min", "max", "reduce", "delay", "top_k", "combine":
		op := p.newOp(OpKind(n.Op), n)
		p.connect(op, p.feeds(n.Inputs[0], nil))
		p.op[n] = op
		p.tail[op] = n
	case "join":
		op := p.newOp(JoinOp, n)
		p.connect(op, p.feeds(n.Inputs[0], nil))
		op.Right = &Port{Type: n.Inputs[1].Out}
		p.connectPort(op, op.Right, p.feeds(n.Inputs[1], nil))
		switch n.Arranged {
		case nil:
		case n.Inputs[0]:
			op.Arranged, op.ArrangedDepth = op.In, n.Arranged.Depth()
		default:
			op.Arranged, op.ArrangedDepth = op.Right, n.Arranged.Depth()
		}
		p.op[n] = op
		p.tail[op] = n
	case "probe":
		op := p.newOp(ProbeOp, n)
		p.connect(op, p.feeds(n.Inputs[0], nil))
		p.op[n] = op
		p.tail[op] = n
	case "exchange", "concat", "broadcast", "enter":
		// Routing, merging and entering a loop live on channels; see
		// feeds.
	case "part":
		// A part of a partition lives on channels; see feeds.
	case "map", "filter", "flat_map", "inspect", "print", "output", "capture", "write", "partition", "branch":
		in := n.Inputs[0]
		if prod, ok := p.op[in]; ok && p.tail[prod] == in && p.uses[in] == 1 && prod.Loop == n.Loop {
			prod.Stages = append(prod.Stages, n)
			p.op[n] = prod
			p.tail[prod] = n
			return
		}
		op := p.newOp(ChainOp, nil)
		op.Pos = n.Pos
		op.Loop = n.Loop
		op.Stages = []*lang.Node{n}
		p.connect(op, p.feeds(in, nil))
		p.op[n] = op
		p.tail[op] = n
	default:
		p.errs.Addf(n.Pos, "planner: operator %s is not supported yet", n.Op)
	}
}

func (p *planState) newOp(kind OpKind, n *lang.Node) *Op {
	op := &Op{ID: len(p.g.Ops), Kind: kind, Node: n}
	if n != nil {
		op.Pos = n.Pos
		op.Loop = n.Loop
	}
	p.g.Ops = append(p.g.Ops, op)
	return op
}

// feeds expands the stream of node n into the operators that produce it,
// looking through exchange and concat. key is the routing key the reader
// asked for so far; the exchange nearest the reader decides.
func (p *planState) feeds(n *lang.Node, route *lang.Node) []feed {
	switch n.Op {
	case "exchange", "broadcast":
		if route == nil {
			route = n
		} else if route.Op != n.Op {
			// exchange after broadcast (or before) would route copies
			// or copy routed records: an operator must stand between.
			p.errs.Addf(route.Pos, "%s right after %s at %d:%d is not supported; put an operator between them", route.Op, n.Op, n.Pos.Line, n.Pos.Column)
		}
		return p.feeds(n.Inputs[0], route)
	case "concat":
		var out []feed
		for _, in := range n.Inputs {
			out = append(out, p.feeds(in, route)...)
		}
		return out
	case "enter":
		return p.feeds(n.Inputs[0], route)
	case "part":
		feeds := p.feeds(n.Inputs[0], route)
		for i := range feeds {
			feeds[i].partition, feeds[i].part = n.Inputs[0], n.Part
		}
		return feeds
	case "loopresult":
		lp := n.Inner
		var out []feed
		for _, l := range lp.Leave {
			out = append(out, changed(p.feeds(l.Inputs[0], route), Leave, lp)...)
		}
		switch {
		case lp.Kind == "iterate":
			out = append(out, changed(p.feeds(lp.Var, route), Leave, lp)...)
		case lp.Max != nil:
			for _, next := range lp.Next {
				out = append(out, changed(p.feeds(next.Inputs[0], route), Exit, lp)...)
			}
		}
		return out
	}
	op, ok := p.op[n]
	if !ok || p.tail[op] != n {
		// n was fused into an operator whose later stages changed the
		// stream; the checker's one-reader rule makes this unreachable.
		panic(fmt.Sprintf("planner: stream of %s at %d:%d has no operator", n.Op, n.Pos.Line, n.Pos.Column))
	}
	return []feed{{from: op, route: route}}
}

// connect adds a channel from every feed into op's input.
func (p *planState) connect(op *Op, feeds []feed) {
	if op.In == nil && len(feeds) > 0 {
		op.In = &Port{Type: p.tail[feeds[0].from].Out}
	}
	p.connectPort(op, op.In, feeds)
}

// connectPort adds a channel from every feed into port in of op.
func (p *planState) connectPort(op *Op, in *Port, feeds []feed) {
	for _, f := range feeds {
		ch := &Channel{ID: len(p.g.Channels), From: f.from, To: op, Type: p.tail[f.from].Out, Changes: f.changes, Partition: f.partition, Part: f.part}
		switch {
		case f.route == nil:
		case f.route.Op == "broadcast":
			ch.Broadcast = f.route
		default:
			ch.Key = f.route
		}
		p.g.Channels = append(p.g.Channels, ch)
		ch.Port = in
		in.Channels = append(in.Channels, ch)
		if f.from.Out == nil {
			f.from.Out = &Port{Type: ch.Type}
		}
		f.from.Out.Channels = append(f.from.Out.Channels, ch)
	}
}
