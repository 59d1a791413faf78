package runtime

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tdflow/tdc/runtime/tdnet"
)

// Config configures a computation in this process.
type Config struct {
	Workers int       // workers (goroutines) in this process; >= 1
	Stdout  io.Writer // where print output goes; os.Stdout when nil
	// Cluster says which processes the computation spans and how they
	// connect. With Cluster.Processes 1 (the default) nothing touches the
	// network. Every process runs Workers workers; the computation's
	// Fingerprint comes from its Graph.
	Cluster tdnet.ClusterConfig
	// Progress, when set, receives a line every two seconds while
	// the computation runs: records sent, their rate, the oldest epoch in
	// progress.
	Progress io.Writer
	// NoCombine turns off combining: the count, sum, min and max
	// operators that route records by key then send every record as it
	// is, instead of pre-aggregating what a worker holds of each key
	// before sending (benchmarks that must move one record per input do
	// this). Results are the same either way.
	NoCombine bool
	// Stats, when set, receives statistics when the computation ends: a
	// line per operator holding state with the most it held in this
	// process (an estimate, see PeakState), and with several processes
	// the bytes of data and of progress this process sent.
	Stats io.Writer

	// Limits (see docs/security.md, "Limits").

	// StallTimeout, when positive, turns on the stall watchdog: an
	// operator that has run for longer than this without returning (a
	// lambda that loops forever, say) is reported to Log, naming the
	// operator, its .tdf position and the lambda running.
	StallTimeout time.Duration
	// StallExit makes a stall end the computation with a *StallError,
	// on every process, instead of only being reported.
	StallExit bool
	// Log receives the reports that do not end the computation (a stall
	// without StallExit); os.Stderr when nil.
	Log io.Writer
	// MaxMemory, when positive, bounds the heap, in bytes: it is the Go
	// runtime's soft memory limit while the computation runs (the limit
	// is process-wide), and a live heap past it ends the computation with
	// a *MemoryError naming the operators that hold the most state.
	MaxMemory int64
	// HTTP, when set, is the address (host:port; port 0 picks one) of
	// the computation's web view: a live page of the plan, /metrics for
	// Prometheus, /debug/pprof/ and the page's JSON (docs/cli.md). The
	// first computation of the process that names an address starts
	// the server; later ones with the same address join it, and it
	// serves until the process exits. [Computation.HTTPAddr] returns
	// the address it listens on.
	HTTP string
	// ProfileLabels attaches the running operator to the workers'
	// goroutines as pprof labels (dataflow, operator, tdf) and trace
	// regions, for CPU profiles and execution traces; HTTP implies it.
	ProfileLabels bool
	// Status, when set, is a terminal that shows a status line while
	// the computation runs: its time, epochs completed and records per
	// second in and out, rewritten in place.
	Status io.Writer
}

// DefaultConfig returns the configuration of a computation with one worker
// in one process that prints to os.Stdout.
func DefaultConfig() Config {
	return Config{Workers: 1, Stdout: os.Stdout, Cluster: tdnet.DefaultClusterConfig()}
}

// MaxWorkers is the largest number of workers a process may run.
const MaxWorkers = 1 << 12

// Validate reports whether c is usable.
func (c Config) Validate() error {
	if c.Workers < 1 || c.Workers > MaxWorkers {
		return fmt.Errorf("config: %d workers; want 1 to %d", c.Workers, MaxWorkers)
	}
	if c.MaxMemory < 0 {
		return fmt.Errorf("config: negative memory limit %d", c.MaxMemory)
	}
	if c.StallTimeout < 0 {
		return fmt.Errorf("config: negative stall timeout %v", c.StallTimeout)
	}
	if c.Cluster.Processes > 1 {
		cl := c.Cluster
		if cl.Fingerprint == "" {
			cl.Fingerprint = "unchecked" // set from the graph later
		}
		if err := cl.Validate(); err != nil {
			return fmt.Errorf("config: %v", err)
		}
	}
	return nil
}

// Operator is one worker's instance of an operator. Run is called on the
// worker's goroutine whenever the operator is activated; it reads its
// pullers and frontiers, pushes output, and returns. An error ends the
// whole computation; so does a panic, which the worker turns into a
// [*PanicError].
type Operator interface {
	Run() error
}

// Computation is one dataflow running on Config.Workers workers of this
// process.
//
// All workers share one [Tracker], guarded by a mutex. A worker records the
// progress its operators make (messages sent and consumed, capabilities
// held and released) in its own [ChangeBatch] and applies the batch whole
// after each operator Run; the host applies the changes of an [Input] the
// same way. Whoever applies a batch activates, on every worker, the
// operators whose input frontiers changed.
type Computation struct {
	cfg     Config
	graph   *Graph
	inputOp []int // per location: the operator whose input it is, or -1
	workers []*Worker

	mu       sync.Mutex       // guards tracker and progress
	tracker  *Tracker         // shared by all workers
	progress progressCounters // the updates applied
	versions []atomic.Int64   // per location: bumped under mu when its frontier changes
	// read is per location whether an operator has read its frontier
	// (Worker.Frontier): only then does a change of it activate the
	// operator whose input it is. A map or a filter never reads one,
	// and so runs only when data arrives.
	read []atomic.Bool

	outMu sync.Mutex // serializes writes to cfg.Stdout

	setupMu sync.Mutex        // guards inputs
	inputs  map[Location]bool // host capabilities that have an Input
	started atomic.Bool

	errMu    sync.Mutex // guards err and stopping
	err      error      // first error
	stopped  atomic.Bool
	done     chan struct{} // closed when the computation ends
	stopOnce sync.Once

	wg sync.WaitGroup // workers and the context watcher
	// abandoned is closed when the computation failed in a way that
	// leaves a worker that cannot stop (a stall): Wait does not wait for
	// the workers then.
	abandoned   chan struct{}
	abandonOnce sync.Once

	// The memory monitor (see memory.go): measureGen counts its checks,
	// peakState is per operator the most state it saw.
	measureGen    atomic.Uint64
	peakState     []atomic.Int64
	restoreMemory func()

	// The computation across processes (see cluster_run.go). With one
	// process, mesh stays nil and base is 0.
	base      int             // global index of this process's first worker
	peers     int             // workers of all processes
	processes int             // processes of the computation
	channels  []remoteChannel // by channel number, for data frames
	mesh      *tdnet.Mesh
	progOut   ChangeBatch   // local updates not yet sent to peers; guarded by mu
	progWake  chan struct{} // wakes the progress sender
	progDone  chan struct{} // closed when the progress sender has sent all
	peerBatch []ChangeBatch // per peer: scratch for decoding its progress
	// peerChanged is per peer the scratch of applying its progress.
	peerChanged [][]Location
	stats       NetStats      // updated atomically
	probeCh     chan struct{} // closed when frontiers change, when probes exist; guarded by mu

	filesMu sync.Mutex             // guards files
	files   map[string]*sharedFile // the files of write sinks, by path

	inputFiles []inputFile // the files sources read, for the handshake's terms
	inputSizes inputSizes  // the sizes the workers found them at

	// What the web view, /metrics and the status line show.
	labels    *operatorLabels // nil unless profiled or served
	web       *webServer      // the server of Config.HTTP, or nil
	startedAt time.Time
	// stopWatching unregisters the end of Start's context (cancelled).
	stopWatching func() bool
	runBegin     runUsage                   // when the workers started, for Config.Stats (runstats.go)
	endedAt      atomic.Int64               // UnixNano when it ended; 0 while it runs
	peerSnaps    []atomic.Pointer[Snapshot] // per peer: its last snapshot (process 0)
}

// NewComputation returns a computation of the dataflow g, not yet started.
// It counts the initial capabilities: Config.Workers at each of
// g.WorkerCapabilities and 1 at each of g.HostCapabilities, all at the
// zero Time.
func NewComputation(cfg Config, g *Graph) (*Computation, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if g == nil {
		return nil, errors.New("runtime: nil graph")
	}
	if err := g.validate(); err != nil {
		return nil, err
	}
	if cfg.Stdout == nil {
		cfg.Stdout = os.Stdout
	}
	processes := max(cfg.Cluster.Processes, 1)
	c := &Computation{
		base:      cfg.Cluster.Index * cfg.Workers,
		peers:     processes * cfg.Workers,
		processes: processes,
		cfg:       cfg,
		graph:     g,
		inputOp:   g.inputOperators(),
		tracker:   NewTracker(g.Locations, g.Paths),
		versions:  make([]atomic.Int64, g.Locations),
		read:      make([]atomic.Bool, g.Locations),
		inputs:    make(map[Location]bool),
		done:      make(chan struct{}),
		abandoned: make(chan struct{}),
		peakState: make([]atomic.Int64, len(g.Operators)),
	}
	for i := range c.versions {
		c.versions[i].Store(1)
	}
	var inputs []Location
	for _, op := range g.Operators {
		inputs = append(inputs, op.Inputs...)
	}
	c.tracker.WatchOnly(inputs)
	var b ChangeBatch
	for _, loc := range g.WorkerCapabilities {
		b.Add(loc, Time{}, int64(c.peers))
	}
	for _, loc := range g.HostCapabilities {
		b.Add(loc, Time{}, int64(processes))
	}
	c.tracker.Apply(&b)
	c.tracker.DrainChanged(nil)
	if cfg.HTTP != "" || cfg.ProfileLabels {
		c.labels = newOperatorLabels(g)
	}
	c.workers = make([]*Worker, cfg.Workers)
	for i := range c.workers {
		c.workers[i] = newWorker(c, i)
	}
	c.peerSnaps = make([]atomic.Pointer[Snapshot], processes)
	if cfg.HTTP != "" {
		web, err := serveWeb(cfg.HTTP)
		if err != nil {
			return nil, fmt.Errorf("config: HTTP %s: %v", cfg.HTTP, err)
		}
		c.web = web
		web.add(c)
	}
	return c, nil
}

// Graph returns the dataflow the computation runs.
func (c *Computation) Graph() *Graph { return c.graph }

// Workers returns the number of workers.
func (c *Computation) Workers() int { return c.cfg.Workers }

// Start launches the workers. build is called once on each worker's
// goroutine and returns that worker's operator instances, indexed like
// Graph.Operators; no operator runs before every worker's build returned.
// Channels and host inputs must be created ([NewChannel], [NewInput])
// before Start, and every host capability of the graph needs its Input.
// Start must be called once; the outcome is reported by [Computation.Wait].
func (c *Computation) Start(ctx context.Context, build func(w *Worker) ([]Operator, error)) {
	c.start(ctx, build, false)
}

// start is Start. With inline, in one process, it starts every worker
// but the first and returns the function that runs the first on the
// calling goroutine (nil when there is none to run).
func (c *Computation) start(ctx context.Context, build func(w *Worker) ([]Operator, error), inline bool) (first func()) {
	if !c.started.CompareAndSwap(false, true) {
		c.fail(errors.New("runtime: Start called twice"))
		return nil
	}
	if ctx == nil {
		ctx = context.Background()
	}
	if err := c.checkInputs(); err != nil {
		c.fail(err)
		return nil
	}
	c.mu.Lock()
	idle := c.tracker.Idle()
	c.mu.Unlock()
	if idle {
		c.finish()
	}
	var built sync.WaitGroup
	built.Add(len(c.workers))
	c.wg.Add(len(c.workers))
	c.stopWatching = context.AfterFunc(ctx, func() { c.cancelled(ctx) })
	c.startedAt = time.Now()
	if c.cfg.Progress != nil {
		go c.monitor()
	}
	if c.cfg.StallTimeout > 0 {
		go c.watchStalls()
	}
	c.restoreMemory = c.setMemoryLimit()
	if c.cfg.MaxMemory > 0 || c.cfg.Stats != nil {
		go c.watchMemory()
	}
	if c.cfg.Status != nil {
		go c.statusLine()
	}
	if c.processes > 1 && c.cfg.Cluster.Index > 0 && c.cfg.HTTP != "" {
		go c.sendSnapshots()
	}
	if c.processes > 1 {
		go c.launch(ctx, build, &built)
		return nil
	}
	c.beginRun()
	workers := c.workers
	if inline {
		workers = workers[1:]
	}
	for _, w := range workers {
		go w.main(build, &built)
	}
	if !inline {
		return nil
	}
	return func() { c.workers[0].main(build, &built) }
}

// Wait blocks until the computation ends and every worker goroutine has
// exited (after a stall with Config.StallExit, it does not wait for the
// stalled worker, which cannot be stopped). It returns nil when every pointstamp is gone (all sources
// finished, all host inputs closed, all data consumed), and otherwise the
// first error: an operator's error, a build error, a failure to write
// Stdout, or ctx.Err(). After an error the other workers stop at their
// next scheduling point.
func (c *Computation) Wait() error {
	if !c.started.Load() {
		return errors.New("runtime: Wait called before Start")
	}
	c.waitWorkers()
	if c.stopWatching != nil {
		c.stopWatching()
	}
	if c.cfg.Stats != nil {
		c.printRunStats()
	}
	c.closeMesh()
	if err := c.closeFiles(); err != nil {
		c.fail(err)
	}
	if c.restoreMemory != nil {
		c.restoreMemory()
	}
	if c.cfg.Stats != nil {
		c.printStateStats()
	}
	return c.Err()
}

// abandonGrace is how long Wait still waits for the workers that can
// stop after the computation was abandoned.
const abandonGrace = time.Second

// waitWorkers waits for the worker goroutines to exit; after abandon,
// only abandonGrace for those that can.
func (c *Computation) waitWorkers() {
	if !c.cfg.StallExit {
		c.wg.Wait() // only a stall with StallExit abandons the computation
		return
	}
	exited := make(chan struct{})
	go func() {
		c.wg.Wait()
		close(exited)
	}()
	select {
	case <-exited:
	case <-c.abandoned:
		select {
		case <-exited:
		case <-time.After(abandonGrace):
		}
	}
}

// Run starts the computation and waits for its end. In one process the
// calling goroutine is the first worker's: a goroutine fewer to start,
// and to wake at the end. It is for a computation without host inputs,
// whose host has nothing to do but wait.
func (c *Computation) Run(ctx context.Context, build func(w *Worker) ([]Operator, error)) error {
	if ctx == nil {
		ctx = context.Background()
	}
	// A stall with StallExit abandons the stalled worker: never this
	// goroutine's.
	if first := c.start(ctx, build, !c.cfg.StallExit); first != nil {
		if c.labels != nil {
			// The worker's profile labels stay on its goroutine: give
			// the caller's back at the end.
			pprof.Do(ctx, pprof.Labels(), func(context.Context) { first() })
		} else {
			first()
		}
	}
	return c.Wait()
}

// Err returns the first error of the computation so far, or nil.
func (c *Computation) Err() error {
	c.errMu.Lock()
	defer c.errMu.Unlock()
	return c.err
}

// Done returns a channel that is closed when the computation ends, by
// completion or by an error.
func (c *Computation) Done() <-chan struct{} { return c.done }

// cancelled ends the computation with ctx.Err(), Start's context having
// ended first; context.AfterFunc calls it, so that no goroutine waits for
// the context.
func (c *Computation) cancelled(ctx context.Context) {
	c.errMu.Lock()
	if !c.stopped.Load() && c.err == nil {
		c.err = ctx.Err()
	}
	c.errMu.Unlock()
	c.stop()
}

// fail records err unless an error was recorded before, and ends the
// computation.
func (c *Computation) fail(err error) {
	c.errMu.Lock()
	if c.err == nil {
		c.err = err
	}
	c.errMu.Unlock()
	c.stop()
}

// finish ends the computation without an error: the tracker is idle.
func (c *Computation) finish() { c.stop() }

// stop ends the computation and wakes every worker.
func (c *Computation) stop() {
	c.stopOnce.Do(func() {
		c.errMu.Lock()
		c.stopped.Store(true)
		c.errMu.Unlock()
		c.endedAt.Store(time.Now().UnixNano())
		close(c.done)
	})
}

// apply applies b, progress made in this process, to the tracker
// atomically, clears it, and activates on every worker the operators
// whose input frontiers changed; it ends the computation when no
// pointstamp remains. With peers, b is also queued for them. changed is
// scratch space, returned for reuse. Only frontiers that an operator has
// read activate (see Worker.Frontier).
func (c *Computation) apply(b *ChangeBatch, changed []Location) []Location {
	return c.applyBatch(b, changed, true)
}

// applyBatch applies b as apply does; share says whether it is progress
// of this process, which the peers need too.
func (c *Computation) applyBatch(b *ChangeBatch, changed []Location, share bool) []Location {
	c.mu.Lock()
	c.tracker.Apply(b)
	c.progress.note(b, share)
	changed = c.tracker.DrainChanged(changed[:0])
	for _, loc := range changed {
		c.versions[loc].Add(1)
	}
	c.noteProbes(changed)
	idle := c.tracker.Idle()
	if share && c.processes > 1 {
		// Progress made before the mesh is up (a host feeding its
		// inputs right after Start) waits here for sendProgress.
		c.progOut.Extend(b)
		select {
		case c.progWake <- struct{}{}:
		default:
		}
	}
	c.mu.Unlock()
	b.Clear()
	for _, loc := range changed {
		if op := c.inputOp[loc]; op >= 0 && c.read[loc].Load() {
			for _, w := range c.workers {
				w.activate(op)
			}
		}
	}
	if idle {
		c.finish()
	}
	return changed
}

// registerInput notes that loc, a host capability, has its Input.
func (c *Computation) registerInput(loc Location) error {
	c.setupMu.Lock()
	defer c.setupMu.Unlock()
	if c.started.Load() {
		return errors.New("runtime: NewInput after Start")
	}
	found := false
	for _, l := range c.graph.HostCapabilities {
		found = found || l == loc
	}
	if !found {
		return fmt.Errorf("runtime: NewInput: location %d is not a host capability", loc)
	}
	if c.inputs[loc] {
		return fmt.Errorf("runtime: NewInput: location %d already has an input", loc)
	}
	c.inputs[loc] = true
	return nil
}

// checkInputs reports a host capability without an Input: the computation
// could never end.
func (c *Computation) checkInputs() error {
	c.setupMu.Lock()
	defer c.setupMu.Unlock()
	for _, loc := range c.graph.HostCapabilities {
		if !c.inputs[loc] {
			return fmt.Errorf("runtime: host capability at location %d has no Input", loc)
		}
	}
	return nil
}

// writeOut writes a and then b to Config.Stdout, under the lock that
// keeps the workers' lines apart.
func (c *Computation) writeOut(a, b []byte) error {
	c.outMu.Lock()
	defer c.outMu.Unlock()
	if len(a) > 0 {
		if _, err := c.cfg.Stdout.Write(a); err != nil {
			return err
		}
	}
	if len(b) > 0 {
		if _, err := c.cfg.Stdout.Write(b); err != nil {
			return err
		}
	}
	return nil
}
