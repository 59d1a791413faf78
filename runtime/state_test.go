package runtime

import (
	"maps"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestKeyedStates compares DenseState and HashState with a Go map, over
// keys in pages, negative keys and keys past the paged range, across
// resets.
func TestKeyedStates(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var dense DenseState[int64, int64]
	var hash HashState[int64, int64]
	for round := 0; round < 4; round++ {
		want := map[int64]int64{}
		for i := 0; i < 5000; i++ {
			var k int64
			switch r.IntN(5) {
			case 0:
				k = r.Int64N(100)
			case 3:
				k = 2*statePageSize + r.Int64N(1000) // a page more than an eighth full
			case 1:
				k = r.Int64N(1 << 20)
			case 2:
				k = -r.Int64N(1000) - 1
			default:
				k = 1<<40 + r.Int64N(50)
			}
			v := r.Int64N(10) + 1
			_, existed := want[k]
			want[k] += v
			p, fresh := dense.TrySlot(k) // as generated folds ask
			if p == nil {
				p, fresh = dense.Slot(k)
			}
			assert.Equal(t, !existed, fresh, "dense key %d", k)
			*p += v
			p, fresh = hash.Slot(k)
			assert.Equal(t, !existed, fresh, "hash key %d", k)
			*p += v
		}
		assert.Equal(t, want, maps.Collect(dense.All()), "round %d", round)
		assert.Equal(t, want, maps.Collect(hash.All()), "round %d", round)
		assert.Equal(t, len(want), dense.Len())
		assert.Equal(t, len(want), hash.Len())
		dense.Reset()
		hash.Reset()
		assert.Empty(t, maps.Collect(dense.All()))
		assert.Zero(t, dense.Len())
	}
}

// TestDenseStateTrySlot checks that TrySlot answers only for keys whose
// page is allocated, and that pages survive Reset.
func TestDenseStateTrySlot(t *testing.T) {
	var s DenseState[int32, int64]
	p, _ := s.TrySlot(5)
	assert.Nil(t, p, "no page yet")
	p, fresh := s.Slot(5)
	assert.True(t, fresh)
	*p = 7
	p, fresh = s.TrySlot(6)
	if assert.NotNil(t, p, "same page as 5") {
		assert.True(t, fresh)
	}
	p, fresh = s.TrySlot(5)
	if assert.NotNil(t, p) {
		assert.False(t, fresh)
		assert.Equal(t, int64(7), *p)
	}
	p, _ = s.TrySlot(-1)
	assert.Nil(t, p, "negative keys go to the overflow map")
	p, _ = s.TrySlot(statePageSize)
	assert.Nil(t, p, "the next page is not allocated")
	assert.Equal(t, 2, s.Len())
	s.Reset()
	assert.Zero(t, s.Len())
	p, fresh = s.TrySlot(5)
	if assert.NotNil(t, p, "pages stay across Reset") {
		assert.True(t, fresh)
		assert.Zero(t, *p)
	}
	s.Free()
	p, _ = s.TrySlot(5)
	assert.Nil(t, p, "Free gives the pages back")
}

// TestDenseStateOrder checks that paged keys come out in increasing
// order.
func TestDenseStateOrder(t *testing.T) {
	var s DenseState[uint32, struct{}]
	for _, k := range []uint32{9000, 3, 4095, 4096, 0} {
		s.Slot(k)
	}
	var got []uint32
	for k := range s.All() {
		got = append(got, k)
	}
	assert.Equal(t, []uint32{0, 3, 4095, 4096, 9000}, got)
}

// BenchmarkDenseStateFresh adds 65536 new keys, a sum's first records of
// a round, and resets the state.
func BenchmarkDenseStateFresh(b *testing.B) {
	var s DenseState[uint32, float32]
	b.ReportAllocs()
	for b.Loop() {
		for k := range uint32(1 << 16) {
			p, _ := s.Slot(k * 40503 % (1 << 16)) // a permutation: keys all over each page
			*p += 1
		}
		s.Reset()
	}
}
