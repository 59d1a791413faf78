package runtime

import (
	"cmp"
	"fmt"
	"slices"
)

// Location is a port of the dataflow graph: an operator input or output,
// numbered densely from zero by the planner.
type Location int32

// Path says that a pointstamp at some location may result in one at Target,
// with its timestamp transformed by Summary.
type Path struct {
	Target  Location
	Summary Summary
}

// Update is one change of a pointstamp count: Delta is added to the count
// of Time at Loc.
type Update struct {
	Loc   Location
	Time  Time
	Delta int64
}

// Tracker holds pointstamp counts and derives from them the frontier of
// every location. It is not safe for concurrent use: callers lock.
//
// The frontier of location x is the set of minimal elements of
// { s.Apply(t) : count(l, t) > 0, and l == x with the identity s, or
// Path{x, s} is in paths[l] }. Counts may be negative for a while (a
// message consumed before its sending was accounted); only positive counts
// hold a frontier back.
//
// As in timely dataflow, each location keeps its counts in a counted
// multiset whose positive frontier is maintained; changes of that frontier
// are propagated as +1/-1 into the implication multisets of the location
// and of every target it reaches, and a location's frontier is the
// positive frontier of its implication multiset.
//
// A tracker may watch only some locations (WatchOnly): it then keeps the
// implications, and so the frontiers, of those alone, and a frontier
// change at a location costs a step per watched target instead of one
// per reachable location. A computation watches the operator inputs,
// which are the frontiers operators read.
type Tracker struct {
	paths        [][]Path
	targets      [][]Path           // per location: the paths to watched locations
	watched      []bool             // nil when every location is watched
	pointstamps  []countedAntichain // counts per location
	implications []countedAntichain // implied frontier elements per location
	nonzero      int                // pointstamps with a non-zero count

	touched     []bool      // implications changed by the batch being applied
	touchedList []Location  // the locations with touched set, in order
	before      []Antichain // frontier before the batch, for touched locations
	old         Antichain   // scratch: a positive frontier of counts before the batch
	single      ChangeBatch // scratch for Update

	dirty     []bool      // frontier changed since the last drain
	dirtyList []Location  // the locations with dirty set, in order
	drained   []Antichain // frontier at the last drain, for dirty locations
}

// NewTracker returns a tracker for locations 0..locations-1 with no counts
// and empty frontiers.
//
// paths[l] lists every location reachable from l in one or more steps,
// with the summary of the path (the planner computes the transitive
// closure); a location always reaches itself with the identity, which
// paths need not list. paths may be shorter than locations. The tracker
// keeps paths; the caller must not modify it. NewTracker panics when a path
// targets a location out of range.
func NewTracker(locations int, paths [][]Path) *Tracker {
	if len(paths) > locations {
		panic(fmt.Sprintf("runtime: NewTracker: %d path lists for %d locations", len(paths), locations))
	}
	for l, ps := range paths {
		for _, p := range ps {
			if p.Target < 0 || int(p.Target) >= locations {
				panic(fmt.Sprintf("runtime: NewTracker: path from %d to %d out of range", l, p.Target))
			}
		}
	}
	return &Tracker{
		paths:        paths,
		targets:      paths,
		pointstamps:  make([]countedAntichain, locations),
		implications: make([]countedAntichain, locations),
		touched:      make([]bool, locations),
		before:       make([]Antichain, locations),
		dirty:        make([]bool, locations),
		drained:      make([]Antichain, locations),
	}
}

// WatchOnly makes the tracker keep the frontiers of the locations in
// locs only; the frontier of another location is computed when it is
// first asked for (Frontier), and kept from then on. It must be called
// before the first update.
func (tr *Tracker) WatchOnly(locs []Location) {
	if tr.nonzero != 0 || tr.watched != nil {
		panic("runtime: Tracker.WatchOnly after updates")
	}
	tr.watched = make([]bool, len(tr.pointstamps))
	for _, loc := range locs {
		tr.watched[loc] = true
	}
	tr.targets = make([][]Path, len(tr.paths))
	for l, ps := range tr.paths {
		for _, p := range ps {
			if tr.watched[p.Target] {
				tr.targets[l] = append(tr.targets[l], p)
			}
		}
	}
}

// watch starts keeping the frontier of loc: its implications are built
// from the counts of every location that reaches it.
func (tr *Tracker) watch(loc Location) {
	tr.watched[loc] = true
	m := &tr.implications[loc]
	for _, t := range tr.pointstamps[loc].frontier {
		m.update(t, +1)
	}
	for l, ps := range tr.paths {
		for _, p := range ps {
			if p.Target != loc {
				continue
			}
			tr.targets[l] = append(tr.targets[l], p)
			for _, t := range tr.pointstamps[l].frontier {
				m.update(p.Summary.Apply(t), +1)
			}
		}
	}
	m.refresh()
}

// Apply applies every update of b as one atomic change, then recomputes the
// frontiers it affects. It compacts b but does not clear it.
func (tr *Tracker) Apply(b *ChangeBatch) {
	updates := b.Updates()
	for start := 0; start < len(updates); {
		end := locationRunEnd(updates, start)
		tr.applyPointstamps(updates[start:end])
		start = end
	}
	for _, loc := range tr.touchedList {
		tr.touched[loc] = false
		m := &tr.implications[loc]
		m.refresh()
		if !tr.before[loc].sameSet(m.frontier) {
			tr.markChanged(loc, tr.before[loc])
		}
	}
	tr.touchedList = tr.touchedList[:0]
}

// Update applies a single update; it is the same as Apply with a batch of
// one.
func (tr *Tracker) Update(loc Location, t Time, delta int64) {
	tr.single.Clear()
	tr.single.Add(loc, t, delta)
	tr.Apply(&tr.single)
}

// Frontier returns the current frontier of loc. The caller must not modify
// it; it is valid until the next Apply or Update.
func (tr *Tracker) Frontier(loc Location) Antichain {
	if tr.watched != nil && !tr.watched[loc] {
		tr.watch(loc)
	}
	return tr.implications[loc].frontier
}

// OldestEpoch returns the oldest epoch of any pointstamp with a positive
// count, which is the oldest epoch in any location's frontier (a path
// never changes the epoch), and false when no count is positive.
func (tr *Tracker) OldestEpoch() (uint64, bool) {
	oldest, found := uint64(0), false
	for i := range tr.pointstamps {
		for _, t := range tr.pointstamps[i].frontier {
			if !found || t.Epoch < oldest {
				oldest, found = t.Epoch, true
			}
		}
	}
	return oldest, found
}

// DrainChanged appends to dst, and returns, every location whose frontier
// differs from what it was at the previous drain (or at creation), each
// once, in the order in which their frontiers first changed.
func (tr *Tracker) DrainChanged(dst []Location) []Location {
	for _, loc := range tr.dirtyList {
		tr.dirty[loc] = false
		if !tr.drained[loc].sameSet(tr.implications[loc].frontier) {
			dst = append(dst, loc)
		}
	}
	tr.dirtyList = tr.dirtyList[:0]
	return dst
}

// Idle reports whether every count at every location is zero: no
// capability is held and no message is in flight.
func (tr *Tracker) Idle() bool { return tr.nonzero == 0 }

// Count returns the pointstamp count of t at loc, for tests and debugging.
func (tr *Tracker) Count(loc Location, t Time) int64 {
	return tr.pointstamps[loc].count(t)
}

// applyPointstamps applies updates that all concern one location and
// propagates the change of its positive frontier to the implications.
func (tr *Tracker) applyPointstamps(run []Update) {
	loc := run[0].Loc
	m := &tr.pointstamps[loc]
	tr.old = append(tr.old[:0], m.frontier...)
	for _, u := range run {
		tr.nonzero += m.update(u.Time, u.Delta)
	}
	m.refresh()
	for _, t := range tr.old {
		if !m.frontier.contains(t) {
			tr.propagate(loc, t, -1)
		}
	}
	for _, t := range m.frontier {
		if !tr.old.contains(t) {
			tr.propagate(loc, t, +1)
		}
	}
}

// propagate records that frontier element t of the counts at loc appeared
// (delta +1) or disappeared (-1), in the implications of loc itself and of
// every target of its paths.
func (tr *Tracker) propagate(loc Location, t Time, delta int64) {
	if tr.watched == nil || tr.watched[loc] {
		tr.imply(loc, t, delta)
	}
	if int(loc) >= len(tr.targets) {
		return
	}
	for _, p := range tr.targets[loc] {
		tr.imply(p.Target, p.Summary.Apply(t), delta)
	}
}

// imply adds delta to the implication count of t at loc. The first change
// in a batch records the frontier of loc before the batch; Apply refreshes
// the frontier and compares once all changes are in. Implication counts
// never go negative: a -1 always retracts an earlier +1.
func (tr *Tracker) imply(loc Location, t Time, delta int64) {
	m := &tr.implications[loc]
	if !tr.touched[loc] {
		tr.touched[loc] = true
		tr.touchedList = append(tr.touchedList, loc)
		tr.before[loc] = append(tr.before[loc][:0], m.frontier...)
	}
	m.update(t, delta)
}

// markChanged notes that the frontier of loc changed from old. Only the
// first change since the last drain records old.
func (tr *Tracker) markChanged(loc Location, old Antichain) {
	if tr.dirty[loc] {
		return
	}
	tr.dirty[loc] = true
	tr.dirtyList = append(tr.dirtyList, loc)
	tr.drained[loc] = append(tr.drained[loc][:0], old...)
}

// locationRunEnd returns the end of the run of updates, starting at start,
// that concern the same location as updates[start].
func locationRunEnd(updates []Update, start int) int {
	end := start + 1
	for end < len(updates) && updates[end].Loc == updates[start].Loc {
		end++
	}
	return end
}

// ChangeBatch accumulates updates of pointstamp counts, to be applied
// atomically by a Tracker. The zero value is an empty batch. Adding to a
// batch, compacting it and clearing it do not allocate once its capacity
// suffices.
type ChangeBatch struct {
	updates []Update
	clean   int // updates[:clean] is compacted
}

// compactAbove is the length under which Add never compacts.
const compactAbove = 32

// mergeWithin is how many of the latest updates not yet compacted Add
// looks through for one of the same pointstamp.
const mergeWithin = 8

// Add adds delta to the count of t at loc. A zero delta is ignored.
func (b *ChangeBatch) Add(loc Location, t Time, delta int64) {
	if delta == 0 {
		return
	}
	// An operator's run adds to the same few pointstamps again and again
	// (a batch sent, a batch consumed): a recent update of the same
	// pointstamp takes the delta, and the batch does not grow.
	for i := len(b.updates) - 1; i >= b.clean && i >= len(b.updates)-mergeWithin; i-- {
		if u := &b.updates[i]; u.Loc == loc && u.Time == t {
			u.Delta += delta
			return
		}
	}
	b.updates = append(b.updates, Update{Loc: loc, Time: t, Delta: delta})
	if len(b.updates) > compactAbove && len(b.updates) >= 2*b.clean {
		b.compact()
	}
}

// Empty reports whether the batch, once compacted, holds no non-zero
// update.
func (b *ChangeBatch) Empty() bool {
	b.compact()
	return len(b.updates) == 0
}

// Updates compacts the batch and returns its updates: one per (location,
// time), none with a zero delta, sorted by location and then
// lexicographically by time. The slice is valid until the next change of b.
func (b *ChangeBatch) Updates() []Update {
	b.compact()
	return b.updates
}

// Clear empties the batch and keeps its capacity.
func (b *ChangeBatch) Clear() {
	b.updates = b.updates[:0]
	b.clean = 0
}

// compact sorts the updates, merges those of the same (location, time) and
// drops the ones whose deltas sum to zero.
func (b *ChangeBatch) compact() {
	if b.clean == len(b.updates) {
		return
	}
	sortUpdates(b.updates)
	out := b.updates[:0]
	for _, u := range b.updates {
		n := len(out)
		switch {
		case n > 0 && out[n-1].Loc == u.Loc && out[n-1].Time == u.Time:
			out[n-1].Delta += u.Delta
		case n > 0 && out[n-1].Delta == 0:
			out[n-1] = u
		default:
			out = append(out, u)
		}
	}
	if n := len(out); n > 0 && out[n-1].Delta == 0 {
		out = out[:n-1]
	}
	b.updates = out
	b.clean = len(out)
}

// sortUpdates sorts updates by compareUpdates: by insertion when they are
// few, as the updates of one operator run usually are (an inlined
// comparison instead of a call through a function value per step).
func sortUpdates(updates []Update) {
	if len(updates) > 2*compactAbove {
		slices.SortFunc(updates, compareUpdates)
		return
	}
	for i := 1; i < len(updates); i++ {
		u := updates[i]
		j := i
		for j > 0 && updateLess(u, updates[j-1]) {
			updates[j] = updates[j-1]
			j--
		}
		updates[j] = u
	}
}

// updateLess reports whether compareUpdates(u, v) < 0.
func updateLess(u, v Update) bool {
	if u.Loc != v.Loc {
		return u.Loc < v.Loc
	}
	if u.Time.Epoch != v.Time.Epoch {
		return u.Time.Epoch < v.Time.Epoch
	}
	for i, r := range u.Time.Rounds {
		if r != v.Time.Rounds[i] {
			return r < v.Time.Rounds[i]
		}
	}
	return false
}

// compareUpdates orders updates by location, then lexicographically by time.
func compareUpdates(u, v Update) int {
	if c := cmp.Compare(u.Loc, v.Loc); c != 0 {
		return c
	}
	return compareTimes(u.Time, v.Time)
}

// countedAntichain is a multiset of Times with signed counts that maintains
// its positive frontier: the minimal Times whose count is positive (timely
// dataflow's MutableAntichain).
//
// Counts live in a small unordered slice, searched linearly; a location
// usually has one or two distinct Times. Past indexAbove distinct Times a
// map indexes the slice.
type countedAntichain struct {
	counts   []timeCount    // non-zero counts, unordered
	index    map[Time]int32 // position in counts; nil while counts is small
	frontier Antichain      // minimal Times with a positive count
	stale    bool           // frontier lost an element: refresh rebuilds it
}

// timeCount is the count of one Time.
type timeCount struct {
	time  Time
	count int64
}

// indexAbove is the number of distinct Times past which a countedAntichain
// indexes its counts with a map.
const indexAbove = 16

// count returns the count of t.
func (m *countedAntichain) count(t Time) int64 {
	if i := m.find(t); i >= 0 {
		return m.counts[i].count
	}
	return 0
}

// update adds delta to the count of t and keeps the frontier up to date,
// except that the loss of a frontier element only marks it stale until
// refresh. It returns the change in the number of non-zero counts: -1, 0
// or +1.
func (m *countedAntichain) update(t Time, delta int64) int {
	i := m.find(t)
	if i < 0 {
		i = m.push(t)
	}
	before := m.counts[i].count
	after := before + delta
	m.counts[i].count = after
	if after == 0 {
		m.remove(i)
	}
	switch {
	case before <= 0 && after > 0:
		if !m.stale {
			m.frontier.Insert(t)
		}
	case before > 0 && after <= 0:
		if !m.stale && m.frontier.contains(t) {
			m.stale = true
		}
	}
	return nonzero(after) - nonzero(before)
}

// refresh rebuilds the frontier from the counts if it is stale.
func (m *countedAntichain) refresh() {
	if !m.stale {
		return
	}
	m.stale = false
	m.frontier = m.frontier[:0]
	for _, c := range m.counts {
		if c.count > 0 {
			m.frontier.Insert(c.time)
		}
	}
}

// find returns the position of t in counts, or -1.
func (m *countedAntichain) find(t Time) int {
	if m.index != nil {
		if i, ok := m.index[t]; ok {
			return int(i)
		}
		return -1
	}
	for i := range m.counts {
		if m.counts[i].time == t {
			return i
		}
	}
	return -1
}

// push appends a zero count for t and returns its position.
func (m *countedAntichain) push(t Time) int {
	i := len(m.counts)
	m.counts = append(m.counts, timeCount{time: t})
	switch {
	case m.index != nil:
		m.index[t] = int32(i)
	case len(m.counts) > indexAbove:
		m.index = make(map[Time]int32, 2*len(m.counts))
		for j, c := range m.counts {
			m.index[c.time] = int32(j)
		}
	}
	return i
}

// remove deletes the count at position i, moving the last one into its
// place.
func (m *countedAntichain) remove(i int) {
	last := len(m.counts) - 1
	if m.index != nil {
		delete(m.index, m.counts[i].time)
		if i != last {
			m.index[m.counts[last].time] = int32(i)
		}
	}
	m.counts[i] = m.counts[last]
	m.counts = m.counts[:last]
}

// nonzero is 1 when n != 0, else 0.
func nonzero(n int64) int {
	if n != 0 {
		return 1
	}
	return 0
}

// Extend adds the updates of other to b.
func (b *ChangeBatch) Extend(other *ChangeBatch) {
	for _, u := range other.Updates() {
		b.Add(u.Loc, u.Time, u.Delta)
	}
}
