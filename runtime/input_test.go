package runtime

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// inputGraph is a host-fed input operator (0: input 0, output 1, the host
// capability) that exchanges its records into a per-epoch sum (1: input
// 2, output 3).
func inputGraph() *Graph {
	return &Graph{
		Name:      "input",
		Locations: 4,
		Operators: []OperatorInfo{
			{Name: "input", Pos: "t.tdf:1:1", Inputs: []Location{0}, Outputs: []Location{1}},
			{Name: "sum", Pos: "t.tdf:2:5", Inputs: []Location{2}, Outputs: []Location{3}},
		},
		Paths: [][]Path{
			{{Target: 1}, {Target: 2}, {Target: 3}},
			{{Target: 2}, {Target: 3}},
			{{Target: 3}},
		},
		HostCapabilities: []Location{1},
	}
}

// forward moves every record from in to out at the same time, routed by
// its hash.
func forward(w *Worker, in *Puller[uint64], out *Pusher[uint64]) Operator {
	return opFunc(func() error {
		for b, ok := in.Next(); ok; b, ok = in.Next() {
			for _, x := range b.Data {
				out.Give(b.Time, Route(HashUint64(x), w.Peers()), x)
			}
			in.Recycle(b.Data)
		}
		out.Flush()
		return nil
	})
}

// epochSum is a worker's sum of the records of one epoch.
type epochSum struct {
	epoch  uint64
	worker int
	sum    uint64
	n      int
}

// summer sums its input per epoch and reports each epoch's sum once the
// frontier of its input has passed it, holding a capability at its output
// meanwhile.
func summer(w *Worker, in *Puller[uint64], report func(epochSum)) Operator {
	pending := map[uint64]*epochSum{}
	return opFunc(func() error {
		for b, ok := in.Next(); ok; b, ok = in.Next() {
			s := pending[b.Time.Epoch]
			if s == nil {
				s = &epochSum{epoch: b.Time.Epoch, worker: w.Index()}
				pending[b.Time.Epoch] = s
				w.Hold(3, b.Time)
			}
			for _, x := range b.Data {
				s.sum += x
				s.n++
			}
			in.Recycle(b.Data)
		}
		frontier := w.Frontier(2)
		for e, s := range pending {
			if !frontier.LessEqual(Epoch(e)) {
				report(*s)
				w.Release(3, Epoch(e))
				delete(pending, e)
			}
		}
		return nil
	})
}

func TestInputEpochs(t *testing.T) {
	const workers, epochs, perEpoch = 3, 5, 3000
	c := newTestComputation(t, workers, inputGraph())
	inCh := NewChannel[uint64](c, 0, 0)
	sumCh := NewChannel[uint64](c, 2, 1)
	in := NewInput(c, 1, inCh)

	var advanced atomic.Uint64 // the host is about to advance past epochs below it
	var mu sync.Mutex
	sums := map[uint64]epochSum{} // totals per epoch
	var early []string
	c.Start(context.Background(), func(w *Worker) ([]Operator, error) {
		report := func(s epochSum) {
			mu.Lock()
			defer mu.Unlock()
			if s.epoch >= advanced.Load() {
				early = append(early, fmt.Sprintf("epoch %d reported before AdvanceTo", s.epoch))
			}
			tot := sums[s.epoch]
			tot.sum += s.sum
			tot.n += s.n
			sums[s.epoch] = tot
		}
		return []Operator{forward(w, inCh.Puller(w), sumCh.Pusher(w)), summer(w, sumCh.Puller(w), report)}, nil
	})

	for e := uint64(0); e < epochs; e++ {
		want := uint64(0)
		for i := uint64(0); i < perEpoch; i++ {
			x := e*perEpoch + i
			in.Send(x)
			want += x
		}
		time.Sleep(5 * time.Millisecond) // let the workers process the data
		mu.Lock()
		_, seen := sums[e]
		mu.Unlock()
		assert.False(t, seen, "epoch %d done before AdvanceTo", e)

		advanced.Store(e + 1)
		require.NoError(t, in.AdvanceTo(e+1))
		require.Eventually(t, func() bool {
			mu.Lock()
			defer mu.Unlock()
			return sums[e].n == perEpoch
		}, testTimeout, time.Millisecond, "epoch %d", e)
		mu.Lock()
		assert.Equal(t, want, sums[e].sum, "epoch %d", e)
		mu.Unlock()
	}
	require.NoError(t, in.AdvanceTo(epochs)) // same epoch again: nothing to do
	assert.ErrorContains(t, in.AdvanceTo(1), "epochs never go back")
	require.NoError(t, in.Close())
	require.NoError(t, in.Close(), "Close is idempotent")
	assert.ErrorIs(t, in.AdvanceTo(epochs+1), ErrInputClosed)
	in.Send(7) // dropped
	require.NoError(t, waitWithin(t, c, testTimeout))
	assert.Empty(t, early)
	assert.Len(t, sums, epochs)
}

func TestInputCloseWithPendingRecords(t *testing.T) {
	for _, workers := range []int{1, 4} {
		c := newTestComputation(t, workers, inputGraph())
		inCh := NewChannel[uint64](c, 0, 0)
		sumCh := NewChannel[uint64](c, 2, 1)
		in := NewInput(c, 1, inCh)
		var total atomic.Uint64
		c.Start(context.Background(), func(w *Worker) ([]Operator, error) {
			report := func(s epochSum) { total.Add(s.sum) }
			return []Operator{forward(w, inCh.Puller(w), sumCh.Pusher(w)), summer(w, sumCh.Puller(w), report)}, nil
		})
		want := uint64(0)
		for x := uint64(1); x <= 10*BatchSize+3; x++ {
			in.Send(x)
			want += x
		}
		require.NoError(t, in.Close())
		require.NoError(t, waitWithin(t, c, testTimeout))
		assert.Equal(t, want, total.Load())
	}
}

func TestNewInputChecks(t *testing.T) {
	c := newTestComputation(t, 1, inputGraph())
	ch := NewChannel[uint64](c, 0, 0)
	assert.PanicsWithValue(t, "runtime: NewInput: location 3 is not a host capability", func() { NewInput(c, 3, ch) })
	NewInput(c, 1, ch)
	assert.PanicsWithValue(t, "runtime: NewInput: location 1 already has an input", func() { NewInput(c, 1, ch) })
	assert.Panics(t, func() { NewChannel[int](c, 1, 0) }, "location 1 is an output")
}

func TestInputEpoch(t *testing.T) {
	c := newTestComputation(t, 1, inputGraph())
	in := NewInput(c, 1, NewChannel[uint64](c, 0, 0))
	assert.Equal(t, uint64(0), in.Epoch())
	require.NoError(t, in.AdvanceTo(4))
	assert.Equal(t, uint64(4), in.Epoch())
	require.NoError(t, in.Close())
	require.NoError(t, runWithin(t, c, func(w *Worker) ([]Operator, error) { return []Operator{idleOp, idleOp}, nil }))
}
