package tdnet

import (
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// netFormMeshes forms a cluster of n processes on loopback and returns a
// (not started) mesh of each, after mod changed the configurations.
func netFormMeshes(t *testing.T, n int, mod func(*ClusterConfig)) []*Mesh {
	t.Helper()
	lns, err := LoopbackListeners(n)
	require.NoError(t, err)
	addrs := make([]string, n)
	for i, ln := range lns {
		addrs[i] = ln.Addr().String()
	}
	cfgs := netClusterConfigs(addrs, "fp")
	for i := range cfgs {
		cfgs[i].Listener = lns[i]
		if mod != nil {
			mod(&cfgs[i])
		}
	}
	conns, errs := netConnectAll(t, cfgs)
	ms := make([]*Mesh, n)
	for i := range n {
		require.NoError(t, errs[i])
		ms[i], err = NewMesh(cfgs[i], conns[i])
		require.NoError(t, err)
	}
	return ms
}

// netMeshErr waits, at most d, for m to end and returns its error.
func netMeshErr(t *testing.T, m *Mesh, d time.Duration) error {
	t.Helper()
	select {
	case <-m.Done():
		return m.Err()
	case <-time.After(d):
		t.Fatalf("mesh of process %d did not end within %v", m.Index(), d)
		return nil
	}
}

// netSink is a FrameHandler that counts frames and bytes per peer.
type netSink struct {
	frames, bytes [8]atomic.Int64
}

func (s *netSink) handle(peer int, f Frame) error {
	s.frames[peer].Add(1)
	s.bytes[peer].Add(int64(len(f.Payload)))
	f.Release()
	return nil
}

func TestMeshExchangeAndClose(t *testing.T) {
	before, _ := netGoroutines(0, 0)
	const n, perPeer = 3, 500
	ms := netFormMeshes(t, n, nil)
	sinks := make([]*netSink, n)
	for i, m := range ms {
		sinks[i] = &netSink{}
		m.Start(sinks[i].handle)
	}
	var wg sync.WaitGroup
	for i, m := range ms {
		for q := range n {
			if q == i {
				assert.Nil(t, m.Sender(q))
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				payload := make([]byte, 1000+i)
				for k := range perPeer {
					if err := m.Sender(q).WriteFrame(NewFrameHeader(FrameData, uint32(k), uint32(i), AllWorkers), payload); err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
	}
	wg.Wait()
	// Close all together: goodbyes flush everything first.
	errs := make([]error, n)
	netWithin(t, 5*time.Second, func() {
		var cw sync.WaitGroup
		for i, m := range ms {
			cw.Add(1)
			go func() { defer cw.Done(); errs[i] = m.Close() }()
		}
		cw.Wait()
	})
	for i := range n {
		require.NoError(t, errs[i], "process %d", i)
		for q := range n {
			if q != i {
				assert.Equal(t, int64(perPeer), sinks[i].frames[q].Load(), "process %d from %d", i, q)
				assert.Equal(t, int64(perPeer*(1000+q)), sinks[i].bytes[q].Load())
			}
		}
	}
	_, err := ms[0].Sender(1).Begin(NewFrameHeader(FrameData, 0, 0, 0), 1)
	assert.ErrorIs(t, err, ErrNetClosed)
	after, stacks := netGoroutines(before, 2*time.Second)
	assert.LessOrEqual(t, after, before, stacks)
}

// netStreamTo keeps sending frames from m to peer until it fails.
func netStreamTo(m *Mesh, peer int) {
	payload := make([]byte, 4096)
	for {
		if err := m.Sender(peer).WriteFrame(NewFrameHeader(FrameData, 0, 0, 0), payload); err != nil {
			return
		}
	}
}

func TestMeshPeerDies(t *testing.T) {
	before, _ := netGoroutines(0, 0)
	ms := netFormMeshes(t, 3, nil)
	for _, m := range ms[:2] {
		m.Start((&netSink{}).handle)
	}
	go netStreamTo(ms[0], 2)
	go netStreamTo(ms[1], 2)
	go netStreamTo(ms[0], 1)
	time.Sleep(20 * time.Millisecond)
	// Process 2 dies: its connections close without a goodbye, in the
	// middle of the streams.
	start := time.Now()
	for _, c := range ms[2].conns {
		if c != nil {
			c.Close()
		}
	}
	for _, m := range ms[:2] {
		err := netMeshErr(t, m, 5*time.Second)
		require.Error(t, err)
		t.Logf("process %d: %v", m.Index(), err)
		assert.Contains(t, err.Error(), "process 2 ("+ms[2].addr(2)+") ended before the computation finished")
	}
	assert.Less(t, time.Since(start), time.Second)
	for _, m := range ms {
		m.Close()
	}
	after, stacks := netGoroutines(before, 2*time.Second)
	assert.LessOrEqual(t, after, before, stacks)
}

func TestMeshGarbageFromPeer(t *testing.T) {
	ms := netFormMeshes(t, 2, nil)
	ms[0].Start((&netSink{}).handle)
	// Process 1 sends a good frame and then garbage.
	c := ms[1].conns[0]
	good := netAppendFrame(nil, NewFrameHeader(FrameData, 1, 0, 0), []byte("ok"))
	_, err := c.Write(append(good, "garbage garbage garbage garbage"...))
	require.NoError(t, err)
	err = netMeshErr(t, ms[0], 5*time.Second)
	require.ErrorIs(t, err, ErrBadFrame)
	assert.Equal(t, fmt.Sprintf("process 1 (%s) sent a bad frame at byte 32: unknown frame kind 103", ms[0].addr(1)), err.Error())
	// Process 0 tells process 1 why it quits.
	fr := NewFrameReader(c, ReaderConfig{Peer: 0, Addr: ms[1].addr(0)})
	err = fr.ReadLoop(func(f Frame) error { f.Release(); return nil })
	require.ErrorIs(t, err, ErrPeerFailed)
	assert.Contains(t, err.Error(), "process 0 ("+ms[1].addr(0)+") failed: process 1 (")
	for _, m := range ms {
		m.Close()
	}
}

func TestMeshFailTellsPeers(t *testing.T) {
	ms := netFormMeshes(t, 3, nil)
	for _, m := range ms {
		m.Start((&netSink{}).handle)
	}
	go netStreamTo(ms[1], 0)
	time.Sleep(10 * time.Millisecond)
	ms[0].Fail(errors.New("wordcount.tdf:3:5: map: division by zero"))
	for _, m := range ms[1:] {
		err := netMeshErr(t, m, 5*time.Second)
		require.ErrorIs(t, err, ErrPeerFailed)
		// Process 2 may hear it from process 1 first, which passes it on.
		assert.Contains(t, err.Error(), fmt.Sprintf("process 0 (%s) failed: wordcount.tdf:3:5: map: division by zero", m.addr(0)))
	}
	for _, m := range ms {
		m.Close()
	}
	assert.EqualError(t, ms[0].Err(), "wordcount.tdf:3:5: map: division by zero")
}

func TestMeshSilentPeer(t *testing.T) {
	ms := netFormMeshes(t, 2, func(c *ClusterConfig) {
		c.Heartbeat = 20 * time.Millisecond
		c.PeerTimeout = 150 * time.Millisecond
	})
	// Process 1 is frozen: it never runs its mesh.
	ms[0].Start((&netSink{}).handle)
	start := time.Now()
	err := netMeshErr(t, ms[0], 5*time.Second)
	require.ErrorIs(t, err, ErrPeerTimeout)
	assert.Contains(t, err.Error(), "process 1 ("+ms[0].addr(1)+") sent nothing for 150ms")
	assert.Less(t, time.Since(start), time.Second)
	ms[0].Close()
	ms[1].Close()
}

func TestMeshHeartbeatsKeepIdlePeersAlive(t *testing.T) {
	ms := netFormMeshes(t, 2, func(c *ClusterConfig) {
		c.Heartbeat = 10 * time.Millisecond
		c.PeerTimeout = 250 * time.Millisecond
	})
	for _, m := range ms {
		m.Start((&netSink{}).handle)
	}
	time.Sleep(600 * time.Millisecond)
	for _, m := range ms {
		assert.NoError(t, m.Err())
	}
	var wg sync.WaitGroup
	for _, m := range ms {
		wg.Add(1)
		go func() { defer wg.Done(); assert.NoError(t, m.Close()) }()
	}
	wg.Wait()
}

func TestMeshCloseWaitsForPeers(t *testing.T) {
	ms := netFormMeshes(t, 2, func(c *ClusterConfig) {
		c.CloseTimeout = 150 * time.Millisecond
		c.Heartbeat = 20 * time.Millisecond
	})
	for _, m := range ms {
		m.Start((&netSink{}).handle)
	}
	// Process 1 never closes: process 0 gives up after CloseTimeout.
	start := time.Now()
	err := ms[0].Close()
	require.ErrorIs(t, err, ErrPeerTimeout)
	assert.Equal(t, fmt.Sprintf("process 1 (%s) did not finish within 150ms of this process (no goodbye)", ms[0].addr(1)), err.Error())
	assert.Less(t, time.Since(start), time.Second)
	// Process 1 learns it when it next writes (a ping, at the latest).
	err = netMeshErr(t, ms[1], 5*time.Second)
	require.ErrorIs(t, err, ErrPeerClosed)
	assert.Contains(t, err.Error(), fmt.Sprintf("process 0 (%s) finished and closed the connection while this process still runs", ms[1].addr(0)))
	ms[1].Close()
}

func TestMeshHandlerError(t *testing.T) {
	ms := netFormMeshes(t, 2, nil)
	bad := errors.New("process 1 sent a record that does not decode")
	ms[0].Start(func(peer int, f Frame) error { f.Release(); return bad })
	ms[1].Start((&netSink{}).handle)
	require.NoError(t, ms[1].Sender(0).WriteFrame(NewFrameHeader(FrameData, 0, 0, 0), []byte{1}))
	assert.Same(t, bad, netMeshErr(t, ms[0], 5*time.Second))
	assert.ErrorIs(t, netMeshErr(t, ms[1], 5*time.Second), ErrPeerFailed)
	for _, m := range ms {
		m.Close()
	}
}

func TestMeshNewChecks(t *testing.T) {
	cfg := netClusterConfigs([]string{"127.0.0.1:1", "127.0.0.1:2"}, "fp")[0]
	_, err := NewMesh(cfg, []net.Conn{nil})
	assert.ErrorContains(t, err, "1 connections for 2 processes")
	_, err = NewMesh(cfg, []net.Conn{nil, nil})
	assert.ErrorContains(t, err, "connection 1 of process 0 is missing")
	// A mesh closed without being started closes its connections.
	a, b := net.Pipe()
	m, err := NewMesh(cfg, []net.Conn{nil, a})
	require.NoError(t, err)
	require.NoError(t, m.Close())
	_, err = b.Write([]byte{1})
	assert.Error(t, err)
}
