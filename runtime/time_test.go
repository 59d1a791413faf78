package runtime

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tm returns the Time with the given epoch and rounds.
func tm(epoch uint64, r0, r1 uint32) Time {
	return Time{Epoch: epoch, Rounds: [MaxLoopDepth]uint32{r0, r1}}
}

func TestTimeOrder(t *testing.T) {
	tests := []struct {
		t, u            Time
		lessEqual, less bool
	}{
		{Epoch(3), Epoch(3), true, false},
		{Epoch(3), Epoch(4), true, true},
		{Epoch(4), Epoch(3), false, false},
		{tm(1, 0, 0), tm(1, 1, 0), true, true},
		{tm(1, 1, 0), tm(1, 0, 1), false, false},
		{tm(1, 0, 1), tm(1, 1, 0), false, false},
		{tm(2, 0, 0), tm(1, 5, 5), false, false},
		{tm(1, 5, 5), tm(2, 0, 0), false, false},
		{tm(1, 2, 3), tm(4, 5, 6), true, true},
		{tm(1, 2, 3), tm(1, 2, 3), true, false},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.lessEqual, tc.t.LessEqual(tc.u), "%v <= %v", tc.t, tc.u)
		assert.Equal(t, tc.less, tc.t.Less(tc.u), "%v < %v", tc.t, tc.u)
	}
}

func TestTimeCompareExtendsProductOrder(t *testing.T) {
	times := smallTimes()
	for _, a := range times {
		for _, b := range times {
			c := compareTimes(a, b)
			assert.Equal(t, -c, compareTimes(b, a))
			assert.Equal(t, a == b, c == 0)
			if a.LessEqual(b) {
				assert.LessOrEqual(t, c, 0, "%v <= %v", a, b)
			}
		}
	}
}

func TestTimeString(t *testing.T) {
	assert.Equal(t, "0", Time{}.String())
	assert.Equal(t, "5", Epoch(5).String())
	assert.Equal(t, "(5, 1, 0)", tm(5, 1, 0).String())
	assert.Equal(t, "(0, 0, 7)", tm(0, 0, 7).String())
	assert.Equal(t, "18446744073709551615", Epoch(^uint64(0)).String())
}

func TestEpoch(t *testing.T) {
	assert.Equal(t, Time{Epoch: 9}, Epoch(9))
}

func TestAntichainInsert(t *testing.T) {
	var a Antichain
	assert.True(t, a.Empty())
	assert.True(t, a.Insert(tm(2, 1, 0)))
	assert.False(t, a.Insert(tm(2, 1, 0)), "equal element")
	assert.False(t, a.Insert(tm(3, 1, 0)), "dominated")
	assert.True(t, a.Insert(tm(1, 2, 0)), "incomparable")
	assert.Equal(t, Antichain{tm(1, 2, 0), tm(2, 1, 0)}, a)
	assert.True(t, a.Insert(tm(1, 1, 0)), "dominates both")
	assert.Equal(t, Antichain{tm(1, 1, 0)}, a)
	assert.False(t, a.Empty())
}

func TestAntichainLessEqual(t *testing.T) {
	a := Antichain{tm(1, 2, 0), tm(2, 1, 0)}
	assert.True(t, a.LessEqual(tm(1, 2, 0)))
	assert.True(t, a.LessEqual(tm(2, 2, 0)))
	assert.True(t, a.LessEqual(tm(5, 1, 3)))
	assert.False(t, a.LessEqual(tm(1, 1, 9)))
	assert.False(t, a.LessEqual(tm(0, 9, 9)))
	assert.False(t, Antichain(nil).LessEqual(Epoch(0)), "empty frontier: everything complete")
}

// TestAntichainInsertRandom checks Insert against the minimal elements of
// the inserted set, computed by brute force.
func TestAntichainInsertRandom(t *testing.T) {
	for seed := range uint64(50) {
		rng := rand.New(rand.NewPCG(seed, 1))
		var a Antichain
		var inserted []Time
		for range 20 {
			x := randomTime(rng)
			inserted = append(inserted, x)
			want := minimalTimes(inserted)
			added := a.Insert(x)
			assert.Equal(t, slices.Contains(want, x) && !slices.Contains(inserted[:len(inserted)-1], x), added)
			require.ElementsMatch(t, want, []Time(a), "seed %d", seed)
			require.True(t, slices.IsSortedFunc(a, compareTimes))
		}
	}
}

func TestAntichainSameSet(t *testing.T) {
	a := Antichain{tm(1, 2, 0), tm(2, 1, 0)}
	assert.True(t, a.sameSet(Antichain{tm(2, 1, 0), tm(1, 2, 0)}))
	assert.False(t, a.sameSet(Antichain{tm(2, 1, 0)}))
	assert.False(t, a.sameSet(Antichain{tm(2, 1, 0), tm(0, 3, 0)}))
	assert.True(t, Antichain(nil).sameSet(Antichain{}))
}

// randomTime returns a Time with Epoch in 0..4 and rounds in 0..2.
func randomTime(rng *rand.Rand) Time {
	return tm(rng.Uint64N(5), rng.Uint32N(3), rng.Uint32N(3))
}

// smallTimes returns every Time with Epoch in 0..2 and rounds in 0..2.
func smallTimes() []Time {
	var ts []Time
	for e := range uint64(3) {
		for r0 := range uint32(3) {
			for r1 := range uint32(3) {
				ts = append(ts, tm(e, r0, r1))
			}
		}
	}
	return ts
}

// minimalTimes returns the distinct minimal elements of ts, by brute force.
func minimalTimes(ts []Time) []Time {
	var out []Time
	for _, x := range ts {
		minimal := !slices.ContainsFunc(ts, func(y Time) bool { return y.Less(x) })
		if minimal && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

func TestLoopDone(t *testing.T) {
	at := func(e uint64, r0, r1 uint32) Time { return Time{Epoch: e, Rounds: [MaxLoopDepth]uint32{r0, r1}} }
	outer := at(3, 0, 0)
	assert.False(t, LoopDone(Antichain{at(3, 7, 0)}, outer, 1), "round 7 of epoch 3 may still come")
	assert.False(t, LoopDone(Antichain{at(2, 0, 0)}, outer, 1), "epoch 2 may still come, so may 3")
	assert.True(t, LoopDone(Antichain{at(4, 0, 0)}, outer, 1))
	assert.True(t, LoopDone(nil, outer, 1))
	// Depth 2: the outer loop's round is part of what must be complete.
	inner := at(3, 1, 0)
	assert.False(t, LoopDone(Antichain{at(3, 1, 9)}, inner, 2))
	assert.True(t, LoopDone(Antichain{at(3, 2, 0)}, inner, 2))
}

func TestCheckNotEarlier(t *testing.T) {
	assert.NoError(t, CheckNotEarlier("notify", Epoch(1), Epoch(1)))
	assert.NoError(t, CheckNotEarlier("notify", Epoch(1), Time{Epoch: 1, Rounds: [MaxLoopDepth]uint32{1}}))
	err := CheckNotEarlier("emitAt", Time{Epoch: 1, Rounds: [MaxLoopDepth]uint32{2}}, Time{Epoch: 1, Rounds: [MaxLoopDepth]uint32{1}})
	assert.EqualError(t, err, "emitAt at time (1, 1, 0) while handling time (1, 2, 0): the time must not be earlier than the one being handled")
}
