package tdnet

import (
	"io"
	"sync/atomic"
	"testing"
)

// BenchmarkLoopbackFrames sends frames from a Sender to a FrameReader over
// loopback TCP: the producer serializes (copies) each payload into the
// send buffer, the reader hands out views and releases them. Compare MB/s
// with BenchmarkRawLoopback, the ceiling.
func BenchmarkLoopbackFrames(b *testing.B) {
	for _, size := range []struct {
		name string
		n    int
	}{{"64KiB", 64 << 10}, {"1KiB", 1 << 10}} {
		b.Run(size.name, func(b *testing.B) {
			a, c := netTCPPair(b)
			s := NewSender(a, SenderConfig{Peer: 1})
			go s.WriteLoop()
			var got atomic.Int64
			done := make(chan struct{})
			fr := NewFrameReader(c, ReaderConfig{Peer: 0})
			go func() {
				defer close(done)
				fr.ReadLoop(func(f Frame) error {
					got.Add(1)
					f.Release()
					return nil
				})
			}()
			payload := make([]byte, size.n)
			h := NewFrameHeader(FrameData, 1, 0, 1)
			b.SetBytes(int64(size.n))
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				buf, err := s.Begin(h, size.n)
				if err != nil {
					b.Fatal(err)
				}
				if err := s.End(append(buf, payload...)); err != nil {
					b.Fatal(err)
				}
			}
			if err := s.Goodbye(); err != nil {
				b.Fatal(err)
			}
			<-done
			b.StopTimer()
			if got.Load() != int64(b.N) {
				b.Fatalf("received %d frames of %d", got.Load(), b.N)
			}
		})
	}
}

// BenchmarkRawLoopback writes 64 KiB blocks from one goroutine to another
// over loopback TCP, read into a 1 MiB buffer: the ceiling of
// BenchmarkLoopbackFrames.
func BenchmarkRawLoopback(b *testing.B) {
	a, c := netTCPPair(b)
	const size = 64 << 10
	block := make([]byte, size)
	done := make(chan error, 1)
	go func() {
		buf := make([]byte, 1<<20)
		total := int64(b.N) * size
		for total > 0 {
			n, err := c.Read(buf[:min(int64(len(buf)), total)])
			total -= int64(n)
			if err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := a.Write(block); err != nil {
			b.Fatal(err)
		}
	}
	if err := <-done; err != nil && err != io.EOF {
		b.Fatal(err)
	}
}
