package planner

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/tools/txtar"

	"github.com/tdflow/tdc/lang"
)

var update = flag.Bool("update", false, "rewrite the want sections of golden files")

// TestPlanGolden plans every testdata/plan/*.txtar's in.tdf and compares
// the graphs' text with want.plan.
func TestPlanGolden(t *testing.T) {
	files, err := filepath.Glob("../testdata/plan/*.txtar")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			require.NoError(t, err)
			src := section(ar, "in.tdf")
			require.NotNil(t, src, "no in.tdf section")
			f, err := lang.Parse("in.tdf", src)
			require.NoError(t, err)
			prog, err := lang.Check(f, lang.CheckOptions{Dir: "."})
			require.NoError(t, err)
			graphs, err := Plan(prog)
			require.NoError(t, err)
			var got strings.Builder
			for _, g := range graphs {
				got.WriteString(g.String())
			}
			if *update {
				setSection(ar, "want.plan", []byte(got.String()))
				require.NoError(t, os.WriteFile(file, txtar.Format(ar), 0o644))
				return
			}
			want := section(ar, "want.plan")
			require.NotNil(t, want, "no want.plan section; run with -update")
			assert.Equal(t, string(want), got.String())
		})
	}
}

func section(ar *txtar.Archive, name string) []byte {
	for _, f := range ar.Files {
		if f.Name == name {
			return f.Data
		}
	}
	return nil
}

func setSection(ar *txtar.Archive, name string, data []byte) {
	for i := range ar.Files {
		if ar.Files[i].Name == name {
			ar.Files[i].Data = data
			return
		}
	}
	ar.Files = append(ar.Files, txtar.File{Name: name, Data: data})
}

// TestDOT checks the DOT form of a planned dataflow.
func TestDOT(t *testing.T) {
	src := "package p\n\ndataflow D {\n\tnames := range(0, 3) -> map(i => Tuple2[int64, string]{F0: i, F1: \"n\"})\n\trange(0, 6) -> map(i => Tuple2[int64, int64]{F0: i % 3, F1: i}) -> join(names) -> print()\n}\n"
	f, err := lang.Parse("in.tdf", []byte(src))
	require.NoError(t, err)
	prog, err := lang.Check(f, lang.CheckOptions{Dir: "."})
	require.NoError(t, err)
	graphs, err := Plan(prog)
	require.NoError(t, err)
	want := `digraph "D" {
	rankdir=LR;
	node [shape=box, fontname="Helvetica"];
	edge [fontname="Helvetica", fontsize=10];
	op0 [label="range+map\nrange(0, 3)\n4:11"];
	op1 [label="range+map\nrange(0, 6)\n5:2"];
	op2 [label="join+print\n5:69"];
	op1 -> op2 [label="implied exchange(r => r.F0)\nTuple2[int64, int64]", style=bold];
	op0 -> op2 [label="implied exchange(r => r.F0) (right)\nTuple2[int64, string]", style=bold];
}
`
	assert.Equal(t, want, graphs[0].DOT())
}

// TestDOTLoops checks that loops are clusters, nested like the loops, and
// that channels say how they change times.
func TestDOTLoops(t *testing.T) {
	src := "package p\n\ndataflow D {\n\tnums := range(1, 3)\n\tout := loop x := nums max 2 {\n\t\tinner := iterate y := x {\n\t\t\ty -> map(i => i / 2) -> next\n\t\t}\n\t\tinner -> map(i => i * 10) -> next\n\t}\n\tout -> print()\n}\n"
	f, err := lang.Parse("in.tdf", []byte(src))
	require.NoError(t, err)
	prog, err := lang.Check(f, lang.CheckOptions{Dir: "."})
	require.NoError(t, err)
	graphs, err := Plan(prog)
	require.NoError(t, err)
	want := `digraph "D" {
	rankdir=LR;
	node [shape=box, fontname="Helvetica"];
	edge [fontname="Helvetica", fontsize=10];
	op0 [label="range\nrange(1, 3)\n4:10"];
	op5 [label="print\n11:9"];
	subgraph cluster_loop5_2 {
		label="loop x max 2";
		style=rounded;
		op1 [label="loop x\n5:14"];
		op4 [label="map\n9:12"];
		subgraph cluster_loop6_3 {
			label="iterate y";
			style=rounded;
			op2 [label="iterate y\n6:20"];
			op3 [label="map\n7:9"];
		}
	}
	op0 -> op1 [label="pipeline enter\nint64", style=solid];
	op1 -> op2 [label="implied exchange(r => r) enter\nint64", style=bold];
	op2 -> op3 [label="pipeline\nint64", style=solid];
	op3 -> op2 [label="implied exchange(r => r) feedback\nint64", style=dotted];
	op2 -> op4 [label="pipeline leave\nint64", style=solid];
	op4 -> op1 [label="pipeline feedback\nint64", style=dotted];
	op4 -> op5 [label="pipeline exit\nint64", style=solid];
}
`
	assert.Equal(t, want, graphs[0].DOT())
}
