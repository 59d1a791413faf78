package runtime

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tdflow/tdc/runtime/tdnet"
)

// A computation of several processes runs the same dataflow in each, with
// Config.Workers workers per process; worker indices are global, process
// p holding p*W..p*W+W-1. The processes form a Mesh when the computation
// starts, and then:
//
//   - A Pusher hands a batch for a worker of another process to the
//     channel's Codec, which encodes it straight into the send buffer of
//     that process's connection, in a data frame. The receiving process
//     decodes it into a batch of the channel's free list and puts it into
//     the target worker's mailbox.
//   - Every batch of progress applied in a process (a worker's, or its
//     host inputs') is also appended, under the same lock, to progOut;
//     the progress sender sends what accumulated as one frame to every
//     peer, which applies it whole. A process's updates thus reach its
//     peers in order and as atomic batches (several batches of a process
//     may travel merged, which is just as safe); updates of all the
//     workers of a process are accumulated before they cross the network.
//   - Initial capabilities count every worker of every process (and one
//     host per process), so a frontier never passes a time that a worker
//     elsewhere may still send at.
//   - When a process finds no pointstamp left, its workers stop; it sends
//     its last progress, says goodbye and waits for every peer's goodbye.
//     Any failure (a peer that dies or sends garbage, an operator error)
//     fails the mesh, which tells every peer, so they all stop.

// NetStats counts what a process sent to its peers, headers included.
type NetStats struct {
	DataFrames, DataBytes         atomic.Int64
	ProgressFrames, ProgressBytes atomic.Int64
}

// String summarizes the counts, progress as a share of data.
func (s *NetStats) String() string {
	data, prog := s.DataBytes.Load(), s.ProgressBytes.Load()
	share := 0.0
	if data > 0 {
		share = 100 * float64(prog) / float64(data)
	}
	return fmt.Sprintf("sent %d data bytes in %d frames, %d progress bytes in %d frames (%.2f%% of data)",
		data, s.DataFrames.Load(), prog, s.ProgressFrames.Load(), share)
}

// NetStats returns the network counts of the computation so far.
func (c *Computation) NetStats() *NetStats { return &c.stats }

// remoteChannel is a channel as the frame handler and the snapshots see
// it.
type remoteChannel interface {
	deliverFrame(f tdnet.Frame) error
	snapshot() ChannelSnapshot
	delivered(worker int) (targetOp int, records int64)
}

// launch forms the mesh and then starts the workers.
func (c *Computation) launch(ctx context.Context, build func(w *Worker) ([]Operator, error), built *sync.WaitGroup) {
	cl := c.cfg.Cluster
	cl.Fingerprint = c.graph.Fingerprint
	cl.Workers = c.cfg.Workers
	cl.Terms = append(slices.Clip(cl.Terms), c.inputTerms()...)
	conns, err := tdnet.ConnectPeers(ctx, cl)
	var mesh *tdnet.Mesh
	if err == nil {
		mesh, err = tdnet.NewMesh(cl, conns)
	}
	if err != nil {
		c.fail(err)
		for range c.workers {
			built.Done()
			c.wg.Done()
		}
		return
	}
	c.mu.Lock()
	c.mesh = mesh
	c.progWake = make(chan struct{}, 1)
	if !c.progOut.Empty() {
		c.progWake <- struct{}{} // progress made while connecting
	}
	c.progDone = make(chan struct{})
	c.peerBatch = make([]ChangeBatch, c.processes)
	c.peerChanged = make([][]Location, c.processes)
	c.mu.Unlock()
	mesh.Start(c.handleFrame)
	go c.sendProgress()
	for q := 0; q < c.processes; q++ {
		if q != cl.Index {
			go c.watchGoodbye(mesh, q, cl.WithDefaults().CloseTimeout)
		}
	}
	go func() {
		select {
		case <-mesh.Done():
			if err := mesh.Err(); err != nil {
				c.fail(err)
			}
		case <-c.done:
		}
	}()
	c.beginRun()
	for _, w := range c.workers {
		go w.main(build, built)
	}
}

// watchGoodbye fails the computation when peer said goodbye and this
// process has not finished within timeout: a finished peer has sent all
// the progress this process needs to finish, so it must have stalled (or
// the peer lied).
func (c *Computation) watchGoodbye(mesh *tdnet.Mesh, peer int, timeout time.Duration) {
	select {
	case <-mesh.Goodbye(peer):
	case <-c.done:
		return
	}
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-t.C:
		c.fail(fmt.Errorf("process %d finished, but this process did not finish within %v of it", peer, timeout))
	case <-c.done:
	}
}

// handleFrame takes a data or progress frame from process peer.
func (c *Computation) handleFrame(peer int, f tdnet.Frame) error {
	defer f.Release()
	switch f.Header.Kind() {
	case tdnet.FrameData:
		id := int(f.Header.Channel())
		if id >= len(c.channels) {
			return fmt.Errorf("process %d sent data for channel %d; the dataflow has %d", peer, id, len(c.channels))
		}
		if err := c.channels[id].deliverFrame(f); err != nil {
			return fmt.Errorf("process %d sent a bad data frame: %w", peer, err)
		}
		return nil
	case tdnet.FrameProgress:
		b := &c.peerBatch[peer]
		if err := decodeProgress(f.Payload, b, c.graph.Locations); err != nil {
			b.Clear()
			return fmt.Errorf("process %d sent a bad progress frame: %w", peer, err)
		}
		c.peerChanged[peer] = c.applyBatch(b, c.peerChanged[peer], false)
		return nil
	case tdnet.FrameStats:
		return c.takeSnapshot(peer, f.Payload)
	}
	return fmt.Errorf("process %d sent an unexpected %s frame", peer, f.Header.Kind())
}

// sendProgress sends the progress that accumulated in progOut to every
// peer, until the computation ends; then it sends what is left.
func (c *Computation) sendProgress() {
	defer close(c.progDone)
	var out ChangeBatch
	var payload []byte
	for {
		ended := false
		select {
		case <-c.progWake:
		case <-c.done:
			ended = true
		}
		c.mu.Lock()
		out, c.progOut = c.progOut, out
		c.mu.Unlock()
		if !out.Empty() {
			payload = encodeProgress(payload[:0], &out)
			out.Clear()
			for q := 0; q < c.processes; q++ {
				if s := c.mesh.Sender(q); s != nil {
					if err := s.WriteFrame(tdnet.NewFrameHeader(tdnet.FrameProgress, 0, uint32(c.base), tdnet.AllWorkers), payload); err != nil {
						c.fail(err)
						return
					}
					c.stats.ProgressFrames.Add(1)
					c.stats.ProgressBytes.Add(int64(tdnet.FrameHeaderSize + len(payload)))
					// Written here rather than by the connection's
					// writer goroutine, which would have to be woken
					// and scheduled first: progress is what the peer's
					// frontiers wait for.
					if err := s.Flush(); err != nil {
						c.fail(err)
						return
					}
				}
			}
		}
		if ended {
			return
		}
	}
}

// closeMesh ends the network part after the workers stopped: the last
// progress goes out, then a clean goodbye, or the failure is told.
func (c *Computation) closeMesh() {
	c.mu.Lock()
	mesh := c.mesh
	c.mu.Unlock()
	if mesh == nil {
		return
	}
	<-c.progDone
	if err := c.Err(); err != nil {
		mesh.Fail(err)
	} else {
		c.sendSnapshot(mesh)
	}
	if err := mesh.Close(); err != nil {
		c.errMu.Lock()
		if c.err == nil {
			c.err = err
		}
		c.errMu.Unlock()
	}
	if c.cfg.Stats != nil {
		fmt.Fprintf(c.cfg.Stats, "%s: process %d %s\n", c.graph.Name, c.cfg.Cluster.Index, &c.stats)
	}
}

// timeSize is the encoded size of a Time.
const timeSize = 8 + 4*MaxLoopDepth

// appendTime appends t: the epoch and every round, little-endian.
func appendTime(dst []byte, t Time) []byte {
	dst = binary.LittleEndian.AppendUint64(dst, t.Epoch)
	for _, r := range t.Rounds {
		dst = binary.LittleEndian.AppendUint32(dst, r)
	}
	return dst
}

// readTime reads a Time that appendTime wrote.
func readTime(src []byte) (Time, []byte, error) {
	if len(src) < timeSize {
		return Time{}, nil, errors.New("truncated timestamp")
	}
	t := Time{Epoch: binary.LittleEndian.Uint64(src)}
	for i := range t.Rounds {
		t.Rounds[i] = binary.LittleEndian.Uint32(src[8+4*i:])
	}
	return t, src[timeSize:], nil
}

// progressUpdateSize is the encoded size of one Update.
const progressUpdateSize = 4 + timeSize + 8

// encodeProgress appends the updates of b: a uint32 count, then each
// update's location, time and delta.
func encodeProgress(dst []byte, b *ChangeBatch) []byte {
	ups := b.Updates()
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(ups)))
	for _, u := range ups {
		dst = binary.LittleEndian.AppendUint32(dst, uint32(u.Loc))
		dst = appendTime(dst, u.Time)
		dst = binary.LittleEndian.AppendUint64(dst, uint64(u.Delta))
	}
	return dst
}

// decodeProgress reads updates that encodeProgress wrote into b, checking
// locations against the graph's.
func decodeProgress(src []byte, b *ChangeBatch, locations int) error {
	if len(src) < 4 {
		return errors.New("truncated update count")
	}
	n := int(binary.LittleEndian.Uint32(src))
	src = src[4:]
	if n != len(src)/progressUpdateSize || len(src)%progressUpdateSize != 0 {
		return fmt.Errorf("%d updates in %d bytes", n, len(src))
	}
	for i := 0; i < n; i++ {
		loc := binary.LittleEndian.Uint32(src)
		if int(loc) >= locations {
			return fmt.Errorf("location %d; the dataflow has %d", loc, locations)
		}
		t, rest, err := readTime(src[4:])
		if err != nil {
			return err
		}
		delta := int64(binary.LittleEndian.Uint64(rest))
		b.Add(Location(loc), t, delta)
		src = rest[8:]
	}
	return nil
}

// deliverFrame decodes a data frame of the channel into a batch for the
// local worker it targets.
func (ch *Channel[T]) deliverFrame(f tdnet.Frame) error {
	if ch.codec == nil {
		return fmt.Errorf("channel %d has no codec", ch.id)
	}
	all := f.Header.Target() == tdnet.AllWorkers
	target := int(f.Header.Target()) - ch.c.base
	if !all && (target < 0 || target >= len(ch.boxes)) {
		return fmt.Errorf("worker %d is not in this process", f.Header.Target())
	}
	t, rest, err := readTime(f.Payload)
	if err != nil {
		return err
	}
	data, err := ch.codec.Decode(rest, ch.free.get())
	if err != nil {
		return err
	}
	if all {
		ch.fanOut(t, data)
		return nil
	}
	ch.deliver(target, Batch[T]{Time: t, Data: data})
	return nil
}

// sendRemote encodes a batch for worker target (or AllWorkers) of
// process proc into the connection to that process.
func (ch *Channel[T]) sendRemote(w *Worker, target, proc int, t Time, recs []T) {
	c := ch.c
	if ch.codec == nil {
		var zero T
		c.fail(fmt.Errorf("channel into %s carries %T records, which have no encoding to cross processes", c.graph.Operators[ch.targetOp].Name, zero))
		return
	}
	s := c.mesh.Sender(proc)
	payload, err := s.Begin(tdnet.NewFrameHeader(tdnet.FrameData, uint32(ch.id), uint32(w.global), uint32(target)), timeSize+16*len(recs))
	if err != nil {
		c.fail(err)
		return
	}
	payload = appendTime(payload, t)
	payload = ch.codec.Append(payload, recs)
	if err := s.End(payload); err != nil {
		c.fail(err)
		return
	}
	c.stats.DataFrames.Add(1)
	c.stats.DataBytes.Add(int64(tdnet.FrameHeaderSize + len(payload)))
	ch.sent[w.index].wireBytes.Add(int64(tdnet.FrameHeaderSize + len(payload)))
}
