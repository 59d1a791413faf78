package runtime

import "strconv"

// Number fields of typed sources. The parsers of generated code call
// ParseUint, ParseInt and ParseFloat for the fields of a record read from
// text. Each takes the common case, plain decimal digits, in a loop over
// the bytes, and hands every other text to strconv, so that the results
// and the errors are exactly strconv's.

// ParseUint is strconv.ParseUint(s, 10, bitSize).
func ParseUint(s string, bitSize int) (uint64, error) {
	// Up to 19 digits cannot overflow a uint64.
	if n := len(s); n > 0 && n <= 19 {
		var v uint64
		for i := 0; i < n; i++ {
			d := s[i] - '0'
			if d > 9 {
				return strconv.ParseUint(s, 10, bitSize)
			}
			v = v*10 + uint64(d)
		}
		if bitSize == 64 || v>>uint(bitSize) == 0 {
			return v, nil
		}
	}
	return strconv.ParseUint(s, 10, bitSize)
}

// ParseInt is strconv.ParseInt(s, 10, bitSize).
func ParseInt(s string, bitSize int) (int64, error) {
	digits, neg := s, false
	if len(digits) > 0 && (digits[0] == '-' || digits[0] == '+') {
		neg = digits[0] == '-'
		digits = digits[1:]
	}
	// Up to 18 digits fit an int64 with room to spare.
	if n := len(digits); n > 0 && n <= 18 {
		var v int64
		for i := 0; i < n; i++ {
			d := digits[i] - '0'
			if d > 9 {
				return strconv.ParseInt(s, 10, bitSize)
			}
			v = v*10 + int64(d)
		}
		if neg {
			v = -v
		}
		if bitSize == 64 || (v >= -1<<(bitSize-1) && v < 1<<(bitSize-1)) {
			return v, nil
		}
	}
	return strconv.ParseInt(s, 10, bitSize)
}

// exactPowers holds the powers of ten that float64 represents exactly.
var exactPowers = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// ParseFloat is strconv.ParseFloat(s, bitSize). Digits with an optional
// sign and decimal point whose value is m / 10^k, with m and 10^k exact in
// the type (m < 2^53 and k <= 22 for float64, m < 2^24 and k <= 10 for
// float32), are one correctly rounded division, which is what strconv
// returns for them; everything else goes to strconv.
func ParseFloat(s string, bitSize int) (float64, error) {
	digits, neg := s, false
	if len(digits) > 0 && (digits[0] == '-' || digits[0] == '+') {
		neg = digits[0] == '-'
		digits = digits[1:]
	}
	if n := len(digits); n == 0 || n > 19 {
		return strconv.ParseFloat(s, bitSize)
	}
	var m uint64
	point, seen := -1, 0
	for i := 0; i < len(digits); i++ {
		c := digits[i]
		if c == '.' && point < 0 {
			point = i
			continue
		}
		d := c - '0'
		if d > 9 {
			return strconv.ParseFloat(s, bitSize)
		}
		m = m*10 + uint64(d)
		seen++
	}
	k := 0
	if point >= 0 {
		k = len(digits) - 1 - point
	}
	if seen == 0 {
		return strconv.ParseFloat(s, bitSize)
	}
	var v float64
	if bitSize == 32 {
		if m >= 1<<24 || k > 10 {
			return strconv.ParseFloat(s, bitSize)
		}
		v = float64(float32(m) / float32(exactPowers[k]))
	} else {
		if m >= 1<<53 || k > 22 {
			return strconv.ParseFloat(s, bitSize)
		}
		v = float64(m) / exactPowers[k]
	}
	if neg {
		v = -v
	}
	return v, nil
}
