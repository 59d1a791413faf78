package planner

import (
	"slices"

	"github.com/tdflow/tdc/lang"
)

// fuseCombiners moves each combiner (a CombineOp, which pre-aggregates
// records by key before the exchange to a count, sum, min, max or
// associative reduce) into the operators that produce its records, as
// their last stage, wherever that keeps the records where they are:
// the combiner's input channel from the producer is a pipeline of all
// the producer's records, with no change of time and no other reader,
// and both are in the same loop. Through a concat each input is fused
// on its own: the aggregations that have combiners are associative and
// commutative, so partial results folded by each producer add up to the
// same result as those of one combiner over all of them.
//
// A fused producer folds what its stages produce into per-time state as
// it goes, with no channel between it and the combiner, and sends the
// partial results through the combiner's exchange when its run ends
// (codegen). The combiner operator is left only for the inputs that
// cannot be fused, and dropped when none are left.
func (p *planState) fuseCombiners() {
	fused := false
	for _, op := range p.g.Ops {
		if op.Kind != CombineOp || op.Out == nil {
			continue
		}
		var kept []*Channel
		for _, ch := range op.In.Channels {
			if !fusible(op, ch) {
				kept = append(kept, ch)
				continue
			}
			p.fuseInto(ch.From, op, ch)
			fused = true
		}
		op.In.Channels = kept
	}
	if fused {
		p.dropUnfed()
	}
}

// fusible reports whether combiner comb can run as the last stage of the
// producer of its input channel ch.
func fusible(comb *Op, ch *Channel) bool {
	src := ch.From
	return ch.Key == nil && ch.Broadcast == nil && ch.Partition == nil && len(ch.Changes) == 0 &&
		src.Loop == comb.Loop && src.Kind != CombineOp &&
		src.Out != nil && len(src.Out.Channels) == 1 && src.Out.Channels[0] == ch
}

// fuseInto makes combiner comb the last stage of src, in place of
// channel ch from src to comb: src's output is a copy of each of comb's
// output channels (the exchange to the aggregation), each in the place
// of comb's channel in the reader's input and of ch in the graph.
func (p *planState) fuseInto(src, comb *Op, ch *Channel) {
	src.Stages = append(src.Stages, comb.Node)
	p.tail[src] = comb.Node
	src.Out = &Port{Type: comb.Out.Type}
	var copies []*Channel
	for _, out := range comb.Out.Channels {
		c := *out
		c.From = src
		src.Out.Channels = append(src.Out.Channels, &c)
		in := out.Port
		i := slices.Index(in.Channels, out)
		in.Channels = append(in.Channels[:i:i], append([]*Channel{&c}, in.Channels[i:]...)...)
		copies = append(copies, &c)
	}
	i := slices.Index(p.g.Channels, ch)
	p.g.Channels = append(p.g.Channels[:i:i], append(copies, p.g.Channels[i+1:]...)...)
}

// dropUnfed removes the combiners that fusion left with no input, with
// their output channels, and numbers the operators and channels again.
func (p *planState) dropUnfed() {
	g := p.g
	gone := map[*Op]bool{}
	var ops []*Op
	for _, op := range g.Ops {
		if op.Kind == CombineOp && len(op.In.Channels) == 0 {
			gone[op] = true
			for _, out := range op.Out.Channels {
				i := slices.Index(out.Port.Channels, out)
				out.Port.Channels = append(out.Port.Channels[:i:i], out.Port.Channels[i+1:]...)
			}
			continue
		}
		op.ID = len(ops)
		ops = append(ops, op)
	}
	g.Ops = ops
	var chans []*Channel
	for _, ch := range g.Channels {
		if !gone[ch.From] {
			ch.ID = len(chans)
			chans = append(chans, ch)
		}
	}
	g.Channels = chans
}

// Combiner returns the combiner fused as op's last stage (a node of Op
// "combine", Name the aggregation it pre-aggregates for), or nil.
func (op *Op) Combiner() *lang.Node {
	if n := len(op.Stages); n > 0 && op.Stages[n-1].Op == "combine" {
		return op.Stages[n-1]
	}
	return nil
}
