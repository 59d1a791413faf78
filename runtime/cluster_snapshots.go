package runtime

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/tdflow/tdc/runtime/tdnet"
)

// With the web view on, every process but 0 sends its Snapshot to
// process 0 in a stats frame every snapshotEvery, and once more before
// its goodbye; process 0 keeps the last one of each peer, and its page
// shows them all.

// snapshotEvery is how often a peer sends its snapshot to process 0.
var snapshotEvery = time.Second

// sendSnapshots sends the process's snapshot to process 0 every
// snapshotEvery until the computation ends.
func (c *Computation) sendSnapshots() {
	t := time.NewTicker(snapshotEvery)
	defer t.Stop()
	for {
		select {
		case <-c.done:
			return
		case <-t.C:
			c.mu.Lock()
			mesh := c.mesh
			c.mu.Unlock()
			if mesh != nil {
				c.sendSnapshot(mesh)
			}
		}
	}
}

// sendSnapshot sends the process's snapshot to process 0, when this is
// another process and the web view is on. A sender that is closing
// drops it: the figures are only for looking at.
func (c *Computation) sendSnapshot(mesh *tdnet.Mesh) {
	if c.cfg.HTTP == "" || c.cfg.Cluster.Index == 0 {
		return
	}
	payload, err := json.Marshal(c.Snapshot())
	if err != nil || len(payload) > tdnet.MaxPayload {
		return
	}
	if s := mesh.Sender(0); s != nil {
		s.WriteFrame(tdnet.NewFrameHeader(tdnet.FrameStats, 0, uint32(c.base), 0), payload)
	}
}

// takeSnapshot keeps the snapshot that process peer sent.
func (c *Computation) takeSnapshot(peer int, payload []byte) error {
	var s Snapshot
	if err := json.Unmarshal(payload, &s); err != nil {
		return fmt.Errorf("process %d sent a bad stats frame: %v", peer, err)
	}
	if s.Process != peer {
		return fmt.Errorf("process %d sent a stats frame of process %d", peer, s.Process)
	}
	c.peerSnaps[peer].Store(&s)
	return nil
}

// ClusterSnapshots returns the snapshots of every process: this one's,
// and on process 0 the last one each peer sent (nil for a peer that has
// sent none yet); elsewhere only this process's.
func (c *Computation) ClusterSnapshots() []*Snapshot {
	if c.cfg.Cluster.Index != 0 {
		return []*Snapshot{c.Snapshot()}
	}
	out := make([]*Snapshot, c.processes)
	out[0] = c.Snapshot()
	for q := 1; q < c.processes; q++ {
		out[q] = c.peerSnaps[q].Load()
	}
	return out
}
