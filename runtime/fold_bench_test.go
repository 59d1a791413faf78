package runtime

import (
	"math/rand/v2"
	"testing"
)

// The benchmarks below fold one round of pagerank's shares on one worker
// of the targets' graph (5M edges from 512Ki sources to 1Mi random
// destinations, each source's rank times the edge's share added to its
// destination's sum), the way a join with a fused combiner does: into a
// DenseState, into a plain array (the single-threaded program's way),
// and nowhere (the look-ups alone). The fold is a random
// read-modify-write over 4 MiB of sums; on the shared 2-core machine of
// docs/performance.md ("Combiners fused into their producers") the
// DenseState's costs 2-3 times the array's, mostly for its presence
// bit.

type bLink struct {
	Dst   uint32
	Share float32
}

func foldSetup() (*IntArrangement[uint32, bLink], []Tuple2[uint32, float32]) {
	r := rand.New(rand.NewPCG(1, 2))
	a := new(IntArrangement[uint32, bLink])
	const n = 1 << 20
	for i := 0; i < 5_000_000; i++ {
		src := uint32(r.IntN(n/2)) * 2
		a.Add(src, bLink{Dst: uint32(r.IntN(n)), Share: 0.1})
	}
	a.Seal()
	var ranks []Tuple2[uint32, float32]
	for v := uint32(0); v < n; v += 2 {
		ranks = append(ranks, Tuple2[uint32, float32]{F0: v, F1: 1})
	}
	return a, ranks
}

func BenchmarkMatchFoldDense(b *testing.B) {
	a, ranks := foldSetup()
	var m DenseState[uint32, float32]
	var found [][]bLink
	b.ResetTimer()
	for range b.N {
		data := ranks
		for len(data) > 0 {
			batch := data[:min(len(data), BatchSize)]
			data = data[len(batch):]
			found = LookupBatch(a, batch, found)
			for i, r := range batch {
				for _, v := range found[i] {
					p, _ := m.TrySlot(v.Dst)
					if p == nil {
						p, _ = m.Slot(v.Dst)
					}
					*p += r.F1 * v.Share
				}
			}
		}
		m.Reset()
	}
}

func BenchmarkMatchFoldArray(b *testing.B) {
	a, ranks := foldSetup()
	sum := make([]float32, 1<<20)
	var found [][]bLink
	b.ResetTimer()
	for range b.N {
		data := ranks
		for len(data) > 0 {
			batch := data[:min(len(data), BatchSize)]
			data = data[len(batch):]
			found = LookupBatch(a, batch, found)
			for i, r := range batch {
				for _, v := range found[i] {
					sum[v.Dst] += r.F1 * v.Share
				}
			}
		}
		clear(sum)
	}
}

func BenchmarkMatchFoldNone(b *testing.B) {
	a, ranks := foldSetup()
	var found [][]bLink
	var s float32
	b.ResetTimer()
	for range b.N {
		data := ranks
		for len(data) > 0 {
			batch := data[:min(len(data), BatchSize)]
			data = data[len(batch):]
			found = LookupBatch(a, batch, found)
			for i, r := range batch {
				for _, v := range found[i] {
					s += r.F1 * v.Share
				}
			}
		}
	}
	_ = s
}
