package runtime

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNotifier checks that a notifier holds one capability per time
// asked for, hands out the complete times oldest first, refuses times
// earlier than the one being handled, and keeps the first failure.
func TestNotifier(t *testing.T) {
	c := newTestComputation(t, 1, sourceGraph())
	w := c.workers[0]
	n := NewNotifier(w, 2, "t.tdf:2:5", "sink")
	at := func(e uint64, r uint32) Time { return Time{Epoch: e, Rounds: [MaxLoopDepth]uint32{r}} }

	n.Now = at(1, 0)
	n.Notify(at(3, 0))
	n.Notify(at(1, 2))
	n.Notify(at(3, 0)) // again: no second capability
	n.Notify(at(2, 5))
	assert.Equal(t, []Update{{Loc: 2, Time: at(1, 2), Delta: 1}, {Loc: 2, Time: at(2, 5), Delta: 1}, {Loc: 2, Time: at(3, 0), Delta: 1}}, w.batch.Updates())
	require.NoError(t, n.Err)

	// The first input may still see round 6 of epoch 2 and epoch 3; the
	// second (nil: no frontier) holds nothing back.
	ready := n.Ready(Antichain{at(2, 6), at(3, 0)}, nil)
	assert.Equal(t, []Time{at(1, 2), at(2, 5)}, ready, "oldest first; (3, 0) may still arrive")
	assert.Empty(t, n.Ready(Antichain{at(3, 0)}, nil), "each time is handed out once")
	assert.Empty(t, n.Ready(Antichain{at(4, 0)}, Antichain{at(3, 0)}), "the second input holds (3, 0) back")
	assert.Equal(t, []Time{at(3, 0)}, n.Ready(Antichain{at(4, 0)}, Antichain{at(3, 1)}))
	n.Done(at(2, 5))
	assert.NotContains(t, w.batch.Updates(), Update{Loc: 2, Time: at(2, 5), Delta: 1}, "the capability for (2, 5) is released")

	n.Now = at(3, 1)
	n.Notify(at(3, 0))
	require.EqualError(t, n.Err, "t.tdf:2:5: operator sink: notify at time (3, 0, 0) while handling time (3, 1, 0): the time must not be earlier than the one being handled")
	n.Fail(errors.New("later"))
	n.Fail(nil)
	assert.Contains(t, n.Err.Error(), "notify at time", "the first failure counts")
}
