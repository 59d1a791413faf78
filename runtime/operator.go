package runtime

import "fmt"

// OperatorError is a failure of a custom operator's handler: an error
// it passed to fail, or a misuse of emitAt or notify.
type OperatorError struct {
	Pos string // where the operator is applied, e.g. "reach.tdf:30:8"
	Op  string // the operator's name
	Err error
}

// NewOperatorError returns err as the failure of custom operator op,
// applied at pos.
func NewOperatorError(pos, op string, err error) *OperatorError {
	return &OperatorError{Pos: pos, Op: op, Err: err}
}

// Error returns `<Pos>: operator <Op>: <Err>`.
func (e *OperatorError) Error() string {
	return fmt.Sprintf("%s: operator %s: %v", e.Pos, e.Op, e.Err)
}

// Unwrap returns the handler's error.
func (e *OperatorError) Unwrap() error { return e.Err }

// CheckNotEarlier returns an error unless now <= t: an operator handling
// records or a notification at time now holds a capability for now, so
// it may emit or ask to be notified at t only when t is not earlier.
// what names the call for the message ("emitAt", "notify").
func CheckNotEarlier(what string, now, t Time) error {
	if now.LessEqual(t) {
		return nil
	}
	return fmt.Errorf("%s at time %s while handling time %s: the time must not be earlier than the one being handled", what, coordinates(t), coordinates(now))
}

// coordinates formats every coordinate of t, rounds included even when
// zero, so that two times in one message read alike: "(5, 1, 0)".
func coordinates(t Time) string {
	s := fmt.Sprintf("(%d", t.Epoch)
	for _, r := range t.Rounds {
		s += fmt.Sprintf(", %d", r)
	}
	return s + ")"
}

// LoopDone reports whether frontier, at a location inside the loop of
// the given depth (1 for the outermost), admits no more times that equal
// t in every coordinate but that loop's round: t's epoch, and the rounds
// of the loops around, are complete there.
func LoopDone(frontier Antichain, t Time, depth int) bool {
	for _, f := range frontier {
		f.Rounds[depth-1] = t.Rounds[depth-1]
		if f.LessEqual(t) {
			return false
		}
	}
	return true
}

// CheckPart returns an error unless part is in [0, parts): the part a
// partition's lambda chose for a record.
func CheckPart(part int64, parts int) error {
	if part >= 0 && part < int64(parts) {
		return nil
	}
	return fmt.Errorf("part %d is not one of the %d parts (0 to %d)", part, parts, parts-1)
}

// Outer returns t with the rounds of the loops deeper than depth set to
// zero: the time, in a scope of that depth, of the records that t's
// records are matched against. Outer(0) is t's epoch.
func (t Time) Outer(depth int) Time {
	for i := depth; i < MaxLoopDepth; i++ {
		t.Rounds[i] = 0
	}
	return t
}

// OuterDone reports whether frontier, at a location inside loops deeper
// than depth, admits no more times whose Outer(depth) is at or before
// o: no record that could be matched against what is kept for o can
// arrive there any more.
func OuterDone(frontier Antichain, o Time, depth int) bool {
	for _, f := range frontier {
		if f.Outer(depth).LessEqual(o) {
			return false
		}
	}
	return true
}
