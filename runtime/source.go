package runtime

import (
	"fmt"
	"math/bits"
)

// RangeShare returns worker's share [lo', hi') of [lo, hi) among peers
// workers: contiguous, in worker order, covering [lo, hi) exactly, with
// sizes that differ by at most one. It panics when worker is not in
// 0..peers-1.
func RangeShare(lo, hi int64, worker, peers int) (int64, int64) {
	if peers < 1 || worker < 0 || worker >= peers {
		panic(fmt.Sprintf("runtime: RangeShare: worker %d of %d", worker, peers))
	}
	if hi <= lo {
		return lo, lo
	}
	span := uint64(hi) - uint64(lo)
	return lo + int64(mulDiv(span, worker, peers)), lo + int64(mulDiv(span, worker+1, peers))
}

// mulDiv returns floor(x * k / n) without overflow, for 0 <= k <= n.
func mulDiv(x uint64, k, n int) uint64 {
	hi, lo := bits.Mul64(x, uint64(k))
	q, _ := bits.Div64(hi, lo, uint64(n))
	return q
}
