package runtime

import "sync/atomic"

// What a computation counts, for the web view, /metrics and the status
// line. Every counter is written by one goroutine (a worker, the host of
// an input, a connection's reader or writer) with an atomic add per batch,
// per run or per frame, never per record, so readers on other goroutines
// may load it at any time; the counters of different workers live on
// different cache lines.

// opCounters are what one worker's instance of one operator did.
type opCounters struct {
	recordsIn  atomic.Int64 // records of the batches its pullers returned
	batchesIn  atomic.Int64
	recordsOut atomic.Int64 // records its pushers sent
	batchesOut atomic.Int64
	runs       atomic.Int64 // activations: calls of Run
	runNanos   atomic.Int64 // time spent in Run and the flush after it
	_          [16]byte     // fills the cache line
}

// chanCounters are what one worker sent into one channel.
type chanCounters struct {
	records   atomic.Int64
	batches   atomic.Int64
	wireBytes atomic.Int64 // frame bytes sent to other processes
	_         [40]byte
}

// progressCounters count the progress updates a process applied: its own
// (workers' and inputs') and those its peers sent. Guarded by
// Computation.mu.
type progressCounters struct {
	local, remote int64
	maxEpoch      uint64 // the highest epoch that had a pointstamp
	anyEpoch      bool
}

// note counts the updates of b, which is compacted, applied from this
// process (local) or from a peer.
func (p *progressCounters) note(b *ChangeBatch, local bool) {
	ups := b.Updates()
	if local {
		p.local += int64(len(ups))
	} else {
		p.remote += int64(len(ups))
	}
	for i := range ups {
		if ups[i].Delta > 0 && (!p.anyEpoch || ups[i].Time.Epoch > p.maxEpoch) {
			p.maxEpoch, p.anyEpoch = ups[i].Time.Epoch, true
		}
	}
}
