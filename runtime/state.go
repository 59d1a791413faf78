package runtime

import (
	"iter"
	"math/bits"
	"reflect"
	"unsafe"
)

// Keyed state of the built-in aggregations (count, distinct, sum, min,
// max, reduce, top_k): one value per key, for one time. The generated
// code asks for a key's slot, updates the value in place, and reads all
// the keys and values when the time is complete; the state is then reset
// and reused for a later time.

// DenseState holds values by integer key in pages of consecutive keys,
// allocated as keys arrive, so that a run of node ids costs an array
// rather than a hash map, and values without pointers give the garbage
// collector nothing to scan. Keys that are negative or past a limit go
// to a map.
//
// A page is a presence bitmap and an array of values. Slot's common
// case, a key in a page already allocated, is TrySlot, which the
// generated fold inlines: it has no branch that depends on the key being
// new (the key's bit is set without being tested first, and whether it
// was new is computed from the old word). Pages stay allocated across Reset (they are emptied, not freed),
// so the common case covers every key after the first time; Free gives
// them back. The number of keys is not kept per record: Len counts the
// bits.
type DenseState[K Integer, V any] struct {
	pages    []*statePage[V]
	used     []int // the allocated pages, in allocation order
	overflow HashState[K, V]
}

const (
	stateShift    = 12
	statePageSize = 1 << stateShift
	// stateDenseLimit bounds the keys kept in pages: the page table of
	// the largest key is 1<<(30-12) pointers, 2 MiB.
	stateDenseLimit = 1 << 30
)

type statePage[V any] struct {
	present [statePageSize / 64]uint64
	vals    [statePageSize]V
}

// Slot returns a pointer to the value of key k, valid until the next
// Slot or Reset, and whether the key is new (its value then is V's zero).
func (s *DenseState[K, V]) Slot(k K) (*V, bool) {
	if p, fresh := s.TrySlot(k); p != nil {
		return p, fresh
	}
	return s.slotNewPage(k)
}

// TrySlot is Slot's common case, small enough to be inlined into a
// generated fold: for a key in a page already allocated it returns what
// Slot does; otherwise it returns nil and the caller calls Slot.
func (s *DenseState[K, V]) TrySlot(k K) (*V, bool) {
	// A negative key converts to a number past every page.
	if p := uint64(k) >> stateShift; p < uint64(len(s.pages)) {
		if pg := s.pages[p]; pg != nil {
			i := uint64(k) & (statePageSize - 1)
			old := pg.present[i>>6]
			pg.present[i>>6] = old | 1<<(i&63)
			return &pg.vals[i], old>>(i&63)&1 == 0
		}
	}
	return nil, false
}

// slotNewPage is Slot for a key whose page is not allocated, or that
// does not go in a page.
func (s *DenseState[K, V]) slotNewPage(k K) (*V, bool) {
	if k < 0 || uint64(k) >= stateDenseLimit {
		return s.overflow.Slot(k)
	}
	p, i := int(uint64(k)>>stateShift), int(uint64(k)&(statePageSize-1))
	if p >= len(s.pages) {
		s.pages = append(s.pages, make([]*statePage[V], p+1-len(s.pages))...)
	}
	pg := new(statePage[V])
	s.pages[p] = pg
	s.used = append(s.used, p)
	pg.present[i>>6] |= uint64(1) << (i & 63)
	return &pg.vals[i], true
}

// Len returns the number of keys.
func (s *DenseState[K, V]) Len() int {
	n := s.overflow.Len()
	for _, p := range s.used {
		for _, set := range s.pages[p].present {
			n += bits.OnesCount64(set)
		}
	}
	return n
}

// All yields every key and its value: the paged keys in increasing
// order, then the others.
func (s *DenseState[K, V]) All() iter.Seq2[K, V] {
	return func(yield func(K, V) bool) {
		for p, pg := range s.pages {
			if pg == nil {
				continue
			}
			for w, set := range pg.present {
				for set != 0 {
					b := bits.TrailingZeros64(set)
					set &= set - 1
					i := w<<6 | b
					if !yield(K(p<<stateShift|i), pg.vals[i]) {
						return
					}
				}
			}
		}
		for k, v := range s.overflow.All() {
			if !yield(k, v) {
				return
			}
		}
	}
}

// Reset empties the state, keeping its pages for reuse.
func (s *DenseState[K, V]) Reset() {
	var zero V
	for _, p := range s.used {
		pg := s.pages[p]
		keys := 0
		for _, set := range pg.present {
			keys += bits.OnesCount64(set)
		}
		switch {
		case keys == 0:
			continue
		case keys >= statePageSize/8:
			// Clearing the whole array is a memclr, faster than
			// visiting an eighth of it key by key.
			clear(pg.vals[:])
		default:
			for w, set := range pg.present {
				for set != 0 {
					b := bits.TrailingZeros64(set)
					set &= set - 1
					pg.vals[w<<6|b] = zero
				}
			}
		}
		pg.present = [statePageSize / 64]uint64{}
	}
	s.overflow.Reset()
}

// Free empties the state and gives its memory back, for a state that
// will not be used again soon.
func (s *DenseState[K, V]) Free() {
	*s = DenseState[K, V]{}
}

// HashState holds values by key of any comparable type: a map from key
// to the index of its value in a slice. A new key's strings are copied
// into the state's own memory (see [Keep]), so that the state does not
// hold the blocks of text its keys were read from.
type HashState[K comparable, V any] struct {
	index map[K]int32
	keys  []K
	vals  []V
	strs  []uintptr // the offsets of K's strings, once typed
	typed bool
	arena stringArena // holds the new keys' strings
	// Borrow is set for a state that lives no longer than the records it
	// is fed (a combiner's, emptied at the end of each run): its keys
	// are kept as they come, not copied.
	Borrow bool
}

// Slot returns a pointer to the value of key k, valid until the next
// Slot or Reset, and whether the key is new (its value then is V's zero).
func (s *HashState[K, V]) Slot(k K) (*V, bool) {
	if i, ok := s.index[k]; ok {
		return &s.vals[i], false
	}
	if s.index == nil {
		s.index = make(map[K]int32)
	}
	if !s.typed {
		s.strs, s.typed = stringOffsets(reflect.TypeFor[K]()), true
	}
	if !s.Borrow {
		s.arena.keep(unsafe.Pointer(&k), s.strs) // the state outlives the key's batch
	}
	s.index[k] = int32(len(s.vals))
	s.keys = append(s.keys, k)
	var zero V
	s.vals = append(s.vals, zero)
	return &s.vals[len(s.vals)-1], true
}

// Len returns the number of keys.
func (s *HashState[K, V]) Len() int { return len(s.vals) }

// All yields every key and its value, in the order the keys came.
func (s *HashState[K, V]) All() iter.Seq2[K, V] {
	return func(yield func(K, V) bool) {
		for i, k := range s.keys {
			if !yield(k, s.vals[i]) {
				return
			}
		}
	}
}

// Reset empties the state, keeping its memory for reuse.
func (s *HashState[K, V]) Reset() {
	clear(s.index)
	clear(s.keys)
	clear(s.vals)
	s.keys, s.vals = s.keys[:0], s.vals[:0]
}

// Ranked is a value that top_k(k, v => score) keeps: the record, its
// score and its hash, which orders records of equal score.
type Ranked[S any, V any] struct {
	Score  S
	Hash   uint64
	Record V
}
