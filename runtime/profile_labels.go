package runtime

import (
	"context"
	"runtime/pprof"
	"runtime/trace"
)

// operatorLabels attach the running operator to what the worker's
// goroutine does, so that a CPU profile shows time per .tdf operator (the
// labels dataflow, operator and tdf, e.g. "wordcount.tdf:13:2") and an
// execution trace shows each run as a region named after the operator.
// The label contexts are made once per computation: entering an operator
// sets a pointer in the goroutine, and allocates nothing. A computation
// has them only when something reads them (Config.ProfileLabels, or
// Config.HTTP for /debug/pprof/).
type operatorLabels struct {
	ops    []context.Context // per operator
	names  []string          // per operator: the trace region's name
	idle   context.Context   // the worker between runs
	region *trace.Region     // the open region while tracing, or nil
}

// newOperatorLabels returns the label contexts of g's operators.
func newOperatorLabels(g *Graph) *operatorLabels {
	l := &operatorLabels{idle: pprof.WithLabels(context.Background(), pprof.Labels("dataflow", g.Name))}
	for _, op := range g.Operators {
		ctx := pprof.WithLabels(l.idle, pprof.Labels("operator", op.Name, "tdf", op.Pos))
		l.ops = append(l.ops, ctx)
		l.names = append(l.names, op.Name+" "+op.Pos)
	}
	return l
}

// forWorker returns a copy of l for one worker, which keeps the trace
// region it has open.
func (l *operatorLabels) forWorker() *operatorLabels {
	if l == nil {
		return nil
	}
	c := *l
	return &c
}

// enter marks the goroutine as running operator op.
func (l *operatorLabels) enter(op int) {
	pprof.SetGoroutineLabels(l.ops[op])
	if trace.IsEnabled() {
		l.region = trace.StartRegion(l.ops[op], l.names[op])
	}
}

// leave marks the goroutine as between runs.
func (l *operatorLabels) leave() {
	if l.region != nil {
		l.region.End()
		l.region = nil
	}
	pprof.SetGoroutineLabels(l.idle)
}
