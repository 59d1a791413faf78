package runtime

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestHashesAreFixed(t *testing.T) {
	// The values must never change: processes of one computation, and
	// binaries of different builds, route keys alike.
	assert.Equal(t, uint64(0xe220a8397b1dcdaf), HashUint64(0)) // splitmix64 from seed 0
	assert.Equal(t, uint64(0x910a2dec89025cc1), HashUint64(1))
	assert.Equal(t, uint64(0xf52a15e9a9b5e89b), HashString(""))
	assert.Equal(t, HashString("hello"), HashBytes([]byte("hello")))
	assert.NotEqual(t, HashString("ab"), HashString("ba"))
	assert.NotEqual(t, HashCombine(1, 2), HashCombine(2, 1))
}

func TestHashAvalanche(t *testing.T) {
	// Flipping one input bit flips about half of the output bits.
	const n = 2000
	total := 0
	for i := uint64(0); i < n; i++ {
		x := i * 0x9e3779b97f4a7c15
		total += bits.OnesCount64(HashUint64(x) ^ HashUint64(x^(1<<(i%64))))
	}
	assert.InDelta(t, 32, float64(total)/n, 1.5)
}

func TestRouteSpreadsKeys(t *testing.T) {
	for _, peers := range []int{1, 2, 3, 7, 16} {
		counts := make([]int, peers)
		const n = 70000
		for i := 0; i < n; i++ {
			var h uint64
			if i%2 == 0 {
				h = HashUint64(uint64(i))
			} else {
				h = HashString("word" + strconv.Itoa(i))
			}
			r := Route(h, peers)
			assert.True(t, r >= 0 && r < peers)
			counts[r]++
		}
		for w, c := range counts {
			assert.InDelta(t, n/peers, c, float64(n/peers)/10, "worker %d of %d", w, peers)
		}
	}
	assert.Equal(t, 0, Route(0, 5))
	assert.Equal(t, 4, Route(^uint64(0), 5))
}

func TestRouteUint64IsFixed(t *testing.T) {
	// The values must never change: processes of one computation, and
	// binaries of different builds, route keys alike.
	var got []int
	for _, x := range []uint64{0, 1, 2, 3, 1 << 32, 1<<63 + 5, ^uint64(0)} {
		got = append(got, RouteUint64(x, 7))
	}
	assert.Equal(t, []int{0, 4, 1, 5, 3, 4, 2}, got)
}

func TestRouteUint64SpreadsKeys(t *testing.T) {
	// Sequential keys, negative ones, strides (odd, even, powers of two
	// up to 2^63), random keys and pairs packed into one integer: every worker gets its share, within
	// 10% or, for few keys a worker, four standard deviations of
	// keys thrown at random.
	rng := rand.New(rand.NewPCG(3, 4))
	type keys struct {
		name string
		n    uint64
		key  func(i uint64) uint64
	}
	sets := []keys{
		{"sequential", 1 << 14, func(i uint64) uint64 { return i }},
		{"sequential from 1e12", 1 << 14, func(i uint64) uint64 { return 1e12 + i }},
		{"negative", 1 << 14, func(i uint64) uint64 { return uint64(-int64(i)) }},
		{"random", 1 << 16, func(uint64) uint64 { return rng.Uint64() }},
		{"pairs hi<<32|lo", 1 << 14, func(i uint64) uint64 { return i>>7<<32 | i&127 }},
		{"pairs hi<<16|lo", 1 << 14, func(i uint64) uint64 { return i>>7<<16 | i&127 }},
	}
	for _, stride := range []uint64{3, 10, 1000, 12345, 1<<20 + 1} {
		sets = append(sets, keys{"stride " + strconv.FormatUint(stride, 10), 1 << 14, func(i uint64) uint64 { return i * stride }})
	}
	for k := 1; k < 64; k++ {
		// A stride of 2^k has 2^(64-k) distinct keys.
		sets = append(sets, keys{"stride 2^" + strconv.Itoa(k), min(uint64(1)<<14, uint64(1)<<(64-k)), func(i uint64) uint64 { return i << k }})
	}
	for _, peers := range []int{2, 3, 4, 7, 16, 64} {
		for _, set := range sets {
			want := float64(set.n) / float64(peers)
			if want < 16 {
				continue
			}
			counts := make([]int, peers)
			for i := range set.n {
				counts[RouteUint64(set.key(i), peers)]++
			}
			for w, c := range counts {
				assert.InDelta(t, want, c, max(0.1*want, 4*math.Sqrt(want)), "%s: worker %d of %d", set.name, w, peers)
			}
		}
	}
}
