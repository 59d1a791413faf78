package runtime

import (
	"math/bits"
	"strconv"
)

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

// The scanners below are the single pass of a generated block parser
// over the common form of a line: fields that are plain numbers or words
// separated by blanks (or by commas), ending with the line. Each reads
// one field or separator at text[i:] and returns the offset after it;
// ok false means the line is not in that form (a sign where none is
// allowed, too many digits, a quote, a field missing or in excess, a
// comment), and the generated code then parses the line alone with the
// exact parser, whose result or error stands. So the scanners need only
// never accept what the exact parser would read differently.

// ScanUint reads the plain decimal digits of an unsigned field: up to
// 19, with a value that fits bitSize bits.
func ScanUint(text string, i, bitSize int) (v uint64, next int, ok bool) {
	j := i
	if i+8 <= len(text) {
		// Eight bytes at once: the digits among them and their value in
		// a few word operations, without a branch per digit.
		n, d := eightDigits(load8(text, i))
		if n < 8 {
			if n == 0 || (bitSize < 64 && d>>uint(bitSize) != 0) {
				return 0, i, false
			}
			return d, i + n, true
		}
		v, j = d, i+8
	}
	for ; j < len(text); j++ {
		d := text[j] - '0'
		if d > 9 {
			break
		}
		v = v*10 + uint64(d)
	}
	if n := j - i; n == 0 || n > 19 || (bitSize < 64 && v>>uint(bitSize) != 0) {
		return 0, i, false
	}
	return v, j, true
}

// load8 returns the eight bytes of text at i as a little-endian word:
// the first in the low byte.
func load8(text string, i int) uint64 {
	b := text[i : i+8]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

// eightDigits returns how many of the bytes of w (the first in the low
// byte) are decimal digits before the first that is not, and their value.
func eightDigits(w uint64) (n int, v uint64) {
	const ones = 0x0101010101010101
	d := w ^ (ones * '0') // a digit's byte is now its value, 0 to 9
	// A byte's high bit is set in high when the byte is 10 or more: the
	// low seven bits plus 0x76 carry into the eighth for 10 and above,
	// and never into the next byte.
	high := ((d&(ones*0x7f) + ones*0x76) | d) & (ones * 0x80)
	n = bits.TrailingZeros64(high) / 8 // 8 when every byte is a digit
	if n == 0 {
		return 0, 0
	}
	// The n digits in the high bytes, below them zeros: the eight-digit
	// number with n significant digits, summed in pairs, fours, eights.
	d <<= uint(64 - 8*n)
	d = (d * (10<<8 + 1)) >> 8 & 0x00ff00ff00ff00ff
	d = (d * (100<<16 + 1)) >> 16 & 0x0000ffff0000ffff
	d = (d * (10000<<32 + 1)) >> 32
	return n, d
}

// ScanInt reads a signed field: an optional sign and up to 19 plain
// decimal digits, with a value under 2^(bitSize-1) in magnitude (the
// least value goes to the exact parser).
func ScanInt(text string, i, bitSize int) (v int64, next int, ok bool) {
	j := i
	if j < len(text) && (text[j] == '-' || text[j] == '+') {
		j++
	}
	u, next, ok := ScanUint(text, j, bitSize-1)
	switch {
	case !ok:
		return 0, i, false
	case j > i && text[i] == '-':
		return -int64(u), next, true
	}
	return int64(u), next, true
}

// ScanWord reads a field of a blank-separated line: the bytes up to a
// blank or the end of the line, at least one.
func ScanWord(text string, i int) (field string, next int, ok bool) {
	j := i
	for j < len(text) && text[j] != ' ' && text[j] != '\t' && text[j] != '\n' && text[j] != '\r' {
		j++
	}
	return text[i:j], j, j > i
}

// ScanCSVField reads an unquoted field of a comma-separated line: the
// bytes up to a comma or the end of the line, at least one.
func ScanCSVField(text string, i int) (field string, next int, ok bool) {
	j := i
	for j < len(text) && text[j] != ',' && text[j] != '\n' && text[j] != '\r' {
		j++
	}
	return text[i:j], j, j > i && text[i] != '"'
}

// ScanBlanks reads the blanks between two fields: at least one space or
// tab.
func ScanBlanks(text string, i int) (next int, ok bool) {
	j := i
	for j < len(text) && (text[j] == ' ' || text[j] == '\t') {
		j++
	}
	return j, j > i
}

// ScanComma reads the comma between two fields.
func ScanComma(text string, i int) (next int, ok bool) {
	if i < len(text) && text[i] == ',' {
		return i + 1, true
	}
	return i, false
}

// ScanLineEnd reads the end of a line after its last field: "\n",
// "\r\n", or the end of the text (a last line without newline). It
// returns the offset of the next line.
func ScanLineEnd(text string, i int) (next int, ok bool) {
	switch {
	case i == len(text):
		return i, true
	case text[i] == '\n':
		return i + 1, true
	case text[i] == '\r' && i+1 < len(text) && text[i+1] == '\n':
		return i + 2, true
	}
	return i, false
}

// MayBeSkipped reports whether the line starting at text[i] may be one
// that holds no record (see [SkipLine]): it starts with a blank or '#'.
// A record whose first field is a string scans only lines that do not.
func MayBeSkipped(text string, i int) bool {
	return i < len(text) && (text[i] == ' ' || text[i] == '\t' || text[i] == '#')
}
