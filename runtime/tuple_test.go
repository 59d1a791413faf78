package runtime

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTuples(t *testing.T) {
	p := MakeTuple2("a", int64(3))
	assert.Equal(t, Tuple2[string, int64]{F0: "a", F1: 3}, p)
	assert.Equal(t, "{F0:a F1:3}", fmt.Sprintf("%+v", p))
	assert.Equal(t, Tuple3[int, int, int]{1, 2, 3}, MakeTuple3(1, 2, 3))
	assert.Equal(t, Tuple4[int, string, bool, byte]{1, "b", true, 'd'}, MakeTuple4(1, "b", true, byte('d')))
	seen := map[Tuple2[string, int]]bool{{"x", 1}: true}
	assert.True(t, seen[MakeTuple2("x", 1)], "comparable tuples are map keys")
}
