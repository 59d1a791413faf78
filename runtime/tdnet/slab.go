package tdnet

import (
	"sync"
	"sync/atomic"
)

// Receive buffers. A FrameReader reads from its connection into large
// byte slabs and hands out each frame as a view into one (a [Frame]). A
// slab counts its references: one per view handed out and not yet
// released, plus one held by the reader while it still reads into the
// slab. When the count drops to zero the slab goes back to the reader's
// pool. The pool bounds the bytes of slabs out at once: when consumers
// hold on to views, the reader waits for a release instead of reading on,
// which stops the peer's writer by TCP flow control (back-pressure).

const (
	// SlabSize is the size of a receive slab. A frame larger than this
	// (up to MaxFrameSize) gets a buffer of its own.
	SlabSize = 1 << 20
	// DefaultReceiveBuffer is the default bound on the bytes of receive
	// slabs one peer's frames may hold at once.
	DefaultReceiveBuffer = 32 << 20
	// MinReceiveBuffer is the smallest bound allowed: one frame of the
	// largest size and a slab.
	MinReceiveBuffer = MaxFrameSize + SlabSize
	// slabKeep is the most free slabs a pool keeps for reuse.
	slabKeep = 8
)

// slab is a receive buffer shared by the frames read into it.
type slab struct {
	buf  []byte
	refs atomic.Int32
	pool *slabPool
}

// release drops one reference and returns the slab to its pool with the
// last one.
func (s *slab) release() {
	switch n := s.refs.Add(-1); {
	case n == 0:
		s.pool.put(s)
	case n < 0:
		panic("runtime: Frame released more often than retained")
	}
}

// Frame is a frame as received: its header and a view of its payload in a
// receive slab. Whoever gets a Frame owns one reference to the slab and
// must call Release exactly once when done with the payload (decode, then
// release); the payload must not be used afterwards, since the slab is
// then reused. To hand one frame to several consumers (a frame for
// AllWorkers fanned out to each worker), call Retain once per extra
// consumer; each consumer releases.
type Frame struct {
	Header  FrameHeader
	Payload []byte // FrameHeader.Length() bytes, 8-byte aligned; read only
	slab    *slab  // nil for a frame that is no view (tests)
}

// Release gives up the reference to the frame's slab.
func (f Frame) Release() {
	if f.slab != nil {
		f.slab.release()
	}
}

// Retain adds a reference to the frame's slab, to be given up by another
// Release.
func (f Frame) Retain() {
	if f.slab != nil {
		f.slab.refs.Add(1)
	}
}

// slabPool hands out slabs, keeps released ones for reuse, and bounds the
// bytes out at once.
type slabPool struct {
	mu      sync.Mutex
	free    []*slab
	out     int  // bytes of slabs and dedicated buffers out
	limit   int  // the most bytes out at once
	waiting bool // a get waits for a put
	wake    chan struct{}
	allocs  int // slabs allocated, for tests
}

func newSlabPool(limit int) *slabPool {
	return &slabPool{limit: limit, wake: make(chan struct{}, 1)}
}

// get returns a slab with refs 1 and a buffer of size bytes: SlabSize for
// a pooled slab, more for a dedicated buffer. When that would take the
// pool over its limit, it waits for slabs to come back, or for done to be
// closed, and then returns nil.
func (p *slabPool) get(size int, done <-chan struct{}) *slab {
	p.mu.Lock()
	for p.out > 0 && p.out+size > p.limit {
		p.waiting = true
		p.mu.Unlock()
		select {
		case <-p.wake:
		case <-done:
			return nil
		}
		p.mu.Lock()
	}
	p.out += size
	var s *slab
	if n := len(p.free); n > 0 && size == SlabSize {
		s = p.free[n-1]
		p.free[n-1] = nil
		p.free = p.free[:n-1]
	}
	if s == nil {
		p.allocs++
	}
	p.mu.Unlock()
	if s == nil {
		s = &slab{buf: make([]byte, size), pool: p}
	}
	s.refs.Store(1)
	return s
}

// put takes back a slab whose last reference was released.
func (p *slabPool) put(s *slab) {
	p.mu.Lock()
	p.out -= len(s.buf)
	if len(s.buf) == SlabSize && len(p.free) < slabKeep {
		p.free = append(p.free, s)
	}
	wake := p.waiting
	p.waiting = false
	p.mu.Unlock()
	if wake {
		select {
		case p.wake <- struct{}{}:
		default:
		}
	}
}

// stats returns the bytes out and the slabs allocated so far.
func (p *slabPool) stats() (out, allocs int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out, p.allocs
}
