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
