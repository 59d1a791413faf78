package runtime

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFrontierActivatesReader(t *testing.T) {
	c := newTestComputation(t, 1, sourceGraph())
	var seen []string
	err := runWithin(t, c, func(w *Worker) ([]Operator, error) {
		step := 0
		src := opFunc(func() error {
			switch step {
			case 0:
				w.Hold(0, Epoch(5))
				w.Release(0, Time{})
			case 1:
				w.Release(0, Epoch(5))
			}
			step++
			return nil
		})
		sink := opFunc(func() error {
			f := w.Frontier(1)
			seen = append(seen, fmt.Sprint(f))
			assert.Equal(t, f, w.Frontier(1), "stable within a Run")
			if f.LessEqual(Epoch(5)) && !f.LessEqual(Time{}) {
				w.Activate(0) // the source's next step
			}
			return nil
		})
		return []Operator{src, sink}, nil
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"[0]", "[5]"}, seen, "run at start and when the frontier moved")
}

func TestIdleWorkersPark(t *testing.T) {
	c := newTestComputation(t, 4, inputGraph())
	in := NewInput(c, 1, NewChannel[uint64](c, 0, 0))
	var runs atomic.Int64
	counted := opFunc(func() error { runs.Add(1); return nil })
	c.Start(context.Background(), func(w *Worker) ([]Operator, error) {
		sum := opFunc(func() error { runs.Add(1); w.Frontier(2); return nil })
		return []Operator{counted, sum}, nil
	})
	require.Eventually(t, func() bool { return runs.Load() == 8 }, testTimeout, time.Millisecond)
	time.Sleep(50 * time.Millisecond)
	assert.Equal(t, int64(8), runs.Load(), "parked workers run nothing")
	require.NoError(t, in.AdvanceTo(1))
	require.Eventually(t, func() bool { return runs.Load() == 12 }, testTimeout, time.Millisecond,
		"the frontier change at the sum's input activates it on every worker")
	require.NoError(t, in.Close())
	require.NoError(t, waitWithin(t, c, testTimeout))
}

// TestUnreadFrontierDoesNotActivate checks that a frontier change runs
// only an operator that reads frontiers: a map or a filter, which never
// does, runs when data arrives and not when the frontier moves.
func TestUnreadFrontierDoesNotActivate(t *testing.T) {
	g := &Graph{
		Name:      "test",
		Locations: 5,
		Operators: []OperatorInfo{
			{Name: "source", Pos: "t.tdf:1:1", Outputs: []Location{0}},
			{Name: "map", Pos: "t.tdf:2:5", Inputs: []Location{1}, Outputs: []Location{2}},
			{Name: "sum", Pos: "t.tdf:3:5", Inputs: []Location{3}, Outputs: []Location{4}},
		},
		Paths:              [][]Path{{{Target: 1}, {Target: 2}, {Target: 3}, {Target: 4}}, {{Target: 2}}, nil, {{Target: 4}}},
		WorkerCapabilities: []Location{0},
	}
	c := newTestComputation(t, 1, g)
	mapRuns := 0
	var seen []string
	err := runWithin(t, c, func(w *Worker) ([]Operator, error) {
		step := 0
		src := opFunc(func() error {
			switch step {
			case 0:
				w.Hold(0, Epoch(5))
				w.Release(0, Time{})
			case 1:
				w.Release(0, Epoch(5))
			}
			step++
			return nil
		})
		mapper := opFunc(func() error { mapRuns++; return nil })
		sum := opFunc(func() error {
			f := w.Frontier(3)
			seen = append(seen, fmt.Sprint(f))
			if f.LessEqual(Epoch(5)) && !f.LessEqual(Time{}) {
				w.Activate(0) // the source's next step
			}
			return nil
		})
		return []Operator{src, mapper, sum}, nil
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"[0]", "[5]"}, seen, "the sum runs at start and when its frontier moved")
	assert.Equal(t, 1, mapRuns, "the map runs only at start")
}

// TestProgressOfRunsAppliedTogether checks that the progress of a
// worker's runs reaches the tracker together: a batch that a source
// sends and a sink consumes on the same worker cancels out, and only the
// source's release is applied.
func TestProgressOfRunsAppliedTogether(t *testing.T) {
	c := newTestComputation(t, 1, sourceGraph())
	ch := NewChannel[uint64](c, 1, 1)
	var got []uint64
	err := runWithin(t, c, func(w *Worker) ([]Operator, error) {
		out, in := ch.Pusher(w), ch.Puller(w)
		first := true
		src := opFunc(func() error {
			if first { // the sink has its first run before the record
				first = false
				w.Reactivate()
				return nil
			}
			out.GiveLocal(Time{}, 7)
			w.Release(0, Time{})
			return nil
		})
		sink := opFunc(func() error {
			for b, ok := in.Next(); ok; b, ok = in.Next() {
				got = append(got, b.Data...)
			}
			return nil
		})
		return []Operator{src, sink}, nil
	})
	require.NoError(t, err)
	assert.Equal(t, []uint64{7}, got)
	assert.Equal(t, int64(1), c.Snapshot().Progress.LocalUpdates, "one update: the release")
}

// lockedBuffer is a bytes.Buffer that fails the test when written
// concurrently.
type lockedBuffer struct {
	buf     bytes.Buffer
	writing atomic.Bool
	t       *testing.T
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	if !b.writing.CompareAndSwap(false, true) {
		b.t.Error("concurrent writes to Stdout")
	}
	defer b.writing.Store(false)
	return b.buf.Write(p)
}

func TestStdoutLinesDoNotInterleave(t *testing.T) {
	const workers, lines = 4, 500
	out := &lockedBuffer{t: t}
	c, err := NewComputation(Config{Workers: workers, Stdout: out}, sourceGraph())
	require.NoError(t, err)
	err = runWithin(t, c, func(w *Worker) ([]Operator, error) {
		i := 0
		src := opFunc(func() error {
			// Each line is written in two Runs, a piece at a time.
			if i%2 == 0 {
				fmt.Fprintf(w.Stdout(), "worker %d ", w.Index())
			} else {
				fmt.Fprintf(w.Stdout(), "line %d", i/2)
				w.Stdout().WriteString("\n")
			}
			if i++; i < 2*lines {
				w.Reactivate()
			} else {
				w.Stdout().WriteString("no newline")
				w.Release(0, Time{})
			}
			return nil
		})
		return []Operator{src, idleOp}, nil
	})
	require.NoError(t, err)
	got := strings.Split(strings.TrimSuffix(out.buf.String(), "no newline"), "\n")
	valid := regexp.MustCompile(`^worker \d line \d+$|^(no newline)*$`)
	for _, l := range got {
		assert.Regexp(t, valid, l)
	}
	assert.Len(t, got, workers*lines+1)
	assert.Equal(t, workers, strings.Count(out.buf.String(), "no newline"), "written at exit")
}

type failingWriter struct{}

func (failingWriter) Write(p []byte) (int, error) { return 0, errors.New("disk full") }

func TestStdoutErrorEndsComputation(t *testing.T) {
	c, err := NewComputation(Config{Workers: 2, Stdout: failingWriter{}}, sourceGraph())
	require.NoError(t, err)
	err = runWithin(t, c, func(w *Worker) ([]Operator, error) {
		src := opFunc(func() error {
			fmt.Fprintln(w.Stdout(), "hello")
			w.Reactivate()
			return nil
		})
		return []Operator{src, idleOp}, nil
	})
	assert.ErrorContains(t, err, "disk full")
}

func TestWorkerIdentity(t *testing.T) {
	c := newTestComputation(t, 3, sourceGraph())
	var seen [3]atomic.Bool
	err := runWithin(t, c, func(w *Worker) ([]Operator, error) {
		assert.Equal(t, 3, w.Peers())
		seen[w.Index()].Store(true)
		src := opFunc(func() error { w.Release(0, Time{}); return nil })
		return []Operator{src, idleOp}, nil
	})
	require.NoError(t, err)
	for i := range seen {
		assert.True(t, seen[i].Load(), "worker %d built", i)
	}
}

func TestRunAndActivate(t *testing.T) {
	c := newTestComputation(t, 2, sourceGraph())
	assert.Equal(t, 2, c.Workers())
	assert.Equal(t, "test", c.Graph().Name)
	var sinkRuns atomic.Int64
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	err := c.Run(ctx, func(w *Worker) ([]Operator, error) {
		runs := 0
		src := opFunc(func() error {
			runs++
			if runs < 3 {
				w.Activate(1)
				w.Reactivate()
			} else {
				w.Release(0, Time{})
			}
			return nil
		})
		sink := opFunc(func() error { sinkRuns.Add(1); return nil })
		return []Operator{src, sink}, nil
	})
	require.NoError(t, err)
	assert.GreaterOrEqual(t, sinkRuns.Load(), int64(2*3), "once at start and twice more on each worker")
	select {
	case <-c.Done():
	default:
		t.Error("Done not closed after Run")
	}
}
