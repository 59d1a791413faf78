package rounds

// upTo holds the numbers 0..upTo-1, shared read-only by the workers.
var upTo = sequence(1 << 20)

// numbers returns the numbers 0..n-1 (a part of upTo when it is long
// enough, which flat_map only reads).
func numbers(n int) []uint64 {
	if n <= len(upTo) {
		return upTo[:n]
	}
	return sequence(n)
}

// sequence makes the slice 0..n-1.
func sequence(n int) []uint64 {
	s := make([]uint64, n)
	for i := range s {
		s[i] = uint64(i)
	}
	return s
}
