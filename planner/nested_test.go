package planner

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	tdrt "github.com/tdflow/tdc/runtime"
)

// nestedRoundLimit bounds the rounds the brute force searches explore.
// Minimal paths in nestedGraph graphs need at most one feedback per visit
// of a loop, so from start rounds up to 3 they stay well below it.
const nestedRoundLimit = 8

// nestedGraph is a random dataflow in nested loop scopes, shaped the way a
// planner lays one out: operator i has input location 2i and output
// location 2i+1; scope 0 is the dataflow (depth 0) and every other scope
// is a loop in its parent, at depth 1 or 2, whose operators are numbered
// contiguously and whose first operator is its head.
type nestedGraph struct {
	ops    int
	scope  []int // scope of each operator
	parent []int // parent of each scope; -1 for scope 0
	depth  []int // depth of each scope
	head   []int // head operator of each scope; -1 for scope 0
	edges  []Edge
}

// nestedRandomGraph returns a graph of 5 to 25 operators whose cycles all
// pass a feedback channel: channels go forward within a scope, into a
// child loop (identity) or out to the parent (Leave), and feedback
// channels go from an operator of a loop back to its head (Advance).
func nestedRandomGraph(r *rand.Rand) *nestedGraph {
	g := &nestedGraph{ops: 5 + r.IntN(21), parent: []int{-1}, depth: []int{0}, head: []int{-1}}
	cur := 0
	for i := range g.ops {
		for cur != 0 && g.head[cur] < i && r.IntN(4) == 0 {
			cur = g.parent[cur] // close the loop
		}
		if g.depth[cur] < tdrt.MaxLoopDepth && r.IntN(4) == 0 {
			g.parent = append(g.parent, cur)
			g.depth = append(g.depth, g.depth[cur]+1)
			g.head = append(g.head, i)
			cur = len(g.head) - 1
		}
		g.scope = append(g.scope, cur)
	}
	for i := range g.ops {
		g.edges = append(g.edges, Edge{From: 2 * i, To: 2*i + 1})
		var producers []int
		for j := range i {
			if _, ok := g.channel(j, i); ok {
				producers = append(producers, j)
			}
		}
		r.Shuffle(len(producers), func(a, b int) { producers[a], producers[b] = producers[b], producers[a] })
		for _, j := range producers[:min(len(producers), r.IntN(3))] {
			s, _ := g.channel(j, i)
			g.edges = append(g.edges, Edge{From: 2*j + 1, To: 2 * i, Summary: s})
		}
	}
	for sc := 1; sc < len(g.head); sc++ {
		members := g.members(sc)
		for range r.IntN(3) {
			f := members[r.IntN(len(members))]
			g.edges = append(g.edges, Edge{From: 2*f + 1, To: 2 * g.head[sc], Summary: tdrt.Advance(g.depth[sc])})
		}
	}
	return g
}

// channel returns the summary of a channel from operator j to operator i,
// and whether the scopes allow one: identity within a scope and into a
// child loop, Leave out of a loop into its parent.
func (g *nestedGraph) channel(j, i int) (tdrt.Summary, bool) {
	sj, si := g.scope[j], g.scope[i]
	switch {
	case sj == si || g.parent[si] == sj:
		return tdrt.Summary{}, true
	case g.parent[sj] == si:
		return tdrt.Leave(g.depth[sj]), true
	}
	return tdrt.Summary{}, false
}

// members returns the operators of scope sc itself, not of its loops.
func (g *nestedGraph) members(sc int) []int {
	var ops []int
	for i, s := range g.scope {
		if s == sc {
			ops = append(ops, i)
		}
	}
	return ops
}

// locDepth returns the loop depth of location l.
func (g *nestedGraph) locDepth(l int) int { return g.depth[g.scope[l/2]] }

// String lists the operators with their scopes and the edges, for failure
// messages.
func (g *nestedGraph) String() string {
	var b strings.Builder
	for i := range g.ops {
		fmt.Fprintf(&b, "op%d(in %d, out %d) scope %d depth %d; ", i, 2*i, 2*i+1, g.scope[i], g.depth[g.scope[i]])
	}
	for sc := 1; sc < len(g.head); sc++ {
		fmt.Fprintf(&b, "scope %d in %d head op%d; ", sc, g.parent[sc], g.head[sc])
	}
	b.WriteString("edges:")
	for _, e := range g.edges {
		fmt.Fprintf(&b, " %d->%d %v", e.From, e.To, e.Summary)
	}
	return b.String()
}

// nestedState is a concrete pointstamp of the brute force search.
type nestedState struct {
	at int
	t  tdrt.Time
}

// nestedSearch searches the pointstamps that edges bring one to, over
// concrete times with rounds up to nestedRoundLimit.
type nestedSearch struct {
	out   [][]Edge
	seen  []bool // indexed by location and rounds; the epoch never changes
	found []nestedState
	work  []nestedState
}

func newNestedSearch(locations int, edges []Edge) *nestedSearch {
	s := &nestedSearch{out: make([][]Edge, locations)}
	for _, e := range edges {
		s.out[e.From] = append(s.out[e.From], e)
	}
	s.seen = make([]bool, locations*(nestedRoundLimit+1)*(nestedRoundLimit+1))
	return s
}

// reach returns every pointstamp that paths of one or more edges bring
// t at src to, exploring no round past nestedRoundLimit. The result is
// valid until the next search.
func (s *nestedSearch) reach(src int, t tdrt.Time) []nestedState {
	clear(s.seen)
	s.found = s.found[:0]
	s.work = append(s.work[:0], nestedState{src, t})
	for len(s.work) > 0 {
		st := s.work[len(s.work)-1]
		s.work = s.work[:len(s.work)-1]
		for _, e := range s.out[st.at] {
			next := nestedState{e.To, e.Summary.Apply(st.t)}
			if !nestedWithinLimit(next.t) || s.seen[s.index(next)] {
				continue
			}
			s.seen[s.index(next)] = true
			s.found = append(s.found, next)
			s.work = append(s.work, next)
		}
	}
	return s.found
}

// index returns the position of st in seen.
func (s *nestedSearch) index(st nestedState) int {
	r := st.t.Rounds
	return (st.at*(nestedRoundLimit+1)+int(r[0]))*(nestedRoundLimit+1) + int(r[1])
}

// reached reports whether the last search, from a time of the epoch of
// st, reached st; st must be within nestedRoundLimit.
func (s *nestedSearch) reached(st nestedState) bool { return s.seen[s.index(st)] }

// nestedStartTimes returns the times a search starts from at a location of
// the given depth: epochs 0 and 1, rounds 0 to 3 in each of its loops and
// 0 beyond.
func nestedStartTimes(depth int) []tdrt.Time {
	ts := []tdrt.Time{{}, {Epoch: 1}}
	for d := range depth {
		var more []tdrt.Time
		for _, t := range ts {
			for r := range uint32(4) {
				t.Rounds[d] = r
				more = append(more, t)
			}
		}
		ts = more
	}
	return ts
}

// nestedWithinLimit reports whether every round of t is at most
// nestedRoundLimit.
func nestedWithinLimit(t tdrt.Time) bool {
	return t.Rounds[0] <= nestedRoundLimit && t.Rounds[1] <= nestedRoundLimit
}

// TestClosePathsNestedAgainstBruteForce checks the summaries closePaths
// finds on random graphs of nested loops against a search over concrete
// times: from each location and start time, every pointstamp the search
// reaches is at or above the time a summary gives, and every time a
// summary gives is reached exactly.
func TestClosePathsNestedAgainstBruteForce(t *testing.T) {
	for seed := range uint64(300) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			g := nestedRandomGraph(rand.New(rand.NewPCG(seed, 1729)))
			n := 2 * g.ops
			reach, err := closePaths(n, g.edges)
			require.NoError(t, err, "graph %v", g)
			require.Len(t, reach, n)
			search := newNestedSearch(n, g.edges)
			for src := range n {
				byTarget := nestedCheckReach(t, g, src, reach[src])
				for _, t0 := range nestedStartTimes(g.locDepth(src)) {
					for _, st := range search.reach(src, t0) {
						// Checks in these loops call require only on failure:
						// its bookkeeping would dominate the run time.
						if !nestedRespectsDepth(st.t, g.locDepth(st.at)) {
							require.Failf(t, "time beyond depth", "search reached %v at %d of depth %d; graph %v",
								st.t, st.at, g.locDepth(st.at), g)
						}
						covered := slices.ContainsFunc(byTarget[st.at], func(s tdrt.Summary) bool {
							return s.Apply(t0).LessEqual(st.t)
						})
						if !covered {
							require.Failf(t, "reached time below every summary", "from %d at %v the search reaches %v at %d, below every summary %v; graph %v",
								src, t0, st.t, st.at, byTarget[st.at], g)
						}
					}
					for _, re := range reach[src] {
						u := re.Summary.Apply(t0)
						if u.Epoch != t0.Epoch {
							require.Failf(t, "summary changes the epoch", "summary %v from %d to %d", re.Summary, src, re.Target)
						}
						if nestedWithinLimit(u) && !search.reached(nestedState{re.Target, u}) {
							require.Failf(t, "summary time not reached", "from %d at %v summary %v to %d gives %v, which no path reaches; graph %v",
								src, t0, re.Summary, re.Target, u, g)
						}
					}
				}
			}
		})
	}
}

// nestedCheckReach checks that the reach list of src is sorted by target
// and minimal: no summary to a target is at or below another to it. It
// returns the summaries by target.
func nestedCheckReach(t *testing.T, g *nestedGraph, src int, reach []Reach) map[int][]tdrt.Summary {
	t.Helper()
	require.True(t, slices.IsSortedFunc(reach, func(a, b Reach) int { return a.Target - b.Target }),
		"reach of %d not sorted by target: %v", src, reach)
	byTarget := map[int][]tdrt.Summary{}
	for _, re := range reach {
		for _, s := range byTarget[re.Target] {
			require.False(t, s.LessEqual(re.Summary) || re.Summary.LessEqual(s),
				"from %d to %d summaries %v and %v are comparable; graph %v", src, re.Target, s, re.Summary, g)
		}
		byTarget[re.Target] = append(byTarget[re.Target], re.Summary)
	}
	return byTarget
}

// nestedRespectsDepth reports whether the rounds of t beyond depth are 0.
func nestedRespectsDepth(t tdrt.Time, depth int) bool {
	for d := depth; d < tdrt.MaxLoopDepth; d++ {
		if t.Rounds[d] != 0 {
			return false
		}
	}
	return true
}

// nestedAddBadCycle adds to g two channels that close a cycle no feedback
// advances, and describes it: back from a later to an earlier operator of
// one scope (or from one to itself), or into a loop and straight out of it
// again.
func nestedAddBadCycle(r *rand.Rand, g *nestedGraph) string {
	type pair struct{ a, b int }
	var same, nested []pair
	for a := range g.ops {
		for b := range g.ops {
			switch {
			case a <= b && g.scope[a] == g.scope[b]:
				same = append(same, pair{a, b})
			case g.parent[g.scope[b]] == g.scope[a]:
				nested = append(nested, pair{a, b})
			}
		}
	}
	if len(nested) > 0 && (len(same) == 0 || r.IntN(2) == 0) {
		p := nested[r.IntN(len(nested))]
		leave := tdrt.Leave(g.depth[g.scope[p.b]])
		g.edges = append(g.edges,
			Edge{From: 2*p.a + 1, To: 2 * p.b},
			Edge{From: 2*p.b + 1, To: 2 * p.a, Summary: leave})
		return fmt.Sprintf("into op%d of a loop and out with %v to op%d", p.b, leave, p.a)
	}
	p := same[r.IntN(len(same))]
	g.edges = append(g.edges,
		Edge{From: 2*p.a + 1, To: 2 * p.b},
		Edge{From: 2*p.b + 1, To: 2 * p.a})
	return fmt.Sprintf("from op%d back to op%d in one scope", p.b, p.a)
}

// nestedOnBadCycle reports whether loc reaches itself along a path whose
// summary does not advance a round, searching summaries whose additions
// stay below nestedRoundLimit.
func nestedOnBadCycle(n int, edges []Edge, loc int) bool {
	type state struct {
		at int
		s  tdrt.Summary
	}
	out := make([][]Edge, n)
	for _, e := range edges {
		out[e.From] = append(out[e.From], e)
	}
	seen := map[state]bool{}
	work := []state{{loc, tdrt.Summary{}}}
	for len(work) > 0 {
		st := work[len(work)-1]
		work = work[:len(work)-1]
		for _, e := range out[st.at] {
			next := state{e.To, st.s.Then(e.Summary)}
			if next.at == loc && next.s.LessEqual(tdrt.Summary{}) {
				return true
			}
			if next.s.Add[0] > nestedRoundLimit || next.s.Add[1] > nestedRoundLimit || seen[next] {
				continue
			}
			seen[next] = true
			work = append(work, next)
		}
	}
	return false
}

// nestedErrLocation finds the location an error of closePaths names.
var nestedErrLocation = regexp.MustCompile(`location (\d+)`)

// TestClosePathsNestedRejectsCycleWithoutFeedback adds to random graphs of
// nested loops a cycle that no feedback channel advances and expects
// closePaths to report a location on such a cycle.
func TestClosePathsNestedRejectsCycleWithoutFeedback(t *testing.T) {
	for seed := range uint64(300) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 4104))
			g := nestedRandomGraph(r)
			cycle := nestedAddBadCycle(r, g)
			n := 2 * g.ops
			_, err := closePaths(n, g.edges)
			require.Error(t, err, "cycle %s; graph %v", cycle, g)
			m := nestedErrLocation.FindStringSubmatch(err.Error())
			require.NotNil(t, m, "error %q names no location", err)
			loc, _ := strconv.Atoi(m[1])
			require.Less(t, loc, n, "error %q", err)
			assert.True(t, nestedOnBadCycle(n, g.edges, loc),
				"error %q: location %d is on no cycle without feedback (cycle %s); graph %v", err, loc, cycle, g)
		})
	}
}
