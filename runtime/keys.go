package runtime

import "math"

// HashBool hashes a boolean key.
func HashBool(b bool) uint64 {
	if b {
		return HashUint64(1)
	}
	return HashUint64(0)
}

// HashFloat64 hashes a floating-point key by its bits, with -0 hashed
// like +0 so that keys that compare equal go to the same worker.
func HashFloat64(f float64) uint64 {
	if f == 0 {
		f = 0
	}
	return HashUint64(math.Float64bits(f))
}

// CompareTime orders times totally, consistently with the product order
// (a time sorts after every time before it): by epoch, then by rounds.
// Operators use it to act on complete timestamps oldest first.
func CompareTime(t, u Time) int { return compareTimes(t, u) }
