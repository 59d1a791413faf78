package codegen

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tdflow/tdc/lang"
	"github.com/tdflow/tdc/planner"
)

// TestNameClashes checks programs whose names would clash in the
// generated Go, with their exact messages.
func TestNameClashes(t *testing.T) {
	cases := map[string]struct{ src, want string }{
		"record Params": {
			"package p\n\ntype Params struct {\n\tA int\n}\n\ndataflow D {\n\trange(0, 1) -> print()\n}\n",
			"in.tdf:3:1: type Params becomes Go name Params, which is the generated struct of the params; rename it",
		},
		"dataflow Params": {
			"package p\n\ndataflow Params {\n\trange(0, 1) -> print()\n}\n",
			"in.tdf:3:1: dataflow Params becomes Go name Params, which is the generated struct of the params; rename it",
		},
		"dataflows a and A": {
			"package p\n\ndataflow a {\n\trange(0, 1) -> print()\n}\n\ndataflow A {\n\trange(0, 1) -> print()\n}\n",
			"in.tdf:7:1: dataflow A becomes Go name A, which dataflow a at 3:1 already uses; rename one of them",
		},
		"record and dataflow config": {
			"package p\n\ntype DConfig struct {\n\tA int\n}\n\ndataflow D {\n\trange(0, 1) -> print()\n}\n",
			"in.tdf:7:1: dataflow D becomes Go name DConfig, which type DConfig at 3:1 already uses; rename one of them",
		},
		"params size and Size": {
			"package p\n\nparam size int64 = 1\nparam Size int64 = 2\n\ndataflow D {\n\trange(0, size+Size) -> print()\n}\n",
			"in.tdf:4:1: param Size becomes field Params.Size, which the param at 3:1 already uses; rename one of them",
		},
		"capture named like an input": {
			"package p\n\ndataflow D {\n\tinput nums int64\n\tnums -> capture(Nums)\n}\n",
			"in.tdf:5:10: capture Nums becomes D.Nums, which 4:2 already uses; rename one of them",
		},
		"input named like a method": {
			"package p\n\ndataflow D {\n\tinput wait int64\n\twait -> print()\n}\n",
			"in.tdf:4:2: input wait becomes D.Wait, which is a method; rename it",
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			f, err := lang.Parse("in.tdf", []byte(c.src))
			require.NoError(t, err)
			prog, err := lang.Check(f, lang.CheckOptions{Dir: "."})
			require.NoError(t, err)
			graphs, err := planner.Plan(prog)
			require.NoError(t, err)
			_, err = Generate(prog, graphs, Options{})
			require.Error(t, err)
			assert.Equal(t, c.want, err.Error())
		})
	}
}

// TestOperatorTypeNames checks that every operator type of every golden
// case is named after its members and .tdf line, is a Go identifier, and
// is declared once; and the exact names of the names case, whose
// operators would otherwise clash with each other and with a record.
func TestOperatorTypeNames(t *testing.T) {
	for _, c := range loadCases(t) {
		t.Run(c.name, func(t *testing.T) {
			f, err := lang.Parse(c.name+".tdf", section(c.ar, "in.tdf"))
			require.NoError(t, err)
			prog, err := lang.Check(f, lang.CheckOptions{Dir: "."})
			require.NoError(t, err)
			graphs, err := planner.Plan(prog)
			require.NoError(t, err)
			src, err := Generate(prog, graphs, Options{})
			require.NoError(t, err)
			file, err := parser.ParseFile(token.NewFileSet(), "gen.go", src, 0)
			require.NoError(t, err)
			declared := map[string]int{}
			for _, d := range file.Decls {
				if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.TYPE {
					for _, s := range gd.Specs {
						declared[s.(*ast.TypeSpec).Name.Name]++
					}
				}
			}
			for _, gr := range graphs {
				for _, op := range gr.Ops {
					name := unexported(gr.Name) + op.Name
					assert.True(t, token.IsIdentifier(op.Name), op.Name)
					assert.True(t, strings.HasSuffix(op.Name, strconv.Itoa(op.Pos.Line)) || strings.Contains(op.Name, fmt.Sprintf("%d_", op.Pos.Line)), "%s does not end in its line %d", op.Name, op.Pos.Line)
					if declared[name] == 0 {
						name = fmt.Sprintf("%sOp%d", name, op.ID) // taken by another name
					}
					assert.Equal(t, 1, declared[name], "type %s of operator %d", name, op.ID)
				}
			}
			if c.name != "names" {
				return
			}
			var names []string
			for _, op := range graphs[0].Ops {
				names = append(names, op.Name)
			}
			assert.Equal(t, []string{
				"RangeMap17", "RangeMap17_44", // one line, told apart by column
				"AddOneExchange18", "CountPrint18",
				"RangeExchange19", "IterateN19", "Filter19", "Print19",
				"RangePrint20", // dRangePrint20 is a record: the type is dRangePrint20Op8
			}, names)
			assert.Equal(t, 1, declared["dRangePrint20Op8"])
		})
	}
}
