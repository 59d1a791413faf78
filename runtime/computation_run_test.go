package runtime

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRunRunsFirstWorkerInline checks that Run runs worker 0 on the
// calling goroutine and the others on their own, with the same answer
// as Start and Wait; with StallExit, which may abandon a stalled
// worker, every worker has its own goroutine.
func TestRunRunsFirstWorkerInline(t *testing.T) {
	for _, stallExit := range []bool{false, true} {
		cfg := Config{Workers: 3, Stdout: discard{}, StallExit: stallExit}
		if stallExit {
			cfg.StallTimeout = testTimeout
		}
		c, err := NewComputation(cfg, sourceGraph())
		require.NoError(t, err)
		counting := countingBuild(c, 30)
		var mu sync.Mutex
		goids := map[int]int64{}
		build := func(w *Worker) ([]Operator, error) {
			mu.Lock()
			goids[w.Index()] = goroutineID()
			mu.Unlock()
			return counting(w)
		}
		require.NoError(t, c.Run(context.Background(), build))
		me := goroutineID()
		require.Len(t, goids, 3)
		assert.Equal(t, !stallExit, goids[0] == me, "worker 0 on the caller's goroutine (StallExit %v)", stallExit)
		assert.NotEqual(t, me, goids[1])
		assert.NotEqual(t, goids[1], goids[2])
		s := c.Snapshot()
		assert.Equal(t, int64(90), s.Operators[1].RecordsIn, "every record arrived")
	}
}
