package runtime

import (
	"slices"
	"sync"
)

// Captured is a record with the time it was captured at.
type Captured[T any] struct {
	Time   Time
	Record T
}

// Capture collects the records that reach a capture sink, with their
// times, for the host to read when the computation is over: tests and Go
// programs that want a dataflow's whole output. Each worker appends to a
// list of its own, so capturing takes no lock per record.
type Capture[T any] struct {
	perWorker [][]Captured[T]
	mu        sync.Mutex // guards reads against concurrent Records calls
}

// NewCapture returns a capture for the workers of c.
func NewCapture[T any](c *Computation) *Capture[T] {
	return &Capture[T]{perWorker: make([][]Captured[T], len(c.workers))}
}

// Add records rec at time t; called on worker w's goroutine.
func (c *Capture[T]) Add(w *Worker, t Time, rec T) {
	c.perWorker[w.index] = append(c.perWorker[w.index], Captured[T]{Time: t, Record: rec})
}

// Records returns what the workers of this process captured, ordered by
// time; records of one time keep the order of their worker, and workers
// follow each other by index. Call it after Wait returned.
func (c *Capture[T]) Records() []Captured[T] {
	c.mu.Lock()
	defer c.mu.Unlock()
	var all []Captured[T]
	for _, recs := range c.perWorker {
		all = append(all, recs...)
	}
	slices.SortStableFunc(all, func(a, b Captured[T]) int { return CompareTime(a.Time, b.Time) })
	return all
}
