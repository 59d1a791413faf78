package lang

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

func ExampleDump() {
	src := `package wordcount

import str "strings"

type Count struct {
	Word string
	Pair (int64, []byte)
}

param n int = -3

dataflow WordCount {
	input lines string
	evens := range(0, n)
		-> filter((x) => x%2 == 0)
	lines -> map(l => str.ToUpper(l)) -> print()
}
`
	f, err := Parse("wc.tdf", []byte(src))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(Dump(f))
	// Output:
	// File 1:1 package wordcount@1:9
	//   Import 3:8 str "strings"
	//   Type 5:1 Count@5:6
	//     Field 6:2 Word
	//       Named 6:7 string
	//     Field 7:2 Pair
	//       Tuple 7:7
	//         Named 7:8 int64
	//         Slice 7:15
	//           Named 7:17 byte
	//   Param 10:1 n@10:7
	//     Named 10:9 int
	//     Literal 10:15 -3
	//   Dataflow 12:1 WordCount@12:10
	//     Input 13:2 lines@13:8
	//       Named 13:14 string
	//     Pipeline 14:2 evens :=
	//       Call 14:11 range ()@14:16
	//         Expr 14:17 `0`
	//         Expr 14:20 `n`
	//       Call 15:6 filter ()@15:12
	//         Lambda 15:13 (x@15:14)
	//           Body 15:20 `x%2 == 0`
	//     Pipeline 16:2
	//       Call 16:2 lines
	//       Call 16:11 map ()@16:14
	//         Lambda 16:15 (l)
	//           Body 16:20 `str.ToUpper(l)`
	//       Call 16:39 print ()@16:44
}

func TestDumpNil(t *testing.T) {
	assert.Equal(t, "", Dump(nil))
	// Hand-built trees may leave out nodes the parser always fills.
	f := &File{Decls: []*Decl{
		{Type: &TypeDecl{Fields: []*Field{{}}}},
		{Param: &ParamDecl{}},
		{Dataflow: &Dataflow{Stmts: []*Stmt{
			{Input: &InputDecl{}},
			{Pipeline: &Pipeline{Ops: []*Call{{Args: &ArgList{Args: []*Arg{{Lambda: &Lambda{Params: []*Ident{nil}}}}}}}}},
			{Loop: &LoopStmt{Kind: "loop", Stmts: []*Stmt{{Loop: &LoopStmt{Kind: "iterate", Max: &Bound{}}}}}},
		}}},
		{Operator: &OperatorDecl{Inputs: []*OperatorInput{{}, nil}, State: &GoBlock{Text: "{\n}"}, Handlers: []*Handler{{Params: []*Ident{nil}}, nil}}},
	}}
	assert.Equal(t, `File 0:0 package <nil>
  Type 0:0 <nil>
    Field 0:0 <nil>
  Param 0:0 <nil>
  Dataflow 0:0 <nil>
    Input 0:0 <nil>
    Pipeline 0:0
      Call 0:0 <nil> ()@0:0
        Lambda 0:0 (<nil>)
    Loop 0:0 loop <nil> := <nil>
      Loop 0:0 iterate <nil> := <nil>
        Bound 0:0
  Operator 0:0 <nil>
    Input 0:0 <nil>
    State 0:0 "{\n}"
    Handler 0:0 <nil> (<nil>)
`, Dump(f))
}

func TestDumpGoText(t *testing.T) {
	assert.Equal(t, "`a + b`", dumpGo("a + b"))
	assert.Equal(t, "`\ta`", dumpGo("\ta"))
	assert.Equal(t, `"{\n\treturn x\n}"`, dumpGo("{\n\treturn x\n}"))
	assert.Equal(t, "\"`raw`\"", dumpGo("`raw`"))
}
