package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tdflow/tdc/codegen"
)

// update rewrites golden files instead of comparing with them: the
// generated files of the examples and the scripts' cmp files.
var update = flag.Bool("update", false, "rewrite the examples' generated files and the scripts' golden output")

// TestExamplesUpToDate regenerates every example as tdc gen does and
// fails when the committed file differs.
func TestExamplesUpToDate(t *testing.T) {
	tdfs, err := filepath.Glob(filepath.Join("..", "..", "examples", "*", "*.tdf"))
	require.NoError(t, err)
	// Examples that are modules of their own keep programs in packages.
	nested, err := filepath.Glob(filepath.Join("..", "..", "examples", "*", "*", "*.tdf"))
	require.NoError(t, err)
	tdfs = append(tdfs, nested...)
	require.NotEmpty(t, tdfs, "no examples found")
	for _, tdf := range tdfs {
		t.Run(genName(tdf), func(t *testing.T) {
			c, err := compile(tdf, codegen.Options{})
			require.NoError(t, err, "tdc gen %s", genName(tdf))
			gen := genPath(tdf)
			if *update {
				require.NoError(t, writeIfChanged(gen, c.src))
				return
			}
			committed, err := os.ReadFile(gen)
			if os.IsNotExist(err) {
				t.Fatalf("missing generated file %s; run go generate ./examples/...", genName(gen))
			}
			require.NoError(t, err)
			if !bytes.Equal(committed, c.src) {
				t.Fatalf("stale generated file %s; run go generate ./examples/...\n%s", genName(gen), firstDiff(committed, c.src))
			}
		})
	}
}

// genName is a path under the repository root as a slash-separated
// path relative to it.
func genName(path string) string {
	return filepath.ToSlash(strings.TrimPrefix(path, filepath.Join("..", "..")+string(filepath.Separator)))
}

// firstDiff describes the first line where the committed text differs
// from the generated one.
func firstDiff(committed, generated []byte) string {
	a := strings.Split(string(committed), "\n")
	b := strings.Split(string(generated), "\n")
	for i := 0; i < len(a) || i < len(b); i++ {
		var x, y string
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y || i >= len(a) || i >= len(b) {
			return fmt.Sprintf("first difference at line %d:\n\tcommitted: %s\n\tgenerated: %s", i+1, x, y)
		}
	}
	return ""
}

func TestFirstDiff(t *testing.T) {
	assert.Equal(t, "first difference at line 2:\n\tcommitted: b\n\tgenerated: c", firstDiff([]byte("a\nb\n"), []byte("a\nc\n")))
	assert.Equal(t, "first difference at line 2:\n\tcommitted: \n\tgenerated: b", firstDiff([]byte("a"), []byte("a\nb")))
	assert.Empty(t, firstDiff([]byte("a\n"), []byte("a\n")))
}
