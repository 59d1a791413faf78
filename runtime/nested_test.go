package runtime

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// nestedEdge is one step of a nested dataflow: a pointstamp at from may
// result in one at to, its time changed by s.
type nestedEdge struct {
	from, to Location
	s        Summary
}

// nestedDataflow is a random dataflow in nested loop scopes, laid out as
// the planner does: operator i has input location 2i and output location
// 2i+1; scope 0 is the dataflow (depth 0), every other scope a loop in its
// parent at depth 1 or 2, with contiguous operators of which the first is
// its head.
type nestedDataflow struct {
	ops    int
	scope  []int // scope of each operator
	parent []int // parent of each scope; -1 for scope 0
	depth  []int // depth of each scope
	head   []int // head operator of each scope; -1 for scope 0
	edges  []nestedEdge
}

// nestedRandomDataflow returns a dataflow of 5 to 25 operators whose
// cycles all pass a feedback channel: channels go forward within a scope,
// into a child loop (identity) or out to the parent (Leave), and feedback
// channels go from an operator of a loop back to its head (Advance).
func nestedRandomDataflow(rng *rand.Rand) *nestedDataflow {
	g := &nestedDataflow{ops: 5 + rng.IntN(21), parent: []int{-1}, depth: []int{0}, head: []int{-1}}
	cur := 0
	for i := range g.ops {
		for cur != 0 && g.head[cur] < i && rng.IntN(4) == 0 {
			cur = g.parent[cur] // close the loop
		}
		if g.depth[cur] < MaxLoopDepth && rng.IntN(4) == 0 {
			g.parent = append(g.parent, cur)
			g.depth = append(g.depth, g.depth[cur]+1)
			g.head = append(g.head, i)
			cur = len(g.head) - 1
		}
		g.scope = append(g.scope, cur)
	}
	for i := range g.ops {
		g.edges = append(g.edges, nestedEdge{from: Location(2 * i), to: Location(2*i + 1)})
		var producers []int
		for j := range i {
			if _, ok := g.channel(j, i); ok {
				producers = append(producers, j)
			}
		}
		rng.Shuffle(len(producers), func(a, b int) { producers[a], producers[b] = producers[b], producers[a] })
		for _, j := range producers[:min(len(producers), rng.IntN(3))] {
			s, _ := g.channel(j, i)
			g.edges = append(g.edges, nestedEdge{from: Location(2*j + 1), to: Location(2 * i), s: s})
		}
	}
	for sc := 1; sc < len(g.head); sc++ {
		var members []int
		for i, s := range g.scope {
			if s == sc {
				members = append(members, i)
			}
		}
		for range rng.IntN(3) {
			f := members[rng.IntN(len(members))]
			g.edges = append(g.edges, nestedEdge{from: Location(2*f + 1), to: Location(2 * g.head[sc]), s: Advance(g.depth[sc])})
		}
	}
	return g
}

// channel returns the summary of a channel from operator j to operator i,
// and whether the scopes allow one.
func (g *nestedDataflow) channel(j, i int) (Summary, bool) {
	sj, si := g.scope[j], g.scope[i]
	switch {
	case sj == si || g.parent[si] == sj:
		return Summary{}, true
	case g.parent[sj] == si:
		return Leave(g.depth[sj]), true
	}
	return Summary{}, false
}

// locations returns the number of locations of g.
func (g *nestedDataflow) locations() int { return 2 * g.ops }

// locDepth returns the loop depth of location l.
func (g *nestedDataflow) locDepth(l Location) int { return g.depth[g.scope[l/2]] }

// String lists the operators with their scopes and the edges, for failure
// messages.
func (g *nestedDataflow) String() string {
	var b strings.Builder
	for i := range g.ops {
		fmt.Fprintf(&b, "op%d(in %d, out %d) scope %d depth %d; ", i, 2*i, 2*i+1, g.scope[i], g.depth[g.scope[i]])
	}
	for sc := 1; sc < len(g.head); sc++ {
		fmt.Fprintf(&b, "scope %d in %d head op%d; ", sc, g.parent[sc], g.head[sc])
	}
	b.WriteString("edges:")
	for _, e := range g.edges {
		fmt.Fprintf(&b, " %d->%d %v", e.from, e.to, e.s)
	}
	return b.String()
}

// nestedAddCap bounds the round additions of the summaries the brute
// force closure explores. A minimal path of a nestedDataflow goes around
// a loop at most once per visit, so its additions stay at 2 or less.
const nestedAddCap = 3

// nestedSummaryIndex numbers the summaries whose additions are at most
// nestedAddCap, for the dense seen table of nestedClosure.
func nestedSummaryIndex(s Summary) int {
	return (int(s.Set)*(nestedAddCap+1)+int(s.Add[0]))*(nestedAddCap+1) + int(s.Add[1])
}

// nestedClosure returns the tracker paths of g by brute force: every
// summary of every walk of one or more edges (with additions up to
// nestedAddCap), reduced per target to the minimal ones. A location
// reaching itself with the identity would be a cycle that does not
// advance; nestedClosure reports it as an error.
func nestedClosure(g *nestedDataflow) ([][]Path, error) {
	n := g.locations()
	out := make([][]nestedEdge, n)
	for _, e := range g.edges {
		out[e.from] = append(out[e.from], e)
	}
	const perLoc = 4 * (nestedAddCap + 1) * (nestedAddCap + 1)
	seen := make([]bool, n*perLoc)
	paths := make([][]Path, n)
	type state struct {
		at Location
		s  Summary
	}
	for src := range Location(n) {
		clear(seen)
		found := make([][]Summary, n)
		work := []state{{src, Summary{}}}
		for len(work) > 0 {
			st := work[len(work)-1]
			work = work[:len(work)-1]
			for _, e := range out[st.at] {
				next := state{e.to, st.s.Then(e.s)}
				if next.s.Add[0] > nestedAddCap || next.s.Add[1] > nestedAddCap {
					continue
				}
				k := int(next.at)*perLoc + nestedSummaryIndex(next.s)
				if seen[k] {
					continue
				}
				seen[k] = true
				found[next.at] = append(found[next.at], next.s)
				work = append(work, next)
			}
		}
		for x, ss := range found {
			for _, s := range ss {
				if Location(x) == src && s.LessEqual(Summary{}) {
					return nil, fmt.Errorf("location %d reaches itself with %v", src, s)
				}
				dominated := slices.ContainsFunc(ss, func(u Summary) bool { return u != s && u.LessEqual(s) })
				if !dominated {
					paths[src] = append(paths[src], Path{Target: Location(x), Summary: s})
				}
			}
		}
	}
	return paths, nil
}

// nestedPointstamp is a (location, time) pair of the brute force model.
type nestedPointstamp struct {
	loc  Location
	time Time
}

// nestedModel is the brute force reference for a Tracker over a nested
// dataflow: counts, and frontiers from the path table.
type nestedModel struct {
	g      *nestedDataflow
	paths  [][]Path
	counts map[nestedPointstamp]int64
}

// frontiers returns the frontier of every location by brute force: the
// minimal elements of s.Apply(t) over positive counts of t at l and every
// path from l, with the identity from l to itself.
func (m *nestedModel) frontiers() [][]Time {
	implied := make([][]Time, m.g.locations())
	for p, c := range m.counts {
		if c <= 0 {
			continue
		}
		implied[p.loc] = append(implied[p.loc], p.time)
		for _, path := range m.paths[p.loc] {
			implied[path.Target] = append(implied[path.Target], path.Summary.Apply(p.time))
		}
	}
	for x, ts := range implied {
		implied[x] = minimalTimes(ts)
	}
	return implied
}

// randomTime returns a random time for location l: epoch 0 to 2, rounds 0
// to 2 in the loops l is in and 0 beyond.
func (m *nestedModel) randomTime(rng *rand.Rand, l Location) Time {
	t := Time{Epoch: rng.Uint64N(3)}
	for d := range m.g.locDepth(l) {
		t.Rounds[d] = rng.Uint32N(3)
	}
	return t
}

// later returns a time that a pointstamp of t at l may become: t itself
// at a location a path reaches, or t at l with its epoch or one of its
// rounds advanced (a capability moving on).
func (m *nestedModel) later(rng *rand.Rand, l Location, t Time) (Location, Time) {
	if ps := m.paths[l]; len(ps) > 0 && rng.IntN(2) == 0 {
		p := ps[rng.IntN(len(ps))]
		return p.Target, p.Summary.Apply(t)
	}
	if d := m.g.locDepth(l); d > 0 && rng.IntN(2) == 0 {
		t.Rounds[rng.IntN(d)]++
	} else {
		t.Epoch++
	}
	return l, t
}

// randomBatch returns 1 to 6 random changes, in order, that leave every
// count non-negative once all are applied: new pointstamps, releases of
// held ones, moves of one held pointstamp to a later one (its +1 before or
// after its -1), and -1 at a pointstamp before the +1 that makes up for it.
func (m *nestedModel) randomBatch(rng *rand.Rand) []Update {
	pending := make(map[nestedPointstamp]int64, len(m.counts))
	for p, c := range m.counts {
		pending[p] = c
	}
	var held []nestedPointstamp
	for p, c := range m.counts {
		if c > 0 {
			held = append(held, p)
		}
	}
	slices.SortFunc(held, func(a, b nestedPointstamp) int {
		return compareUpdates(Update{Loc: a.loc, Time: a.time}, Update{Loc: b.loc, Time: b.time})
	})
	var ops []Update
	add := func(loc Location, t Time, delta int64) {
		ops = append(ops, Update{Loc: loc, Time: t, Delta: delta})
		pending[nestedPointstamp{loc, t}] += delta
	}
	for range 1 + rng.IntN(6) {
		var p nestedPointstamp
		if len(held) > 0 {
			p = held[rng.IntN(len(held))]
		}
		switch kind := rng.IntN(4); {
		case kind == 1 && pending[p] > 0:
			add(p.loc, p.time, -(1 + rng.Int64N(pending[p])))
		case kind == 2 && pending[p] > 0:
			loc, t := m.later(rng, p.loc, p.time)
			if rng.IntN(2) == 0 {
				add(p.loc, p.time, -1)
				add(loc, t, 1)
			} else {
				add(loc, t, 1)
				add(p.loc, p.time, -1)
			}
		case kind == 3:
			loc := Location(rng.IntN(m.g.locations()))
			t := m.randomTime(rng, loc)
			add(loc, t, -1)
			add(loc, t, 1+rng.Int64N(2))
		default:
			loc := Location(rng.IntN(m.g.locations()))
			add(loc, m.randomTime(rng, loc), 1+rng.Int64N(3))
		}
	}
	return ops
}

// releaseBatch returns changes that release up to four of the held
// pointstamps, for the end of a run.
func (m *nestedModel) releaseBatch(rng *rand.Rand) []Update {
	var ops []Update
	for p, c := range m.counts {
		if c != 0 {
			ops = append(ops, Update{Loc: p.loc, Time: p.time, Delta: -c})
		}
	}
	slices.SortFunc(ops, compareUpdates)
	rng.Shuffle(len(ops), func(i, j int) { ops[i], ops[j] = ops[j], ops[i] })
	return ops[:min(len(ops), 1+rng.IntN(4))]
}

// apply records ops in the model and applies them to tr as one batch, or
// as a single Update when there is one op and the coin says so.
func (m *nestedModel) apply(rng *rand.Rand, tr *Tracker, b *ChangeBatch, ops []Update) {
	for _, u := range ops {
		p := nestedPointstamp{u.Loc, u.Time}
		m.counts[p] += u.Delta
		if m.counts[p] == 0 {
			delete(m.counts, p)
		}
	}
	if len(ops) == 1 && rng.IntN(2) == 0 {
		tr.Update(ops[0].Loc, ops[0].Time, ops[0].Delta)
		return
	}
	b.Clear()
	for _, u := range ops {
		b.Add(u.Loc, u.Time, u.Delta)
	}
	tr.Apply(b)
}

// check compares the counts, Idle and every frontier of tr with the
// model, and the locations DrainChanged reports with those whose frontier
// differs from drained, which it updates, when drain is set.
func (m *nestedModel) check(t *testing.T, tr *Tracker, drained [][]Time, drain bool, step string) {
	t.Helper()
	for p, c := range m.counts {
		if c < 0 {
			require.Failf(t, "negative count", "%s: model count %d of %v at %d", step, c, p.time, p.loc)
		}
		if got := tr.Count(p.loc, p.time); got != c {
			require.Failf(t, "count differs", "%s: count of %v at %d is %d, want %d", step, p.time, p.loc, got, c)
		}
	}
	require.Equal(t, len(m.counts) == 0, tr.Idle(), "%s: Idle", step)
	want := m.frontiers()
	var changed []Location
	for x := range Location(m.g.locations()) {
		if !nestedSameTimes(want[x], tr.Frontier(x)) {
			require.Failf(t, "frontier differs", "%s: frontier of %d (depth %d) is %v, want %v\ncounts %v\npaths %v\ngraph %v",
				step, x, m.g.locDepth(x), tr.Frontier(x), want[x], m.counts, m.paths, m.g)
		}
		if !nestedSameTimes(want[x], drained[x]) {
			changed = append(changed, x)
		}
	}
	if drain {
		require.ElementsMatch(t, changed, tr.DrainChanged(nil), "%s: DrainChanged", step)
		copy(drained, want)
	}
}

// nestedSameTimes reports whether a and b hold the same times, each once.
func nestedSameTimes(a, b []Time) bool {
	if len(a) != len(b) {
		return false
	}
	for i, x := range a {
		if !slices.Contains(b, x) || slices.Contains(a[i+1:], x) {
			return false
		}
	}
	return true
}

// TestTrackerNestedAgainstBruteForce drives trackers of random dataflows
// with nested loops, their paths closed by brute force, with random
// batches of updates at times that respect each location's depth, and
// compares every count, frontier and drain after each batch with a brute
// force model. Counts are non-negative after every batch, though a batch
// may take one below zero and back.
func TestTrackerNestedAgainstBruteForce(t *testing.T) {
	for seed := range uint64(300) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 1234))
			g := nestedRandomDataflow(rng)
			paths, err := nestedClosure(g)
			require.NoError(t, err, "graph %v", g)
			m := &nestedModel{g: g, paths: paths, counts: make(map[nestedPointstamp]int64)}
			tr := NewTracker(g.locations(), paths)
			drained := make([][]Time, g.locations())
			var b ChangeBatch
			batches := 10 + rng.IntN(30)
			for i := range batches {
				ops := m.randomBatch(rng)
				m.apply(rng, tr, &b, ops)
				m.check(t, tr, drained, rng.IntN(3) > 0, fmt.Sprintf("batch %d %v", i, ops))
			}
			for i := 0; len(m.counts) > 0; i++ {
				ops := m.releaseBatch(rng)
				m.apply(rng, tr, &b, ops)
				m.check(t, tr, drained, rng.IntN(3) > 0, fmt.Sprintf("release %d %v", i, ops))
			}
			assert.True(t, tr.Idle())
			for x := range Location(g.locations()) {
				assert.Empty(t, tr.Frontier(x), "frontier of %d", x)
			}
		})
	}
}
