package planner

import "sort"

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
		if op.Out == nil && op.Kind != ChainOp && op.Kind != ProbeOp {
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

// paths computes, for every location, the locations it can reach.
func (p *planState) paths() {
	g := p.g
	step := make([][]int, g.Locations)
	for _, op := range g.Ops {
		if op.Kind == InputOp {
			step[op.HostLoc] = append(step[op.HostLoc], op.In.Loc)
		}
		if op.In != nil && op.Out != nil {
			step[op.In.Loc] = append(step[op.In.Loc], op.Out.Loc)
		}
		if op.Right != nil && op.Out != nil {
			step[op.Right.Loc] = append(step[op.Right.Loc], op.Out.Loc)
		}
		if op.Out != nil {
			for _, ch := range op.Out.Channels {
				step[op.Out.Loc] = append(step[op.Out.Loc], ch.Port.Loc)
			}
		}
	}
	g.Paths = make([][]int, g.Locations)
	for l := range step {
		seen := map[int]bool{}
		var visit func(int)
		visit = func(x int) {
			for _, y := range step[x] {
				if !seen[y] {
					seen[y] = true
					visit(y)
				}
			}
		}
		visit(l)
		for y := range seen {
			if y != l {
				g.Paths[l] = append(g.Paths[l], y)
			}
		}
		sort.Ints(g.Paths[l])
	}
}
