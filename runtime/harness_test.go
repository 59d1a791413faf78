package runtime

import (
	"context"
	"errors"
	goruntime "runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// testTimeout bounds every computation a test runs.
const testTimeout = 20 * time.Second

// opFunc is an Operator made of a function.
type opFunc func() error

func (f opFunc) Run() error { return f() }

// waitWithin waits for c, failing the test with every goroutine's stack
// when it takes longer than d.
func waitWithin(t testing.TB, c *Computation, d time.Duration) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- c.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		buf := make([]byte, 1<<20)
		buf = buf[:goruntime.Stack(buf, true)]
		t.Fatalf("computation did not end within %v\n%s", d, buf)
		return nil
	}
}

// runWithin starts c with build and waits for it, bounded by testTimeout.
func runWithin(t testing.TB, c *Computation, build func(*Worker) ([]Operator, error)) error {
	t.Helper()
	c.Start(context.Background(), build)
	return waitWithin(t, c, testTimeout)
}

// newTestComputation returns a computation of g with the given workers.
func newTestComputation(t testing.TB, workers int, g *Graph) *Computation {
	t.Helper()
	c, err := NewComputation(Config{Workers: workers, Stdout: discard{}}, g)
	require.NoError(t, err)
	return c
}

// discard is an io.Writer that drops everything.
type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// sourceGraph is a source (operator 0, output location 0) feeding
// operator 1 (input 1, output 2).
func sourceGraph() *Graph {
	return &Graph{
		Name:      "test",
		Locations: 3,
		Operators: []OperatorInfo{
			{Name: "source", Pos: "t.tdf:1:1", Outputs: []Location{0}},
			{Name: "sink", Pos: "t.tdf:2:5", Inputs: []Location{1}, Outputs: []Location{2}},
		},
		Paths:              [][]Path{{{Target: 1}, {Target: 2}}, {{Target: 2}}},
		WorkerCapabilities: []Location{0},
	}
}

// spinner is a source that never ends: it yields and runs again forever.
func spinner(w *Worker) Operator {
	return opFunc(func() error {
		w.Reactivate()
		return nil
	})
}

// idleOp is an operator that does nothing.
var idleOp = opFunc(func() error { return nil })

// waitGoroutines waits, at most d, for the number of goroutines to drop to
// at most n, and returns the last count.
func waitGoroutines(n int, d time.Duration) int {
	deadline := time.Now().Add(d)
	for {
		got := goruntime.NumGoroutine()
		if got <= n || time.Now().After(deadline) {
			return got
		}
		time.Sleep(5 * time.Millisecond)
	}
}

var errBoom = errors.New("boom")
