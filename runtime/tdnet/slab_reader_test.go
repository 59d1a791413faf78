package tdnet

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFrameReaderRandomSequences(t *testing.T) {
	for seed := range uint64(12) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 42))
			fs := netRandomFrames(rng, 50+rng.IntN(300), seed%3 == 0)
			// Pings between frames are consumed by the reader.
			var stream []byte
			for _, f := range fs {
				if rng.IntN(10) == 0 {
					stream = netAppendFrame(stream, NewFrameHeader(FramePing, 0, 0, 0), nil)
				}
				stream = netAppendFrame(stream, f.h, f.payload)
			}
			stream = netAppendFrame(stream, NewFrameHeader(FrameGoodbye, 0, 0, 0), nil)
			stream = append(stream, "ignored after the goodbye"...)
			maxRead := []int{1, 7, 100, 4096, 1 << 20}[rng.IntN(5)]
			if len(stream) > 1<<20 {
				maxRead = max(maxRead, 1<<14) // keep the test quick
			}
			got, err := netReadAllFrames(&netChunkReader{data: stream, rng: rng, max: maxRead}, ReaderConfig{Peer: 3})
			require.NoError(t, err)
			netRequireSameFrames(t, fs, got)
		})
	}
}

func TestFrameReaderErrors(t *testing.T) {
	data := NewFrameHeader(FrameData, 1, 2, 3)
	good := netAppendFrame(nil, data, []byte("hello"))
	tooBig := NewFrameHeader(FrameData, 1, 2, 3)
	tooBig.SetLength(MaxPayload + 1)
	errFrame := netAppendFrame(nil, NewFrameHeader(FrameFailure, 0, 0, 0), []byte("disk full\x00"))
	for _, tc := range []struct {
		name   string
		stream []byte
		want   error
		msg    string
	}{
		{"eof without goodbye", good, ErrPeerClosed, "process 1 (h:1) ended before the computation finished: it closed the connection without a goodbye"},
		{"empty", nil, ErrPeerClosed, "process 1 (h:1) ended before the computation finished: it closed the connection without a goodbye"},
		{"truncated header", append(bytes.Clone(good), data[:10]...), ErrPeerClosed, "in the middle of a frame (after 10 bytes of it, at byte 32)"},
		{"truncated payload", good[:FrameHeaderSize+2], ErrPeerClosed, "in the middle of a frame (after 26 bytes of it, at byte 0)"},
		{"truncated large", append(netBigHeader(), make([]byte, 100)...), ErrPeerClosed, "in the middle of a frame"},
		{"bad kind", append(bytes.Clone(good), 77, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), ErrBadFrame, "process 1 (h:1) sent a bad frame at byte 32: unknown frame kind 77"},
		{"too large", append(bytes.Clone(good), tooBig[:]...), ErrFrameTooLarge, "sent a bad frame at byte 32: data frame of 16777193 bytes, over the limit"},
		{"error frame", append(bytes.Clone(good), errFrame...), ErrPeerFailed, "process 1 (h:1) failed: disk full?"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := netReadAllFrames(bytes.NewReader(tc.stream), ReaderConfig{Peer: 1, Addr: "h:1"})
			require.ErrorIs(t, err, tc.want)
			assert.Contains(t, err.Error(), tc.msg)
			var pe *PeerError
			require.True(t, errors.As(err, &pe))
			assert.Equal(t, 1, pe.Process)
			if bytes.HasPrefix(tc.stream, good) {
				require.Len(t, got, 1)
				assert.Equal(t, "hello", string(got[0].payload))
			}
		})
	}
}

// netBigHeader returns the header of a frame larger than a slab.
func netBigHeader() []byte {
	h := NewFrameHeader(FrameData, 0, 0, 0)
	h.SetLength(2 * SlabSize)
	return h[:]
}

func TestFrameReaderDeliverError(t *testing.T) {
	stream := netEncodeFrames([]netTestFrame{{h: NewFrameHeader(FrameData, 0, 0, 0), payload: []byte("x")}}, true)
	fr := NewFrameReader(bytes.NewReader(stream), ReaderConfig{})
	boom := errors.New("boom")
	err := fr.ReadLoop(func(f Frame) error { f.Release(); return boom })
	assert.Same(t, boom, err)
	out, _ := fr.pool.stats()
	assert.Zero(t, out)
}

func TestFrameReaderPeerTimeout(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	// Pings keep the reader alive; then silence ends it.
	go func() {
		ping := NewFrameHeader(FramePing, 0, 0, 0)
		for range 5 {
			time.Sleep(20 * time.Millisecond)
			if _, err := b.Write(ping[:]); err != nil {
				return
			}
		}
	}()
	start := time.Now()
	_, err := netReadAllFrames(a, ReaderConfig{Peer: 2, Addr: "h:2", PeerTimeout: 150 * time.Millisecond})
	require.ErrorIs(t, err, ErrPeerTimeout)
	assert.Equal(t, "process 2 (h:2) sent nothing for 150ms (no heartbeat either)", err.Error())
	assert.Greater(t, time.Since(start), 200*time.Millisecond, "the pings kept it alive")
}

func TestFrameReaderBrokenConnection(t *testing.T) {
	_, err := netReadAllFrames(netErrReader{errors.New("connection reset by peer")}, ReaderConfig{Peer: 4})
	require.ErrorIs(t, err, ErrPeerClosed)
	assert.Equal(t, "process 4 ended before the computation finished, or the connection to it broke (connection reset by peer)", err.Error())

	_, err = netReadAllFrames(netErrReader{nil}, ReaderConfig{Peer: 4})
	assert.ErrorContains(t, err, io.ErrNoProgress.Error())
}

// netErrReader fails every read with err (or returns nothing, forever).
type netErrReader struct{ err error }

func (r netErrReader) Read([]byte) (int, error) { return 0, r.err }
