package runtime

import (
	"bufio"
	"fmt"
	goruntime "runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Worker is the handle an operator instance uses to reach its worker. A
// worker runs on one goroutine, and its methods may only be called there
// (from build and from the Run of its operators).
type Worker struct {
	c      *Computation
	index  int // among the workers of this process
	global int // among the workers of all processes
	ops    []Operator
	cur    int // the operator running, or -1

	batch   ChangeBatch // progress made since the last application
	pending int         // runs whose progress is in batch
	yielded bool        // an operator run since the last application reactivated itself
	changed []Location  // scratch for Computation.apply
	dirty   []flusher   // pushers holding unsent records

	// Frontier snapshots: front[loc] was copied from the tracker when its
	// version was fver[loc], during run number fstamp[loc].
	front  []Antichain
	fver   []int64
	fstamp []uint64
	runs   uint64

	act  activations
	todo []int

	stdout *bufio.Writer // created on first use
	sink   lineSink
	files  []*workerFile // the files write sinks of this worker write to

	// For the stall watchdog: runSeq is incremented when an operator Run
	// starts and when it returns (odd while one runs), runOp is the
	// operator running, goid the worker goroutine's id.
	runSeq atomic.Uint64
	runOp  atomic.Int32
	goid   atomic.Int64

	// For the memory monitor: per operator, its Stateful (nil for one
	// without state), the monitor's check it last reported in, and what
	// it reported.
	stateful []Stateful
	measured []uint64
	state    []atomic.Int64
	opc      []opCounters    // per operator: what this worker's instance did
	labels   *operatorLabels // profiler labels of the operators; nil when off
}

// flusher is a pusher that may hold unsent records.
type flusher interface{ Flush() }

// activations is a worker's set of operators to run, in the order they
// were activated, each at most once. Other workers and the host add to it;
// wake has a token when something was added since the worker last looked.
type activations struct {
	mu     sync.Mutex
	queued []bool
	list   []int
	wake   chan struct{}
}

func newWorker(c *Computation, index int) *Worker {
	n := c.graph.Locations
	w := &Worker{
		c:      c,
		index:  index,
		global: c.base + index,
		cur:    -1,
		front:  make([]Antichain, n),
		fver:   make([]int64, n),
		fstamp: make([]uint64, n),
		state:  make([]atomic.Int64, len(c.graph.Operators)),
		opc:    make([]opCounters, len(c.graph.Operators)),
		labels: c.labels.forWorker(),
		act: activations{
			queued: make([]bool, len(c.graph.Operators)),
			wake:   make(chan struct{}, 1),
		},
	}
	w.sink.out = c.writeOut
	return w
}

// Index returns the worker's index among the workers of all processes,
// 0..Peers()-1. The workers of process p are p*W..p*W+W-1.
func (w *Worker) Index() int { return w.global }

// Peers returns the number of workers of all processes.
func (w *Worker) Peers() int { return w.c.peers }

// Combine reports whether operators pre-aggregate records by key before
// sending them to other workers (Config.NoCombine is false).
func (w *Worker) Combine() bool { return !w.c.cfg.NoCombine }

// Frontier returns the frontier of location loc, usually an operator
// input: the times that may still appear there. The result is a snapshot
// taken at the first call for loc during the current Run (so it is stable
// within a Run); it is owned by the worker and valid until the operator
// returns. Once any operator has read the frontier of loc, every later
// move of it activates the operator whose input loc is (on every worker):
// an operator that waits for a frontier reads it in each Run, from the
// first, and one that never reads one (a map, a filter) runs only when
// data arrives.
func (w *Worker) Frontier(loc Location) Antichain {
	// Noted before the version is read: a change applied after this
	// read activates the operator.
	if r := &w.c.read[loc]; !r.Load() {
		r.Store(true)
	}
	v := w.c.versions[loc].Load()
	if w.fver[loc] != v && (w.fstamp[loc] != w.runs || w.cur < 0) {
		w.c.mu.Lock()
		w.front[loc] = append(w.front[loc][:0], w.c.tracker.Frontier(loc)...)
		w.fver[loc] = w.c.versions[loc].Load()
		w.c.mu.Unlock()
		w.fstamp[loc] = w.runs
	}
	return w.front[loc]
}

// Hold acquires a capability at (loc, t), an output of the running
// operator: a count of +1, applied with the worker's batch after Run
// returns (with the progress of the worker's next runs, at the latest
// before it parks). The operator must hold a capability, or have consumed a
// message, at a time <= t.
func (w *Worker) Hold(loc Location, t Time) { w.batch.Add(loc, t, 1) }

// Release drops one capability at (loc, t): a count of -1, applied with
// the worker's batch after Run returns. A source releases the capability
// at its outputs at the zero Time that it starts with, when it is done.
func (w *Worker) Release(loc Location, t Time) { w.batch.Add(loc, t, -1) }

// Reactivate runs the current operator again soon, after the other
// operators that are activated now: a source yields this way.
func (w *Worker) Reactivate() {
	if w.cur >= 0 {
		w.yielded = true
		w.activate(w.cur)
	}
}

// Activate runs operator op (an index into Graph.Operators) of this worker
// soon.
func (w *Worker) Activate(op int) { w.activate(op) }

// Stdout returns the worker's buffer for print output. After each Run the
// worker writes the complete lines in it to Config.Stdout under a lock
// shared by all workers, so lines of different workers never interleave.
func (w *Worker) Stdout() *bufio.Writer {
	if w.stdout == nil {
		w.stdout = bufio.NewWriterSize(&w.sink, 64<<10)
	}
	return w.stdout
}

// activate adds op to the worker's activations and wakes the worker when
// op was not activated already. Safe for use from any goroutine.
func (w *Worker) activate(op int) {
	a := &w.act
	a.mu.Lock()
	if a.queued[op] {
		a.mu.Unlock()
		return
	}
	a.queued[op] = true
	a.list = append(a.list, op)
	a.mu.Unlock()
	select {
	case a.wake <- struct{}{}:
	default:
	}
}

// take appends the activated operators to dst and clears the activations.
func (w *Worker) take(dst []int) []int {
	a := &w.act
	a.mu.Lock()
	dst = append(dst, a.list...)
	for _, op := range a.list {
		a.queued[op] = false
	}
	a.list = a.list[:0]
	a.mu.Unlock()
	return dst
}

// main is the worker's goroutine: build, wait for every worker to have
// built, then schedule until the computation ends.
func (w *Worker) main(build func(*Worker) ([]Operator, error), built *sync.WaitGroup) {
	defer w.c.wg.Done()
	defer w.exit()
	if w.c.cfg.StallTimeout > 0 {
		w.goid.Store(goroutineID()) // for the watchdog (runtime.Stack: not free)
	}
	ops, err := w.build(build)
	built.Done()
	if err != nil {
		w.c.fail(err)
		return
	}
	built.Wait()
	w.ops = ops
	w.stateful = make([]Stateful, len(ops))
	w.measured = make([]uint64, len(ops))
	for i, op := range ops {
		w.stateful[i], _ = op.(Stateful)
	}
	for i := range ops {
		w.activate(i)
	}
	w.loop()
}

// build calls the build function and checks its result.
func (w *Worker) build(build func(*Worker) ([]Operator, error)) (ops []Operator, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("worker %d: build panicked: %v", w.index, r)
		}
	}()
	ops, err = build(w)
	if err == nil && len(ops) != len(w.c.graph.Operators) {
		err = fmt.Errorf("worker %d: build returned %d operators; the graph has %d", w.index, len(ops), len(w.c.graph.Operators))
	}
	return ops, err
}

// applyEvery is the most operator runs whose progress a worker holds
// back before it applies it.
const applyEvery = 8

// loop runs activated operators, and parks while there are none, until
// the computation ends.
//
// What a run pushes and the progress it makes wait for the runs after
// it. When the worker runs out of operators to run it sends what its
// pushers buffered, which may give its own operators more to do; when
// that is done too, and at least every applyEvery runs, it applies the
// progress, after sending what is buffered (the progress holds the +1s
// of the batches sent). One application of several runs' progress is as
// safe as one per run (the tracker never sees a state that the runs'
// own order would not pass through), and is cheaper: a batch sent and
// consumed on one worker cancels out before it reaches the tracker. In a
// loop that runs its operators one after another (a round of
// exchange-rounds on one worker is five runs), it is one application
// where there were five; and the records that several runs push at one
// time travel in one batch. An operator that reactivates itself (a
// source that yields) has its records sent and its progress applied
// after its run, as its next run may wait for input (a line of standard
// input).
func (w *Worker) loop() {
	for !w.c.stopped.Load() {
		w.todo = w.take(w.todo[:0])
		if len(w.todo) == 0 {
			if len(w.dirty) > 0 {
				w.flush() // may activate operators of this worker
				continue
			}
			if w.pending > 0 {
				w.applyProgress() // may activate operators of this worker
				continue
			}
			select {
			case <-w.act.wake:
			case <-w.c.done:
				return
			}
			continue
		}
		for _, op := range w.todo {
			if w.c.stopped.Load() {
				return
			}
			w.run(op)
		}
		if w.pending >= applyEvery || w.yielded {
			w.applyProgress()
		}
	}
}

// flush sends what the pushers buffered.
func (w *Worker) flush() {
	for _, p := range w.dirty {
		p.Flush()
	}
	clear(w.dirty)
	w.dirty = w.dirty[:0]
}

// applyProgress sends what the pushers buffered, whose +1s the progress
// must include, and applies the progress of the runs since the last
// time.
func (w *Worker) applyProgress() {
	w.flush()
	w.pending = 0
	w.yielded = false
	if !w.batch.Empty() {
		w.changed = w.c.apply(&w.batch, w.changed)
	}
}

// run runs operator op once, then writes its print output; what its
// pushers buffered and the progress it made wait in the worker (see
// loop). The records its pushers send count as the operator's.
func (w *Worker) run(op int) {
	start := monotonic()
	if w.labels != nil {
		w.labels.enter(op)
	}
	w.cur = op
	w.runs++
	w.runOp.Store(int32(op))
	w.runSeq.Add(1)
	err := w.call(op)
	w.runSeq.Add(1)
	w.measure(op)
	if err == nil {
		err = w.flushStdout()
	}
	w.cur = -1
	if w.labels != nil {
		w.labels.leave()
	}
	oc := &w.opc[op]
	oc.runs.Add(1)
	oc.runNanos.Add(monotonic() - start)
	if err == nil {
		err = w.flushFiles()
	}
	if err != nil {
		w.batch.Clear()
		w.pending = 0
		w.c.fail(err)
		return
	}
	w.pending++
}

// clockBase is the origin of monotonic.
var clockBase = time.Now()

// monotonic returns the nanoseconds since clockBase from the monotonic
// clock alone: time.Since of a Time with a monotonic reading reads only
// that clock, where time.Now reads the wall clock too, and the worker
// reads it twice a run.
func monotonic() int64 { return int64(time.Since(clockBase)) }

// call runs operator op, turning a panic into a *PanicError.
func (w *Worker) call(op int) (err error) {
	defer func() {
		if r := recover(); r != nil {
			info := w.c.graph.Operators[op]
			stack := make([]byte, 16<<10)
			stack = stack[:goruntime.Stack(stack, false)]
			name, pos := info.Name, info.Pos
			if site, ok := w.c.graph.lambdaInStack(stack); ok {
				name, pos = site.Op, site.Pos
			}
			err = &PanicError{Op: name, Pos: pos, Worker: w.index, Value: r, Stack: stack}
		}
	}()
	return w.ops[op].Run()
}

// markDirty notes that p holds unsent records, to be flushed before the
// worker applies its progress.
func (w *Worker) markDirty(p flusher) { w.dirty = append(w.dirty, p) }

// flushStdout writes the complete lines of the print buffer.
func (w *Worker) flushStdout() error {
	if w.stdout == nil || w.stdout.Buffered() == 0 {
		return nil
	}
	return w.stdout.Flush()
}

// exit writes what remains of the print output when the worker stops.
func (w *Worker) exit() {
	err := w.flushStdout()
	if err == nil {
		err = w.sink.close()
	}
	if err == nil {
		err = w.closeFiles()
	}
	if err != nil {
		w.c.fail(err)
	}
}
