package tdnet

import (
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// The send side of a connection. Producers (operators on worker
// goroutines) serialize frames straight into the send buffers of a
// [Sender]; its writer goroutine (WriteLoop) writes what was committed with
// vectored writes. Buffers are SendSlabSize bytes, pooled; their number is
// bounded by SenderConfig.SendBuffer, and a producer that finds them all
// full waits until the writer has written one (back-pressure).
//
// A producer that has committed frames a peer waits for (the last of a
// batch of work) may write them itself with [Sender.Flush] instead of
// waiting for the writer goroutine to be scheduled: a goroutine woken by
// another that keeps running waits for a free processor, tens of
// microseconds or, when every processor is busy, until the waker blocks.
// One write is under way at a time (wmu), whoever makes it.

const (
	// SendSlabSize is the size of a send buffer. A frame larger than
	// this gets a buffer of its own.
	SendSlabSize = 1 << 20
	// DefaultSendBuffer is the default bound on the bytes of send buffers
	// of one peer.
	DefaultSendBuffer = 4 << 20
	// DefaultHeartbeat is the default interval of pings an idle writer
	// sends.
	DefaultHeartbeat = 500 * time.Millisecond
)

// SenderConfig configures a Sender.
type SenderConfig struct {
	Peer       int           // the peer's process index, for errors
	Addr       string        // the peer's address, for errors
	SendBuffer int           // bound on the bytes buffered; DefaultSendBuffer when 0, at least 2*SendSlabSize
	Heartbeat  time.Duration // ping after this long without a write; 0 for no pings
	Stats      *PeerStats    // counts what is sent, when not nil
}

// sendBuf is a send buffer. buf[:sent] was written, buf[sent:fill] is
// committed and waits for the writer, which is writing buf[sent:taking].
type sendBuf struct {
	buf                []byte
	sent, taking, fill int
	pooled             bool
}

// Sender is the send side of the connection to one peer. Any goroutine
// may produce frames with Begin and End (or WriteFrame); producers take
// turns, one frame at a time. One goroutine runs WriteLoop.
//
// Producing a frame in place:
//
//	buf, err := s.Begin(NewFrameHeader(FrameData, ch, src, dst), 4096)
//	if err != nil { ... }           // the mesh failed or closed
//	buf = appendRecords(buf, recs)  // no allocation while within cap(buf)
//	err = s.End(buf)
type Sender struct {
	w   io.Writer
	cfg SenderConfig

	// wmu is held by whoever writes to w: WriteLoop, or a producer in
	// Flush. iov and nb belong to its holder.
	wmu sync.Mutex

	mu       sync.Mutex
	space    sync.Cond  // broadcast when buffers were written, a frame ended, or on failure
	queue    []*sendBuf // in write order; cur, when not nil, is the last
	cur      *sendBuf   // the buffer frames are added to
	free     []*sendBuf
	queued   int  // bytes of the buffers in queue
	open     bool // a producer is between Begin and End; others wait
	resBuf   *sendBuf
	resStart int
	closing  bool   // the goodbye is queued
	err      error  // set on failure: no more frames
	tell     string // reason to send the peer in an error frame
	idle     bool   // the writer waits for wake
	wake     chan struct{}

	iov    [][]byte    // backing array of nb
	nb     net.Buffers // what the writer writes now
	ping   FrameHeader
	wrote  bool        // frames were written since the last heartbeat tick; guarded by mu
	broken bool        // a write failed: the stream may end inside a frame; guarded by mu
	told   atomic.Bool // the error frame was written
}

// NewSender returns a sender that writes to w, which must be safe to write
// from the goroutine of WriteLoop and from those of producers that call
// Flush (one at a time; a net.Conn or a tls.Conn is).
func NewSender(w io.Writer, cfg SenderConfig) *Sender {
	if cfg.SendBuffer <= 0 {
		cfg.SendBuffer = DefaultSendBuffer
	}
	cfg.SendBuffer = max(cfg.SendBuffer, 2*SendSlabSize)
	s := &Sender{w: w, cfg: cfg, wake: make(chan struct{}, 1), ping: NewFrameHeader(FramePing, 0, 0, 0)}
	s.space.L = &s.mu
	return s
}

// Begin starts a frame with header h (its length is set by End) and
// returns where to put its payload: an empty slice with a capacity of at
// least hint bytes (at least 8), inside the send buffer. Appending within
// the capacity writes in place; a payload that outgrows it still works,
// at the cost of a copy. Until End or Cancel, other producers wait. Begin
// waits while the send buffers are full, and fails when the sender failed
// or said goodbye (ErrNetClosed, or the failure's error); on error there
// is no frame to end.
func (s *Sender) Begin(h FrameHeader, hint int) ([]byte, error) {
	buf, _, err := s.begin(h, hint, true)
	return buf, err
}

// TryBegin is Begin that does not wait for space: when the send buffers
// are full it returns ok false, and there is no frame to end. (It waits
// for a producer between Begin and End.) A worker that must not
// block (it holds frames that the peer's progress depends on) uses it and
// tries again later.
func (s *Sender) TryBegin(h FrameHeader, hint int) (buf []byte, ok bool, err error) {
	return s.begin(h, hint, false)
}

func (s *Sender) begin(h FrameHeader, hint int, wait bool) ([]byte, bool, error) {
	if hint < 0 || hint > MaxPayload {
		return nil, false, wireErrorf(ErrFrameTooLarge, "a frame of %d bytes is over the limit of %d", hint, MaxPayload)
	}
	s.mu.Lock()
	b, err := s.room(frameSize(max(hint, 1)), wait)
	if b == nil {
		s.mu.Unlock()
		return nil, false, err
	}
	s.open, s.resBuf, s.resStart = true, b, b.fill
	s.mu.Unlock()
	h.SetLength(0)
	copy(b.buf[b.fill:], h[:])
	start := b.fill + FrameHeaderSize
	end := min(len(b.buf), start+MaxPayload)
	return b.buf[start:start:end], true, nil
}

// End commits the frame begun with Begin; payload is the slice Begin
// returned, appended to. The writer then sends it soon. It fails with
// ErrFrameTooLarge when the payload is over MaxPayload (the frame is
// dropped), or when the sender failed meanwhile.
func (s *Sender) End(payload []byte) error {
	b, start, n := s.resBuf, s.resStart, len(payload)
	if n > MaxPayload {
		s.Cancel()
		return wireErrorf(ErrFrameTooLarge, "a frame of %d bytes is over the limit of %d", n, MaxPayload)
	}
	if cap(payload) == 0 || &payload[:1][0] != &b.buf[start+FrameHeaderSize] {
		return s.endCopy(FrameHeader(b.buf[start:start+FrameHeaderSize]), payload)
	}
	size := frameSize(n)
	clear(b.buf[start+FrameHeaderSize+n : start+size])
	h := (*FrameHeader)(b.buf[start : start+FrameHeaderSize])
	h.SetLength(uint32(n))
	s.mu.Lock()
	defer s.mu.Unlock()
	s.endFrame()
	if s.err != nil {
		return s.err
	}
	b.fill = start + size
	s.signal()
	s.countFrame()
	return nil
}

// countFrame counts a committed frame.
func (s *Sender) countFrame() {
	if s.cfg.Stats != nil {
		s.cfg.Stats.SentFrames.Add(1)
	}
}

// endFrame ends the reservation of the producer between Begin and End
// and lets the next producer go. Called with mu held.
func (s *Sender) endFrame() {
	s.open, s.resBuf = false, nil
	s.space.Broadcast()
}

// endCopy commits a frame whose payload is not in place.
func (s *Sender) endCopy(h FrameHeader, payload []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.endFrame() // the frame goes where there is room
	b, err := s.room(frameSize(len(payload)), true)
	if err != nil {
		return err
	}
	h.SetLength(uint32(len(payload)))
	copy(b.buf[b.fill:], h[:])
	n := copy(b.buf[b.fill+FrameHeaderSize:], payload)
	size := frameSize(n)
	clear(b.buf[b.fill+FrameHeaderSize+n : b.fill+size])
	b.fill += size
	s.signal()
	s.countFrame()
	return nil
}

// Cancel drops the frame begun with Begin.
func (s *Sender) Cancel() {
	s.mu.Lock()
	s.endFrame()
	s.mu.Unlock()
}

// WriteFrame sends a frame with header h and a copy of payload.
func (s *Sender) WriteFrame(h FrameHeader, payload []byte) error {
	buf, err := s.Begin(h, len(payload))
	if err != nil {
		return err
	}
	return s.End(append(buf, payload...))
}

// Goodbye queues the goodbye frame, after which the sender takes no more
// frames and WriteLoop returns nil once everything is written.
func (s *Sender) Goodbye() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := s.room(FrameHeaderSize, true)
	if err != nil {
		return err
	}
	h := NewFrameHeader(FrameGoodbye, 0, 0, 0)
	copy(b.buf[b.fill:], h[:])
	b.fill += FrameHeaderSize
	s.closing = true
	s.signal()
	s.countFrame()
	return nil
}

// Fail ends the sender with err: waiting and later producers get err, and
// what is buffered is dropped. When tell is not empty, WriteLoop sends it
// to the peer in an error frame first, if the stream is at a frame
// boundary (the caller bounds that write with a write deadline). Only the
// first failure counts.
func (s *Sender) Fail(err error, tell string) {
	s.mu.Lock()
	if s.err == nil {
		s.err, s.tell = err, tell
	}
	s.space.Broadcast()
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// room returns the buffer to add a frame of size bytes to: the current one
// when it has the room, else a fresh one, waiting for one while the
// buffers are full, or returning nil and no error when wait is false. It
// first waits for a producer between Begin and End, which is quick.
// Called with mu held.
func (s *Sender) room(size int, wait bool) (*sendBuf, error) {
	for {
		if s.err != nil {
			return nil, s.err
		}
		if s.closing {
			return nil, ErrNetClosed
		}
		if s.open {
			s.space.Wait()
			continue
		}
		if b := s.cur; b != nil {
			if len(b.buf)-b.fill >= size {
				return b, nil
			}
			s.cur = nil
			if b.sent == b.fill { // written out: recycle now
				s.queue = s.queue[:len(s.queue)-1]
				s.recycle(b)
			}
		}
		bufSize := max(SendSlabSize, size)
		if s.queued > 0 && s.queued+bufSize > s.cfg.SendBuffer {
			if !wait {
				return nil, nil
			}
			s.space.Wait()
			continue
		}
		var b *sendBuf
		if n := len(s.free); n > 0 && bufSize == SendSlabSize {
			b = s.free[n-1]
			s.free = s.free[:n-1]
		} else {
			b = &sendBuf{buf: make([]byte, bufSize), pooled: bufSize == SendSlabSize}
		}
		s.queue = append(s.queue, b)
		s.queued += len(b.buf)
		s.cur = b
	}
}

// recycle takes back a written buffer that left the queue.
func (s *Sender) recycle(b *sendBuf) {
	s.queued -= len(b.buf)
	if b.pooled {
		b.sent, b.taking, b.fill = 0, 0, 0
		s.free = append(s.free, b)
	}
}

// signal wakes the writer when it waits. Called with mu held.
func (s *Sender) signal() {
	if s.idle {
		s.idle = false
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}
}

// WriteLoop writes committed frames until the goodbye is written (then it
// returns nil) or the sender fails. When the sender fails by Fail, it
// returns that error; when a write fails, it fails the sender with an
// error naming the peer (ErrPeerClosed, or ErrNetClosed when this process
// closed the connection) and returns it. An idle writer sends a ping
// every Heartbeat.
func (s *Sender) WriteLoop() error {
	var tick <-chan time.Time
	var timer *time.Timer
	if s.cfg.Heartbeat > 0 {
		timer = time.NewTimer(s.cfg.Heartbeat)
		defer timer.Stop()
		tick = timer.C
	}
	for {
		s.mu.Lock()
		if s.err != nil {
			return s.abort() // unlocks
		}
		if !s.pending() {
			if s.closing {
				s.mu.Unlock()
				return nil
			}
			s.idle = true
			s.mu.Unlock()
			select {
			case <-s.wake:
			case <-tick:
				if err := s.heartbeat(); err != nil {
					return err
				}
				timer.Reset(s.cfg.Heartbeat)
			}
			continue
		}
		s.mu.Unlock()
		if err := s.writeOut(true); err != nil {
			return err
		}
	}
}

// Flush writes the committed frames now, on the calling goroutine, so
// that they leave without waiting for the writer goroutine to run. When
// a write is under way already, it returns at once: that write's writer
// writes the frames next. It returns the write's error, which also fails
// the sender. Flush may block while the peer does not read, as the
// writer would.
func (s *Sender) Flush() error { return s.writeOut(false) }

// pending reports whether committed bytes are not written yet (or being
// written). Called with mu held.
func (s *Sender) pending() bool {
	for _, b := range s.queue {
		if b.sent < b.fill {
			return true
		}
	}
	return false
}

// writeOut writes what is committed, holding wmu: waiting for it when
// wait, giving up when another write is under way otherwise.
func (s *Sender) writeOut(wait bool) error {
	if wait {
		s.wmu.Lock()
	} else if !s.wmu.TryLock() {
		return nil
	}
	defer s.wmu.Unlock()
	s.mu.Lock()
	if s.err != nil || !s.collect() {
		s.mu.Unlock()
		return nil // a failure is WriteLoop's to report
	}
	s.mu.Unlock()
	var n int64
	var err error
	if bw, ok := s.w.(buffersWriter); ok {
		n, err = bw.WriteBuffers(&s.nb)
	} else {
		n, err = s.nb.WriteTo(s.w)
	}
	if s.cfg.Stats != nil {
		s.cfg.Stats.SentBytes.Add(n)
	}
	if err != nil {
		return s.writeError(err)
	}
	s.mu.Lock()
	s.written()
	s.mu.Unlock()
	return nil
}

// buffersWriter is a writer with a vectored write of its own (a TLS
// session that gathers its records, secureConn), which net.Buffers'
// WriteTo does not know of.
type buffersWriter interface {
	WriteBuffers(b *net.Buffers) (int64, error)
}

// heartbeat sends a ping unless frames were written since the last tick.
func (s *Sender) heartbeat() error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.mu.Lock()
	quiet := !s.wrote && s.err == nil
	s.wrote = false
	s.mu.Unlock()
	if !quiet {
		return nil
	}
	if _, err := s.w.Write(s.ping[:]); err != nil {
		return s.writeError(err)
	}
	if st := s.cfg.Stats; st != nil {
		st.SentHeartbeats.Add(1)
		st.SentBytes.Add(FrameHeaderSize)
	}
	return nil
}

// collect gathers the committed and unwritten bytes into nb and reports
// whether there are any. Called with mu held.
func (s *Sender) collect() bool {
	s.iov = s.iov[:0]
	for _, b := range s.queue {
		if b.sent < b.fill {
			s.iov = append(s.iov, b.buf[b.sent:b.fill])
		}
		b.taking = b.fill
	}
	s.nb = s.iov
	return len(s.iov) > 0
}

// written notes that what collect gathered was written, recycles the
// buffers written out, and wakes waiting producers. Called with mu held.
func (s *Sender) written() {
	s.wrote = true
	keep := s.queue[:0]
	for _, b := range s.queue {
		b.sent = b.taking
		switch {
		case b == s.cur:
			if b.sent == b.fill && !s.open {
				b.sent, b.taking, b.fill = 0, 0, 0 // rewind
			}
			keep = append(keep, b)
		case b.sent < b.fill:
			keep = append(keep, b)
		default:
			s.recycle(b)
		}
	}
	clear(s.queue[len(keep):])
	s.queue = keep
	s.space.Broadcast()
}

// abort drops what is buffered and tells the peer why, if asked to.
// Called with mu held; unlocks it.
func (s *Sender) abort() error {
	err, tell := s.err, s.tell
	s.tell = ""
	if s.broken {
		tell = "" // a write failed, maybe inside a frame: no frame can follow
	}
	s.mu.Unlock()
	if tell != "" {
		s.wmu.Lock()
		defer s.wmu.Unlock()
		msg := []byte(tell)
		if len(msg) > MaxErrorMessage {
			msg = msg[:MaxErrorMessage]
		}
		h := NewFrameHeader(FrameFailure, 0, 0, 0)
		h.SetLength(uint32(len(msg)))
		frame := make([]byte, frameSize(len(msg)))
		copy(frame, h[:])
		copy(frame[FrameHeaderSize:], msg)
		if _, werr := s.w.Write(frame); werr == nil {
			s.told.Store(true)
		}
	}
	return err
}

// writeError fails the sender after a failed write and returns the error.
func (s *Sender) writeError(err error) error {
	s.mu.Lock()
	s.broken = true
	if s.err != nil { // failed first; the write failed because of that
		e := s.err
		s.mu.Unlock()
		return e
	}
	s.mu.Unlock()
	var e error
	if errors.Is(err, net.ErrClosed) {
		e = wireErrorf(ErrNetClosed, "connection closed by this process: %v", err)
	} else {
		e = wireErrorf(ErrPeerClosed, "ended before the computation finished, or the connection to it broke (%v)", err)
	}
	e = &PeerError{Process: s.cfg.Peer, Addr: s.cfg.Addr, Err: e}
	s.Fail(e, "")
	return e
}
