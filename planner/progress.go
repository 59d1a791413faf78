package planner

import "errors"

// owner returns the operator with a port at location loc.
func (g *Graph) owner(loc int) *Op {
	for _, op := range g.Ops {
		for _, port := range []*Port{op.In, op.Right, op.Out} {
			if port != nil && port.Loc == loc {
				return op
			}
		}
		if op.Kind == InputOp && op.HostLoc == loc {
			return op
		}
	}
	return nil
}

// ports numbers the locations: for each operator its input, then its
// output. Sources and counts get an output even when nobody reads it,
// because they hold capabilities there.
func (p *planState) ports() {
	g := p.g
	for _, op := range g.Ops {
		if op.Kind == InputOp {
			op.HostLoc = g.Locations
			g.Locations++
			op.In = &Port{Type: op.Node.Out}
		}
		if op.In != nil {
			op.In.Loc = g.Locations
			g.Locations++
		}
		if op.Right != nil {
			op.Right.Loc = g.Locations
			g.Locations++
		}
		if op.Out == nil && op.Kind != ChainOp && op.Kind != ProbeOp && op.Kind != LoopOp && op.Kind != IterateOp {
			op.Out = &Port{Type: p.tail[op].Out}
		}
		if op.Out != nil {
			op.Out.Loc = g.Locations
			g.Locations++
		}
		switch op.Kind {
		case LinesOp, RangeOp:
			g.WorkerCaps = append(g.WorkerCaps, op.Out.Loc)
		case InputOp:
			g.HostCaps = append(g.HostCaps, op.HostLoc)
		}
	}
}

// paths computes, for every location, the locations it can reach and the
// minimal summaries of the paths there. Operators keep times as they
// are from input to output; channels change them as their Changes say:
// feedback channels advance a loop's round, channels out of a loop
// reset it (see closePaths).
func (p *planState) paths() {
	g := p.g
	var edges []Edge
	step := func(from, to int) { edges = append(edges, Edge{From: from, To: to}) }
	for _, op := range g.Ops {
		if op.Kind == InputOp {
			step(op.HostLoc, op.In.Loc)
		}
		if op.In != nil && op.Out != nil {
			step(op.In.Loc, op.Out.Loc)
		}
		if op.Right != nil && op.Out != nil {
			step(op.Right.Loc, op.Out.Loc)
		}
		if op.Out != nil {
			for _, ch := range op.Out.Channels {
				edges = append(edges, Edge{From: op.Out.Loc, To: ch.Port.Loc, Summary: ch.Summary()})
			}
		}
	}
	reach, err := closePaths(g.Locations, edges)
	var cycle *cycleError
	if errors.As(err, &cycle) {
		if op := g.owner(cycle.Loc); op != nil {
			p.errs.Addf(op.Pos, "%s is on a cycle that does not advance a round, so its records could wait for themselves; a loop goes round only through next", op.Label())
			return
		}
	}
	if err != nil {
		p.errs.Addf(g.Pos, "dataflow %s: %v", g.Name, err)
		return
	}
	g.Paths = reach
}
