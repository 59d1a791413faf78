package runtime

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// gateRun feeds a gate runs of batches: each run folds or passes
// batches of n records, and, as a combiner does, reports the partial
// results of the folded records (out of every in) at its end. It
// returns the records folded.
func gateRun(g *CombineGate, runs, batches, n int, out func(in int) int) (folded int) {
	for range runs {
		in := 0
		for range batches {
			if g.Fold(n) {
				in += n
			}
		}
		if in > 0 {
			g.Sent(out(in))
		}
		g.Judge()
		folded += in
	}
	return folded
}

// TestCombineGateKeepsPaying checks that a combiner that reduces its
// records to a fifth, pagerank's shares, folds all of them.
func TestCombineGateKeepsPaying(t *testing.T) {
	var g CombineGate
	folded := gateRun(&g, 100, 64, BatchSize, func(in int) int { return in / 5 })
	assert.Equal(t, 100*64*BatchSize, folded)
	assert.False(t, g.Passing())
}

// TestCombineGateAtHalf checks the rule's edge: half the records out
// still pays, a little more does not.
func TestCombineGateAtHalf(t *testing.T) {
	var g CombineGate
	gateRun(&g, 1, 64, BatchSize, func(in int) int { return in / 2 })
	assert.False(t, g.Passing(), "out = in/2 pays")
	gateRun(&g, 1, 64, BatchSize, func(in int) int { return in/2 + 1 })
	assert.True(t, g.Passing(), "out > in/2 does not")
}

// TestCombineGateStepsAside checks that a combiner that reduces nothing
// (pagerank's degree count over random edges) folds only its probes,
// fewer and fewer of its records, and judges only after a probe's worth.
func TestCombineGateStepsAside(t *testing.T) {
	var g CombineGate
	same := func(in int) int { return in }
	assert.Equal(t, 16*BatchSize, gateRun(&g, 1, 16, BatchSize, same))
	assert.False(t, g.Passing(), "a quarter of a probe is not judged")
	gateRun(&g, 3, 16, BatchSize, same)
	assert.True(t, g.Passing(), "a whole probe that reduced nothing")
	total := 1 << 26
	folded := gateRun(&g, total/(16*BatchSize), 16, BatchSize, same)
	assert.Less(t, folded, total/64, "folded %d of %d", folded, total)
	assert.Greater(t, folded, 0, "it probes again")
}

// TestCombineGateComesBack checks that a combiner that passed records on
// folds again, for good, within combineSkipMax records once its keys
// start to repeat.
func TestCombineGateComesBack(t *testing.T) {
	var g CombineGate
	gateRun(&g, 1<<10, 16, BatchSize, func(in int) int { return in })
	assert.True(t, g.Passing())
	gateRun(&g, (combineSkipMax+combineProbe)/(16*BatchSize), 16, BatchSize, func(in int) int { return in / 10 })
	assert.False(t, g.Passing())
	const runs = 64
	folded := gateRun(&g, runs, 16, BatchSize, func(in int) int { return in / 10 })
	assert.Equal(t, runs*16*BatchSize, folded, "folding again after a probe that paid")
}
