package runtime

import (
	"math/bits"
	"reflect"
	"sync"
	"unsafe"
)

// The memory an operator's state takes is estimated, not counted: the
// keyed states and arrangements know their inline sizes from their
// lengths and capacities, and EstimateBytes walks any other value (a
// join's tables, a custom operator's state) by reflection, looking at a
// few elements of every slice and map and scaling up. What strings and
// slices inside records point to is estimated from a sample the same
// way. An estimate takes time in the number of containers nested in the
// state, not in the number of records, and is made at most once per
// memory check and operator (see memory.go), never per record.

// Stateful is an operator that holds state across runs. StateBytes
// estimates the bytes it holds; the worker calls it between runs, on
// the worker's goroutine. Generated operators with state implement it.
type Stateful interface {
	StateBytes() int64
}

// sampleSize is how many elements of a slice or map an estimate looks
// at; sampleDepth is how deep it follows containers in containers.
const (
	sampleSize  = 8
	sampleDepth = 5
)

// mapEntryOverhead estimates what a map spends per entry beyond the key
// and value: a control byte and the free slots of its load factor.
const mapEntryOverhead = 8

// EstimateBytes estimates the bytes v holds in memory: its own size and,
// sampled, what its pointers, slices, strings and maps hold.
func EstimateBytes(v any) int64 {
	if v == nil {
		return 0
	}
	rv := reflect.ValueOf(v)
	return int64(rv.Type().Size()) + indirectBytes(rv, sampleDepth)
}

// indirectBytes estimates the bytes that v refers to, beyond its own
// size, following at most depth levels.
func indirectBytes(v reflect.Value, depth int) int64 {
	if depth == 0 || !refersBeyond(v.Type()) {
		return 0
	}
	switch v.Kind() {
	case reflect.String:
		return allocBytes(v.Len())
	case reflect.Pointer:
		if v.IsNil() {
			return 0
		}
		e := v.Elem()
		return int64(e.Type().Size()) + indirectBytes(e, depth-1)
	case reflect.Slice:
		if v.IsNil() {
			return 0
		}
		n := int64(v.Cap()) * int64(v.Type().Elem().Size())
		return n + sampleElems(v, v.Len(), depth)
	case reflect.Array:
		return sampleElems(v, v.Len(), depth)
	case reflect.Struct:
		var n int64
		for i := range v.NumField() {
			n += indirectBytes(v.Field(i), depth)
		}
		return n
	case reflect.Map:
		if v.IsNil() {
			return 0
		}
		t := v.Type()
		n := int64(v.Len()) * (int64(t.Key().Size()+t.Elem().Size()) + mapEntryOverhead)
		if !refersBeyond(t.Key()) && !refersBeyond(t.Elem()) {
			return n
		}
		var sum int64
		seen := 0
		for it := v.MapRange(); it.Next() && seen < sampleSize; seen++ {
			sum += indirectBytes(it.Key(), depth-1) + indirectBytes(it.Value(), depth-1)
		}
		if seen > 0 {
			n += sum * int64(v.Len()) / int64(seen)
		}
		return n
	case reflect.Interface:
		if v.IsNil() {
			return 0
		}
		e := v.Elem()
		return int64(e.Type().Size()) + indirectBytes(e, depth-1)
	}
	return 0
}

// sampleElems estimates what the first n elements of v (a slice or
// array) refer to from up to sampleSize of them, evenly spaced.
func sampleElems(v reflect.Value, n, depth int) int64 {
	if n == 0 || !refersBeyond(v.Type().Elem()) {
		return 0
	}
	k := min(n, sampleSize)
	var sum int64
	for i := range k {
		sum += indirectBytes(v.Index(i*n/k), depth-1)
	}
	return sum * int64(n) / int64(k)
}

// allocBytes is about what an allocation of n bytes takes.
func allocBytes(n int) int64 {
	if n == 0 {
		return 0
	}
	return int64(n+15) &^ 15
}

// pointerTypes caches hasPointers by type.
var pointerTypes sync.Map // reflect.Type -> bool

// hasPointers reports whether values of t refer to memory beyond their
// own size.
func refersBeyond(t reflect.Type) bool {
	if b, ok := pointerTypes.Load(t); ok {
		return b.(bool)
	}
	b := computeRefersBeyond(t, 0)
	pointerTypes.Store(t, b)
	return b
}

func computeRefersBeyond(t reflect.Type, depth int) bool {
	if depth > 16 {
		return true
	}
	switch t.Kind() {
	case reflect.String, reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface, reflect.Chan, reflect.Func, reflect.UnsafePointer:
		return true
	case reflect.Array:
		return t.Len() > 0 && computeRefersBeyond(t.Elem(), depth+1)
	case reflect.Struct:
		for i := range t.NumField() {
			if computeRefersBeyond(t.Field(i).Type, depth+1) {
				return true
			}
		}
	}
	return false
}

// sampledBytes estimates what the values of s refer to, beyond their
// own size, from up to sampleSize of them.
func sampledBytes[T any](s []T) int64 {
	if len(s) == 0 || !refersBeyond(reflect.TypeFor[T]()) {
		return 0
	}
	return sampleElems(reflect.ValueOf(s), len(s), sampleDepth)
}

// sizeOf is the size of a T.
func sizeOf[T any]() int64 {
	var zero T
	return int64(unsafe.Sizeof(zero))
}

// Bytes estimates the bytes the state holds, its spare capacity
// included.
func (s *HashState[K, V]) Bytes() int64 {
	if s == nil {
		return 0
	}
	n := int64(len(s.index)) * (sizeOf[K]() + 4 + mapEntryOverhead)
	n += int64(cap(s.keys))*sizeOf[K]() + sampledBytes(s.keys)
	n += int64(cap(s.vals))*sizeOf[V]() + sampledBytes(s.vals)
	return n
}

// Bytes estimates the bytes the state holds, its emptied pages
// included.
func (s *DenseState[K, V]) Bytes() int64 {
	if s == nil {
		return 0
	}
	pages := int64(0)
	for _, pg := range s.pages {
		if pg != nil {
			pages++
		}
	}
	n := int64(cap(s.pages))*8 + pages*sizeOf[statePage[V]]()
	if refersBeyond(reflect.TypeFor[V]()) {
		var sample []V
		for v := range s.values() {
			sample = append(sample, v)
			if len(sample) == sampleSize {
				break
			}
		}
		if len(sample) > 0 {
			n += sampledBytes(sample) * int64(s.Len()-s.overflow.Len()) / int64(len(sample))
		}
	}
	return n + int64(cap(s.used))*8 + s.overflow.Bytes()
}

// values yields the values of the paged keys.
func (s *DenseState[K, V]) values() func(func(V) bool) {
	return func(yield func(V) bool) {
		for _, p := range s.used {
			pg := s.pages[p]
			for w, set := range pg.present {
				for set != 0 {
					i := w<<6 | bits.TrailingZeros64(set)
					set &= set - 1
					if !yield(pg.vals[i]) {
						return
					}
				}
			}
		}
	}
}

// Bytes estimates the bytes the arrangement holds.
func (a *IntArrangement[K, V]) Bytes() int64 {
	if a == nil {
		return 0
	}
	n := a.added.bytes() + int64(cap(a.vals))*sizeOf[V]() + sampledBytes(a.vals) + int64(cap(a.offs))*4
	return n + a.sparse.Bytes()
}

// Bytes estimates the bytes the arrangement holds.
func (a *MapArrangement[K, V]) Bytes() int64 {
	if a == nil {
		return 0
	}
	n := a.added.bytes() + int64(cap(a.vals))*sizeOf[V]() + sampledBytes(a.vals)
	return n + int64(len(a.ids))*(sizeOf[K]()+4+mapEntryOverhead) + int64(cap(a.keys))*sizeOf[K]() + int64(cap(a.offs))*4
}

// bytes estimates the bytes the pairs hold: every chunk, what the
// values of the first one refer to scaled up.
func (p *pairs[K, V]) bytes() int64 {
	n := int64(cap(p.curK))*sizeOf[K]() + int64(cap(p.curV))*sizeOf[V]()
	for c := range p.keys {
		n += int64(cap(p.keys[c]))*sizeOf[K]() + int64(cap(p.vals[c]))*sizeOf[V]()
	}
	keys, vals := p.curK[:p.at], p.curV[:p.at]
	if len(p.keys) > 0 {
		keys, vals = p.keys[0], p.vals[0]
	}
	if len(keys) > 0 {
		perPair := (sampledBytes(keys) + sampledBytes(vals)) / int64(len(keys))
		n += perPair * int64(p.count())
	}
	return n
}
