//go:build linux

package runtime

import (
	goruntime "runtime"
	"syscall"
	"testing"
)

// BenchmarkRouteLoop measures the per-record loop that generated code
// runs for a flat_map into an exchange (examples/exchange-rounds): hash,
// route and buffer each record, as TryGive with a time per record did
// and as At once per batch and TryPut per record do, with the hash of
// integer keys (HashUint64) or RouteUint64. It reports the
// CPU time of the benchmark's thread per record (cpu-ns/rec), steadier
// than wall time on a shared machine.
func BenchmarkRouteLoop(b *testing.B) {
	b.Run("TryGive", func(b *testing.B) {
		benchRouteLoop(b, func(out *Pusher[uint64], t Time, recs []uint64, peers int) {
			for _, r := range recs {
				if target := Route(HashUint64(r), peers); !out.TryGive(t, target, r) {
					out.Give(t, target, r)
				}
			}
		})
	})
	b.Run("TryPut", func(b *testing.B) {
		benchRouteLoop(b, func(out *Pusher[uint64], t Time, recs []uint64, peers int) {
			out.At(t)
			for _, r := range recs {
				if target := Route(HashUint64(r), peers); !out.TryPut(target, r) {
					out.Put(target, r)
				}
			}
		})
	})
	b.Run("RouteUint64", func(b *testing.B) {
		benchRouteLoop(b, func(out *Pusher[uint64], t Time, recs []uint64, peers int) {
			out.At(t)
			for _, r := range recs {
				if target := RouteUint64(r, peers); !out.TryPut(target, r) {
					out.Put(target, r)
				}
			}
		})
	})
}

// benchRouteLoop runs loop over 100000 numbers per iteration, a time
// each, from worker 0 of 2, and consumes what arrives.
func benchRouteLoop(b *testing.B, loop func(out *Pusher[uint64], t Time, recs []uint64, peers int)) {
	c := newTestComputation(b, 2, sourceGraph())
	ch := NewChannel[uint64](c, 1, 1)
	ws := c.workers
	out := ch.Pusher(ws[0])
	qs := []*Puller[uint64]{ch.Puller(ws[0]), ch.Puller(ws[1])}
	recs := make([]uint64, 100_000)
	for i := range recs {
		recs[i] = uint64(i)
	}
	round := func(i int) {
		loop(out, Epoch(uint64(i)), recs, 2)
		out.Flush()
		ws[0].dirty = ws[0].dirty[:0]
		for i, q := range qs {
			for b, ok := q.Next(); ok; b, ok = q.Next() {
				q.Recycle(b.Data)
			}
			ws[i].batch.Clear()
			ws[i].todo = ws[i].take(ws[i].todo[:0])
		}
	}
	goruntime.LockOSThread()
	defer goruntime.UnlockOSThread()
	round(0)
	b.ResetTimer()
	before := threadCPU()
	for i := range b.N {
		round(i + 1)
	}
	b.ReportMetric(float64(threadCPU()-before)/float64(b.N*len(recs)), "cpu-ns/rec")
}

// threadCPU is the CPU time of the calling thread so far, in ns.
func threadCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(1 /* RUSAGE_THREAD */, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
