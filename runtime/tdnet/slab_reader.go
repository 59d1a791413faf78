package tdnet

import (
	"errors"
	"io"
	"net"
	"time"
)

// ReaderConfig configures a FrameReader.
type ReaderConfig struct {
	Peer          int             // the peer's process index, for errors
	Addr          string          // the peer's address, for errors
	ReceiveBuffer int             // bound on the bytes of slabs out; DefaultReceiveBuffer when 0, at least MinReceiveBuffer
	PeerTimeout   time.Duration   // error when nothing arrives for this long; 0 for never
	Done          <-chan struct{} // closing it ends a wait for a free slab
	Stats         *PeerStats      // counts what arrives, when not nil
}

// FrameReader reads the frames a peer sends on one connection into
// receive slabs (see [Frame]). Create it with NewFrameReader and run
// ReadLoop on one goroutine.
type FrameReader struct {
	r    io.Reader
	cfg  ReaderConfig
	pool *slabPool

	cur      *slab // the slab read into; the reader holds one reference
	pos, end int   // cur.buf[pos:end] is read and not yet parsed
	offset   int64 // stream offset of cur.buf[pos]

	deadline interface{ SetReadDeadline(time.Time) error }
	armed    time.Time // when the read deadline was last set
}

// minReadSpace is the least free space at the end of a slab the reader
// reads into, when the slab is empty, before it moves to a fresh slab.
const minReadSpace = 64 << 10

// NewFrameReader returns a reader of the frames arriving on r. When r has
// a SetReadDeadline method (a net.Conn) and cfg.PeerTimeout is set, a peer
// that sends nothing, not even a heartbeat, for PeerTimeout is reported.
func NewFrameReader(r io.Reader, cfg ReaderConfig) *FrameReader {
	if cfg.ReceiveBuffer <= 0 {
		cfg.ReceiveBuffer = DefaultReceiveBuffer
	}
	cfg.ReceiveBuffer = max(cfg.ReceiveBuffer, MinReceiveBuffer)
	fr := &FrameReader{r: r, cfg: cfg, pool: newSlabPool(cfg.ReceiveBuffer)}
	if d, ok := r.(interface{ SetReadDeadline(time.Time) error }); ok && cfg.PeerTimeout > 0 {
		fr.deadline = d
	}
	return fr
}

// ReadLoop reads frames until the peer's goodbye, then returns nil. It
// hands every data and progress frame, in the order they arrived, to
// deliver, which owns the frame (it must Release it, also when it fails).
// Pings are skipped; an error frame ends the loop with an error wrapping
// ErrPeerFailed. Any other end is an error naming the peer: a bad header
// (ErrBadFrame, ErrFrameTooLarge), the end of the stream without a
// goodbye or inside a frame (ErrPeerClosed), silence for longer than
// PeerTimeout (ErrPeerTimeout), Done closed while waiting for a slab
// (ErrNetClosed), or the error deliver returned, unchanged. ReadLoop
// allocates nothing per frame in steady state.
func (fr *FrameReader) ReadLoop(deliver func(Frame) error) error {
	defer fr.drop()
	for {
		if bye, err := fr.step(deliver); bye || err != nil {
			return err
		}
	}
}

// step reads one frame and delivers or consumes it; bye reports the
// goodbye.
func (fr *FrameReader) step(deliver func(Frame) error) (bye bool, err error) {
	h, err := fr.header()
	if err != nil {
		return false, err
	}
	f, err := fr.frame(h)
	if err != nil {
		return false, err
	}
	if st := fr.cfg.Stats; st != nil {
		st.ReceivedFrames.Add(1)
		st.ReceivedBytes.Add(int64(h.FrameSize()))
		if h.Kind() == FramePing {
			st.ReceivedHeartbeats.Add(1)
		}
	}
	switch h.Kind() {
	case FramePing:
		f.Release()
		return false, nil
	case FrameGoodbye:
		f.Release()
		return true, nil
	case FrameFailure:
		msg := sanitizePeerMessage(f.Payload)
		f.Release()
		return false, fr.fail(wireErrorf(ErrPeerFailed, "failed: %s", msg))
	}
	return false, deliver(f)
}

// fail returns err about the reader's peer.
func (fr *FrameReader) fail(err error) error {
	return &PeerError{Process: fr.cfg.Peer, Addr: fr.cfg.Addr, Err: err}
}

// header reads and checks the next frame header.
func (fr *FrameReader) header() (FrameHeader, error) {
	if err := fr.fill(FrameHeaderSize, true); err != nil {
		return FrameHeader{}, err
	}
	h := FrameHeader(fr.cur.buf[fr.pos : fr.pos+FrameHeaderSize])
	if err := h.Validate(); err != nil {
		var we *wireError
		errors.As(err, &we)
		return h, fr.fail(wireErrorf(we.kind, "sent a bad frame at byte %d: %s", fr.offset, we.msg))
	}
	return h, nil
}

// frame reads the rest of the frame of header h and returns it with one
// reference to its slab.
func (fr *FrameReader) frame(h FrameHeader) (Frame, error) {
	size := h.FrameSize()
	if size > SlabSize {
		return fr.dedicated(h, size)
	}
	if err := fr.fill(size, false); err != nil {
		return Frame{}, err
	}
	s := fr.cur
	start := fr.pos + FrameHeaderSize
	f := Frame{Header: h, Payload: s.buf[start : start+int(h.Length()) : start+int(h.Length())], slab: s}
	s.refs.Add(1)
	fr.pos += size
	fr.offset += int64(size)
	return f, nil
}

// dedicated reads a frame larger than a slab into a buffer of its own.
// What is buffered belongs to the frame, since it is less than a slab.
func (fr *FrameReader) dedicated(h FrameHeader, size int) (Frame, error) {
	d := fr.pool.get(size, fr.cfg.Done)
	if d == nil {
		return Frame{}, fr.fail(ErrNetClosed)
	}
	n := copy(d.buf, fr.cur.buf[fr.pos:fr.end])
	fr.pos = fr.end
	for n < size {
		m, err := fr.read(d.buf[n:])
		n += m
		if err != nil && n < size {
			d.release()
			return Frame{}, fr.readError(err, n)
		}
	}
	fr.offset += int64(size)
	l := int(h.Length())
	return Frame{Header: h, Payload: d.buf[FrameHeaderSize : FrameHeaderSize+l : FrameHeaderSize+l], slab: d}, nil
}

// fill makes sure cur.buf[pos:end] holds at least n bytes, n <= SlabSize,
// moving what is buffered to a fresh slab when the frame would not fit in
// this one. atBoundary says pos is at a frame boundary, for the message
// when the stream ends.
func (fr *FrameReader) fill(n int, atBoundary bool) error {
	if fr.end-fr.pos >= n {
		return nil
	}
	if fr.cur != nil && fr.pos == fr.end && fr.cur.refs.Load() == 1 {
		fr.pos, fr.end = 0, 0 // nothing buffered and no views out: rewind
	}
	if fr.cur == nil || fr.pos+n > len(fr.cur.buf) || fr.pos == fr.end && len(fr.cur.buf)-fr.end < minReadSpace {
		if err := fr.next(); err != nil {
			return err
		}
	}
	for fr.end-fr.pos < n {
		m, err := fr.read(fr.cur.buf[fr.end:])
		fr.end += m
		if err != nil && fr.end-fr.pos < n {
			got := fr.end - fr.pos
			if atBoundary && got == 0 {
				got = -1
			}
			return fr.readError(err, got)
		}
	}
	return nil
}

// next moves the reader to an empty slab: the current one rewound when
// no view into it is out, else a fresh one, to which the unparsed bytes
// are moved.
func (fr *FrameReader) next() error {
	if fr.cur != nil && fr.cur.refs.Load() == 1 {
		// No views out: reuse the slab from its start.
		fr.end = copy(fr.cur.buf, fr.cur.buf[fr.pos:fr.end])
		fr.pos = 0
		return nil
	}
	s := fr.pool.get(SlabSize, fr.cfg.Done)
	if s == nil {
		return fr.fail(ErrNetClosed)
	}
	if old := fr.cur; old != nil {
		fr.end = copy(s.buf, old.buf[fr.pos:fr.end])
		old.release()
	}
	fr.cur, fr.pos = s, 0
	return nil
}

// read reads into p, setting the read deadline first when the peer has a
// timeout. It fails with io.ErrNoProgress after many empty reads.
func (fr *FrameReader) read(p []byte) (int, error) {
	if fr.deadline != nil {
		now := time.Now()
		if now.Sub(fr.armed) > fr.cfg.PeerTimeout/8 {
			if err := fr.deadline.SetReadDeadline(now.Add(fr.cfg.PeerTimeout)); err != nil {
				return 0, err
			}
			fr.armed = now
		}
	}
	for range 100 {
		n, err := fr.r.Read(p)
		if n > 0 || err != nil {
			return n, err
		}
	}
	return 0, io.ErrNoProgress
}

// readError turns the failure of a read into an error about the peer;
// got is the bytes of the frame read so far, or -1 at a frame boundary.
func (fr *FrameReader) readError(err error, got int) error {
	var ne net.Error
	switch {
	case got >= 0 && (errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)):
		return fr.fail(wireErrorf(ErrPeerClosed, "ended before the computation finished: it closed the connection in the middle of a frame (after %d bytes of it, at byte %d)", got, fr.offset))
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return fr.fail(wireErrorf(ErrPeerClosed, "ended before the computation finished: it closed the connection without a goodbye"))
	case errors.As(err, &ne) && ne.Timeout() && fr.deadline != nil:
		return fr.fail(wireErrorf(ErrPeerTimeout, "sent nothing for %v (no heartbeat either)", fr.cfg.PeerTimeout))
	case isTLSAlert(err):
		return fr.fail(wireErrorf(ErrTLS, "broke the TLS session at byte %d: %v (data tampered with or corrupted in transit?)", fr.offset, err))
	case errors.Is(err, net.ErrClosed):
		return fr.fail(wireErrorf(ErrNetClosed, "connection closed by this process: %v", err))
	}
	return fr.fail(wireErrorf(ErrPeerClosed, "ended before the computation finished, or the connection to it broke (%v)", err))
}

// drop releases the reader's reference to its slab.
func (fr *FrameReader) drop() {
	if fr.cur != nil {
		fr.cur.release()
		fr.cur = nil
	}
}
