package runtime

import (
	"cmp"
	"slices"
	"strconv"
)

// MaxLoopDepth is the number of nested loop round coordinates a Time carries.
const MaxLoopDepth = 2

// Time is a logical timestamp: an epoch and, inside loops, round counters.
//
// Coordinates beyond the depth of the scope a Time belongs to are always
// zero. Times are ordered by the product order: t <= u when every
// coordinate of t is <= the same coordinate of u, so two Times may be
// incomparable. Time is comparable and usable as a map key.
type Time struct {
	Epoch  uint64
	Rounds [MaxLoopDepth]uint32
}

// Epoch returns the Time of epoch e outside any loop (all rounds zero).
func Epoch(e uint64) Time { return Time{Epoch: e} }

// LessEqual reports whether t <= u in the product order.
func (t Time) LessEqual(u Time) bool {
	if t.Epoch > u.Epoch {
		return false
	}
	for i, r := range t.Rounds {
		if r > u.Rounds[i] {
			return false
		}
	}
	return true
}

// Less reports whether t < u in the product order: t <= u and t != u.
func (t Time) Less(u Time) bool { return t != u && t.LessEqual(u) }

// String formats t as its epoch ("5") when all rounds are zero, and
// otherwise as the tuple of all coordinates ("(5, 1, 0)").
func (t Time) String() string {
	if t.Rounds == ([MaxLoopDepth]uint32{}) {
		return strconv.FormatUint(t.Epoch, 10)
	}
	b := make([]byte, 0, 8+12*MaxLoopDepth)
	b = append(b, '(')
	b = strconv.AppendUint(b, t.Epoch, 10)
	for _, r := range t.Rounds {
		b = append(b, ", "...)
		b = strconv.AppendUint(b, uint64(r), 10)
	}
	return string(append(b, ')'))
}

// compareTimes orders Times lexicographically by (Epoch, Rounds...). The
// order is total and extends the product order: t <= u implies
// compareTimes(t, u) <= 0.
func compareTimes(t, u Time) int {
	if c := cmp.Compare(t.Epoch, u.Epoch); c != 0 {
		return c
	}
	for i, r := range t.Rounds {
		if c := cmp.Compare(r, u.Rounds[i]); c != 0 {
			return c
		}
	}
	return 0
}

// Antichain is a set of mutually incomparable Times, kept minimal: no
// element is <= another. As a frontier it stands for every Time that is >=
// some element; the empty antichain means no Time can appear any more.
//
// Insert keeps the elements in lexicographic order of (Epoch, Rounds), so
// equal sets built by Insert are equal slices.
type Antichain []Time

// LessEqual reports whether some element of a is <= t: t may still appear
// at a location whose frontier is a, so t is not complete there.
func (a Antichain) LessEqual(t Time) bool {
	for _, e := range a {
		if e.LessEqual(t) {
			return true
		}
	}
	return false
}

// Empty reports whether a has no elements.
func (a Antichain) Empty() bool { return len(a) == 0 }

// Insert adds t unless some element is <= t, and then removes the elements
// that t is < of. It reports whether t was added.
func (a *Antichain) Insert(t Time) bool {
	if a.LessEqual(t) {
		return false
	}
	kept := (*a)[:0]
	for _, e := range *a {
		if !t.LessEqual(e) {
			kept = append(kept, e)
		}
	}
	i, _ := slices.BinarySearchFunc(kept, t, compareTimes)
	*a = slices.Insert(kept, i, t)
	return true
}

// contains reports whether t is an element of a.
func (a Antichain) contains(t Time) bool {
	for _, e := range a {
		if e == t {
			return true
		}
	}
	return false
}

// sameSet reports whether a and b hold the same elements, in any order.
// Antichains hold no duplicates, so equal lengths and inclusion suffice.
func (a Antichain) sameSet(b Antichain) bool {
	if len(a) != len(b) {
		return false
	}
	for _, t := range a {
		if !b.contains(t) {
			return false
		}
	}
	return true
}
