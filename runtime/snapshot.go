package runtime

import (
	goruntime "runtime"
	"strconv"
	"time"
)

// Snapshot is what one process of a computation has done so far: the
// figures the web view shows and /metrics exports, read from the
// counters without stopping the workers. Counts are totals since the
// start; rates are for the reader to derive from two snapshots.
type Snapshot struct {
	Dataflow  string  `json:"dataflow"`
	Process   int     `json:"process"`
	Processes int     `json:"processes"`
	Workers   int     `json:"workers"`
	Elapsed   float64 `json:"elapsed"` // seconds since Start, until the end
	Running   bool    `json:"running"`
	Error     string  `json:"error,omitempty"`
	// EpochsCompleted is the number of epochs that no location holds any
	// more: those before the oldest epoch in progress, or every epoch
	// once the computation is done.
	EpochsCompleted uint64             `json:"epochsCompleted"`
	Operators       []OperatorSnapshot `json:"operators"`
	Channels        []ChannelSnapshot  `json:"channels"`
	Progress        ProgressSnapshot   `json:"progress"`
	Peers           []PeerSnapshot     `json:"peers,omitempty"`
	Memory          MemorySnapshot     `json:"memory"`
}

// OperatorSnapshot is what the instances of one operator did in this
// process, in total and per worker.
type OperatorSnapshot struct {
	ID         int     `json:"id"`
	Name       string  `json:"name"`
	Kind       string  `json:"kind"`
	Pos        string  `json:"pos"`
	RecordsIn  int64   `json:"recordsIn"`
	RecordsOut int64   `json:"recordsOut"`
	BatchesIn  int64   `json:"batchesIn"`
	BatchesOut int64   `json:"batchesOut"`
	Runs       int64   `json:"runs"`
	RunSeconds float64 `json:"runSeconds"`
	Queued     int64   `json:"queued"` // records delivered to its inputs and not yet read
	// Frontier lists, per input, the times that may still arrive there,
	// e.g. "(3)" or "(3, 2)"; empty when the input is complete.
	Frontier [][]string       `json:"frontier"`
	Workers  []WorkerSnapshot `json:"workers"`
}

// WorkerSnapshot is what one worker's instance of an operator did.
type WorkerSnapshot struct {
	Worker     int     `json:"worker"` // global index
	RecordsIn  int64   `json:"recordsIn"`
	RecordsOut int64   `json:"recordsOut"`
	BatchesIn  int64   `json:"batchesIn"`
	BatchesOut int64   `json:"batchesOut"`
	Runs       int64   `json:"runs"`
	RunSeconds float64 `json:"runSeconds"`
	Queued     int64   `json:"queued"`
}

// ChannelSnapshot is what the workers of this process (and the host of
// an input) sent into one channel.
type ChannelSnapshot struct {
	ID        int    `json:"id"`
	From      int    `json:"from"` // operator index; -1 for a host input
	To        int    `json:"to"`
	Kind      string `json:"kind"`
	Records   int64  `json:"records"`
	Batches   int64  `json:"batches"`
	WireBytes int64  `json:"wireBytes"` // in frames to other processes
	// PerWorker is what each worker of this process sent.
	PerWorker []ChannelWorker `json:"perWorker"`
	Host      int64           `json:"host"` // records an Input sent
}

// ChannelWorker is what one worker sent into a channel.
type ChannelWorker struct {
	Records   int64 `json:"records"`
	Batches   int64 `json:"batches"`
	WireBytes int64 `json:"wireBytes"`
}

// ProgressSnapshot counts progress traffic: the updates applied (this
// process's and its peers'), and the frames and bytes sent to peers.
type ProgressSnapshot struct {
	LocalUpdates  int64 `json:"localUpdates"`
	RemoteUpdates int64 `json:"remoteUpdates"`
	Frames        int64 `json:"frames"`
	Bytes         int64 `json:"bytes"`
	DataFrames    int64 `json:"dataFrames"`
	DataBytes     int64 `json:"dataBytes"`
}

// PeerSnapshot is the traffic on the connection to one peer.
type PeerSnapshot struct {
	Peer               int   `json:"peer"`
	SentBytes          int64 `json:"sentBytes"`
	SentFrames         int64 `json:"sentFrames"`
	SentHeartbeats     int64 `json:"sentHeartbeats"`
	ReceivedBytes      int64 `json:"receivedBytes"`
	ReceivedFrames     int64 `json:"receivedFrames"`
	ReceivedHeartbeats int64 `json:"receivedHeartbeats"`
}

// MemorySnapshot is the Go runtime's view of the process's memory.
type MemorySnapshot struct {
	HeapAlloc    uint64  `json:"heapAlloc"`
	HeapSys      uint64  `json:"heapSys"`
	Sys          uint64  `json:"sys"`
	NumGC        uint32  `json:"numGC"`
	PauseSeconds float64 `json:"gcPauseSeconds"` // total
	Goroutines   int     `json:"goroutines"`
}

// Snapshot returns what the computation did so far in this process.
func (c *Computation) Snapshot() *Snapshot { return c.snapshot(true) }

// snapshot returns the Snapshot, with Memory when withMemory is set
// (reading it stops the world for a moment).
func (c *Computation) snapshot(withMemory bool) *Snapshot {
	s := &Snapshot{
		Dataflow:  c.graph.Name,
		Process:   c.cfg.Cluster.Index,
		Processes: c.processes,
		Workers:   len(c.workers),
		Running:   c.started.Load() && !c.stopped.Load(),
	}
	if err := c.Err(); err != nil {
		s.Error = err.Error()
	}
	if !c.startedAt.IsZero() {
		end := time.Now()
		if e := c.endedAt.Load(); e != 0 {
			end = time.Unix(0, e)
		}
		s.Elapsed = end.Sub(c.startedAt).Seconds()
	}
	s.Operators = c.operatorSnapshots()
	s.Channels = c.channelSnapshots(s.Operators)
	c.frontierSnapshots(s)
	st := &c.stats
	s.Progress.Frames, s.Progress.Bytes = st.ProgressFrames.Load(), st.ProgressBytes.Load()
	s.Progress.DataFrames, s.Progress.DataBytes = st.DataFrames.Load(), st.DataBytes.Load()
	c.mu.Lock()
	mesh := c.mesh
	c.mu.Unlock()
	if mesh != nil {
		for q := 0; q < c.processes; q++ {
			if ps := mesh.PeerStats(q); ps != nil {
				s.Peers = append(s.Peers, PeerSnapshot{
					Peer:               q,
					SentBytes:          ps.SentBytes.Load(),
					SentFrames:         ps.SentFrames.Load(),
					SentHeartbeats:     ps.SentHeartbeats.Load(),
					ReceivedBytes:      ps.ReceivedBytes.Load(),
					ReceivedFrames:     ps.ReceivedFrames.Load(),
					ReceivedHeartbeats: ps.ReceivedHeartbeats.Load(),
				})
			}
		}
	}
	if !withMemory {
		return s
	}
	var ms goruntime.MemStats
	goruntime.ReadMemStats(&ms)
	s.Memory = MemorySnapshot{
		HeapAlloc:    ms.HeapAlloc,
		HeapSys:      ms.HeapSys,
		Sys:          ms.Sys,
		NumGC:        ms.NumGC,
		PauseSeconds: float64(ms.PauseTotalNs) / 1e9,
		Goroutines:   goruntime.NumGoroutine(),
	}
	return s
}

// operatorSnapshots reads the operators' counters, worker by worker.
func (c *Computation) operatorSnapshots() []OperatorSnapshot {
	ops := make([]OperatorSnapshot, len(c.graph.Operators))
	for i, info := range c.graph.Operators {
		op := &ops[i]
		op.ID, op.Name, op.Kind, op.Pos = i, info.Name, info.Kind, info.Pos
		op.Workers = make([]WorkerSnapshot, len(c.workers))
		for j, w := range c.workers {
			oc := &w.opc[i]
			ws := WorkerSnapshot{
				Worker:     w.global,
				RecordsIn:  oc.recordsIn.Load(),
				RecordsOut: oc.recordsOut.Load(),
				BatchesIn:  oc.batchesIn.Load(),
				BatchesOut: oc.batchesOut.Load(),
				Runs:       oc.runs.Load(),
				RunSeconds: float64(oc.runNanos.Load()) / 1e9,
			}
			op.Workers[j] = ws
			op.RecordsIn += ws.RecordsIn
			op.RecordsOut += ws.RecordsOut
			op.BatchesIn += ws.BatchesIn
			op.BatchesOut += ws.BatchesOut
			op.Runs += ws.Runs
			op.RunSeconds += ws.RunSeconds
		}
	}
	return ops
}

// channelSnapshots reads the channels' counters and adds the records
// waiting in their mailboxes to the operators' queues.
func (c *Computation) channelSnapshots(ops []OperatorSnapshot) []ChannelSnapshot {
	chans := make([]ChannelSnapshot, len(c.channels))
	for i, rc := range c.channels {
		cs := rc.snapshot()
		cs.ID, cs.From, cs.Kind = i, -1, ""
		if i < len(c.graph.Channels) {
			cs.From, cs.Kind = c.graph.Channels[i].From, c.graph.Channels[i].Kind
		}
		chans[i] = cs
	}
	for j := range c.workers {
		delivered := make([]int64, len(ops))
		for _, rc := range c.channels {
			to, n := rc.delivered(j)
			delivered[to] += n
		}
		for i := range ops {
			if q := delivered[i] - ops[i].Workers[j].RecordsIn; q > 0 {
				ops[i].Workers[j].Queued = q
				ops[i].Queued += q
			}
		}
	}
	return chans
}

// frontierSnapshots fills in the operators' input frontiers and the
// epochs completed.
func (c *Computation) frontierSnapshots(s *Snapshot) {
	c.mu.Lock()
	defer c.mu.Unlock()
	oldest, found := c.oldestEpoch()
	switch {
	case found:
		s.EpochsCompleted = oldest
	case c.progress.anyEpoch:
		s.EpochsCompleted = c.progress.maxEpoch + 1
	}
	s.Progress.LocalUpdates, s.Progress.RemoteUpdates = c.progress.local, c.progress.remote
	for i, info := range c.graph.Operators {
		fr := make([][]string, len(info.Inputs))
		for k, loc := range info.Inputs {
			fr[k] = []string{}
			for _, t := range c.tracker.Frontier(loc) {
				fr[k] = append(fr[k], coordinatesShort(t))
			}
		}
		s.Operators[i].Frontier = fr
	}
}

// coordinatesShort formats t with its epoch and the rounds up to the
// last nonzero one: "(5)", or "(5, 2)" in a loop.
func coordinatesShort(t Time) string {
	depth := 0
	for i, r := range t.Rounds {
		if r != 0 {
			depth = i + 1
		}
	}
	b := strconv.AppendUint([]byte("("), t.Epoch, 10)
	for _, r := range t.Rounds[:depth] {
		b = append(b, ", "...)
		b = strconv.AppendUint(b, uint64(r), 10)
	}
	return string(append(b, ')'))
}
