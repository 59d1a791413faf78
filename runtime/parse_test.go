package runtime

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
)

// numberTexts are field texts for the parsers: plain digits of every
// length, signs, points, the limits of each size and what strconv rejects
// or takes its own way.
func numberTexts() []string {
	texts := []string{"", "0", "-0", "+0", "00", "007", "1", "-1", "+1", "-", "+", ".", "-.", ".5", "5.", "-5.", "1.5", "-1.25", "1.2.3",
		"1e5", "1E-3", "0x10", "1_000", " 1", "1 ", "inf", "NaN", "-Inf", "١", "9a", "a9", "--1", "+-1",
		"127", "128", "-128", "-129", "255", "256", "32767", "32768", "-32768", "-32769", "65535", "65536",
		"2147483647", "2147483648", "-2147483648", "-2147483649", "4294967295", "4294967296",
		"9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
		"18446744073709551615", "18446744073709551616", "99999999999999999999",
		"999999999999999999", "1000000000000000000", "-999999999999999999",
		"16777215", "16777216", "16777217", "0.1", "0.3", "3.4028235e38", "9007199254740991", "9007199254740993",
		"0.0000000001", "0.00000000001", "123456.7890123456789", "0.15", "0.85", "1234567.891",
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		n := 1 + r.IntN(21)
		b := make([]byte, 0, n+2)
		if r.IntN(4) == 0 {
			b = append(b, "-+"[r.IntN(2)])
		}
		point := -1
		if r.IntN(2) == 0 {
			point = r.IntN(n + 1)
		}
		for i := range n {
			if i == point {
				b = append(b, '.')
			}
			b = append(b, byte('0'+r.IntN(10)))
		}
		texts = append(texts, string(b))
	}
	return texts
}

func TestParseNumbersAsStrconv(t *testing.T) {
	for _, s := range numberTexts() {
		for _, size := range []int{8, 16, 32, 64} {
			u, uerr := ParseUint(s, size)
			wu, wuerr := strconv.ParseUint(s, 10, size)
			assert.Equal(t, wu, u, "ParseUint(%q, %d)", s, size)
			assert.Equal(t, wuerr, uerr, "ParseUint(%q, %d)", s, size)
			i, ierr := ParseInt(s, size)
			wi, wierr := strconv.ParseInt(s, 10, size)
			assert.Equal(t, wi, i, "ParseInt(%q, %d)", s, size)
			assert.Equal(t, wierr, ierr, "ParseInt(%q, %d)", s, size)
		}
		for _, size := range []int{32, 64} {
			f, ferr := ParseFloat(s, size)
			wf, wferr := strconv.ParseFloat(s, size)
			assert.Equal(t, math.Float64bits(wf), math.Float64bits(f), "ParseFloat(%q, %d) = %v, want %v", s, size, f, wf)
			assert.Equal(t, wferr, ferr, "ParseFloat(%q, %d)", s, size)
		}
	}
}

// TestScanNumbersAsStrconv: a number the scanners accept is the one
// strconv gives for the text they read, which ends where the digits end;
// and they accept every field of plain digits strconv takes in the
// common range.
func TestScanNumbersAsStrconv(t *testing.T) {
	for _, s := range numberTexts() {
		for _, size := range []int{8, 16, 32, 64} {
			for _, tail := range []string{"", " 5", "\n", "x"} {
				text := "#" + s + tail // a field at offset 1
				if u, next, ok := ScanUint(text, 1, size); ok {
					wu, err := strconv.ParseUint(text[1:next], 10, size)
					assert.NoError(t, err, "ScanUint(%q, %d)", text, size)
					assert.Equal(t, wu, u, "ScanUint(%q, %d)", text, size)
					assert.False(t, next < len(text) && text[next] >= '0' && text[next] <= '9', "ScanUint(%q, %d) stops at the end of the digits", text, size)
				} else {
					assert.Equal(t, 1, next)
					if _, err := strconv.ParseUint(s, 10, size); err == nil && len(s) <= 19 {
						assert.Fail(t, "ScanUint rejects a plain number", "ScanUint(%q, %d)", text, size)
					}
				}
				if v, next, ok := ScanInt(text, 1, size); ok {
					wv, err := strconv.ParseInt(text[1:next], 10, size)
					assert.NoError(t, err, "ScanInt(%q, %d)", text, size)
					assert.Equal(t, wv, v, "ScanInt(%q, %d)", text, size)
					assert.False(t, next < len(text) && text[next] >= '0' && text[next] <= '9', "ScanInt(%q, %d) stops at the end of the digits", text, size)
				} else {
					assert.Equal(t, 1, next)
					if v, err := strconv.ParseInt(s, 10, size); err == nil && len(s) <= 19 && v != -1<<(size-1) {
						assert.Fail(t, "ScanInt rejects a plain number", "ScanInt(%q, %d)", text, size)
					}
				}
			}
		}
	}
}

// FuzzScanNumbers: what ScanUint and ScanInt accept from any text is
// strconv's value of the digits they read.
func FuzzScanNumbers(f *testing.F) {
	for _, s := range numberTexts()[:100] {
		f.Add(s + " 1")
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, size := range []int{8, 16, 32, 64} {
			if u, next, ok := ScanUint(text, 0, size); ok {
				want, err := strconv.ParseUint(text[:next], 10, size)
				if err != nil || want != u || (next < len(text) && text[next]-'0' <= 9) {
					t.Fatalf("ScanUint(%q, %d) = %d, %d; strconv: %d, %v", text, size, u, next, want, err)
				}
			}
			if v, next, ok := ScanInt(text, 0, size); ok {
				want, err := strconv.ParseInt(text[:next], 10, size)
				if err != nil || want != v || (next < len(text) && text[next]-'0' <= 9) {
					t.Fatalf("ScanInt(%q, %d) = %d, %d; strconv: %d, %v", text, size, v, next, want, err)
				}
			}
		}
	})
}

// TestScanSeparators checks the scanners of words, separators and line
// ends on the texts at their edges.
func TestScanSeparators(t *testing.T) {
	type scanned struct {
		field string
		next  int
		ok    bool
	}
	word := func(text string, i int) scanned { f, n, ok := ScanWord(text, i); return scanned{f, n, ok} }
	field := func(text string, i int) scanned { f, n, ok := ScanCSVField(text, i); return scanned{f, n, ok} }
	assert.Equal(t, scanned{"ab", 3, true}, word("xab c", 1))
	assert.Equal(t, scanned{"ab", 2, true}, word("ab\tc", 0))
	assert.Equal(t, scanned{"ab", 2, true}, word("ab\r\n", 0))
	assert.Equal(t, scanned{"a,b", 3, true}, word("a,b", 0))
	assert.Equal(t, scanned{"", 0, false}, word(" a", 0))
	assert.Equal(t, scanned{"", 1, false}, word("a", 1))
	assert.Equal(t, scanned{"a b", 3, true}, field("a b,c", 0))
	assert.Equal(t, scanned{"a", 1, true}, field("a\r\n", 0))
	assert.Equal(t, scanned{"", 0, false}, field(",a", 0))
	assert.False(t, field(`"a",b`, 0).ok, "a quoted field is the exact parser's")

	for _, c := range []struct {
		text string
		next int
		ok   bool
	}{{"", 0, true}, {"\n1", 1, true}, {"\r\n1", 2, true}, {"\r", 0, false}, {"\r1", 0, false}, {" \n", 0, false}, {"1", 0, false}} {
		next, ok := ScanLineEnd(c.text, 0)
		assert.Equal(t, c.ok, ok, "ScanLineEnd(%q)", c.text)
		if ok {
			assert.Equal(t, c.next, next, "ScanLineEnd(%q)", c.text)
		}
	}
	next, ok := ScanBlanks(" \t 1", 0)
	assert.Equal(t, 3, next)
	assert.True(t, ok)
	_, ok = ScanBlanks("1", 0)
	assert.False(t, ok)
	next, ok = ScanComma("a,b", 1)
	assert.Equal(t, 2, next)
	assert.True(t, ok)
	_, ok = ScanComma("ab", 1)
	assert.False(t, ok)
	assert.True(t, MayBeSkipped("x#", 1))
	assert.True(t, MayBeSkipped(" x", 0))
	assert.False(t, MayBeSkipped("x", 0))
	assert.False(t, MayBeSkipped("x", 1))
}

func TestParseNumbersDoNotAllocate(t *testing.T) {
	assert.Zero(t, testing.AllocsPerRun(100, func() {
		_, _ = ParseUint("4294967295", 32)
		_, _ = ParseInt("-12345", 64)
		_, _ = ParseFloat("0.15", 32)
	}))
}

func BenchmarkParseUint(b *testing.B) {
	for b.Loop() {
		_, _ = ParseUint("1234567", 32)
	}
}

func BenchmarkStrconvParseUint(b *testing.B) {
	for b.Loop() {
		_, _ = strconv.ParseUint("1234567", 10, 32)
	}
}
