package runtime

import (
	"strings"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
)

// shares reports whether s points into block.
func shares(s, block string) bool {
	if len(s) == 0 {
		return false
	}
	p, b := uintptr(unsafe.Pointer(unsafe.StringData(s))), uintptr(unsafe.Pointer(unsafe.StringData(block)))
	return p >= b && p < b+uintptr(len(block))
}

func TestKeepCopiesEveryString(t *testing.T) {
	block := strings.Repeat("alpha beta gamma ", 10)
	a, b, c := block[0:5], block[6:10], block[11:16]
	type inner struct {
		N    int
		Name string
	}
	type rec struct {
		A     string
		In    inner
		Pair  [2]string
		Count int64
		ptr   *string
	}
	v := rec{A: a, In: inner{7, b}, Pair: [2]string{c, a}, Count: 3, ptr: &a}
	k := Keep(v)
	assert.Equal(t, v, k)
	for _, s := range []string{k.A, k.In.Name, k.Pair[0], k.Pair[1]} {
		assert.False(t, shares(s, block), "%q still points into the block", s)
	}
	assert.Same(t, v.ptr, k.ptr, "pointers are left alone")

	s := Keep(a)
	assert.Equal(t, "alpha", s)
	assert.False(t, shares(s, block))
	assert.Equal(t, Tuple2[int64, int64]{1, 2}, Keep(Tuple2[int64, int64]{1, 2}))
}

func TestHashStateKeepsNoBlock(t *testing.T) {
	block := strings.Repeat("one two one three ", 100)
	var m HashState[Tuple2[string, int64], int64]
	for i, w := range strings.Fields(block) {
		p, _ := m.Slot(Tuple2[string, int64]{w, int64(i % 2)})
		*p++
	}
	assert.Equal(t, 3, m.Len()) // (one, 0), (two, 1), (three, 1)
	total := int64(0)
	for k, v := range m.All() {
		assert.False(t, shares(k.F0, block), "key %v points into the block", k)
		total += v
	}
	assert.Equal(t, int64(400), total)
}

func TestStringArenaKeepsEveryCopy(t *testing.T) {
	var a stringArena
	var want, got []string
	long := strings.Repeat("x", arenaMaxChunk/8+1)
	for i := 0; i < 20000; i++ {
		s := strings.Repeat(string(rune('a'+i%26)), i%40)
		if i%5000 == 0 {
			s = long
		}
		want = append(want, s)
		got = append(got, a.copy(s))
	}
	assert.Equal(t, want, got, "a later copy overwrote an earlier one")
	assert.LessOrEqual(t, cap(a.chunk), arenaMaxChunk)
}

func TestHashStateKeysSurviveReset(t *testing.T) {
	var m HashState[string, int]
	var kept []string
	for round := 0; round < 3; round++ {
		for i := 0; i < 3000; i++ {
			w := strings.Repeat("k", 1+i%7) + string(rune('A'+i%50))
			p, _ := m.Slot(w)
			*p++
		}
		for k := range m.All() {
			kept = append(kept, k)
		}
		m.Reset()
	}
	assert.Len(t, kept, 3*7*50/gcd(7, 50))
	for _, k := range kept {
		assert.Regexp(t, `^k{1,7}[A-r]$`, k)
	}
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
