package runtime

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestIntSetMatchesMap adds random values, small, large and negative,
// and compares with a map.
func TestIntSetMatchesMap(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var s IntSet[int64]
	want := map[int64]bool{}
	for i := 0; i < 20000; i++ {
		var v int64
		switch r.IntN(3) {
		case 0:
			v = int64(r.IntN(1000))
		case 1:
			v = int64(r.IntN(1<<23)) - 1<<21
		default:
			v = r.Int64() - 1<<62
		}
		require.Equal(t, !want[v], s.Add(v), "Add(%d)", v)
		want[v] = true
	}
	var u IntSet[uint8]
	require.True(t, u.Add(255))
	require.False(t, u.Add(255))
	require.True(t, u.Add(0))
}
