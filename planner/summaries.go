package planner

import (
	"fmt"
	"sort"

	tdrt "github.com/tdflow/tdc/runtime"
)

// Edge is one step of the progress graph: a pointstamp at From may result
// in one at To, its time changed by Summary (an operator from input to
// output, a channel from output to input; a loop's feedback channel
// advances the round, and a channel out of a loop resets it).
type Edge struct {
	From, To int
	Summary  tdrt.Summary
}

// Reach is a location a pointstamp can reach, with a minimal summary of
// the paths there. A location may be reached with several summaries none
// of which is below another.
type Reach struct {
	Target  int
	Summary tdrt.Summary
}

// closePaths returns, for each of the n locations, the locations that
// paths of one or more edges reach from it, each with the minimal
// summaries of those paths, sorted by target. Around a cycle whose
// summary advances a round, longer paths only give larger summaries, so
// the search ends. A cycle that does not advance any round would let a
// timestamp wait for itself; closePaths reports one of its locations.
func closePaths(n int, edges []Edge) ([][]Reach, error) {
	out := make([][]Edge, n)
	for _, e := range edges {
		out[e.From] = append(out[e.From], e)
	}
	reach := make([][]Reach, n)
	for src := 0; src < n; src++ {
		best := map[int][]tdrt.Summary{} // target -> minimal summaries
		type item struct {
			at int
			s  tdrt.Summary
		}
		work := []item{{src, tdrt.Summary{}}}
		for len(work) > 0 {
			it := work[len(work)-1]
			work = work[:len(work)-1]
			for _, e := range out[it.at] {
				s := it.s.Then(e.Summary)
				if !insertMinimal(best, e.To, s) {
					continue
				}
				if e.To == src && s.LessEqual(tdrt.Summary{}) {
					return nil, &cycleError{Loc: src, Summary: s}
				}
				work = append(work, item{e.To, s})
			}
		}
		for target, ss := range best {
			for _, s := range ss {
				reach[src] = append(reach[src], Reach{Target: target, Summary: s})
			}
		}
		sort.Slice(reach[src], func(i, j int) bool {
			a, b := reach[src][i], reach[src][j]
			if a.Target != b.Target {
				return a.Target < b.Target
			}
			return a.Summary.String() < b.Summary.String()
		})
	}
	return reach, nil
}

// cycleError reports a location on a cycle whose summary does not
// advance any round.
type cycleError struct {
	Loc     int
	Summary tdrt.Summary
}

func (e *cycleError) Error() string {
	return fmt.Sprintf("location %d is on a cycle that does not advance a round (summary %v)", e.Loc, e.Summary)
}

// insertMinimal adds s to the summaries of target unless one of them is
// below it, dropping those above it; it reports whether s was added.
func insertMinimal(best map[int][]tdrt.Summary, target int, s tdrt.Summary) bool {
	ss := best[target]
	for _, old := range ss {
		if old.LessEqual(s) {
			return false
		}
	}
	kept := ss[:0]
	for _, old := range ss {
		if !s.LessEqual(old) {
			kept = append(kept, old)
		}
	}
	best[target] = append(kept, s)
	return true
}
