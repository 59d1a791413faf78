package tdnet

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// netSendFrame sends f with s, in one of the ways a producer may: in place
// with a good hint, outgrowing a small hint, or by WriteFrame, and then
// writing it itself.
func netSendFrame(s *Sender, f netTestFrame, way int) error {
	switch way % 4 {
	case 3:
		if err := s.WriteFrame(f.h, f.payload); err != nil {
			return err
		}
		return s.Flush()
	case 0:
		buf, err := s.Begin(f.h, len(f.payload))
		if err != nil {
			return err
		}
		return s.End(append(buf, f.payload...))
	case 1:
		buf, err := s.Begin(f.h, 0)
		if err != nil {
			return err
		}
		for i := 0; i < len(f.payload); i += 1000 {
			buf = append(buf, f.payload[i:min(i+1000, len(f.payload))]...)
		}
		return s.End(buf)
	default:
		return s.WriteFrame(f.h, f.payload)
	}
}

func TestNetSendRoundTrip(t *testing.T) {
	a, b := netTCPPair(t)
	s := NewSender(a, SenderConfig{Peer: 1, SendBuffer: 1})
	writeErr := make(chan error, 1)
	go func() { writeErr <- s.WriteLoop() }()

	const producers = 4
	rng := rand.New(rand.NewPCG(9, 9))
	sent := make([][]netTestFrame, producers)
	for p := range sent {
		sent[p] = netRandomFrames(rng, 150, p == 0)
		for i := range sent[p] {
			sent[p][i].h.SetAux(uint32(p)) // aux: the producer
		}
	}
	var wg sync.WaitGroup
	for p := range producers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, f := range sent[p] {
				if err := netSendFrame(s, f, i); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	var got []netTestFrame
	var readErr error
	netWithin(t, 10*time.Second, func() {
		done := make(chan struct{})
		go func() {
			defer close(done)
			got, readErr = netReadAllFrames(b, ReaderConfig{Peer: 0})
		}()
		wg.Wait()
		require.NoError(t, s.Goodbye())
		require.NoError(t, <-writeErr)
		<-done
	})
	require.NoError(t, readErr)
	// Each producer's frames arrive in its order.
	per := make([][]netTestFrame, producers)
	for _, f := range got {
		per[f.h.Aux()] = append(per[f.h.Aux()], f)
	}
	for p := range producers {
		netRequireSameFrames(t, sent[p], per[p])
	}
	_, err := s.Begin(NewFrameHeader(FrameData, 0, 0, 0), 1)
	assert.ErrorIs(t, err, ErrNetClosed)
}

func TestNetSendAllocatesNothing(t *testing.T) {
	a, b := netTCPPair(t)
	s := NewSender(a, SenderConfig{Peer: 1})
	go s.WriteLoop()
	fr := NewFrameReader(b, ReaderConfig{Peer: 0})
	var received atomic.Int64
	go fr.ReadLoop(func(f Frame) error {
		received.Add(1)
		f.Release()
		return nil
	})
	payload := bytes.Repeat([]byte("x"), 1000)
	h := NewFrameHeader(FrameData, 1, 2, 3)
	send := func() {
		buf, err := s.Begin(h, len(payload))
		if err != nil {
			t.Fatal(err)
		}
		buf = append(buf, payload...)
		if err := s.End(buf); err != nil {
			t.Fatal(err)
		}
	}
	for range 5000 {
		send()
	}
	assert.Zero(t, testing.AllocsPerRun(5000, send), "allocations per frame, sender, writer and reader together")
	s.Fail(errors.New("done"), "")
	a.Close()
	b.Close()
	assert.Positive(t, received.Load())
}

// TestNetSendFlush checks that Flush writes the committed frames on the
// producer's goroutine: with no WriteLoop running they arrive all the
// same, in order, and a frame committed without Flush waits.
func TestNetSendFlush(t *testing.T) {
	a, b := netTCPPair(t)
	s := NewSender(a, SenderConfig{Peer: 1})
	got := make(chan uint32, 10)
	fr := NewFrameReader(b, ReaderConfig{Peer: 0})
	go fr.ReadLoop(func(f Frame) error {
		got <- f.Header.Aux()
		f.Release()
		return nil
	})
	frame := func(aux uint32) {
		h := NewFrameHeader(FrameData, 1, 2, 3)
		h.SetAux(aux)
		require.NoError(t, s.WriteFrame(h, []byte("payload")))
	}
	frame(1)
	frame(2)
	require.NoError(t, s.Flush())
	frame(3) // not flushed: it waits for a writer
	netWithin(t, 5*time.Second, func() {
		assert.Equal(t, uint32(1), <-got)
		assert.Equal(t, uint32(2), <-got)
	})
	select {
	case aux := <-got:
		t.Fatalf("frame %d arrived without a write", aux)
	case <-time.After(50 * time.Millisecond):
	}
	require.NoError(t, s.Flush())
	netWithin(t, 5*time.Second, func() { assert.Equal(t, uint32(3), <-got) })
	s.Fail(errors.New("done"), "")
	a.Close()
	b.Close()
}

// TestNetSendFlushError checks that a failed Flush fails the sender, and
// that no error frame follows a failed write.
func TestNetSendFlushError(t *testing.T) {
	w := &netFailingWriter{}
	s := NewSender(w, SenderConfig{Peer: 1, Addr: "peer:1"})
	require.NoError(t, s.WriteFrame(NewFrameHeader(FrameData, 1, 2, 3), []byte("payload")))
	err := s.Flush()
	assert.ErrorIs(t, err, ErrPeerClosed)
	_, err = s.Begin(NewFrameHeader(FrameData, 0, 0, 0), 1)
	assert.ErrorIs(t, err, ErrPeerClosed)
	s.Fail(errors.New("later"), "tell the peer")
	assert.ErrorIs(t, s.WriteLoop(), ErrPeerClosed)
	assert.False(t, s.told.Load(), "no error frame after a failed write")
	assert.Equal(t, 1, w.writes, "the failed write only")
}

// TestNetSendNoErrorFrameAfterBrokenWrite checks that a sender failed
// while a write is under way, a write that then fails in the middle of a
// frame, sends no error frame after it: the peer would read it as the
// rest of the broken frame.
func TestNetSendNoErrorFrameAfterBrokenWrite(t *testing.T) {
	w := &netFailingWriter{wait: make(chan struct{}), entered: make(chan struct{}, 1)}
	s := NewSender(w, SenderConfig{Peer: 1, Addr: "peer:1"})
	require.NoError(t, s.WriteFrame(NewFrameHeader(FrameData, 1, 2, 3), []byte("payload")))
	flushed := make(chan error, 1)
	go func() { flushed <- s.Flush() }()
	netWithin(t, 5*time.Second, func() { <-w.entered })
	s.Fail(errors.New("another peer failed"), "tell the peer")
	close(w.wait) // the write now fails, half done
	netWithin(t, 5*time.Second, func() {
		assert.Error(t, <-flushed)
		assert.Error(t, s.WriteLoop())
	})
	assert.False(t, s.told.Load())
	assert.Equal(t, 1, w.writes, "the failed write only")
}

// netFailingWriter fails every write, after taking part of it; with wait
// set, a write first tells entered and waits for wait to close.
type netFailingWriter struct {
	writes        int
	wait, entered chan struct{}
}

func (w *netFailingWriter) Write(p []byte) (int, error) {
	w.writes++
	if w.wait != nil {
		w.entered <- struct{}{}
		<-w.wait
	}
	return len(p) / 2, errors.New("connection reset")
}

// netBlockedWriter blocks every write until it is closed.
type netBlockedWriter struct{ closed chan struct{} }

func (w netBlockedWriter) Write(p []byte) (int, error) {
	<-w.closed
	return 0, net.ErrClosed
}

func TestNetSendBackPressure(t *testing.T) {
	w := netBlockedWriter{make(chan struct{})}
	s := NewSender(w, SenderConfig{Peer: 1, SendBuffer: 1})
	writeErr := make(chan error, 1)
	go func() { writeErr <- s.WriteLoop() }()
	payload := make([]byte, 64<<10)
	var n atomic.Int64
	prodErr := make(chan error, 1)
	go func() {
		for {
			if err := s.WriteFrame(NewFrameHeader(FrameData, 0, 0, 0), payload); err != nil {
				prodErr <- err
				return
			}
			n.Add(1)
		}
	}()
	stalled := int64(-1)
	for deadline := time.Now().Add(5 * time.Second); stalled != n.Load(); {
		require.True(t, time.Now().Before(deadline), "the producer never waits")
		stalled = n.Load()
		time.Sleep(50 * time.Millisecond)
	}
	assert.LessOrEqual(t, stalled*int64(frameSize(len(payload))), int64(2*SendSlabSize))
	assert.Greater(t, stalled, int64(10))

	// TryBegin does not wait.
	go func() {
		buf, ok, err := s.TryBegin(NewFrameHeader(FrameData, 0, 0, 0), len(payload))
		assert.Nil(t, buf)
		assert.False(t, ok)
		assert.NoError(t, err)
		prodErr <- nil
	}()
	require.NoError(t, <-prodErr)

	boom := errors.New("boom")
	s.Fail(boom, "")
	assert.Same(t, boom, <-prodErr)
	close(w.closed)
	assert.Same(t, boom, <-writeErr)
}

func TestNetSendHeartbeat(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	s := NewSender(a, SenderConfig{Peer: 1, Heartbeat: 10 * time.Millisecond})
	go s.WriteLoop()
	var h FrameHeader
	b.SetReadDeadline(time.Now().Add(2 * time.Second))
	for range 3 {
		_, err := io.ReadFull(b, h[:])
		require.NoError(t, err)
		assert.Equal(t, FramePing, h.Kind())
	}
	s.Fail(errors.New("stop"), "")
}

func TestNetSendFailTellsPeer(t *testing.T) {
	a, b := netTCPPair(t)
	s := NewSender(a, SenderConfig{Peer: 1})
	writeErr := make(chan error, 1)
	go func() { writeErr <- s.WriteLoop() }()
	require.NoError(t, s.WriteFrame(NewFrameHeader(FrameData, 5, 0, 0), []byte("data")))
	cause := errors.New("process 2 (h:2) closed the connection unexpectedly")
	time.Sleep(10 * time.Millisecond)
	s.Fail(cause, cause.Error())
	got, err := netReadAllFrames(b, ReaderConfig{Peer: 0, Addr: "h:0"})
	require.ErrorIs(t, err, ErrPeerFailed)
	assert.Equal(t, "process 0 (h:0) failed: process 2 (h:2) closed the connection unexpectedly", err.Error())
	require.Len(t, got, 1)
	assert.Same(t, cause, <-writeErr)
}

func TestNetSendErrors(t *testing.T) {
	a, b := net.Pipe()
	b.Close()
	s := NewSender(a, SenderConfig{Peer: 3, Addr: "h:3"})
	_, err := s.Begin(NewFrameHeader(FrameData, 0, 0, 0), MaxPayload+1)
	assert.ErrorIs(t, err, ErrFrameTooLarge)

	buf, err := s.Begin(NewFrameHeader(FrameData, 0, 0, 0), 10)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, cap(buf), 10)
	s.Cancel()

	buf, err = s.Begin(NewFrameHeader(FrameData, 0, 0, 0), 10)
	require.NoError(t, err)
	err = s.End(append(buf, make([]byte, MaxPayload+1)...))
	assert.ErrorIs(t, err, ErrFrameTooLarge)

	// The peer is gone: the write fails, and so does the next producer.
	require.NoError(t, s.WriteFrame(NewFrameHeader(FrameData, 0, 0, 0), []byte("lost")))
	err = s.WriteLoop()
	require.ErrorIs(t, err, ErrPeerClosed)
	assert.Equal(t, "process 3 (h:3) ended before the computation finished, or the connection to it broke (io: read/write on closed pipe)", err.Error())
	_, err = s.Begin(NewFrameHeader(FrameData, 0, 0, 0), 10)
	assert.ErrorIs(t, err, ErrPeerClosed)
}

// netSyncBuffer is a bytes.Buffer safe for concurrent use.
type netSyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (w *netSyncBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *netSyncBuffer) bytes() []byte {
	w.mu.Lock()
	defer w.mu.Unlock()
	return bytes.Clone(w.b.Bytes())
}

func TestNetSendPadsWithZeros(t *testing.T) {
	var out netSyncBuffer
	s := NewSender(&out, SenderConfig{})
	writeErr := make(chan error, 1)
	go func() { writeErr <- s.WriteLoop() }()
	// Dirty the buffer; once written, the next frame reuses its start.
	require.NoError(t, s.WriteFrame(NewFrameHeader(FrameData, 0, 0, 0), bytes.Repeat([]byte{0xff}, 64)))
	for len(out.bytes()) < 88 {
		time.Sleep(time.Millisecond)
	}
	require.NoError(t, s.WriteFrame(NewFrameHeader(FrameData, 0, 0, 0), []byte{1, 2, 3}))
	require.NoError(t, s.Goodbye())
	require.NoError(t, <-writeErr)
	b := out.bytes()[88:]
	require.Len(t, b, 32+24)
	assert.Equal(t, uint32(3), binary.LittleEndian.Uint32(b[4:]))
	assert.Equal(t, []byte{1, 2, 3, 0, 0, 0, 0, 0}, b[24:32])
	assert.Equal(t, FrameGoodbye, FrameHeader(b[32:56]).Kind())
}
