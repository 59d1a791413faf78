package runtime

import "slices"

// Notifier is the part of a custom operator's instance that keeps track
// of the time being handled, the notifications it asked for, and its
// first failure. For every time it asked to be notified at, it holds a
// capability at the operator's output until the notification's handler
// has run.
type Notifier struct {
	w       *Worker
	out     Location
	pos, op string
	// Now is the time of the records or the notification being handled.
	Now     Time
	pending map[Time]struct{}
	ready   []Time
	// Err is the first failure: an error a handler passed to Fail, or a
	// misuse of Notify or of emitting at a time.
	Err error
}

// NewNotifier returns the notifier of custom operator op applied at pos,
// whose output is location out, on worker w.
func NewNotifier(w *Worker, out Location, pos, op string) *Notifier {
	return &Notifier{w: w, out: out, pos: pos, op: op, pending: map[Time]struct{}{}}
}

// Notify asks for a notification once t is complete; t must not be
// earlier than Now. The first request for t holds a capability for t.
func (n *Notifier) Notify(t Time) {
	if err := CheckNotEarlier("notify", n.Now, t); err != nil {
		n.Fail(err)
		return
	}
	if _, ok := n.pending[t]; !ok {
		n.pending[t] = struct{}{}
		n.w.Hold(n.out, t)
	}
}

// Fail records err as the operator's failure unless it failed already;
// nil is no failure.
func (n *Notifier) Fail(err error) {
	if err != nil && n.Err == nil {
		n.Err = NewOperatorError(n.pos, n.op, err)
	}
}

// Ready returns the times asked for that neither input frontier (the
// second is nil for an operator of one input) is at or before, oldest
// first, and forgets them. The slice is the notifier's, valid until the
// next call. Release each time with Done once its handler has run.
func (n *Notifier) Ready(in0, in1 Antichain) []Time {
	n.ready = n.ready[:0]
	for t := range n.pending {
		if !in0.LessEqual(t) && !in1.LessEqual(t) {
			n.ready = append(n.ready, t)
		}
	}
	for _, t := range n.ready {
		delete(n.pending, t)
	}
	slices.SortFunc(n.ready, CompareTime)
	return n.ready
}

// Done releases the capability held for t, whose notification was
// handled.
func (n *Notifier) Done(t Time) { n.w.Release(n.out, t) }
