package runtime

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestLambdaError(t *testing.T) {
	err := NewLambdaError("wc.tdf:12:9", "map", "x", errBoom)
	assert.EqualError(t, err, `wc.tdf:12:9: map: boom (record: "x")`)
	assert.ErrorIs(t, err, errBoom)

	type rec struct {
		Word string
		N    int
	}
	err = NewLambdaError("wc.tdf:3:1", "filter", rec{"a", 2}, errors.New("bad"))
	assert.EqualError(t, err, `wc.tdf:3:1: filter: bad (record: {Word:a N:2})`)
	err = NewLambdaError("p:1:1", "map", []byte("b\n"), errBoom)
	assert.Equal(t, `"b\n"`, err.Record)

	long := strings.Repeat("a", 50) + strings.Repeat("z", 50)
	err = NewLambdaError("p:1:1", "map", long, errBoom)
	assert.Len(t, err.Record, 80)
	assert.Equal(t, `"`+strings.Repeat("a", 37)+"..."+strings.Repeat("z", 38)+`"`, err.Record)

	assert.EqualError(t, &LambdaError{Pos: "p:1:1", Op: "map", Err: errBoom}, "p:1:1: map: boom")
}

func TestShortenKeepsRunes(t *testing.T) {
	for n := 0; n < 200; n++ {
		s := strings.Repeat("é", n) + strings.Repeat("x", n%3)
		got := shorten(s, 80)
		assert.LessOrEqual(t, len(got), 80)
		assert.True(t, strings.ToValidUTF8(got, "?") == got, "valid UTF-8: %q", got)
		if len(s) <= 80 {
			assert.Equal(t, s, got)
		} else {
			assert.Contains(t, got, "...")
			assert.GreaterOrEqual(t, len(got), 76)
		}
	}
}

func TestPanicError(t *testing.T) {
	err := &PanicError{Op: "map", Pos: "p:2:3", Value: "oops"}
	assert.EqualError(t, err, "p:2:3: map: panic: oops")
	assert.NoError(t, err.Unwrap())
	err = &PanicError{Op: "map", Pos: "p:2:3", Value: fmt.Errorf("wrapped: %w", errBoom)}
	assert.ErrorIs(t, err, errBoom)
}
