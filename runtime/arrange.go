package runtime

import (
	"iter"
	"math/bits"
)

// An arrangement holds the (key, value) pairs of one stream at one time,
// added in any order, and once sealed answers the values of a key
// without allocating: the values are laid out grouped by key in one
// slice, like the adjacency arrays of a graph in CSR form. A join inside
// a loop keeps the stream from outside the loop in one arrangement per
// time of that stream and reads it in every round.

// IntArrangement is an arrangement with integer keys. When the keys
// span a range not much larger than their number, the index is an array
// of offsets by key; otherwise it is a MapArrangement.
type IntArrangement[K Integer, V any] struct {
	added  pairs[K, V] // until Seal
	vals   []V         // grouped by key, once sealed
	sealed bool
	lo, hi K                     // the least and greatest key of the full chunks, of all once sealed
	offs   []int32               // dense: values of key lo+i are vals[offs[i]:offs[i+1]]
	sparse *MapArrangement[K, V] // when the keys are spread too thin for offsets
}

// Add adds the pair (k, v). It panics after Seal.
func (a *IntArrangement[K, V]) Add(k K, v V) {
	p := &a.added
	if p.at == len(p.curK) {
		a.grow()
	}
	p.curK[p.at] = k
	p.curV[p.at] = v
	p.at++
}

// AddTuples adds the pairs (r.F0, r.F1) of every r in rs, a chunk's
// worth at a time. It panics after Seal.
func (a *IntArrangement[K, V]) AddTuples(rs []Tuple2[K, V]) {
	p := &a.added
	for len(rs) > 0 {
		if p.at == len(p.curK) {
			a.grow()
		}
		rs = p.fill(rs)
	}
}

// grow notes the least and greatest key of the chunk just filled, while
// it is likely still in cache, and starts a new one.
//
//go:noinline
func (a *IntArrangement[K, V]) grow() {
	if a.sealed {
		panic("tdrt: IntArrangement.Add after Seal")
	}
	a.span(a.added.curK[:a.added.at])
	a.added.grow()
}

// span widens [lo, hi] to take in keys.
func (a *IntArrangement[K, V]) span(keys []K) {
	if len(keys) > 0 && a.added.n == 0 {
		a.lo, a.hi = keys[0], keys[0]
	}
	for _, k := range keys {
		a.lo, a.hi = min(a.lo, k), max(a.hi, k)
	}
}

// Len returns the number of pairs added.
func (a *IntArrangement[K, V]) Len() int {
	if a == nil {
		return 0
	}
	if a.sparse != nil {
		return a.sparse.Len()
	}
	if !a.sealed {
		return a.added.count()
	}
	return len(a.vals)
}

// Seal groups the values by key; Lookup works from then on. Sealing
// twice does nothing.
func (a *IntArrangement[K, V]) Seal() {
	if a == nil || a.sealed {
		return
	}
	a.sealed = true
	a.span(a.added.curK[:a.added.at])
	added := a.added
	added.flush()
	a.added = pairs[K, V]{}
	if added.n == 0 {
		return
	}
	n := uint64(added.n)
	if span := uint64(a.hi - a.lo); a.hi >= a.lo && span < 4*n+1024 {
		a.offs = make([]int32, span+2)
		a.vals = make([]V, added.n)
		if bytes := n*uint64(sizeOf[V]()) + 4*span; bytes < partitionBytes || span >= 1<<32 {
			a.scatter(added)
		} else {
			a.partitionScatter(added, span)
		}
		return
	}
	a.sparse = &MapArrangement[K, V]{added: added}
	a.sparse.Seal()
}

// Sealing is a counting sort of the pairs by key. Done directly, its
// writes go to random places of the values and of the offsets, a cache
// miss a pair once these outgrow the cache (about 40 ns a pair at 5M
// pairs, against 5 ns at 20k). When the values and offsets take
// partitionBytes or more, the pairs are first partitioned by the high
// bits of their key into up to 2^bucketBits buckets, through a cursor a
// bucket that moves sequentially, and then each bucket, whose keys and
// values fit in a core's cache, is counted and sorted by itself (about
// 11 ns a pair at 5M; BenchmarkIntArrangementSeal).
const (
	partitionBytes = 2 << 20
	bucketBits     = 8
)

// scatter sorts the pairs into a.vals by key with one counting sort.
func (a *IntArrangement[K, V]) scatter(added pairs[K, V]) {
	lo := a.lo
	for _, ks := range added.keys {
		for _, k := range ks {
			a.offs[uint64(k-lo)+1]++
		}
	}
	for i := 1; i < len(a.offs); i++ {
		a.offs[i] += a.offs[i-1]
	}
	next := make([]int32, len(a.offs)-1)
	copy(next, a.offs)
	for c, ks := range added.keys {
		vs := added.vals[c][:len(ks)]
		for i, k := range ks {
			a.vals[next[k-lo]] = vs[i]
			next[k-lo]++
		}
	}
}

// partitionScatter sorts the pairs into a.vals by key in two passes
// that stay in cache: the pairs are partitioned by the high bits of
// their key offset (k - lo), each value going to its bucket's range of
// a.vals and the low bits of its key to the same place in a side array;
// then each bucket is counted and sorted within its range.
func (a *IntArrangement[K, V]) partitionScatter(added pairs[K, V], span uint64) {
	lo := a.lo
	// The low bits of a key within its bucket fit a uint16.
	shift := uint(min(max(bits.Len64(span)-bucketBits, 0), 16))
	nBuckets := int(span>>shift) + 1
	// starts[b] is where bucket b begins in a.vals, then its cursor.
	starts := make([]int32, nBuckets+1)
	for _, ks := range added.keys {
		for _, k := range ks {
			starts[uint64(k-lo)>>shift+1]++
		}
	}
	largest := int32(0)
	for b := 1; b <= nBuckets; b++ {
		largest = max(largest, starts[b])
		starts[b] += starts[b-1]
	}
	cursor := make([]int32, nBuckets)
	copy(cursor, starts)
	low := make([]uint16, len(a.vals))
	mask := uint64(1)<<shift - 1
	for c, ks := range added.keys {
		vs := added.vals[c][:len(ks)]
		for i, k := range ks {
			d := uint64(k - lo)
			b := d >> shift
			at := cursor[b]
			cursor[b]++
			low[at] = uint16(d & mask)
			a.vals[at] = vs[i]
		}
	}
	// Within bucket b, of keys kb..ke-1 (offsets), the counts go to
	// offs[kb+1..ke], their sums from the bucket's start make the
	// offsets, and the values move from a copy of the bucket's range to
	// their place in it.
	next := make([]int32, 1<<shift)
	scratch := make([]V, largest)
	for b := range nBuckets {
		start, end := starts[b], starts[b+1]
		kb := b << shift
		ke := min(kb+1<<shift, int(span)+1)
		offs := a.offs[kb : ke+1]
		for _, d := range low[start:end] {
			offs[d+1]++
		}
		offs[0] = start
		for j := 1; j < len(offs); j++ {
			offs[j] += offs[j-1]
		}
		copy(next, offs[:len(offs)-1])
		bucket := scratch[:end-start]
		copy(bucket, a.vals[start:end])
		for i, d := range low[start:end] {
			a.vals[next[d]] = bucket[i]
			next[d]++
		}
	}
}

// Lookup returns the values of key k, in no particular order; nil for a
// nil arrangement. It must be sealed.
func (a *IntArrangement[K, V]) Lookup(k K) []V {
	if a == nil {
		return nil
	}
	if a.offs != nil {
		// The offset is taken as a uint64: k-lo+1 may not fit K.
		i := uint64(k - a.lo)
		if k < a.lo || i >= uint64(len(a.offs)-1) {
			return nil
		}
		return a.vals[a.offs[i]:a.offs[i+1]]
	}
	return a.sparse.Lookup(k)
}

// LookupBatch returns, in found (reused), the values of the key (F0) of
// each of data's records in a, which must be sealed: found[i] goes with
// data[i]. One pass that only finds the values, with no work between the
// look-ups, keeps several cache misses in flight where a loop of Lookups
// interleaved with what uses the values would take them one at a time.
func LookupBatch[K Integer, V, A any](a *IntArrangement[K, V], data []Tuple2[K, A], found [][]V) [][]V {
	found = found[:0]
	switch {
	case a == nil:
		for range data {
			found = append(found, nil)
		}
	case a.offs == nil:
		for _, r := range data {
			found = append(found, a.sparse.Lookup(r.F0))
		}
	default:
		lo, offs, vals := a.lo, a.offs, a.vals
		keys := uint64(len(offs) - 1)
		for _, r := range data {
			var vs []V
			if i := uint64(r.F0 - lo); r.F0 >= lo && i < keys {
				vs = vals[offs[i]:offs[i+1]]
			}
			found = append(found, vs)
		}
	}
	return found
}

// All yields every key with its values, keys in no particular order,
// each once; nothing for a nil arrangement. It must be sealed.
func (a *IntArrangement[K, V]) All() iter.Seq2[K, []V] {
	return func(yield func(K, []V) bool) {
		if a == nil {
			return
		}
		if a.sparse != nil {
			for k, vs := range a.sparse.All() {
				if !yield(k, vs) {
					return
				}
			}
			return
		}
		for i := 0; i+1 < len(a.offs); i++ {
			if lo, hi := a.offs[i], a.offs[i+1]; lo < hi {
				if !yield(a.lo+K(i), a.vals[lo:hi]) {
					return
				}
			}
		}
	}
}

// MapArrangement is an arrangement with keys of any comparable type.
// Sealed, its keys are numbered in the order first added, a map gives a
// key's number, and the values of key number i are vals[offs[i]:offs[i+1]].
type MapArrangement[K comparable, V any] struct {
	added  pairs[K, V] // until Seal
	vals   []V         // grouped by key, once sealed
	sealed bool
	ids    map[K]int32
	keys   []K     // by number
	offs   []int32 // len(keys)+1 of them
}

// Add adds the pair (k, v). It panics after Seal.
func (a *MapArrangement[K, V]) Add(k K, v V) {
	if a.sealed {
		panic("tdrt: MapArrangement.Add after Seal")
	}
	a.added.add(k, v)
}

// AddTuples adds the pairs (r.F0, r.F1) of every r in rs. It panics
// after Seal.
func (a *MapArrangement[K, V]) AddTuples(rs []Tuple2[K, V]) {
	if a.sealed {
		panic("tdrt: MapArrangement.Add after Seal")
	}
	p := &a.added
	for len(rs) > 0 {
		if p.at == len(p.curK) {
			p.grow()
		}
		rs = p.fill(rs)
	}
}

// Len returns the number of pairs added.
func (a *MapArrangement[K, V]) Len() int {
	if a == nil {
		return 0
	}
	if !a.sealed {
		return a.added.count()
	}
	return len(a.vals)
}

// Seal groups the values by key; Lookup works from then on. It looks
// each pair's key up in the map once: the numbers of the pairs' keys are
// kept in a side array for the counting sort that follows.
func (a *MapArrangement[K, V]) Seal() {
	if a == nil || a.sealed {
		return
	}
	a.sealed = true
	added := a.added
	added.flush()
	a.added = pairs[K, V]{}
	a.ids = make(map[K]int32)
	ids := make([]int32, 0, added.n)
	var counts []int32
	for _, ks := range added.keys {
		for _, k := range ks {
			id, ok := a.ids[k]
			if !ok {
				id = int32(len(a.keys))
				a.ids[k] = id
				a.keys = append(a.keys, k)
				counts = append(counts, 0)
			}
			counts[id]++
			ids = append(ids, id)
		}
	}
	a.offs = make([]int32, len(a.keys)+1)
	for i, c := range counts {
		a.offs[i+1] = a.offs[i] + c
	}
	next := counts // reused as each key's cursor
	copy(next, a.offs)
	a.vals = make([]V, added.n)
	at := 0
	for _, vs := range added.vals {
		for _, v := range vs {
			id := ids[at]
			a.vals[next[id]] = v
			next[id]++
			at++
		}
	}
}

// Lookup returns the values of key k; nil for a nil arrangement. It must
// be sealed.
func (a *MapArrangement[K, V]) Lookup(k K) []V {
	if a == nil {
		return nil
	}
	id, ok := a.ids[k]
	if !ok {
		return nil
	}
	return a.vals[a.offs[id]:a.offs[id+1]]
}

// LookupBatchMap is LookupBatch for a MapArrangement.
func LookupBatchMap[K comparable, V, A any](a *MapArrangement[K, V], data []Tuple2[K, A], found [][]V) [][]V {
	found = found[:0]
	for _, r := range data {
		found = append(found, a.Lookup(r.F0))
	}
	return found
}

// All yields every key with its values, keys in the order first added,
// each once; nothing for a nil arrangement. It must be sealed.
func (a *MapArrangement[K, V]) All() iter.Seq2[K, []V] {
	return func(yield func(K, []V) bool) {
		if a == nil {
			return
		}
		for i, k := range a.keys {
			if !yield(k, a.vals[a.offs[i]:a.offs[i+1]]) {
				return
			}
		}
	}
}

// pairs holds the (key, value) pairs added to an arrangement before it is
// sealed, in chunks that double in size up to maxPairChunk: growing never
// copies what was added, and sealing reads each pair once. Adding a pair
// is two stores into the chunk being filled, inlined in the caller.
type pairs[K, V any] struct {
	keys [][]K // the chunks filled, then (after flush) the last one's pairs
	vals [][]V // vals[c][i] goes with keys[c][i]
	curK []K   // the chunk being filled, of its full length; curV goes with it
	curV []V
	at   int // pairs in curK
	n    int // pairs in keys
}

const (
	minPairChunk = 64
	maxPairChunk = 1 << 16
)

// add appends the pair (k, v).
func (p *pairs[K, V]) add(k K, v V) {
	if p.at == len(p.curK) {
		p.grow()
	}
	p.curK[p.at] = k
	p.curV[p.at] = v
	p.at++
}

// fill adds as many pairs of rs as the chunk being filled has room for
// and returns the others.
func (p *pairs[K, V]) fill(rs []Tuple2[K, V]) []Tuple2[K, V] {
	n := min(len(rs), len(p.curK)-p.at)
	ks, vs := p.curK[p.at:p.at+n], p.curV[p.at:p.at+n]
	for i, r := range rs[:n] {
		ks[i], vs[i] = r.F0, r.F1
	}
	p.at += n
	return rs[n:]
}

// count returns the number of pairs added.
func (p *pairs[K, V]) count() int { return p.n + p.at }

// grow moves the chunk being filled to the full ones and starts a new
// one.
//
//go:noinline
func (p *pairs[K, V]) grow() {
	p.flush()
	size := min(max(p.n, minPairChunk), maxPairChunk)
	p.curK, p.curV = make([]K, size), make([]V, size)
}

// flush moves the pairs of the chunk being filled to the full ones, so
// that keys and vals hold every pair.
func (p *pairs[K, V]) flush() {
	if p.at > 0 {
		p.keys = append(p.keys, p.curK[:p.at])
		p.vals = append(p.vals, p.curV[:p.at])
		p.n += p.at
	}
	p.curK, p.curV, p.at = nil, nil, 0
}
