package runtime

import (
	"math/bits"
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
