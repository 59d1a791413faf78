package planner

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	tdrt "github.com/tdflow/tdc/runtime"
)

// edgeSummaries are the summaries random graphs draw their edges from:
// plain edges, feedback of the loops at depth 1 and 2, leaving them, and
// some compositions.
var edgeSummaries = []tdrt.Summary{
	{}, {}, {},
	tdrt.Advance(1), tdrt.Advance(2),
	tdrt.Leave(1), tdrt.Leave(2),
	tdrt.Advance(1).Then(tdrt.Leave(2)),
	tdrt.Leave(2).Then(tdrt.Advance(1)),
}

// minimalTimes returns the minimal elements of ts.
func minimalTimes(ts []tdrt.Time) map[tdrt.Time]bool {
	out := map[tdrt.Time]bool{}
	for _, t := range ts {
		minimal := true
		for _, u := range ts {
			if u != t && u.LessEqual(t) {
				minimal = false
				break
			}
		}
		if minimal {
			out[t] = true
		}
	}
	return out
}

// bruteReach returns the times that paths of one or more edges bring t
// at src to at each location, exploring rounds up to limit.
func bruteReach(n int, edges []Edge, src int, t tdrt.Time, limit uint32) map[int][]tdrt.Time {
	type state struct {
		at int
		t  tdrt.Time
	}
	seen := map[state]bool{}
	work := []state{{src, t}}
	found := map[int][]tdrt.Time{}
	for len(work) > 0 {
		s := work[len(work)-1]
		work = work[:len(work)-1]
		for _, e := range edges {
			if e.From != s.at {
				continue
			}
			next := state{e.To, e.Summary.Apply(s.t)}
			if next.t.Rounds[0] > limit || next.t.Rounds[1] > limit || seen[next] {
				continue
			}
			seen[next] = true
			found[next.at] = append(found[next.at], next.t)
			work = append(work, next)
		}
	}
	return found
}

// bruteNonAdvancingCycle reports whether some location reaches itself
// along a path whose summary does not advance a round.
func bruteNonAdvancingCycle(n int, edges []Edge) bool {
	for src := 0; src < n; src++ {
		type state struct {
			at int
			s  tdrt.Summary
		}
		seen := map[state]bool{}
		work := []state{{src, tdrt.Summary{}}}
		for steps := 0; len(work) > 0 && steps < 10000; steps++ {
			st := work[len(work)-1]
			work = work[:len(work)-1]
			for _, e := range edges {
				if e.From != st.at {
					continue
				}
				next := state{e.To, st.s.Then(e.Summary)}
				if next.at == src && next.s.LessEqual(tdrt.Summary{}) {
					return true
				}
				if next.s.Add[0] > 8 || next.s.Add[1] > 8 || seen[next] {
					continue
				}
				seen[next] = true
				work = append(work, next)
			}
		}
	}
	return false
}

// TestClosePathsAgainstBruteForce compares the summaries closePaths finds
// on random graphs with cycles against the times a search over concrete
// timestamps reaches, and its cycle errors against a search for cycles
// that do not advance.
func TestClosePathsAgainstBruteForce(t *testing.T) {
	for seed := uint64(0); seed < 300; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 99))
			n := 1 + r.IntN(6)
			var edges []Edge
			for i := r.IntN(2 * n); i >= 0; i-- {
				edges = append(edges, Edge{From: r.IntN(n), To: r.IntN(n), Summary: edgeSummaries[r.IntN(len(edgeSummaries))]})
			}
			reach, err := closePaths(n, edges)
			require.Equal(t, bruteNonAdvancingCycle(n, edges), err != nil, "cycle error %v for edges %v", err, edges)
			if err != nil {
				return
			}
			for src := 0; src < n; src++ {
				for probe := 0; probe < 5; probe++ {
					tm := tdrt.Time{Epoch: uint64(r.IntN(2)), Rounds: [tdrt.MaxLoopDepth]uint32{uint32(r.IntN(3)), uint32(r.IntN(3))}}
					brute := bruteReach(n, edges, src, tm, 12)
					got := map[int][]tdrt.Time{}
					for _, re := range reach[src] {
						got[re.Target] = append(got[re.Target], re.Summary.Apply(tm))
					}
					for target := 0; target < n; target++ {
						require.Equal(t, minimalTimes(brute[target]), minimalTimes(got[target]),
							"from %d at %v to %d; edges %v; reach %v", src, tm, target, edges, reach[src])
					}
				}
			}
		})
	}
}
