package runtime

// Integer is any integer type.
type Integer interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr
}

// denseInts bounds the values an IntSet keeps in its bitmap: 0 to
// denseInts-1, 512 KiB of bits at most.
const denseInts = 1 << 22

// IntSet is a set of integers: a bitmap for the values from 0 below
// 1<<22, a map for the others. The head of an iterate over integer records
// keeps the records it has seen in one. The zero value is empty.
type IntSet[T Integer] struct {
	bits  []uint64
	other map[T]struct{}
}

// Add adds v and reports whether it was not in the set.
func (s *IntSet[T]) Add(v T) bool {
	if v < 0 || uint64(v) >= denseInts {
		if _, ok := s.other[v]; ok {
			return false
		}
		if s.other == nil {
			s.other = map[T]struct{}{}
		}
		s.other[v] = struct{}{}
		return true
	}
	w, bit := int(uint64(v)/64), uint64(1)<<(uint64(v)%64)
	if w >= len(s.bits) {
		s.bits = append(s.bits, make([]uint64, w+1-len(s.bits))...)
	}
	if s.bits[w]&bit != 0 {
		return false
	}
	s.bits[w] |= bit
	return true
}
