package planner

import (
	"go/types"

	"github.com/tdflow/tdc/lang"
	tdrt "github.com/tdflow/tdc/runtime"
)

// OpKind is what an operator does with its input.
type OpKind string

// Operator kinds.
const (
	LinesOp OpKind = "lines" // reads its share of a text file
	RangeOp OpKind = "range" // produces its share of an integer range
	InputOp OpKind = "input" // reads records the host sends
	ChainOp OpKind = "chain" // applies its stages to records from its input
	CountOp OpKind = "count" // counts distinct records per timestamp

	// Per-timestamp aggregations of (key, value) tuples, or of records
	// (distinct), emitted once the timestamp is complete.
	DistinctOp OpKind = "distinct"
	SumOp      OpKind = "sum"
	MinOp      OpKind = "min"
	MaxOp      OpKind = "max"
	ReduceOp   OpKind = "reduce"
	TopKOp     OpKind = "top_k"

	// CombineOp pre-aggregates records by key on the sending worker,
	// before an exchange to a count, sum, min or max (Node.Name): each
	// run it folds the records that arrived, per time, and sends the
	// partial results. With combining off (Worker.Combine) it passes the
	// records on (a count's as (record, 1)).
	CombineOp OpKind = "combine"

	// ProbeOp passes records on; the host watches its input's frontier.
	ProbeOp OpKind = "probe"
	// JoinOp pairs records of two inputs by key, per timestamp.
	JoinOp OpKind = "join"
	// DelayOp moves records to later epochs.
	DelayOp OpKind = "delay"

	// LoopOp is the head of a loop: its input is the seed (entering the
	// loop) and what the body feeds back; it passes records on to the
	// body. IterateOp is the head of an iterate, which passes on each
	// record once per epoch.
	LoopOp    OpKind = "loop"
	IterateOp OpKind = "iterate"
	// CustomOp runs the handlers of a custom operator.
	CustomOp OpKind = "custom"
)

// Aggregates reports whether the operator keeps state per timestamp and
// emits it when the timestamp is complete.
func (k OpKind) Aggregates() bool {
	switch k {
	case CountOp, DistinctOp, SumOp, MinOp, MaxOp, ReduceOp, TopKOp, JoinOp, DelayOp:
		return true
	}
	return false
}

// Graph is the planned form of one dataflow.
type Graph struct {
	Name        string
	Pos         lang.Pos
	Ops         []*Op
	Channels    []*Channel
	Locations   int
	Paths       [][]Reach // Paths[l]: what l reaches, by target, with minimal summaries
	WorkerCaps  []int     // output locations where every worker starts with a capability
	HostCaps    []int     // output locations where the host starts with a capability
	Fingerprint string
}

// Op is one operator; every worker runs an instance of it.
type Op struct {
	ID   int
	Kind OpKind
	Pos  lang.Pos
	// Name says what the operator is and where, for people reading Go
	// code, profiles and stack traces: its members and how it routes its
	// output, in CamelCase, then its .tdf line, e.g. ReadMapExchange21.
	// It is a Go identifier, unique in the graph; generated code names
	// the operator's type after it.
	Name string
	// Loop is the innermost loop the operator is in; nil outside loops.
	Loop *lang.Loop
	// Node is the source or per-timestamp node the operator was made
	// from; nil for a chain, whose work is all in Stages.
	Node *lang.Node
	// Stages are element-wise operators and sinks fused into this
	// operator, applied in order to every record it produces. The last
	// may be a combiner (Op "combine", see Combiner) that runs in the
	// operator: it folds the records the stages before it produce, per
	// time and key, during a run, and sends the partial results when the
	// run ends.
	Stages []*lang.Node
	// In is the input port (nil for sources), Out the output port (nil
	// when no channel reads it and the operator holds no capability).
	In  *Port
	Out *Port
	// Right is the second input of a join; In is the first.
	Right *Port
	// Arranged is, for a join in a loop, the input (In or Right) that
	// reads a stream from outside the loop: the join keeps its records
	// indexed by key per time of that stream (the loop's rounds at
	// zero), and matches the other input's records of every round
	// against them. ArrangedDepth is the number of rounds in the times
	// of that stream. Nil for other operators.
	Arranged      *Port
	ArrangedDepth int
	// HostLoc is where the host holds its capability and sends from, for
	// an input operator; its records arrive at In.
	HostLoc int
}

// Port is an input or output of an operator.
type Port struct {
	Loc      int
	Type     types.Type // element type
	Channels []*Channel // channels into an input, or out of an output
}

// Channel carries records from one operator's output to another's input.
type Channel struct {
	ID   int
	From *Op
	To   *Op
	Port *Port // the input port of To it feeds
	Type types.Type
	// Key routes each record to the worker owning the key's hash; nil for
	// a pipeline, which keeps records on their worker.
	Key *lang.Node
	// Broadcast sends every record to every worker; Key is nil then.
	Broadcast *lang.Node
	// Partition is the partition or branch stage whose part Part (from 0)
	// the channel carries; nil for a channel that carries every record.
	Partition *lang.Node
	Part      int
	// Changes are how the channel changes the times of its records, in
	// order: a feedback channel goes round a loop, a channel out of a
	// loop resets its round. Empty for most channels, entering a loop
	// included (round 0 is the round a record enters at).
	Changes []TimeChange
}

// TimeChange is one change of time on a channel.
type TimeChange struct {
	Kind ChangeKind
	Loop *lang.Loop
}

// ChangeKind is what a channel does to the round of a loop.
type ChangeKind string

// Kinds of time changes.
const (
	// Feedback adds one to the loop's round; with the loop's Max, only
	// records of rounds before Max-1 go round.
	Feedback ChangeKind = "feedback"
	// Leave resets the loop's round to 0: the records leave the loop.
	Leave ChangeKind = "leave"
	// Exit is the way out of a loop with Max for what the body feeds
	// back in round Max-1: those records leave instead of going round.
	Exit ChangeKind = "exit"
)

// Summary returns how the change moves a time, for progress tracking.
func (c TimeChange) Summary() tdrt.Summary {
	if c.Kind == Feedback {
		return tdrt.Advance(c.Loop.Depth)
	}
	return tdrt.Leave(c.Loop.Depth)
}

// Summary returns how the channel moves the times of its records.
func (c *Channel) Summary() tdrt.Summary {
	var s tdrt.Summary
	for _, ch := range c.Changes {
		s = s.Then(ch.Summary())
	}
	return s
}

// Enters reports whether the channel goes into a loop.
func (c *Channel) Enters() bool { return loopDepth(c.To.Loop) > loopDepth(c.From.Loop) }

func loopDepth(l *lang.Loop) int {
	if l == nil {
		return 0
	}
	return l.Depth
}

// Exchange reports whether the channel routes records by a key.
func (c *Channel) Exchange() bool { return c.Key != nil }

// CrossesWorkers reports whether the channel moves records between
// workers (and so between processes): exchanges and broadcasts.
func (c *Channel) CrossesWorkers() bool { return c.Key != nil || c.Broadcast != nil }

// InType is the element type the operator's stages start from: what its
// head produces.
func (op *Op) InType() types.Type {
	switch {
	case op.Kind == ChainOp || op.Kind == ProbeOp || op.Kind == LoopOp || op.Kind == IterateOp:
		return op.In.Type
	case op.Node != nil:
		return op.Node.Out
	}
	return nil
}

// Label names the operator for graphs and messages, e.g. "lines+flat_map".
func (op *Op) Label() string {
	s := string(op.Kind)
	switch op.Kind {
	case InputOp, ProbeOp, LoopOp, IterateOp, CombineOp:
		s += " " + op.Node.Name
	case CustomOp:
		s = op.Node.Op
	}
	for i, st := range op.Stages {
		if op.Kind == ChainOp && i == 0 {
			s = st.Op
			continue
		}
		if st.Op == "combine" {
			s += "+combine " + st.Name
			continue
		}
		s += "+" + st.Op
	}
	return s
}
