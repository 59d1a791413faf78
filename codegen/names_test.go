package codegen

import (
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
