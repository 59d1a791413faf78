package lang

import (
	"fmt"
	"testing"
)

func TestScratch(t *testing.T) {
	cases := []string{
		"dataflow A {}",
		"package p\ndataflwo Foo {\n}",
		"package p\ndataflow Foo {\n x -> map(a => a)\n",
		"package p\ndataflow Foo {\n x -> map(a => f(a)\n}\n",
		"package p\ndataflow Foo {\n x -> map(a a)\n}\n",
		"package p\ndataflow Foo {\n x => map(a => a)\n}\n",
		"package p\ndataflow Foo {\n x > map(a => a)\n}\n",
		"package p\ndataflow Foo {\n x -> map((a, b) a)\n}\n",
		"package p\ndataflow Foo {\n x -> \n}\n",
		"package p\ntype X struct {\n A\n}\n",
		"package p\ntype X struct {\n A [3\n}\n",
		"package p\nparam x int = \n",
		"package p\nparam x int = foo\n",
		"package p\nparam x int 3\n",
		"package p\nimport strings\n",
		"package p\nimport (\"a\" b)\n",
		"package p\ndataflow Foo {\n x -> # map(a => a)\n}\n",
		"package p\ndataflow Foo {\n x -> map(a => \"abc)\n}\n",
		"package p\ndataflow Foo {\n x -> map(a => a) y -> map(b => b)\n}\n",
		"package p\ndataflow Foo {\n x := \n}\n",
		"package p\ndataflow {\n}\n",
		"package p\ndataflow Foo\n",
		"package p\ntype X {\n}\n",
		"package p\ndataflow Foo {\n input x\n}\n",
	}
	for _, c := range cases {
		_, err := tdfParser.ParseString("f.tdf", c)
		fmt.Printf("%q\n   %T %v\n", c, err, err)
	}
}
