package tdnet

import (
	"bytes"
	"io"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// netHoldFrames reads the stream of fs with a reader that keeps every frame
// it delivers, and returns the reader and the frames.
func netHoldFrames(t *testing.T, r io.Reader) (*FrameReader, []Frame) {
	t.Helper()
	var held []Frame
	fr := NewFrameReader(r, ReaderConfig{Peer: 1})
	require.NoError(t, fr.ReadLoop(func(f Frame) error {
		held = append(held, f)
		return nil
	}))
	return fr, held
}

func TestSlabRecycleOutOfOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	// 40 frames of 100 KiB fill four slabs.
	var fs []netTestFrame
	for i := range 40 {
		p := bytes.Repeat([]byte{byte(i)}, 100<<10)
		fs = append(fs, netTestFrame{h: NewFrameHeader(FrameData, uint32(i), 0, 0), payload: p})
	}
	fr, held := netHoldFrames(t, bytes.NewReader(netEncodeFrames(fs, true)))
	require.Len(t, held, 40)
	out, allocs := fr.pool.stats()
	assert.Equal(t, 4, allocs)
	assert.Equal(t, 4*SlabSize, out)

	slabs := make(map[*slab]int) // views left per slab
	for _, f := range held {
		slabs[f.slab]++
	}
	require.Len(t, slabs, 4)
	for i, j := range rng.Perm(len(held)) {
		f := held[j]
		require.Equal(t, bytes.Repeat([]byte{byte(j)}, 100<<10), f.Payload, "frame %d", j)
		f.Release()
		slabs[f.slab]--
		live := 0
		for _, n := range slabs {
			if n > 0 {
				live++
			}
		}
		out, _ := fr.pool.stats()
		assert.Equal(t, live*SlabSize, out, "after %d releases", i+1)
	}
	out, _ = fr.pool.stats()
	assert.Zero(t, out)
	assert.Len(t, fr.pool.free, 4)
	assert.Panics(t, func() { held[0].Release() }, "a second release")
}

func TestSlabFrameStraddlesEnd(t *testing.T) {
	// The third frame does not fit in what is left of the first slab: it
	// moves to the start of the second, whole.
	sizes := []int{SlabSize / 2, SlabSize/2 - 3*FrameHeaderSize, 1000, 10}
	var fs []netTestFrame
	for i, n := range sizes {
		p := make([]byte, n)
		for j := range p {
			p[j] = byte(i*31 + j)
		}
		fs = append(fs, netTestFrame{h: NewFrameHeader(FrameData, uint32(i), 1, 2), payload: p})
	}
	rng := rand.New(rand.NewPCG(3, 4))
	fr, held := netHoldFrames(t, &netChunkReader{data: netEncodeFrames(fs, true), rng: rng, max: 70000})
	require.Len(t, held, 4)
	for i, f := range held {
		assert.Equal(t, fs[i].payload, f.Payload, "frame %d", i)
		assert.Zero(t, uintptr(len(f.slab.buf[:cap(f.slab.buf)]))%FrameAlign)
	}
	assert.Same(t, held[0].slab, held[1].slab)
	assert.NotSame(t, held[1].slab, held[2].slab)
	assert.Same(t, held[2].slab, held[3].slab)
	assert.Equal(t, &held[2].slab.buf[FrameHeaderSize], &held[2].Payload[0], "the moved frame starts the new slab")
	for _, f := range held {
		f.Release()
	}
	out, allocs := fr.pool.stats()
	assert.Zero(t, out)
	assert.Equal(t, 2, allocs)
}

func TestSlabDedicatedBuffer(t *testing.T) {
	big := make([]byte, 3*SlabSize+5)
	for i := range big {
		big[i] = byte(i % 251)
	}
	fs := []netTestFrame{
		{h: NewFrameHeader(FrameData, 1, 0, 0), payload: []byte("small")},
		{h: NewFrameHeader(FrameData, 2, 0, 0), payload: big},
		{h: NewFrameHeader(FrameData, 3, 0, 0), payload: []byte("after")},
	}
	rng := rand.New(rand.NewPCG(5, 6))
	fr, held := netHoldFrames(t, &netChunkReader{data: netEncodeFrames(fs, true), rng: rng, max: 1 << 16})
	require.Len(t, held, 3)
	assert.Equal(t, "small", string(held[0].Payload))
	assert.Equal(t, big, held[1].Payload)
	assert.Equal(t, "after", string(held[2].Payload))
	assert.Len(t, held[1].slab.buf, frameSize(len(big)))
	for _, f := range held {
		f.Release()
	}
	out, _ := fr.pool.stats()
	assert.Zero(t, out)
	assert.Len(t, fr.pool.free, 1, "dedicated buffers are not kept")
}

func TestSlabBackPressure(t *testing.T) {
	// Frames of half a slab; the reader may have MinReceiveBuffer out.
	limit := MinReceiveBuffer / SlabSize * 2
	n := 2*limit + 4
	var fs []netTestFrame
	for range n {
		fs = append(fs, netTestFrame{h: NewFrameHeader(FrameData, 0, 0, 0), payload: make([]byte, SlabSize/2-FrameHeaderSize)})
	}
	data := netEncodeFrames(fs, true)
	frames := make(chan Frame, 2*n)
	fr := NewFrameReader(bytes.NewReader(data), ReaderConfig{Peer: 1, ReceiveBuffer: 1})
	done := make(chan error, 1)
	go func() {
		done <- fr.ReadLoop(func(f Frame) error { frames <- f; return nil })
	}()
	// The reader stops when the frames it handed out hold the limit.
	var held []Frame
	deadline := time.Now().Add(10 * time.Second)
	for out := 0; out+SlabSize <= MinReceiveBuffer; out, _ = fr.pool.stats() {
		require.True(t, time.Now().Before(deadline), "the reader did not fill the pool")
		time.Sleep(time.Millisecond)
	}
	for stalled := false; !stalled; {
		select {
		case f := <-frames:
			held = append(held, f)
		case <-time.After(50 * time.Millisecond):
			stalled = true
		}
	}
	assert.InDelta(t, limit, len(held), 2, "frames read before the reader waits")
	out, _ := fr.pool.stats()
	assert.LessOrEqual(t, out, MinReceiveBuffer)
	// Releasing lets it go on, to the end.
	for _, f := range held {
		f.Release()
	}
	for range n - len(held) {
		(<-frames).Release()
	}
	require.NoError(t, <-done)

	// Closing Done ends a reader that waits.
	stop := make(chan struct{})
	fr = NewFrameReader(bytes.NewReader(data), ReaderConfig{Peer: 1, ReceiveBuffer: 1, Done: stop})
	go func() { done <- fr.ReadLoop(func(f Frame) error { return nil }) }() // holds every frame
	time.Sleep(20 * time.Millisecond)
	close(stop)
	err := <-done
	require.ErrorIs(t, err, ErrNetClosed)
}

// netRepeatReader returns the same stream of frames forever.
type netRepeatReader struct {
	data []byte
	off  int
}

func (r *netRepeatReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		m := copy(p[n:], r.data[r.off:])
		n += m
		r.off = (r.off + m) % len(r.data)
	}
	return n, nil
}

func TestSlabReaderAllocatesNothing(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	fs := netRandomFrames(rng, 200, false)
	src := &netRepeatReader{data: netEncodeFrames(fs, false)}
	fr := NewFrameReader(src, ReaderConfig{Peer: 1})
	defer fr.drop()
	held := make([]Frame, 0, 8) // keeps a few frames alive, released out of order
	deliver := func(f Frame) error {
		held = append(held, f)
		if len(held) == cap(held) {
			for _, i := range []int{3, 0, 2, 1, 4, 7, 5, 6} {
				held[i].Release()
			}
			held = held[:0]
		}
		return nil
	}
	step := func() {
		if _, err := fr.step(deliver); err != nil {
			t.Fatal(err)
		}
	}
	for range 1000 {
		step()
	}
	assert.Zero(t, testing.AllocsPerRun(5000, step))
}

func TestSlabRetainForFanOut(t *testing.T) {
	fs := []netTestFrame{{h: NewFrameHeader(FrameData, 0, 0, AllWorkers), payload: []byte("to all")}}
	fr, held := netHoldFrames(t, bytes.NewReader(netEncodeFrames(fs, true)))
	require.Len(t, held, 1)
	f := held[0]
	f.Retain() // three workers get it
	f.Retain()
	for i := range 3 {
		out, _ := fr.pool.stats()
		assert.Equal(t, SlabSize, out, "after %d releases", i)
		assert.Equal(t, "to all", string(f.Payload))
		f.Release()
	}
	out, _ := fr.pool.stats()
	assert.Zero(t, out)
}
