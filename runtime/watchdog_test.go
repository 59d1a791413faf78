package runtime

import (
	"bytes"
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stallGraph is sourceGraph with a lambda of the sink, so that a stall
// inside stallLambda names the lambda's position.
func stallGraph() *Graph {
	g := sourceGraph()
	g.Lambdas = []LambdaSite{{Func: "stallLambda", Op: "map", Pos: "t.tdf:2:12"}}
	return g
}

// stallLambda blocks until release is closed: a lambda that never
// returns, as far as the watchdog can tell.
//
//go:noinline
func stallLambda(release <-chan struct{}) { <-release }

// stallBuild returns a build function whose source on worker 1 (of any
// number) calls stallLambda once, and on the other workers finishes.
func stallBuild(release <-chan struct{}) func(w *Worker) ([]Operator, error) {
	return func(w *Worker) ([]Operator, error) {
		done := false
		src := opFunc(func() error {
			if done {
				return nil
			}
			if w.Index() == 1 {
				stallLambda(release)
			}
			done = true
			w.Release(0, Time{})
			return nil
		})
		return []Operator{src, opFunc(func() error { return nil })}, nil
	}
}

// TestStallExit: with StallExit, an operator that does not return ends
// the computation with a StallError naming the operator, the lambda and
// the worker, and Wait returns though the worker is still stuck.
func TestStallExit(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	var log bytes.Buffer
	c, err := NewComputation(Config{Workers: 2, Stdout: discard{}, StallTimeout: 100 * time.Millisecond, StallExit: true, Log: &log}, stallGraph())
	require.NoError(t, err)
	start := time.Now()
	err = runWithin(t, c, stallBuild(release))
	var se *StallError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "source", se.Op)
	assert.Equal(t, 1, se.Worker)
	require.NotNil(t, se.Lambda)
	assert.Equal(t, "t.tdf:2:12", se.Lambda.Pos)
	assert.GreaterOrEqual(t, se.For, 100*time.Millisecond)
	assert.Regexp(t, `^t\.tdf:1:1: source: has run for over \d+ms without returning \(worker 1, in the lambda of map at t\.tdf:2:12; stall timeout 100ms\)$`, err.Error())
	assert.Less(t, time.Since(start), testTimeout)
	assert.Empty(t, log.String())
}

// TestStallReport: without StallExit, the stall is reported to Log, and
// so is the operator's return; the computation then ends normally.
func TestStallReport(t *testing.T) {
	release := make(chan struct{})
	var log syncBuffer
	c, err := NewComputation(Config{Workers: 2, Stdout: discard{}, StallTimeout: 100 * time.Millisecond, Log: &log}, stallGraph())
	require.NoError(t, err)
	c.Start(context.Background(), stallBuild(release))
	require.Eventually(t, func() bool { return bytes.Contains(log.Bytes(), []byte("without returning")) }, testTimeout, 10*time.Millisecond)
	close(release)
	require.NoError(t, waitWithin(t, c, testTimeout))
	assert.Regexp(t, `(?s)^test: warning: t\.tdf:1:1: source: has run for over \d+ms without returning \(worker 1, in the lambda of map at t\.tdf:2:12; stall timeout 100ms\)\n`, log.String())
	assert.Equal(t, 1, bytes.Count(log.Bytes(), []byte("without returning")), "reported once")
}

// TestNoStallWhenBusy: an operator that runs often, each run short, is
// no stall, however long the computation takes.
func TestNoStallWhenBusy(t *testing.T) {
	c, err := NewComputation(Config{Workers: 2, Stdout: discard{}, StallTimeout: 40 * time.Millisecond, StallExit: true}, sourceGraph())
	require.NoError(t, err)
	deadline := time.Now().Add(300 * time.Millisecond)
	err = runWithin(t, c, func(w *Worker) ([]Operator, error) {
		src := opFunc(func() error {
			time.Sleep(time.Millisecond)
			if time.Now().After(deadline) {
				w.Release(0, Time{})
				return nil
			}
			w.Reactivate()
			return nil
		})
		return []Operator{src, opFunc(func() error { return nil })}, nil
	})
	require.NoError(t, err)
}

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) Bytes() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.b.Bytes())
}

func (s *syncBuffer) String() string { return string(s.Bytes()) }
