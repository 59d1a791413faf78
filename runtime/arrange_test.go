package runtime

import (
	"iter"
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
