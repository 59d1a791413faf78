package runtime

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rangeSource sends its worker's share of 0..n-1 at epoch 0 through an
// exchange keyed by value, chunk records per Run, then releases its
// capability.
type rangeSource struct {
	w        *Worker
	out      *Pusher[uint64]
	next, hi uint64
	chunk    uint64
	done     bool
}

func newRangeSource(w *Worker, out *Pusher[uint64], n, chunk uint64) *rangeSource {
	lo, hi := RangeShare(0, int64(n), w.Index(), w.Peers())
	return &rangeSource{w: w, out: out, next: uint64(lo), hi: uint64(hi), chunk: chunk}
}

func (s *rangeSource) Run() error {
	if s.done {
		return nil
	}
	for end := min(s.next+s.chunk, s.hi); s.next < end; s.next++ {
		x := s.next
		s.out.Give(Time{}, Route(HashUint64(x), s.w.Peers()), x)
	}
	if s.next < s.hi {
		s.w.Reactivate()
		return nil
	}
	s.done = true
	s.w.Release(0, Time{})
	return nil
}

// counter counts the records at its input (location in) and reports the
// count of epoch 0 once its input frontier has passed epoch 0. It holds a
// capability at its output (location out) while it has a count to report.
type counter struct {
	w       *Worker
	in      *Puller[uint64]
	inLoc   Location
	outLoc  Location
	count   int
	holding bool
	misrout int
	report  func(worker, count int)
}

func (c *counter) Run() error {
	for {
		b, ok := c.in.Next()
		if !ok {
			break
		}
		if b.Time != (Time{}) {
			return errors.New("unexpected time")
		}
		if !c.holding {
			c.w.Hold(c.outLoc, b.Time)
			c.holding = true
		}
		for _, x := range b.Data {
			if Route(HashUint64(x), c.w.Peers()) != c.w.Index() {
				c.misrout++
			}
		}
		c.count += len(b.Data)
		c.in.Recycle(b.Data)
	}
	if c.holding && !c.w.Frontier(c.inLoc).LessEqual(Time{}) {
		c.report(c.w.Index(), c.count)
		c.w.Release(c.outLoc, Time{})
		c.holding = false
	}
	return nil
}

func TestExchangeCount(t *testing.T) {
	for _, workers := range []int{1, 2, 4} {
		t.Run("", func(t *testing.T) {
			c := newTestComputation(t, workers, sourceGraph())
			ch := NewChannel[uint64](c, 1, 1)
			counts := make([]int, workers)
			var reports, misrouted atomic.Int64
			err := runWithin(t, c, func(w *Worker) ([]Operator, error) {
				src := newRangeSource(w, ch.Pusher(w), 1000, 77)
				cnt := &counter{w: w, in: ch.Puller(w), inLoc: 1, outLoc: 2}
				cnt.report = func(worker, n int) {
					counts[worker] = n
					reports.Add(1)
					misrouted.Add(int64(cnt.misrout))
				}
				return []Operator{src, cnt}, nil
			})
			require.NoError(t, err)
			sum := 0
			for _, n := range counts {
				sum += n
			}
			assert.Equal(t, 1000, sum, "counts %v", counts)
			assert.Zero(t, misrouted.Load())
			assert.LessOrEqual(t, reports.Load(), int64(workers))
		})
	}
}

func TestOperatorErrorStopsAllWorkers(t *testing.T) {
	c := newTestComputation(t, 4, sourceGraph())
	err := runWithin(t, c, func(w *Worker) ([]Operator, error) {
		if w.Index() != 2 {
			return []Operator{spinner(w), idleOp}, nil
		}
		runs := 0
		failing := opFunc(func() error {
			runs++
			if runs == 10 {
				return errBoom
			}
			w.Reactivate()
			return nil
		})
		return []Operator{failing, idleOp}, nil
	})
	assert.ErrorIs(t, err, errBoom)
}

func TestOperatorPanic(t *testing.T) {
	c := newTestComputation(t, 3, sourceGraph())
	err := runWithin(t, c, func(w *Worker) ([]Operator, error) {
		sink := opFunc(func() error {
			if w.Index() == 1 {
				var p *OperatorInfo
				_ = p.Name // panics: nil pointer dereference
			}
			return nil
		})
		return []Operator{spinner(w), sink}, nil
	})
	var pe *PanicError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "sink", pe.Op)
	assert.Equal(t, 1, pe.Worker)
	assert.Contains(t, err.Error(), "t.tdf:2:5: sink: panic: runtime error: invalid memory address or nil pointer dereference")
	assert.Contains(t, string(pe.Stack), "TestOperatorPanic")
	var re interface{ RuntimeError() }
	assert.ErrorAs(t, err, &re, "a runtime error panic unwraps to it")
}

func TestContextCancel(t *testing.T) {
	t.Run("spinning", func(t *testing.T) {
		c := newTestComputation(t, 2, sourceGraph())
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		c.Start(ctx, func(w *Worker) ([]Operator, error) {
			return []Operator{spinner(w), idleOp}, nil
		})
		assert.ErrorIs(t, waitWithin(t, c, testTimeout), context.DeadlineExceeded)
	})
	t.Run("parked", func(t *testing.T) {
		c := newTestComputation(t, 3, inputGraph())
		in := NewInput(c, 1, NewChannel[uint64](c, 0, 0))
		ctx, cancel := context.WithCancel(context.Background())
		c.Start(ctx, func(w *Worker) ([]Operator, error) {
			return []Operator{idleOp, idleOp}, nil
		})
		time.Sleep(20 * time.Millisecond)
		cancel()
		assert.ErrorIs(t, waitWithin(t, c, testTimeout), context.Canceled)
		assert.ErrorIs(t, in.Close(), context.Canceled)
		assert.ErrorIs(t, in.AdvanceTo(3), context.Canceled)
		in.Send(1, 2, 3) // dropped, no panic
	})
}

func TestBuildErrors(t *testing.T) {
	c := newTestComputation(t, 3, sourceGraph())
	err := runWithin(t, c, func(w *Worker) ([]Operator, error) {
		if w.Index() == 1 {
			return nil, errBoom
		}
		return []Operator{spinner(w), idleOp}, nil
	})
	assert.ErrorIs(t, err, errBoom)

	c = newTestComputation(t, 2, sourceGraph())
	err = runWithin(t, c, func(w *Worker) ([]Operator, error) {
		return []Operator{idleOp}, nil
	})
	assert.ErrorContains(t, err, "build returned 1 operators; the graph has 2")

	c = newTestComputation(t, 2, sourceGraph())
	err = runWithin(t, c, func(w *Worker) ([]Operator, error) {
		panic("no build today")
	})
	assert.ErrorContains(t, err, "build panicked: no build today")
}

func TestStartWaitMisuse(t *testing.T) {
	c := newTestComputation(t, 1, sourceGraph())
	assert.Error(t, c.Wait(), "Wait before Start")

	c = newTestComputation(t, 1, inputGraph())
	err := runWithin(t, c, func(w *Worker) ([]Operator, error) { return []Operator{idleOp, idleOp}, nil })
	assert.ErrorContains(t, err, "host capability at location 1 has no Input")

	c = newTestComputation(t, 2, sourceGraph())
	release := func(w *Worker) ([]Operator, error) {
		src := opFunc(func() error { w.Release(0, Time{}); return nil })
		return []Operator{src, idleOp}, nil
	}
	c.Start(context.Background(), release)
	c.Start(context.Background(), release)
	assert.ErrorContains(t, waitWithin(t, c, testTimeout), "Start called twice")
}

func TestEmptyGraphEnds(t *testing.T) {
	c := newTestComputation(t, 2, &Graph{Name: "empty"})
	assert.NoError(t, runWithin(t, c, func(w *Worker) ([]Operator, error) { return nil, nil }))
}

func TestNewComputationValidates(t *testing.T) {
	_, err := NewComputation(Config{Workers: 0}, sourceGraph())
	assert.ErrorContains(t, err, "0 workers")
	_, err = NewComputation(DefaultConfig(), nil)
	assert.Error(t, err)
	g := sourceGraph()
	g.Operators[1].Inputs = []Location{7}
	g.WorkerCapabilities = []Location{-1}
	_, err = NewComputation(DefaultConfig(), g)
	assert.ErrorContains(t, err, "location 7 out of range")
	assert.ErrorContains(t, err, "location -1 out of range")
	g = sourceGraph()
	g.Operators[0].Inputs = []Location{1}
	_, err = NewComputation(DefaultConfig(), g)
	assert.ErrorContains(t, err, "location 1 is an input of operators 0 and 1")
	assert.NoError(t, DefaultConfig().Validate())
}

func TestNoGoroutineLeak(t *testing.T) {
	before := waitGoroutines(0, 0)
	for i := 0; i < 5; i++ {
		c := newTestComputation(t, 4, sourceGraph())
		ch := NewChannel[uint64](c, 1, 1)
		require.NoError(t, runWithin(t, c, func(w *Worker) ([]Operator, error) {
			cnt := &counter{w: w, in: ch.Puller(w), inLoc: 1, outLoc: 2, report: func(int, int) {}}
			return []Operator{newRangeSource(w, ch.Pusher(w), 5000, 100), cnt}, nil
		}))

		c = newTestComputation(t, 4, sourceGraph())
		err := runWithin(t, c, func(w *Worker) ([]Operator, error) {
			return []Operator{spinner(w), opFunc(func() error { return errBoom })}, nil
		})
		require.ErrorIs(t, err, errBoom)

		c = newTestComputation(t, 4, inputGraph())
		NewInput(c, 1, NewChannel[uint64](c, 0, 0))
		ctx, cancel := context.WithCancel(context.Background())
		c.Start(ctx, func(w *Worker) ([]Operator, error) { return []Operator{idleOp, idleOp}, nil })
		cancel()
		require.ErrorIs(t, waitWithin(t, c, testTimeout), context.Canceled)
	}
	after := waitGoroutines(before, 5*time.Second)
	assert.LessOrEqual(t, after, before)
}
