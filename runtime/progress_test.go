package runtime

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestChangeBatchCompacts(t *testing.T) {
	var b ChangeBatch
	assert.True(t, b.Empty())
	b.Add(2, Epoch(1), 1)
	b.Add(0, tm(3, 1, 0), 2)
	b.Add(2, Epoch(1), 4)
	b.Add(0, Epoch(3), -1)
	b.Add(1, Epoch(0), 1)
	b.Add(1, Epoch(0), -1)
	b.Add(5, Epoch(0), 0)
	assert.Equal(t, []Update{
		{Loc: 0, Time: Epoch(3), Delta: -1},
		{Loc: 0, Time: tm(3, 1, 0), Delta: 2},
		{Loc: 2, Time: Epoch(1), Delta: 5},
	}, b.Updates())
	assert.False(t, b.Empty())

	b.Add(0, Epoch(3), 1)
	b.Add(0, tm(3, 1, 0), -2)
	b.Add(2, Epoch(1), -5)
	assert.True(t, b.Empty())
	assert.Empty(t, b.Updates())
}

func TestChangeBatchClearKeepsCapacity(t *testing.T) {
	var b ChangeBatch
	for i := range 10 {
		b.Add(Location(i), Epoch(0), 1)
	}
	capacity := cap(b.updates)
	b.Clear()
	assert.True(t, b.Empty())
	assert.Equal(t, capacity, cap(b.updates))
	allocs := testing.AllocsPerRun(100, func() {
		b.Clear()
		for i := range 10 {
			b.Add(Location(9-i), Epoch(uint64(i)), 1)
		}
		b.Updates()
	})
	assert.Zero(t, allocs)
}

func TestChangeBatchStaysSmall(t *testing.T) {
	var b ChangeBatch
	for i := range 10000 {
		b.Add(1, Epoch(uint64(i%3)), 1)
		b.Add(1, Epoch(uint64(i%3)), -1)
	}
	assert.LessOrEqual(t, len(b.updates), 2*compactAbove+2)
	assert.True(t, b.Empty())
}

func TestNewTrackerChecksPaths(t *testing.T) {
	assert.Panics(t, func() { NewTracker(2, [][]Path{{{Target: 2}}}) })
	assert.Panics(t, func() { NewTracker(1, [][]Path{nil, nil}) })
	assert.NotPanics(t, func() { NewTracker(3, [][]Path{{{Target: 2}}}) })
}

func TestTrackerChain(t *testing.T) {
	// 0 -> 1 -> 2: a source output, an input and an operator output, say.
	tr := NewTracker(3, chainPaths(3))
	assert.True(t, tr.Idle())
	assert.Empty(t, tr.DrainChanged(nil))

	tr.Update(0, Epoch(0), 1)
	assertFrontiers(t, tr, Antichain{Epoch(0)}, Antichain{Epoch(0)}, Antichain{Epoch(0)})
	assert.Equal(t, []Location{0, 1, 2}, tr.DrainChanged(nil))
	assert.Empty(t, tr.DrainChanged(nil))

	// A message at epoch 0 in flight to 1 while the capability moves on.
	var b ChangeBatch
	b.Add(1, Epoch(0), 1)
	b.Add(0, Epoch(1), 1)
	b.Add(0, Epoch(0), -1)
	tr.Apply(&b)
	assertFrontiers(t, tr, Antichain{Epoch(1)}, Antichain{Epoch(0)}, Antichain{Epoch(0)})
	assert.Equal(t, []Location{0}, tr.DrainChanged(nil))

	tr.Update(1, Epoch(0), -1)
	assertFrontiers(t, tr, Antichain{Epoch(1)}, Antichain{Epoch(1)}, Antichain{Epoch(1)})
	assert.ElementsMatch(t, []Location{1, 2}, tr.DrainChanged(nil))
	assert.False(t, tr.Idle())
	assert.Equal(t, int64(1), tr.Count(0, Epoch(1)))
	assert.Zero(t, tr.Count(0, Epoch(0)))

	tr.Update(0, Epoch(1), -1)
	assertFrontiers(t, tr, nil, nil, nil)
	assert.Equal(t, []Location{0, 1, 2}, tr.DrainChanged(nil))
	assert.True(t, tr.Idle())
}

func TestTrackerNegativeTransient(t *testing.T) {
	tr := NewTracker(2, chainPaths(2))
	tr.Update(0, Epoch(5), 1)
	tr.DrainChanged(nil)

	// The message is consumed at 1 before its sending is accounted.
	tr.Update(1, Epoch(2), -1)
	assert.Equal(t, int64(-1), tr.Count(1, Epoch(2)))
	assertFrontiers(t, tr, Antichain{Epoch(5)}, Antichain{Epoch(5)})
	assert.Empty(t, tr.DrainChanged(nil))
	assert.False(t, tr.Idle())

	tr.Update(1, Epoch(2), 1)
	assertFrontiers(t, tr, Antichain{Epoch(5)}, Antichain{Epoch(5)})
	assert.Empty(t, tr.DrainChanged(nil))
	tr.Update(0, Epoch(5), -1)
	assert.True(t, tr.Idle())
}

func TestTrackerPartialOrder(t *testing.T) {
	tr := NewTracker(2, chainPaths(2))
	tr.Update(0, tm(1, 2, 0), 1)
	tr.Update(1, tm(2, 1, 0), 1)
	tr.Update(1, tm(3, 3, 0), 1)
	assertFrontiers(t, tr, Antichain{tm(1, 2, 0)}, Antichain{tm(1, 2, 0), tm(2, 1, 0)})
	tr.Update(0, tm(1, 1, 0), 1)
	assertFrontiers(t, tr, Antichain{tm(1, 1, 0)}, Antichain{tm(1, 1, 0)})
	tr.Update(0, tm(1, 1, 0), -1)
	tr.Update(0, tm(1, 2, 0), -1)
	assertFrontiers(t, tr, nil, Antichain{tm(2, 1, 0)})
}

func TestTrackerDrainReportsNetChange(t *testing.T) {
	tr := NewTracker(2, chainPaths(2))
	tr.Update(0, Epoch(0), 1)
	tr.DrainChanged(nil)

	// Changed and changed back before the drain: nothing to report.
	tr.Update(0, Epoch(1), 1)
	tr.Update(0, Epoch(0), -1)
	tr.Update(0, Epoch(0), 1)
	tr.Update(0, Epoch(1), -1)
	assert.Empty(t, tr.DrainChanged(nil))

	// A batch that cancels out changes nothing.
	var b ChangeBatch
	b.Add(0, Epoch(0), -1)
	b.Add(1, Epoch(7), 1)
	b.Add(0, Epoch(0), 1)
	b.Add(1, Epoch(7), -1)
	tr.Apply(&b)
	assert.Empty(t, tr.DrainChanged(nil))

	// Several changes before a drain: each location once.
	tr.Update(0, Epoch(1), 1)
	tr.Update(0, Epoch(0), -1)
	tr.Update(0, Epoch(2), 1)
	tr.Update(0, Epoch(1), -1)
	dst := []Location{42}
	assert.Equal(t, []Location{42, 0, 1}, tr.DrainChanged(dst))
}

// TestTrackerManyTimes holds more distinct times at one location than the
// counts slice holds without an index.
func TestTrackerManyTimes(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	tr := NewTracker(2, chainPaths(2))
	const n = 100
	for e := range uint64(n) {
		tr.Update(1, Epoch(e), 1)
		tr.Update(1, Epoch(e), 1)
	}
	held := make(map[uint64]int64)
	for e := range uint64(n) {
		held[e] = 2
	}
	for _, e := range rng.Perm(2 * n) {
		epoch := uint64(e % n)
		tr.Update(1, Epoch(epoch), -1)
		held[epoch]--
		if held[epoch] == 0 {
			delete(held, epoch)
		}
		require.Equal(t, held[epoch], tr.Count(1, Epoch(epoch)))
		if len(held) == 0 {
			break
		}
		low := uint64(n)
		for e := range held {
			low = min(low, e)
		}
		require.Equal(t, Antichain{Epoch(low)}, tr.Frontier(1))
	}
	assert.True(t, tr.Idle())
	assert.Empty(t, tr.Frontier(1))
}

func TestTrackerApplyDoesNotAllocate(t *testing.T) {
	_, step := capabilityMover(10)
	for range 10 {
		step()
	}
	assert.Zero(t, testing.AllocsPerRun(100, step))
}

// TestTrackerRandom compares every frontier, count and drain with a brute
// force computation over random graphs and random batches of updates.
func TestTrackerRandom(t *testing.T) {
	for seed := range uint64(300) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 2024))
			m := randomModel(rng)
			tr := NewTracker(m.locations, m.paths())
			drained := make([][]Time, m.locations)
			var b ChangeBatch
			ops := randomOps(rng, m.locations)
			for len(ops) > 0 {
				n := min(1+rng.IntN(6), len(ops))
				applyBatch(tr, &b, ops[:n], rng)
				for _, u := range ops[:n] {
					m.counts[pointstamp{u.Loc, u.Time}] += u.Delta
				}
				ops = ops[n:]
				m.check(t, tr)
				if rng.IntN(3) > 0 || len(ops) == 0 {
					m.checkDrain(t, tr, drained)
				}
			}
			assert.True(t, tr.Idle())
		})
	}
}

// TestTrackerWatchOnlyRandom checks a tracker that watches some
// locations against the model: the frontiers of watched locations, of
// those asked for later, the changes drained and the oldest epoch.
func TestTrackerWatchOnlyRandom(t *testing.T) {
	for seed := range uint64(300) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 7))
			m := randomModel(rng)
			tr := NewTracker(m.locations, m.paths())
			watched := make([]bool, m.locations)
			var locs []Location
			for x := range Location(m.locations) {
				if rng.IntN(2) == 0 {
					watched[x] = true
					locs = append(locs, x)
				}
			}
			tr.WatchOnly(locs)
			drained := make([][]Time, m.locations)
			var b ChangeBatch
			ops := randomOps(rng, m.locations)
			for len(ops) > 0 {
				n := min(1+rng.IntN(6), len(ops))
				applyBatch(tr, &b, ops[:n], rng)
				for _, u := range ops[:n] {
					m.counts[pointstamp{u.Loc, u.Time}] += u.Delta
				}
				ops = ops[n:]
				if x := Location(rng.IntN(m.locations)); !watched[x] && rng.IntN(4) == 0 {
					require.ElementsMatch(t, m.frontier(x), tr.Frontier(x), "frontier of %d asked for", x)
					watched[x] = true
					drained[x] = m.frontier(x)
				}
				var want []Location
				oldest, found := uint64(0), false
				for x := range Location(m.locations) {
					now := m.frontier(x)
					for _, e := range now {
						if !found || e.Epoch < oldest {
							oldest, found = e.Epoch, true
						}
					}
					if !watched[x] {
						continue
					}
					require.ElementsMatch(t, now, tr.Frontier(x), "frontier of %d", x)
					if !Antichain(now).sameSet(drained[x]) {
						want = append(want, x)
					}
					drained[x] = now
				}
				require.ElementsMatch(t, want, tr.DrainChanged(nil))
				gotOldest, gotFound := tr.OldestEpoch()
				require.Equal(t, found, gotFound)
				require.Equal(t, oldest, gotOldest)
			}
			assert.True(t, tr.Idle())
		})
	}
}

func BenchmarkTrackerApply(b *testing.B) {
	b.Run("chain10/capability", func(b *testing.B) {
		_, step := capabilityMover(10)
		b.ReportAllocs()
		for b.Loop() {
			step()
		}
	})
	b.Run("chain10/message", func(b *testing.B) {
		// A message sent to and consumed at an input behind the frontier:
		// counts change, frontiers do not.
		tr := NewTracker(10, chainPaths(10))
		tr.Update(0, Epoch(0), 1)
		var batch ChangeBatch
		b.ReportAllocs()
		for b.Loop() {
			batch.Clear()
			batch.Add(5, Epoch(0), 1)
			tr.Apply(&batch)
			batch.Clear()
			batch.Add(5, Epoch(0), -1)
			tr.Apply(&batch)
		}
	})
}

// capabilityMover returns a tracker for a chain of n locations and a step
// that moves the capability at location 0 from its epoch to the next and
// drains the changes.
func capabilityMover(n int) (*Tracker, func()) {
	tr := NewTracker(n, chainPaths(n))
	tr.Update(0, Epoch(0), 1)
	var b ChangeBatch
	var changed []Location
	var e uint64
	return tr, func() {
		b.Clear()
		b.Add(0, Epoch(e+1), 1)
		b.Add(0, Epoch(e), -1)
		tr.Apply(&b)
		changed = tr.DrainChanged(changed[:0])
		e++
	}
}

// chainPaths returns the paths of a chain 0 -> 1 -> ... -> n-1: each
// location reaches every later one.
func chainPaths(n int) [][]Path {
	paths := make([][]Path, n)
	for l := range n {
		for x := l + 1; x < n; x++ {
			paths[l] = append(paths[l], Path{Target: Location(x)})
		}
	}
	return paths
}

// assertFrontiers checks the frontier of every location, as sets.
func assertFrontiers(t *testing.T, tr *Tracker, want ...Antichain) {
	t.Helper()
	for l, w := range want {
		assert.ElementsMatch(t, w, tr.Frontier(Location(l)), "location %d", l)
	}
}

// pointstamp is a (location, time) pair of the brute force model.
type pointstamp struct {
	loc  Location
	time Time
}

// model is the brute force reference for a Tracker.
type model struct {
	locations int
	reach     [][]bool    // reach[l][x]: x is reachable from l, or x == l
	summary   [][]Summary // summary[l][x]: how times change from l to x
	counts    map[pointstamp]int64
}

// randomModel returns a model of a random DAG of 1 to 8 locations, numbered
// in random order.
func randomModel(rng *rand.Rand) *model {
	n := 1 + rng.IntN(8)
	order := rng.Perm(n) // order[i]: the location of the i-th in topological order
	reach := make([][]bool, n)
	for l := range reach {
		reach[l] = make([]bool, n)
		reach[l][l] = true
	}
	for i := n - 1; i >= 0; i-- {
		for j := i + 1; j < n; j++ {
			if rng.IntN(10) < 3 {
				for x := range n {
					reach[order[i]][x] = reach[order[i]][x] || reach[order[j]][x]
				}
			}
		}
	}
	// Paths change times as loops do: most keep them, some advance or
	// reset a round.
	kinds := []Summary{{}, {}, {}, Advance(1), Advance(2), Leave(1), Leave(2), Advance(1).Then(Leave(2))}
	summary := make([][]Summary, n)
	for l := range summary {
		summary[l] = make([]Summary, n)
		for x := range summary[l] {
			if x != l {
				summary[l][x] = kinds[rng.IntN(len(kinds))]
			}
		}
	}
	return &model{locations: n, reach: reach, summary: summary, counts: make(map[pointstamp]int64)}
}

// paths returns the model's reachability as tracker paths.
func (m *model) paths() [][]Path {
	paths := make([][]Path, m.locations)
	for l := range m.locations {
		for x := range m.locations {
			if x != l && m.reach[l][x] {
				paths[l] = append(paths[l], Path{Target: Location(x), Summary: m.summary[l][x]})
			}
		}
	}
	return paths
}

// frontier returns the frontier of x by brute force.
func (m *model) frontier(x Location) []Time {
	var held []Time
	for p, c := range m.counts {
		if c > 0 && m.reach[p.loc][x] {
			held = append(held, m.summary[p.loc][x].Apply(p.time))
		}
	}
	return minimalTimes(held)
}

// check compares every frontier, count and Idle of tr with the model.
func (m *model) check(t *testing.T, tr *Tracker) {
	t.Helper()
	idle := true
	for p, c := range m.counts {
		require.Equal(t, c, tr.Count(p.loc, p.time), "count of %v at %d", p.time, p.loc)
		idle = idle && c == 0
	}
	require.Equal(t, idle, tr.Idle())
	for x := range Location(m.locations) {
		require.ElementsMatch(t, m.frontier(x), tr.Frontier(x), "frontier of %d", x)
	}
}

// checkDrain checks that DrainChanged reports exactly the locations whose
// frontier differs from drained, and updates drained.
func (m *model) checkDrain(t *testing.T, tr *Tracker, drained [][]Time) {
	t.Helper()
	var want []Location
	for x := range Location(m.locations) {
		now := m.frontier(x)
		if !Antichain(now).sameSet(drained[x]) {
			want = append(want, x)
		}
		drained[x] = now
	}
	require.ElementsMatch(t, want, tr.DrainChanged(nil))
}

// randomOps returns a random sequence of updates that cancel out: for
// every +d there is a -d at the same pointstamp, sometimes before it.
func randomOps(rng *rand.Rand, locations int) []Update {
	pairs := 5 + rng.IntN(30)
	var ops []Update
	for range pairs {
		u := Update{Loc: Location(rng.IntN(locations)), Time: randomTime(rng), Delta: 1 + rng.Int64N(3)}
		neg := u
		neg.Delta = -u.Delta
		ops = append(ops, u, neg)
	}
	// Mostly keep each +d before its -d, but move some anywhere.
	for i := len(ops) - 1; i > 0; i-- {
		if rng.IntN(3) == 0 {
			j := rng.IntN(i + 1)
			ops[i], ops[j] = ops[j], ops[i]
		}
	}
	return ops
}

// applyBatch applies ops to tr as one batch, or as a single Update when
// there is one op and the coin says so.
func applyBatch(tr *Tracker, b *ChangeBatch, ops []Update, rng *rand.Rand) {
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

// TestChangeBatchMergesRecent: the +1 and -1 a run adds at the same few
// pointstamps go into one update each, and adding does not allocate.
func TestChangeBatchMergesRecent(t *testing.T) {
	var b ChangeBatch
	for i := range 1000 {
		b.Add(Location(i%3), Epoch(1), 1)
		b.Add(Location(i%3), Epoch(1), -1)
		b.Add(4, Epoch(uint64(i%2)), 1)
	}
	assert.Len(t, b.updates, 5, "one update per pointstamp")
	assert.Equal(t, []Update{{Loc: 4, Time: Epoch(0), Delta: 500}, {Loc: 4, Time: Epoch(1), Delta: 500}}, b.Updates())
	assert.Zero(t, testing.AllocsPerRun(100, func() {
		b.Add(1, Epoch(3), 1)
		b.Add(1, Epoch(3), -1)
	}))
}

// TestSortUpdates: the insertion sort of small batches orders as
// compareUpdates does.
func TestSortUpdates(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 200 {
		n := r.IntN(3 * compactAbove)
		us := make([]Update, n)
		for i := range us {
			us[i] = Update{Loc: Location(r.IntN(4)), Time: Time{Epoch: uint64(r.IntN(3)), Rounds: [MaxLoopDepth]uint32{uint32(r.IntN(3)), uint32(r.IntN(2))}}, Delta: int64(i)}
		}
		want := slices.Clone(us)
		slices.SortStableFunc(want, compareUpdates)
		sortUpdates(us)
		for i := range us {
			us[i].Delta, want[i].Delta = 0, 0 // equal keys may come in any order
		}
		assert.Equal(t, want, us)
	}
}

// BenchmarkChangeBatchRun is the progress of one operator run in a loop:
// batches of a few times consumed and sent, then compacted.
func BenchmarkChangeBatchRun(b *testing.B) {
	var cb ChangeBatch
	for b.Loop() {
		for i := range 12 {
			t := Time{Rounds: [MaxLoopDepth]uint32{uint32(i * 7 % 5)}}
			cb.Add(3, t, -1)
			cb.Add(5, t, 1)
			cb.Add(Location(6+i%3), t, 1)
		}
		cb.Empty()
		cb.Clear()
	}
}
