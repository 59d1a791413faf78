package planner

import (
	"go/token"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/tools/txtar"

	"github.com/tdflow/tdc/lang"
)

// TestOpNames checks the names of the operators of every plan case: what
// each does, how it routes, and its line.
func TestOpNames(t *testing.T) {
	want := map[string][]string{
		"broadcast": {"RangeBroadcast4", "Map4", "CountPrint4"},
		"fanout":    {"RangeMapExchange4", "FilterCombineCountExchange5", "CombineCountExchange6", "CountPrint6"},
		"input":     {"InputReadingsFilterExchange9", "Output10"},
		"join":      {"RangeMapExchange6", "RangeMapExchange7", "JoinPrint7"},
		"loops":     {"RangeMapExchange31", "RangeMapExchange32", "IterateNExchange33", "NeighborsExchange34", "Print36"},
		"wordcount": {"LinesFlatMapExchange16", "CountMapPrint19"},
	}
	files, err := filepath.Glob("../testdata/plan/*.txtar")
	require.NoError(t, err)
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		t.Run(name, func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			require.NoError(t, err)
			f, err := lang.Parse("in.tdf", section(ar, "in.tdf"))
			require.NoError(t, err)
			prog, err := lang.Check(f, lang.CheckOptions{Dir: "."})
			require.NoError(t, err)
			graphs, err := Plan(prog)
			require.NoError(t, err)
			var names []string
			seen := map[string]bool{}
			for _, g := range graphs {
				for _, op := range g.Ops {
					assert.True(t, token.IsIdentifier(op.Name) && token.IsExported(op.Name), "%q", op.Name)
					assert.False(t, seen[op.Name], "%s twice", op.Name)
					seen[op.Name] = true
					names = append(names, op.Name)
				}
			}
			assert.Equal(t, want[name], names)
		})
	}
}

// TestCamel checks the words names are made of.
func TestCamel(t *testing.T) {
	for in, want := range map[string]string{
		"map": "Map", "flat_map": "FlatMap", "top_k": "TopK", "n": "N",
		"add_one": "AddOne", "x2y": "X2y", "événement": "Événement",
		"名前": "Op名前", "_": "Op", "v_1": "V1",
	} {
		assert.Equal(t, want, camel(in), in)
	}
}

// TestOpWordsLong checks that a long chain's name spells out its first
// members only.
func TestOpWordsLong(t *testing.T) {
	op := &Op{Kind: ChainOp}
	for range 8 {
		op.Stages = append(op.Stages, &lang.Node{Op: "map"})
	}
	assert.Equal(t, "MapMapMapMapMapEtc", opWords(op))
	op.Stages = op.Stages[:6]
	assert.Equal(t, "MapMapMapMapMapMap", opWords(op))
}
