package lang

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRewriteTuples(t *testing.T) {
	cases := map[string]string{
		"(a, b)":                                "tdcTuple2(a, b)",
		"(a, (b, c))":                           "tdcTuple2(a, tdcTuple2(b, c))",
		"(f(x, y), 1, 2.5, \"s\")":              "tdcTuple4(f(x, y), 1, 2.5, \"s\")",
		"f(a, b)":                               "f(a, b)",
		"(x)":                                   "(x)",
		"(a + b) * c":                           "(a + b) * c",
		"Tuple2[int, int](v)":                   "Tuple2[int, int](v)",
		"func(a, b int) int { return a }(1, 2)": "func(a, b int) int { return a }(1, 2)",
		"[]int{1, 2}":                           "[]int{1, 2}",
		"{\n\treturn (a, b), nil\n}":            "{\n\treturn tdcTuple2(a, b), nil\n}",
		"{\n\tx := (a, b)\n\treturn x\n}":       "{\n\tx := tdcTuple2(a, b)\n\treturn x\n}",
		"(a, b, c, d, e)":                       "(a, b, c, d, e)",
		"m[(a, b)]":                             "m[tdcTuple2(a, b)]",
		"v.(interface{ M(a, b int) })":          "v.(interface{ M(a, b int) })",
	}
	for in, want := range cases {
		got, _ := rewriteTuples(in)
		assert.Equal(t, want, got, "%s", in)
	}
}
