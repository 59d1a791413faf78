package runtime

import (
	"fmt"
	"strings"
)

// Summary describes how a timestamp changes along a path of the graph:
// each round coordinate either grows by Add[i] (a feedback edge adds 1 to
// its loop's round) or, when bit i of Set is on, is set to Add[i]
// (leaving a loop resets its round to 0). The epoch never changes. The
// zero value is the identity. Every summary is monotone: t <= u implies
// s.Apply(t) <= s.Apply(u).
type Summary struct {
	Set uint8
	Add [MaxLoopDepth]uint32
}

// Advance returns the summary of a feedback edge of the loop at depth
// (1 for a loop in the dataflow, 2 for a loop in a loop): one more round.
func Advance(depth int) Summary {
	var s Summary
	s.Add[depth-1] = 1
	return s
}

// Leave returns the summary of an edge out of the loop at depth: its
// round coordinate returns to 0.
func Leave(depth int) Summary {
	return Summary{Set: 1 << (depth - 1)}
}

// sets reports whether s sets coordinate i rather than adding to it.
func (s Summary) sets(i int) bool { return s.Set&(1<<i) != 0 }

// Apply returns the timestamp that t becomes along a path with summary s.
func (s Summary) Apply(t Time) Time {
	if s == (Summary{}) {
		return t
	}
	for i := range t.Rounds {
		if s.sets(i) {
			t.Rounds[i] = s.Add[i]
		} else {
			t.Rounds[i] += s.Add[i]
		}
	}
	return t
}

// Then returns the summary of a path of s followed by u.
func (s Summary) Then(u Summary) Summary {
	r := Summary{Set: s.Set | u.Set}
	for i := range r.Add {
		if u.sets(i) {
			r.Add[i] = u.Add[i]
		} else {
			r.Add[i] = s.Add[i] + u.Add[i]
		}
	}
	return r
}

// LessEqual reports whether s.Apply(t) <= u.Apply(t) for every t.
func (s Summary) LessEqual(u Summary) bool {
	for i := range s.Add {
		if !s.sets(i) && u.sets(i) {
			return false // t's coordinate can grow past anything u sets
		}
		// Both add, both set, or s sets a value that t + u.Add must reach.
		if s.Add[i] > u.Add[i] {
			return false
		}
	}
	return true
}

// String prints the summary: "id", or the change of each coordinate it
// touches, as in "r1+1" or "r1=0".
func (s Summary) String() string {
	var parts []string
	for i, a := range s.Add {
		switch {
		case s.sets(i):
			parts = append(parts, fmt.Sprintf("r%d=%d", i+1, a))
		case a > 0:
			parts = append(parts, fmt.Sprintf("r%d+%d", i+1, a))
		}
	}
	if len(parts) == 0 {
		return "id"
	}
	return strings.Join(parts, ",")
}
