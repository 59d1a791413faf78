package tdnet

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"
)

// Cluster formation: process p of n listens on Addresses[p], dials every
// process q < p and accepts a connection from every q > p, so each pair
// of processes shares one TCP connection. Processes may start in any
// order: dials that find no listener are retried with a short back-off
// until ConnectTimeout.

// Defaults of ClusterConfig.
const (
	DefaultConnectTimeout   = 30 * time.Second
	DefaultHandshakeTimeout = 5 * time.Second
	// DefaultPeerTimeout is long, since a peer that dies closes its
	// connections and is seen at once; only a peer that hangs waits for
	// it, and a garbage collection, swapping or a stalled virtual machine
	// in a long batch job must not end the computation (Flink's heartbeat
	// timeout is 50 s).
	DefaultPeerTimeout  = 60 * time.Second
	DefaultCloseTimeout = 5 * time.Second
	// dialBackoffMin and dialBackoffMax bound the pause between dials of
	// a process that is not listening yet; the max bounds how long after
	// the last process starts the cluster is formed.
	dialBackoffMin = time.Millisecond
	dialBackoffMax = 25 * time.Millisecond
)

// ClusterConfig configures the network of one process of a cluster: how
// it connects to its peers ([ConnectPeers]) and how the connections run
// ([NewMesh]).
type ClusterConfig struct {
	Processes   int      // processes in the cluster, 1..MaxProcesses
	Index       int      // this process, 0..Processes-1
	Workers     int      // workers per process; processes must agree (0: not checked)
	Addresses   []string // host:port of every process, indexed by process
	Fingerprint string   // the plan fingerprint; processes must agree
	Terms       []Term   // params and input files; processes must agree

	// How connections are secured (docs/security.md); a cluster of more
	// than one process needs one of them. With Secret, processes
	// authenticate each other by a key derived from the secret, in TLS.
	// With Certificate, each presents it and peers' certificates must
	// chain to RootCAs, in TLS. Insecure, given alone, runs without TLS:
	// anyone who reaches a port is trusted.
	Secret      []byte
	Certificate *tls.Certificate
	RootCAs     *x509.CertPool
	Insecure    bool

	// Listener, when set, is already listening on Addresses[Index]
	// (tests use it to avoid racing for ports); ConnectPeers closes it.
	Listener net.Listener

	ConnectTimeout   time.Duration // for the whole cluster to form
	HandshakeTimeout time.Duration // for the handshake on one connection

	SendBuffer    int           // per peer; see SenderConfig
	ReceiveBuffer int           // per peer; see ReaderConfig
	Heartbeat     time.Duration // ping interval of an idle connection; negative for none
	PeerTimeout   time.Duration // a silent peer is dead after this; negative for never
	CloseTimeout  time.Duration // Mesh.Close waits this long for peers' goodbyes
}

// DefaultClusterConfig returns a configuration of one process with the
// default timeouts and buffers.
func DefaultClusterConfig() ClusterConfig {
	return ClusterConfig{
		Processes:        1,
		ConnectTimeout:   DefaultConnectTimeout,
		HandshakeTimeout: DefaultHandshakeTimeout,
		SendBuffer:       DefaultSendBuffer,
		ReceiveBuffer:    DefaultReceiveBuffer,
		Heartbeat:        DefaultHeartbeat,
		PeerTimeout:      DefaultPeerTimeout,
		CloseTimeout:     DefaultCloseTimeout,
	}
}

// WithDefaults returns c with zero durations and sizes replaced by the
// defaults.
func (c ClusterConfig) WithDefaults() ClusterConfig {
	d := DefaultClusterConfig()
	set := func(v *time.Duration, def time.Duration) {
		if *v == 0 {
			*v = def
		}
	}
	set(&c.ConnectTimeout, d.ConnectTimeout)
	set(&c.HandshakeTimeout, d.HandshakeTimeout)
	set(&c.Heartbeat, d.Heartbeat)
	set(&c.PeerTimeout, d.PeerTimeout)
	set(&c.CloseTimeout, d.CloseTimeout)
	if c.SendBuffer == 0 {
		c.SendBuffer = d.SendBuffer
	}
	if c.ReceiveBuffer == 0 {
		c.ReceiveBuffer = d.ReceiveBuffer
	}
	return c
}

// identity returns what the process states in handshakes.
func (c ClusterConfig) identity() NetIdentity {
	return NetIdentity{Fingerprint: c.Fingerprint, Index: c.Index, Processes: c.Processes, Workers: c.Workers, Terms: c.Terms}
}

// Validate reports whether c is usable.
func (c ClusterConfig) Validate() error {
	if err := c.identity().Validate(); err != nil {
		return fmt.Errorf("cluster config: %v", err)
	}
	if c.Processes > 1 && len(c.Addresses) != c.Processes {
		return fmt.Errorf("cluster config: %d addresses for %d processes", len(c.Addresses), c.Processes)
	}
	seen := make(map[string]int)
	for i, a := range c.Addresses {
		if err := checkHostPort(a); err != nil {
			return fmt.Errorf("cluster config: address of process %d: %v", i, err)
		}
		if j, ok := seen[a]; ok {
			return fmt.Errorf("cluster config: processes %d and %d have the same address %s", j, i, a)
		}
		seen[a] = i
	}
	modes := 0
	for _, on := range []bool{len(c.Secret) > 0, c.Certificate != nil, c.Insecure} {
		if on {
			modes++
		}
	}
	switch {
	case modes > 1:
		return errors.New("cluster config: give one of Secret, Certificate and Insecure")
	case c.Certificate != nil && c.RootCAs == nil:
		return errors.New("cluster config: a Certificate needs RootCAs to check the peers' certificates")
	case c.Processes > 1 && modes == 0:
		return errors.New("cluster config: several processes need a Secret, a Certificate, or Insecure")
	}
	if c.ConnectTimeout < 0 || c.HandshakeTimeout < 0 || c.CloseTimeout < 0 {
		return errors.New("cluster config: negative timeout")
	}
	if c.SendBuffer < 0 || c.ReceiveBuffer < 0 {
		return errors.New("cluster config: negative buffer size")
	}
	return nil
}

// ConnectPeers forms the cluster from this process's side: it listens on
// Addresses[Index] (or uses Listener), dials every process of a lower
// index, retrying every 1 to 25 ms until it listens, accepts every process
// of a higher index, and runs the handshake on each connection. It returns
// one connection per process (nil at Index), ready for NewMesh, or the
// first error: a peer that runs another program, another protocol
// version, has another secret or does not fit the cluster (these stop it
// at once), or peers that did not come within ConnectTimeout (one line
// per peer, each a *PeerError wrapping ErrConnectTimeout, with the last
// dial error or the last rejected connection), or ctx's error.
// Connections that fail the handshake before proving the secret are
// dropped and do not stop it.
func ConnectPeers(ctx context.Context, cfg ClusterConfig) ([]net.Conn, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.WithDefaults()
	if cfg.Processes == 1 {
		if cfg.Listener != nil {
			cfg.Listener.Close()
		}
		return []net.Conn{nil}, nil
	}
	ln := cfg.Listener
	if ln == nil {
		var err error
		ln, err = net.Listen("tcp", cfg.Addresses[cfg.Index])
		if err != nil {
			return nil, fmt.Errorf("process %d cannot listen on %s: %v", cfg.Index, cfg.Addresses[cfg.Index], err)
		}
	}
	sec, err := newNetSecurity(cfg)
	if err != nil {
		ln.Close()
		return nil, err
	}
	f := &former{cfg: cfg, sec: sec, ln: ln, results: make(chan formed), inflight: make(map[net.Conn]bool)}
	return f.run(ctx)
}

// former forms the cluster for ConnectPeers.
type former struct {
	cfg     ClusterConfig
	sec     *netSecurity
	ln      net.Listener
	parent  context.Context
	ctx     context.Context
	results chan formed
	wg      sync.WaitGroup

	mu       sync.Mutex
	inflight map[net.Conn]bool // connections in a handshake
	lastDial map[int]error     // per peer to dial: the last failure
	rejected error             // the last connection dropped in the handshake
}

// formed is the outcome of one dial or accept: a connection to peer, or
// a fatal error.
type formed struct {
	peer int
	conn net.Conn
	err  error
}

func (f *former) run(parent context.Context) ([]net.Conn, error) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(parent, f.cfg.ConnectTimeout)
	f.parent, f.ctx = parent, ctx
	f.lastDial = make(map[int]error)
	conns := make([]net.Conn, f.cfg.Processes)
	for q := 0; q < f.cfg.Index; q++ {
		f.wg.Add(1)
		go f.dial(q)
	}
	if f.cfg.Index < f.cfg.Processes-1 {
		f.wg.Add(1)
		go f.accept()
	}
	missing := f.cfg.Processes - 1
	var err error
	for missing > 0 && err == nil {
		select {
		case r := <-f.results:
			switch {
			case r.err != nil:
				err = r.err
			case conns[r.peer] != nil: // a dialer retried after a timeout: keep the new one
				conns[r.peer].Close()
				conns[r.peer] = r.conn
			default:
				conns[r.peer] = r.conn
				missing--
			}
		case <-ctx.Done():
			err = f.timeoutError(conns, start)
		}
	}
	cancel()
	f.ln.Close()
	f.mu.Lock()
	for c := range f.inflight {
		c.Close()
	}
	f.mu.Unlock()
	f.wg.Wait()
	if err != nil {
		for _, c := range conns {
			if c != nil {
				c.Close()
			}
		}
		return nil, err
	}
	return conns, nil
}

// timeoutError describes the peers missing when the time is up.
func (f *former) timeoutError(conns []net.Conn, start time.Time) error {
	if err := f.parent.Err(); err != nil {
		return fmt.Errorf("process %d: cluster formation: %w", f.cfg.Index, err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var errs []error
	waited := time.Since(start).Round(time.Millisecond)
	for q, c := range conns {
		if q == f.cfg.Index || c != nil {
			continue
		}
		msg := fmt.Sprintf("did not come within %v", waited)
		if q < f.cfg.Index {
			if e := f.lastDial[q]; e != nil {
				msg += fmt.Sprintf(" (last attempt: %v)", e)
			}
		} else if f.rejected != nil {
			msg += fmt.Sprintf(" (a connection was rejected: %v)", f.rejected)
		}
		errs = append(errs, &PeerError{Process: q, Addr: f.cfg.Addresses[q], Err: wireErrorf(ErrConnectTimeout, "%s", msg)})
	}
	return errors.Join(errs...)
}

// report hands a result to run, or closes the connection when run is
// gone.
func (f *former) report(r formed) {
	select {
	case f.results <- r:
	case <-f.ctx.Done():
		if r.conn != nil {
			r.conn.Close()
		}
	}
}

// track adds c to the connections in a handshake (which run closes when
// it is done), or removes it; it reports false when run is done.
func (f *former) track(c net.Conn, add bool) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !add {
		delete(f.inflight, c)
		return true
	}
	if f.ctx.Err() != nil {
		return false
	}
	f.inflight[c] = true
	return true
}

// handshakeDeadline bounds one handshake.
func (f *former) handshakeDeadline() time.Time {
	d := time.Now().Add(f.cfg.HandshakeTimeout)
	if dl, ok := f.ctx.Deadline(); ok && dl.Before(d) {
		d = dl
	}
	return d
}

// dial connects to process q, retrying until it answers or the time is
// up.
func (f *former) dial(q int) {
	defer f.wg.Done()
	addr := f.cfg.Addresses[q]
	backoff := dialBackoffMin
	var d net.Dialer
	for {
		conn, err := d.DialContext(f.ctx, "tcp", addr)
		if err == nil {
			if !f.track(conn, true) {
				conn.Close()
				return
			}
			conn.SetDeadline(f.handshakeDeadline())
			var sc net.Conn
			sc, err = f.sec.client(conn, addr)
			if err != nil {
				err = &PeerError{Process: q, Addr: addr, Err: err}
			} else {
				err = DialHandshake(sc, f.cfg.identity(), q, addr)
			}
			f.track(conn, false)
			if err == nil {
				conn.SetDeadline(time.Time{})
				f.report(formed{peer: q, conn: sc})
				return
			}
			conn.Close()
			if dialFatal(err) {
				f.report(formed{err: err})
				return
			}
		}
		if f.ctx.Err() != nil {
			return
		}
		f.mu.Lock()
		f.lastDial[q] = err
		f.mu.Unlock()
		select {
		case <-time.After(backoff):
		case <-f.ctx.Done():
			return
		}
		backoff = min(2*backoff, dialBackoffMax)
	}
}

// accept takes connections until run is done, and runs the handshake of
// each on a goroutine of its own.
func (f *former) accept() {
	defer f.wg.Done()
	for {
		conn, err := f.ln.Accept()
		if err != nil {
			if f.ctx.Err() == nil && !errors.Is(err, net.ErrClosed) {
				f.report(formed{err: fmt.Errorf("process %d cannot accept connections on %s: %v", f.cfg.Index, f.ln.Addr(), err)})
			}
			return
		}
		if !f.track(conn, true) {
			conn.Close()
			return
		}
		f.wg.Add(1)
		go f.acceptOne(conn)
	}
}

// acceptOne runs the handshake on an accepted connection. A connection
// that fails before it authenticated is dropped, unless it is a tdc
// process with other credentials or without TLS; a peer that
// authenticated (or any peer, when insecure) and does not fit ends the
// formation.
func (f *former) acceptOne(conn net.Conn) {
	defer f.wg.Done()
	conn.SetDeadline(f.handshakeDeadline())
	from := conn.RemoteAddr().String()
	q := -1
	rw, sc, err := f.sec.server(conn)
	if err != nil {
		var we *wireError
		if f.sec.base != nil && errors.As(err, &we) && we.fatal && !f.fromPeerHost(conn) {
			// A stranger with other credentials does not stop us.
			err = wireErrorf(we.kind, "%s", we.msg)
		}
		err = &PeerError{Process: -1, Addr: from, Err: err}
	} else {
		q, err = AcceptHandshake(rw, f.cfg.identity(), from)
	}
	f.track(conn, false)
	if err == nil && q < f.cfg.Index {
		err = &PeerError{Process: q, Addr: from, Err: mismatchf("dialed this process, but process %d dials the lower processes itself", f.cfg.Index)}
	}
	if err != nil {
		conn.Close()
		if acceptFatal(err) {
			f.report(formed{err: err})
			return
		}
		f.mu.Lock()
		f.rejected = err
		f.mu.Unlock()
		return
	}
	conn.SetDeadline(time.Time{})
	f.report(formed{peer: q, conn: sc})
}

// fromPeerHost reports whether conn comes from the host of a process
// that dials this one. A TLS handshake that fails for other credentials
// ends the formation only then: it is that process, misconfigured (it
// fails at once too, and both report it), or someone on its host or on
// the path between, who could cut the connections anyway. A connection
// from elsewhere that fails is dropped, so that strangers who reach the
// port cannot stop the formation.
func (f *former) fromPeerHost(conn net.Conn) bool {
	ta, ok := conn.RemoteAddr().(*net.TCPAddr)
	if !ok {
		return false
	}
	for q := f.cfg.Index + 1; q < f.cfg.Processes; q++ {
		host, _, err := net.SplitHostPort(f.cfg.Addresses[q])
		if err != nil {
			continue
		}
		ips, err := net.DefaultResolver.LookupIPAddr(f.ctx, host)
		if err != nil {
			continue
		}
		for _, ip := range ips {
			if ip.IP.Equal(ta.IP) {
				return true
			}
		}
	}
	return false
}

// dialFatal reports whether a handshake error of a dialed connection
// rules out retrying.
func dialFatal(err error) bool {
	var we *wireError
	return errors.Is(err, ErrBadMagic) || errors.Is(err, ErrVersion) || errors.Is(err, ErrFingerprint) ||
		errors.Is(err, ErrSecret) || errors.As(err, &we) && we.fatal
}

// acceptFatal reports whether a handshake error of an accepted
// connection ends the formation: a peer of this program that does not
// fit, or a tdc process whose credentials differ. With TLS, only peers
// that authenticated get to the tdc handshake; without, any peer does.
func acceptFatal(err error) bool {
	var we *wireError
	return errors.Is(err, ErrFingerprint) || errors.As(err, &we) && we.fatal || errors.Is(err, ErrVersion)
}
