package runtime

import "iter"

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
	lo     K
	offs   []int32               // dense: values of key lo+i are vals[offs[i]:offs[i+1]]
	sparse *MapArrangement[K, V] // when the keys are spread too thin for offsets
}

// Add adds the pair (k, v). It panics after Seal.
func (a *IntArrangement[K, V]) Add(k K, v V) {
	if a.sealed {
		panic("tdrt: IntArrangement.Add after Seal")
	}
	a.added.add(k, v)
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
		return a.added.n
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
	added := a.added
	a.added = pairs[K, V]{}
	if added.n == 0 {
		return
	}
	lo, hi := added.keys[0][0], added.keys[0][0]
	for _, ks := range added.keys {
		for _, k := range ks {
			lo, hi = min(lo, k), max(hi, k)
		}
	}
	n := uint64(added.n)
	if span := uint64(hi - lo); hi >= lo && span < 4*n+1024 {
		a.lo = lo
		a.offs = make([]int32, span+2)
		for _, ks := range added.keys {
			for _, k := range ks {
				a.offs[k-lo+1]++
			}
		}
		for i := 1; i < len(a.offs); i++ {
			a.offs[i] += a.offs[i-1]
		}
		next := make([]int32, span+1)
		copy(next, a.offs)
		a.vals = make([]V, added.n)
		for c, ks := range added.keys {
			vs := added.vals[c]
			for i, k := range ks {
				a.vals[next[k-lo]] = vs[i]
				next[k-lo]++
			}
		}
		return
	}
	a.sparse = &MapArrangement[K, V]{added: added}
	a.sparse.Seal()
}

// Lookup returns the values of key k, in no particular order; nil for a
// nil arrangement. It must be sealed.
func (a *IntArrangement[K, V]) Lookup(k K) []V {
	if a == nil {
		return nil
	}
	if a.offs != nil {
		if k < a.lo || uint64(k-a.lo) >= uint64(len(a.offs)-1) {
			return nil
		}
		i := k - a.lo
		return a.vals[a.offs[i]:a.offs[i+1]]
	}
	return a.sparse.Lookup(k)
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
type MapArrangement[K comparable, V any] struct {
	added  pairs[K, V] // until Seal
	vals   []V         // grouped by key, once sealed
	sealed bool
	spans  map[K][2]int32
}

// Add adds the pair (k, v). It panics after Seal.
func (a *MapArrangement[K, V]) Add(k K, v V) {
	if a.sealed {
		panic("tdrt: MapArrangement.Add after Seal")
	}
	a.added.add(k, v)
}

// Len returns the number of pairs added.
func (a *MapArrangement[K, V]) Len() int {
	if a == nil {
		return 0
	}
	if !a.sealed {
		return a.added.n
	}
	return len(a.vals)
}

// Seal groups the values by key; Lookup works from then on.
func (a *MapArrangement[K, V]) Seal() {
	if a == nil || a.sealed {
		return
	}
	a.sealed = true
	added := a.added
	a.added = pairs[K, V]{}
	counts := make(map[K]int32)
	for _, ks := range added.keys {
		for _, k := range ks {
			counts[k]++
		}
	}
	a.spans = make(map[K][2]int32, len(counts))
	var at int32
	for k, c := range counts {
		a.spans[k] = [2]int32{at, at}
		at += c
	}
	a.vals = make([]V, added.n)
	for c, ks := range added.keys {
		vs := added.vals[c]
		for i, k := range ks {
			s := a.spans[k]
			a.vals[s[1]] = vs[i]
			s[1]++
			a.spans[k] = s
		}
	}
}

// Lookup returns the values of key k; nil for a nil arrangement. It must
// be sealed.
func (a *MapArrangement[K, V]) Lookup(k K) []V {
	if a == nil {
		return nil
	}
	s, ok := a.spans[k]
	if !ok {
		return nil
	}
	return a.vals[s[0]:s[1]]
}

// All yields every key with its values, keys in no particular order,
// each once; nothing for a nil arrangement. It must be sealed.
func (a *MapArrangement[K, V]) All() iter.Seq2[K, []V] {
	return func(yield func(K, []V) bool) {
		if a == nil {
			return
		}
		for k, s := range a.spans {
			if !yield(k, a.vals[s[0]:s[1]]) {
				return
			}
		}
	}
}

// pairs holds the (key, value) pairs added to an arrangement before it is
// sealed, in chunks that double in size up to maxPairChunk: growing never
// copies what was added, and sealing reads each pair once.
type pairs[K, V any] struct {
	keys [][]K
	vals [][]V // vals[c][i] goes with keys[c][i]
	n    int
}

const (
	minPairChunk = 64
	maxPairChunk = 1 << 16
)

// add appends the pair (k, v).
func (p *pairs[K, V]) add(k K, v V) {
	c := len(p.keys) - 1
	if c < 0 || len(p.keys[c]) == cap(p.keys[c]) {
		p.grow()
		c++
	}
	p.keys[c] = append(p.keys[c], k)
	p.vals[c] = append(p.vals[c], v)
	p.n++
}

// grow starts a new chunk.
func (p *pairs[K, V]) grow() {
	size := min(max(p.n, minPairChunk), maxPairChunk)
	p.keys = append(p.keys, make([]K, 0, size))
	p.vals = append(p.vals, make([]V, 0, size))
}
