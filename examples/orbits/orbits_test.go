package orbits

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	tdrt "github.com/tdflow/tdc/runtime"
)

// step is the map of the program: v -> (v*v + 1) mod m.
func step(v, m uint64) uint64 { return (v*v + 1) % m }

// orbit is the reference: every value reached from starts, sorted.
func orbit(starts []uint64, m uint64) []uint64 {
	seen := map[uint64]bool{}
	todo := append([]uint64(nil), starts...)
	for len(todo) > 0 {
		v := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		if seen[v] {
			continue
		}
		seen[v] = true
		todo = append(todo, step(v, m))
	}
	var out []uint64
	for v := range seen {
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}

// walk is the reference: each start after n steps, sorted.
func walk(starts []uint64, m uint64, n int) []uint64 {
	var out []uint64
	for _, v := range starts {
		for i := 0; i < n; i++ {
			v = step(v, m)
		}
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}

// byEpoch sorts captured values into sorted lists per epoch, checking
// that every time is an epoch outside any loop.
func byEpoch(t *testing.T, recs []tdrt.Captured[uint64]) map[uint64][]uint64 {
	out := map[uint64][]uint64{}
	for _, r := range recs {
		require.Zero(t, r.Time.Rounds, "a result keeps a round")
		out[r.Time.Epoch] = append(out[r.Time.Epoch], r.Record)
	}
	for e := range out {
		slices.Sort(out[e])
	}
	return out
}

// TestOrbitsPerEpoch feeds ten epochs of random numbers (some repeating
// across epochs, one epoch empty) and compares each epoch's results with
// the references, for 1, 2 and 4 workers.
func TestOrbitsPerEpoch(t *testing.T) {
	const m, steps = 1000, 5
	r := rand.New(rand.NewPCG(3, 4))
	var epochs [][]uint64
	for e := 0; e < 10; e++ {
		var starts []uint64
		if e != 4 {
			for i := 0; i < 1+r.IntN(20); i++ {
				starts = append(starts, uint64(r.IntN(50)))
			}
		}
		epochs = append(epochs, starts)
	}
	for _, workers := range []int{1, 2, 4} {
		t.Run(fmt.Sprintf("w%d", workers), func(t *testing.T) {
			cfg := DefaultOrbitsConfig()
			cfg.Runtime.Workers = workers
			cfg.Params.Modulus, cfg.Params.Steps = m, steps
			df, err := NewOrbits(cfg)
			require.NoError(t, err)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			df.Start(ctx)
			for e, starts := range epochs {
				df.Starts.Send(starts...)
				require.NoError(t, df.Starts.AdvanceTo(uint64(e+1)))
			}
			require.NoError(t, df.Starts.Close())
			require.NoError(t, df.Wait())

			reached, after, counts := byEpoch(t, df.Reached.Records()), byEpoch(t, df.After.Records()), byEpoch(t, df.Counts.Records())
			total := uint64(0)
			for e, starts := range epochs {
				e := uint64(e)
				want := orbit(starts, m)
				require.Equal(t, want, reached[e], "orbit of epoch %d", e)
				require.Equal(t, walk(starts, m, steps), after[e], "walk of epoch %d", e)
				total += uint64(len(want))
				if len(want) > 0 {
					require.Equal(t, []uint64{total}, counts[e], "running count at epoch %d", e)
				}
			}
		})
	}
}
