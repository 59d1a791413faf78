package runtime

import (
	"iter"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestArrangements compares both arrangements with a map of slices, on
// dense, sparse and negative keys.
func TestArrangements(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, span := range []int64{1, 10, 1000, 1 << 40} {
		for _, n := range []int{0, 1, 50, 3000} {
			var ia IntArrangement[int64, int]
			var ma MapArrangement[int64, int]
			want := map[int64][]int{}
			for i := 0; i < n; i++ {
				k := r.Int64N(span) - span/2
				ia.Add(k, i)
				ma.Add(k, i)
				want[k] = append(want[k], i)
			}
			ia.Seal()
			ma.Seal()
			ia.Seal() // twice does nothing
			for k, vs := range want {
				got := slices.Clone(ia.Lookup(k))
				slices.Sort(got)
				assert.Equal(t, vs, got, "int, span %d, n %d, key %d", span, n, k)
				got = slices.Clone(ma.Lookup(k))
				slices.Sort(got)
				assert.Equal(t, vs, got, "map, span %d, n %d, key %d", span, n, k)
			}
			assert.Empty(t, ia.Lookup(span+5))
			assert.Empty(t, ia.Lookup(-span-5))
			assert.Empty(t, ma.Lookup(span+5))
			assert.Equal(t, n, ia.Len())
			assert.Equal(t, want, all(ia.All()), "int, span %d, n %d: All", span, n)
			assert.Equal(t, want, all(ma.All()), "map, span %d, n %d: All", span, n)
		}
	}
	var nilArr *IntArrangement[uint32, int]
	nilArr.Seal()
	assert.Nil(t, nilArr.Lookup(3))
	assert.Empty(t, all(nilArr.All()))
	var nilMap *MapArrangement[uint32, int]
	assert.Empty(t, all(nilMap.All()))
}

// all collects what an arrangement's All yields, each key's values
// sorted, and fails on a key yielded twice or with no values.
func all[K comparable](seq iter.Seq2[K, []int]) map[K][]int {
	out := map[K][]int{}
	for k, vs := range seq {
		if _, twice := out[k]; twice || len(vs) == 0 {
			panic("All yielded a key twice or without values")
		}
		out[k] = slices.Sorted(slices.Values(vs))
	}
	return out
}

// TestIntArrangementPartitioned: past partitionBytes Seal partitions
// the pairs by their key's high bits first; the values of every key are
// still those added, in the order added, whatever the span (one key, a
// span just past a bucket's width, negative keys, keys of one byte, sealed
// directly or partitioned).
func TestIntArrangementPartitioned(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	n := partitionBytes / 8 * 3 / 2
	for _, span := range []int64{1, 2, 1000, 1<<16 + 1, 1<<17 + 3, 4 * int64(n)} {
		var a IntArrangement[int64, int]
		want := map[int64][]int{}
		for i := range n {
			k := r.Int64N(span) - span/2
			a.Add(k, i)
			want[k] = append(want[k], i)
		}
		a.Seal()
		if !assert.True(t, a.sparse == nil, "span %d: dense", span) {
			continue
		}
		for k, vs := range want {
			if !assert.Equal(t, vs, a.Lookup(k), "span %d, key %d", span, k) {
				break
			}
		}
		assert.Equal(t, n, a.Len())
		assert.Equal(t, len(want), len(all(a.All())), "span %d: keys", span)
		assert.Nil(t, a.Lookup(-span))
		assert.Nil(t, a.Lookup(span))
	}
	for _, n := range []int{300, n} {
		var b IntArrangement[uint8, int]
		want := map[uint8][]int{}
		for i := range n {
			k := uint8(i * 7) // every byte, 255 too
			b.Add(k, i)
			want[k] = append(want[k], i)
		}
		b.Seal()
		for k, vs := range want {
			assert.Equal(t, vs, b.Lookup(k), "uint8, n %d, key %d", n, k)
		}
	}
}

// TestArrangementAddTuples: adding batches of tuples, of sizes that
// cross the chunks' boundaries, gives the same arrangement as adding the
// pairs one at a time; adding after Seal panics.
func TestArrangementAddTuples(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	var one, many IntArrangement[uint32, int]
	var oneMap, manyMap MapArrangement[uint32, int]
	var batch []Tuple2[uint32, int]
	for i := range 200_000 {
		k := r.Uint32N(50_000)
		one.Add(k, i)
		oneMap.Add(k, i)
		batch = append(batch, Tuple2[uint32, int]{k, i})
		if r.IntN(1000) == 0 || i == 199_999 {
			many.AddTuples(batch)
			manyMap.AddTuples(batch)
			batch = batch[:0]
		}
		if i == 100 {
			one.AddTuples(nil)
		}
	}
	assert.Equal(t, one.Len(), many.Len())
	assert.Equal(t, oneMap.Len(), manyMap.Len())
	for _, a := range []*IntArrangement[uint32, int]{&one, &many} {
		a.Seal()
	}
	oneMap.Seal()
	manyMap.Seal()
	for k := range uint32(50_001) {
		want := append([]int{}, one.Lookup(k)...) // empty, not nil, for a key with no values
		assert.Equal(t, want, append([]int{}, many.Lookup(k)...), "key %d", k)
		assert.Equal(t, want, append([]int{}, oneMap.Lookup(k)...), "key %d", k)
		assert.Equal(t, want, append([]int{}, manyMap.Lookup(k)...), "key %d", k)
	}
	assert.Panics(t, func() { many.AddTuples(batch[:1]) })
	assert.Panics(t, func() { many.Add(1, 1) })
	assert.Panics(t, func() { manyMap.AddTuples(batch[:1]) })
	assert.Panics(t, func() { manyMap.Add(1, 1) })
}

// TestLookupBatch: the batch look-ups find what Lookup finds, for dense,
// sparse and nil arrangements, keys out of range included.
func TestLookupBatch(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	var probe []Tuple2[int64, string]
	for range 3000 {
		probe = append(probe, Tuple2[int64, string]{r.Int64N(3000) - 1000, "x"})
	}
	probe = append(probe, Tuple2[int64, string]{math.MinInt64, ""}, Tuple2[int64, string]{math.MaxInt64, ""})
	for _, span := range []int64{1000, 1 << 40} {
		var ia IntArrangement[int64, int]
		var ma MapArrangement[int64, int]
		for i := range 5000 {
			k := r.Int64N(span)
			ia.Add(k, i)
			ma.Add(k, i)
		}
		ia.Seal()
		ma.Seal()
		found := LookupBatch(&ia, probe, nil)
		foundMap := LookupBatchMap(&ma, probe, nil)
		assert.Len(t, found, len(probe))
		assert.Len(t, foundMap, len(probe))
		for i, p := range probe {
			assert.Equal(t, ia.Lookup(p.F0), found[i], "span %d, key %d", span, p.F0)
			assert.Equal(t, ma.Lookup(p.F0), foundMap[i], "span %d, key %d", span, p.F0)
		}
		found = LookupBatch(&ia, probe[:7], found)
		assert.Len(t, found, 7, "found is reused")
	}
	assert.Equal(t, [][]int{nil, nil}, LookupBatch((*IntArrangement[int64, int])(nil), probe[:2], nil))
}

func TestIntArrangementUnsigned(t *testing.T) {
	var a IntArrangement[uint32, string]
	a.Add(4294967295, "max")
	a.Add(0, "zero")
	a.Seal()
	assert.Equal(t, []string{"max"}, a.Lookup(4294967295))
	assert.Equal(t, []string{"zero"}, a.Lookup(0))
	assert.Nil(t, a.Lookup(7))
}

// TestArrangementGrowsInChunks: adding pairs never copies the pairs added
// before, so a million pairs take a few dozen allocations.
func TestArrangementGrowsInChunks(t *testing.T) {
	allocs := testing.AllocsPerRun(2, func() {
		var a IntArrangement[uint32, uint32]
		for i := range uint32(1 << 20) {
			a.Add(i%1000, i)
		}
		assert.Equal(t, 1<<20, a.Len())
	})
	assert.Less(t, allocs, 100.0)
}

func BenchmarkIntArrangementAddSeal(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		var a IntArrangement[uint32, uint32]
		for i := range uint32(1 << 20) {
			a.Add(i*40503%(1<<18), i)
		}
		a.Seal()
	}
}

// sealInput adds n pairs with random keys below span to a fresh
// arrangement, the way an exchange delivers a graph's edges: keys in no
// order, about n/span values a key.
func sealInput[V any](n int, span uint32, value func(int) V) *IntArrangement[uint32, V] {
	r := rand.New(rand.NewPCG(3, 4))
	a := new(IntArrangement[uint32, V])
	for i := range n {
		a.Add(r.Uint32N(span), value(i))
	}
	return a
}

// BenchmarkIntArrangementSeal seals the arrangement of one worker's half
// of the targets' graph (5M edges over 1M nodes) and smaller ones; only
// Seal is timed.
func BenchmarkIntArrangementSeal(b *testing.B) {
	type link struct {
		Dst   uint32
		Share float32
	}
	for _, size := range []struct {
		name string
		n    int
		span uint32
	}{{"5M/1M", 5_000_000, 1_000_000}, {"2M/400k", 2_000_000, 400_000}, {"500k/100k", 500_000, 100_000}, {"100k/20k", 100_000, 20_000}, {"20k/4k", 20_000, 4_000}} {
		b.Run("uint32/"+size.name, func(b *testing.B) {
			benchSeal(b, size.n, size.span, func(i int) uint32 { return uint32(i) })
		})
		b.Run("link/"+size.name, func(b *testing.B) {
			benchSeal(b, size.n, size.span, func(i int) link { return link{uint32(i), 0.5} })
		})
	}
}

func benchSeal[V any](b *testing.B, n int, span uint32, value func(int) V) {
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		a := sealInput(n, span, value)
		b.StartTimer()
		a.Seal()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/pair")
}

// BenchmarkMapArrangementSeal seals 1M pairs over 200k sparse keys.
func BenchmarkMapArrangementSeal(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		r := rand.New(rand.NewPCG(3, 4))
		a := new(MapArrangement[uint64, uint32])
		for i := range 1_000_000 {
			a.Add(r.Uint64N(200_000)*0x9E3779B97F4A7C15, uint32(i))
		}
		b.StartTimer()
		a.Seal()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e6, "ns/pair")
}
