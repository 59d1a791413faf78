package runtime

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// randomSummary returns a summary with small increments and random resets.
func randomSummary(r *rand.Rand) Summary {
	var s Summary
	for i := range s.Add {
		if r.IntN(3) == 0 {
			s.Set |= 1 << i
		}
		s.Add[i] = uint32(r.IntN(3))
	}
	return s
}

// randomRoundsTime returns a time with small coordinates.
func randomRoundsTime(r *rand.Rand) Time {
	t := Time{Epoch: uint64(r.IntN(3))}
	for i := range t.Rounds {
		t.Rounds[i] = uint32(r.IntN(4))
	}
	return t
}

func TestSummaryLoopEdges(t *testing.T) {
	in := Time{Epoch: 4, Rounds: [MaxLoopDepth]uint32{2, 7}}
	assert.Equal(t, in, Summary{}.Apply(in))
	assert.Equal(t, Time{Epoch: 4, Rounds: [MaxLoopDepth]uint32{3, 7}}, Advance(1).Apply(in))
	assert.Equal(t, Time{Epoch: 4, Rounds: [MaxLoopDepth]uint32{2, 8}}, Advance(2).Apply(in))
	assert.Equal(t, Time{Epoch: 4, Rounds: [MaxLoopDepth]uint32{2, 0}}, Leave(2).Apply(in))
	assert.Equal(t, "id", Summary{}.String())
	assert.Equal(t, "r1+1", Advance(1).String())
	assert.Equal(t, "r2=0", Leave(2).String())
	assert.Equal(t, "r1+1,r2=0", Advance(1).Then(Leave(2)).String())
}

// TestSummaryAlgebra checks Then and LessEqual against Apply on random
// summaries and times.
func TestSummaryAlgebra(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for n := 0; n < 2000; n++ {
		s, u := randomSummary(r), randomSummary(r)
		tm := randomRoundsTime(r)
		require.Equal(t, u.Apply(s.Apply(tm)), s.Then(u).Apply(tm), "%v then %v at %v", s, u, tm)
		// LessEqual holds exactly when no time tells s and u apart the
		// wrong way; coordinates up to 6 are enough to find one.
		holds := true
		for probe := 0; probe < 200 && holds; probe++ {
			pt := Time{}
			for i := range pt.Rounds {
				pt.Rounds[i] = uint32(r.IntN(7))
			}
			if !s.Apply(pt).LessEqual(u.Apply(pt)) {
				holds = false
			}
		}
		if s.LessEqual(u) {
			require.True(t, holds, "%v <= %v claimed, but a time says no", s, u)
		} else {
			// A time that breaks it exists: large rounds where s adds and
			// u sets, or the smallest round where the increments differ.
			big := Time{}
			for i := range big.Rounds {
				big.Rounds[i] = 1000
			}
			assert.False(t, s.Apply(big).LessEqual(u.Apply(big)) && s.Apply(Time{}).LessEqual(u.Apply(Time{})),
				"%v <= %v denied, but no time breaks it", s, u)
		}
	}
}
