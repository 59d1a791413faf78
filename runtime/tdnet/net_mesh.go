package tdnet

import (
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// A failing mesh tries for meshErrorGrace to tell its peers why, then
// half-closes the connections and reads on (discarding) for at most
// meshLinger, until the peers close their ends, so that they get the
// error frame before the connection is reset.
const (
	meshErrorGrace = 250 * time.Millisecond
	meshLinger     = time.Second
)

// FrameHandler receives the data and progress frames that process peer
// sent, in the order it sent them. It runs on the reader goroutine of
// that peer (so frames of different peers arrive concurrently), owns f
// and must Release it. While it blocks, nothing more is read from that
// peer; a handler that waits for something must also watch Mesh.Done. An
// error it returns fails the mesh, unchanged.
type FrameHandler func(peer int, f Frame) error

// Mesh owns the connections of this process to all its peers, with a
// FrameReader and a Sender for each, each run on a goroutine of its own.
// The first failure of any of them (a peer that closed the connection,
// went silent, sent garbage or reported its own failure) or of the
// handler fails the whole mesh: it tells every peer why in an error
// frame, closes every connection, and reports the error by Done and Err.
type Mesh struct {
	cfg     ClusterConfig
	conns   []net.Conn
	senders []*Sender
	readers []*FrameReader
	stats   []PeerStats // per peer

	readDone  []chan struct{} // per peer: closed when its goodbye arrived
	readExit  []chan struct{} // per peer: closed when the reader ended
	writeDone []chan struct{} // per peer: closed when the writer ended
	failed    atomic.Bool     // frames that arrive now are dropped

	mu      sync.Mutex
	err     error
	closing bool // Close was called
	ended   bool // done is closed
	started bool
	done    chan struct{}

	wg sync.WaitGroup
}

// NewMesh returns a mesh over conns, the connections ConnectPeers returned
// for cfg (conns[cfg.Index] is nil). It takes ownership of them. Call
// Start to run it, and Close in the end.
func NewMesh(cfg ClusterConfig, conns []net.Conn) (*Mesh, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.WithDefaults()
	if len(conns) != cfg.Processes {
		return nil, fmt.Errorf("mesh: %d connections for %d processes", len(conns), cfg.Processes)
	}
	m := &Mesh{
		cfg:       cfg,
		conns:     conns,
		senders:   make([]*Sender, cfg.Processes),
		readers:   make([]*FrameReader, cfg.Processes),
		stats:     make([]PeerStats, cfg.Processes),
		readDone:  make([]chan struct{}, cfg.Processes),
		readExit:  make([]chan struct{}, cfg.Processes),
		writeDone: make([]chan struct{}, cfg.Processes),
		done:      make(chan struct{}),
	}
	for q, c := range conns {
		if (c == nil) != (q == cfg.Index) {
			return nil, fmt.Errorf("mesh: connection %d of process %d is missing or extra", q, cfg.Index)
		}
		if c == nil {
			continue
		}
		addr := m.addr(q)
		m.senders[q] = NewSender(c, SenderConfig{Peer: q, Addr: addr, SendBuffer: cfg.SendBuffer, Heartbeat: max(cfg.Heartbeat, 0), Stats: &m.stats[q]})
		m.readers[q] = NewFrameReader(c, ReaderConfig{Peer: q, Addr: addr, ReceiveBuffer: cfg.ReceiveBuffer, PeerTimeout: max(cfg.PeerTimeout, 0), Done: m.done, Stats: &m.stats[q]})
		m.readDone[q] = make(chan struct{})
		m.readExit[q] = make(chan struct{})
		m.writeDone[q] = make(chan struct{})
	}
	return m, nil
}

// addr returns the address of process q for messages.
func (m *Mesh) addr(q int) string {
	if q < len(m.cfg.Addresses) {
		return m.cfg.Addresses[q]
	}
	return ""
}

// Processes returns the number of processes of the cluster.
func (m *Mesh) Processes() int { return m.cfg.Processes }

// Index returns this process's index.
func (m *Mesh) Index() int { return m.cfg.Index }

// Sender returns the sender to process peer (nil for this process).
// Producers on any goroutine use it; see [Sender.Begin].
func (m *Mesh) Sender(peer int) *Sender { return m.senders[peer] }

// PeerStats returns the traffic counts of the connection to process peer
// (nil for this process).
func (m *Mesh) PeerStats(peer int) *PeerStats {
	if m.conns[peer] == nil {
		return nil
	}
	return &m.stats[peer]
}

// Goodbye returns a channel that is closed when process peer said
// goodbye: it finished and sends nothing more.
func (m *Mesh) Goodbye(peer int) <-chan struct{} { return m.readDone[peer] }

// Start runs a reader and a writer for every peer; frames that arrive go
// to h. Start must be called once.
func (m *Mesh) Start(h FrameHandler) {
	m.mu.Lock()
	if m.started || m.ended {
		m.mu.Unlock()
		return
	}
	m.started = true
	m.mu.Unlock()
	for q := range m.conns {
		if m.conns[q] == nil {
			continue
		}
		m.wg.Add(2)
		go m.readLoop(q, h)
		go m.writeLoop(q)
	}
}

// readLoop runs the reader of peer q.
func (m *Mesh) readLoop(q int, h FrameHandler) {
	defer m.wg.Done()
	defer close(m.readExit[q])
	err := m.readers[q].ReadLoop(func(f Frame) error {
		if m.failed.Load() {
			f.Release()
			return nil
		}
		return h(q, f)
	})
	if err != nil {
		m.fail(err)
		return
	}
	close(m.readDone[q])
}

// writeLoop runs the writer of peer q.
func (m *Mesh) writeLoop(q int) {
	defer m.wg.Done()
	err := m.senders[q].WriteLoop()
	close(m.writeDone[q])
	if err == nil {
		return
	}
	select {
	case <-m.readDone[q]:
		if errors.Is(err, ErrPeerClosed) {
			err = &PeerError{Process: q, Addr: m.addr(q), Err: wireErrorf(ErrPeerClosed, "finished and closed the connection while this process still runs")}
		}
	default:
	}
	m.fail(err)
}

// Done returns a channel closed when the mesh has ended: at its first
// failure, or when Close is done.
func (m *Mesh) Done() <-chan struct{} { return m.done }

// Err returns the first failure of the mesh, or nil.
func (m *Mesh) Err() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.err
}

// Fail fails the mesh with err, a failure of this process: every peer
// gets err's message in an error frame and reports "process <Index> ...
// failed: <message>". Only the first failure counts.
func (m *Mesh) Fail(err error) { m.fail(err) }

// fail records the first failure, tells the peers and tears the mesh
// down.
func (m *Mesh) fail(err error) {
	m.mu.Lock()
	if m.ended {
		m.mu.Unlock()
		return
	}
	m.err, m.ended = err, true
	m.failed.Store(true)
	close(m.done)
	started := m.started
	m.mu.Unlock()
	tell := err.Error()
	for _, s := range m.senders {
		if s != nil {
			s.Fail(err, tell)
		}
	}
	if !started {
		m.closeConns()
		return
	}
	deadline := time.Now().Add(meshErrorGrace)
	for _, c := range m.conns {
		if c != nil {
			c.SetWriteDeadline(deadline)
		}
	}
	m.wg.Add(1)
	go m.teardown()
}

// teardown closes the connections of a failed mesh: when the writers are
// done (the error frames sent) or meshErrorGrace passed, it half-closes
// them; it waits for the readers of the peers that were sent an error
// frame to see them close their ends, or for meshLinger to pass; then it
// closes them.
func (m *Mesh) teardown() {
	defer m.wg.Done()
	waitAll := func(chans []chan struct{}, d time.Duration) {
		timer := time.NewTimer(d)
		defer timer.Stop()
		for _, c := range chans {
			if c == nil {
				continue
			}
			select {
			case <-c:
			case <-timer.C:
				return
			}
		}
	}
	waitAll(m.writeDone, meshErrorGrace)
	var told []chan struct{}
	for q, c := range m.conns {
		if cw, ok := c.(interface{ CloseWrite() error }); ok {
			cw.CloseWrite()
		}
		if c != nil && m.senders[q].told.Load() {
			told = append(told, m.readExit[q])
		}
	}
	waitAll(told, meshLinger)
	m.closeConns()
}

// closeConns closes every connection.
func (m *Mesh) closeConns() {
	for _, c := range m.conns {
		if c != nil {
			c.Close()
		}
	}
}

// Close shuts the mesh down and waits for its goroutines. After a clean
// run it says goodbye to every peer (after what is buffered), waits until
// every peer said goodbye too (CloseTimeout at most: a peer that takes
// longer fails the mesh), then closes the connections: so processes
// finish together, and no frame is lost. After a failure it only cleans
// up. It returns Err.
func (m *Mesh) Close() error {
	m.mu.Lock()
	if m.closing {
		m.mu.Unlock()
		<-m.done
		m.wg.Wait()
		return m.Err()
	}
	m.closing = true
	ended, started := m.ended, m.started
	m.mu.Unlock()
	if started && !ended {
		m.goodbye()
	}
	m.mu.Lock()
	if !m.ended {
		m.ended = true
		close(m.done)
		m.closeConns()
	}
	m.mu.Unlock()
	m.wg.Wait()
	return m.Err()
}

// goodbye sends every peer its goodbye and waits for theirs, or for a
// failure.
func (m *Mesh) goodbye() {
	for _, s := range m.senders {
		if s == nil {
			continue
		}
		m.wg.Add(1)
		go func() {
			defer m.wg.Done()
			if err := s.Goodbye(); err != nil {
				m.fail(err)
			}
		}()
	}
	timer := time.NewTimer(m.cfg.CloseTimeout)
	defer timer.Stop()
	for q := range m.conns {
		if m.conns[q] == nil {
			continue
		}
		for _, d := range []chan struct{}{m.writeDone[q], m.readDone[q]} {
			select {
			case <-d:
			case <-m.done:
				return
			case <-timer.C:
				m.fail(&PeerError{Process: q, Addr: m.addr(q), Err: wireErrorf(ErrPeerTimeout, "did not finish within %v of this process (no goodbye)", m.cfg.CloseTimeout)})
				return
			}
		}
	}
}
