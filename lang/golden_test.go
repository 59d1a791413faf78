package lang

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/tools/txtar"
)

// update rewrites the wanted sections of the golden files under
// testdata/ with what the code produces now: go test ./lang -update.
var update = flag.Bool("update", false, "rewrite the want sections of the golden files in testdata/")

// goldenFiles returns the paths of the txtar files of testdata/dir, in
// name order.
func goldenFiles(t *testing.T, dir string) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("..", "testdata", dir, "*.txtar"))
	require.NoError(t, err)
	require.NotEmpty(t, paths, "no golden files in testdata/%s", dir)
	return paths
}

// runGolden runs fn as a subtest for every golden file of testdata/dir,
// named after the file without .txtar. fn gets the file's in.tdf and
// returns the text for its section want; the test compares them, or with
// -update writes the section.
func runGolden(t *testing.T, dir, want string, fn func(t *testing.T, src []byte) string) {
	for _, path := range goldenFiles(t, dir) {
		name := strings.TrimSuffix(filepath.Base(path), ".txtar")
		t.Run(name, func(t *testing.T) {
			ar, err := txtar.ParseFile(path)
			require.NoError(t, err)
			src := section(ar, "in.tdf")
			require.NotNil(t, src, "%s has no in.tdf section", path)
			got := fn(t, src)
			if *update {
				if old := section(ar, want); old == nil || string(old) != got {
					setSection(ar, want, got)
					require.NoError(t, os.WriteFile(path, txtar.Format(ar), 0o644))
				}
				return
			}
			wanted := section(ar, want)
			require.NotNil(t, wanted, "%s has no %s section (run with -update)", path, want)
			assert.Equal(t, string(wanted), got)
		})
	}
}

// section returns the data of the named file of ar, or nil.
func section(ar *txtar.Archive, name string) []byte {
	for _, f := range ar.Files {
		if f.Name == name {
			return f.Data
		}
	}
	return nil
}

// setSection replaces or appends the named file of ar.
func setSection(ar *txtar.Archive, name, data string) {
	for i, f := range ar.Files {
		if f.Name == name {
			ar.Files[i].Data = []byte(data)
			return
		}
	}
	ar.Files = append(ar.Files, txtar.File{Name: name, Data: []byte(data)})
}

// TestParseGolden parses the in.tdf of each testdata/parse/*.txtar file
// and compares the Dump of its AST with the want.ast section.
func TestParseGolden(t *testing.T) {
	runGolden(t, "parse", "want.ast", func(t *testing.T, src []byte) string {
		f, err := Parse("in.tdf", src)
		require.NoError(t, err)
		return Dump(f)
	})
}
