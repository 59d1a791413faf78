package tdnet

import (
	"bytes"
	"encoding/binary"
	"io"
	"math/rand/v2"
	"net"
	goruntime "runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Helpers of the network layer's tests.

// netAppendFrame appends the frame of header h (its length set to that of
// payload) and payload, padded, to dst.
func netAppendFrame(dst []byte, h FrameHeader, payload []byte) []byte {
	h.SetLength(uint32(len(payload)))
	dst = append(dst, h[:]...)
	dst = append(dst, payload...)
	for len(dst)%FrameAlign != 0 {
		dst = append(dst, 0)
	}
	return dst
}

// netTestFrame is a frame as a test sends it.
type netTestFrame struct {
	h       FrameHeader
	payload []byte
}

// netRandomFrames returns n data and progress frames with random routing and
// payloads of random sizes, a few larger than a slab when big is set.
func netRandomFrames(rng *rand.Rand, n int, big bool) []netTestFrame {
	fs := make([]netTestFrame, n)
	for i := range fs {
		kind := FrameData
		if rng.IntN(4) == 0 {
			kind = FrameProgress
		}
		target := rng.Uint32N(64)
		if rng.IntN(5) == 0 {
			target = AllWorkers
		}
		h := NewFrameHeader(kind, rng.Uint32N(100), rng.Uint32N(64), target)
		h.SetAux(rng.Uint32())
		var size int
		switch r := rng.IntN(100); {
		case r < 5:
			size = 0
		case r < 60:
			size = rng.IntN(200)
		case r < 97:
			size = rng.IntN(64 << 10)
		case big:
			size = SlabSize + rng.IntN(SlabSize)
		default:
			size = rng.IntN(SlabSize / 2)
		}
		p := make([]byte, size)
		var seed [32]byte
		binary.LittleEndian.PutUint64(seed[:], rng.Uint64())
		rand.NewChaCha8(seed).Read(p)
		fs[i] = netTestFrame{h: h, payload: p}
	}
	return fs
}

// netEncodeFrames returns the stream of fs, ended by a goodbye when bye.
func netEncodeFrames(fs []netTestFrame, bye bool) []byte {
	var b []byte
	for _, f := range fs {
		b = netAppendFrame(b, f.h, f.payload)
	}
	if bye {
		b = netAppendFrame(b, NewFrameHeader(FrameGoodbye, 0, 0, 0), nil)
	}
	return b
}

// netChunkReader returns its data in reads of random sizes from 1 to max.
type netChunkReader struct {
	data []byte
	rng  *rand.Rand
	max  int
}

func (r *netChunkReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	n := min(len(p), len(r.data), 1+r.rng.IntN(r.max))
	copy(p, r.data[:n])
	r.data = r.data[n:]
	return n, nil
}

// netReadAllFrames runs a FrameReader over r and returns copies of the
// frames it delivered, releasing each, and its error.
func netReadAllFrames(r io.Reader, cfg ReaderConfig) ([]netTestFrame, error) {
	var got []netTestFrame
	fr := NewFrameReader(r, cfg)
	err := fr.ReadLoop(func(f Frame) error {
		got = append(got, netTestFrame{h: f.Header, payload: bytes.Clone(f.Payload)})
		f.Release()
		return nil
	})
	return got, err
}

// netRequireSameFrames checks that got are the frames of want, in order.
func netRequireSameFrames(t *testing.T, want, got []netTestFrame) {
	t.Helper()
	require.Equal(t, len(want), len(got), "number of frames")
	for i := range want {
		w := want[i].h
		w.SetLength(uint32(len(want[i].payload)))
		require.Equal(t, w, got[i].h, "header of frame %d", i)
		require.True(t, bytes.Equal(want[i].payload, got[i].payload), "payload of frame %d (%d bytes, got %d)", i, len(want[i].payload), len(got[i].payload))
	}
}

// netTCPPair returns the two ends of a loopback TCP connection.
func netTCPPair(t testing.TB) (net.Conn, net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			accepted <- nil
			return
		}
		accepted <- c
	}()
	a, err := net.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	b := <-accepted
	require.NotNil(t, b)
	t.Cleanup(func() { a.Close(); b.Close() })
	return a, b
}

// netGoroutines waits, at most d, for the number of goroutines to drop to
// n, and returns the last count, with every stack when it is above n.
func netGoroutines(n int, d time.Duration) (int, string) {
	deadline := time.Now().Add(d)
	for {
		got := goruntime.NumGoroutine()
		if got <= n {
			return got, ""
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			return got, string(buf[:goruntime.Stack(buf, true)])
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// netWithin runs f and fails the test when it takes longer than d.
func netWithin(t *testing.T, d time.Duration, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(d):
		buf := make([]byte, 1<<20)
		t.Fatalf("did not finish within %v\n%s", d, buf[:goruntime.Stack(buf, true)])
	}
}
