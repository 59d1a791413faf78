package runtime

import "math/bits"

// Hashing of exchange keys. Every process of a computation must route a
// key to the same worker, so the hashes are deterministic: no seeds, the
// same on every platform, run and process.
//
// Integers are mixed by the finalizer of splitmix64 (Steele, Lea, Flood:
// "Fast splittable pseudorandom number generators"), which spreads every
// input bit over every output bit. Strings and byte slices are hashed by
// 64-bit FNV-1a and then mixed the same way, so that the high bits, which
// Route uses, are as good as the low ones. A string and a byte slice with
// the same bytes hash alike.

const (
	golden    = 0x9e3779b97f4a7c15 // 2^64 / the golden ratio, odd
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// mix64 is the splitmix64 finalizer: a bijection of uint64 with full
// avalanche.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// HashUint64 hashes x. It is a bijection, so distinct keys never collide.
func HashUint64(x uint64) uint64 { return mix64(x + golden) }

// RouteUint64 returns the worker, 0..peers-1, that an integer key x goes
// to. It is what generated code routes integer keys by, cheaper than
// Route(HashUint64(x), peers) (two multiplies instead of three, and no
// xor-shifts): Fibonacci hashing (Knuth, TAOCP 6.4), the product of x
// with 2^64/φ modulo 2^64, routed by its high bits, which depend on every
// bit of x. Sequential keys, keys of a constant stride (odd, or a power
// of two) and pairs packed into one integer spread evenly over the
// workers: the multiples of an irrational number modulo 1 are spaced as
// evenly as a sequence can be (the three-distance theorem), and for
// 2^64/φ among the most evenly of all. Like the hashes, its values are
// fixed: every process, and every build, routes a key alike.
func RouteUint64(x uint64, peers int) int { return Route(x*golden, peers) }

// HashString hashes s.
func HashString(s string) uint64 {
	h := uint64(fnvOffset)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return mix64(h)
}

// HashBytes hashes b; it equals HashString(string(b)).
func HashBytes(b []byte) uint64 {
	h := uint64(fnvOffset)
	for _, c := range b {
		h ^= uint64(c)
		h *= fnvPrime
	}
	return mix64(h)
}

// HashCombine returns the hash of a key whose parts so far hash to h,
// followed by a part whose hash is x. The order of parts matters:
// HashCombine(a, b) and HashCombine(b, a) differ in general.
func HashCombine(h, x uint64) uint64 { return mix64(h*golden + x) }

// Route returns the worker, 0..peers-1, that a key with hash h goes to. It
// multiplies and shifts (Lemire's "fast range"): floor(h * peers / 2^64),
// which uses the high bits of h; h must be a hash from this file, not a
// raw key, whose small values would all go to worker 0.
func Route(h uint64, peers int) int {
	hi, _ := bits.Mul64(h, uint64(peers))
	return int(hi)
}
