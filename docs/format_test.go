package docs

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tdflow/tdc/lang"
)

// docPrograms returns the tdf and tdf-error blocks of every markdown file
// of docs/, by file.md:line.
func docPrograms(t *testing.T) map[string]fence {
	t.Helper()
	mds, err := filepath.Glob("*.md")
	require.NoError(t, err)
	progs := map[string]fence{}
	for _, md := range mds {
		data, err := os.ReadFile(md)
		require.NoError(t, err)
		fs, err := fences(string(data))
		require.NoError(t, err, md)
		for _, f := range fs {
			if f.info == "tdf" || f.info == "tdf-error" {
				progs[fmt.Sprintf("%s:%d", md, f.line)] = f
			}
		}
	}
	require.NotEmpty(t, progs)
	return progs
}

// TestFormatDocPrograms formats every program of the documents: the
// result parses to the same program, formatting it again changes
// nothing, and a program with syntax errors gets them and no text. The
// programs that must compile are shown in tdc fmt's layout; the ones
// that show errors may be laid out as the error needs.
func TestFormatDocPrograms(t *testing.T) {
	for name, block := range docPrograms(t) {
		src := block.body
		t.Run(name, func(t *testing.T) {
			out, err := lang.Format("doc.tdf", []byte(src))
			want, perr := lang.SyntaxKey("doc.tdf", []byte(src))
			if perr != nil {
				require.Error(t, err)
				assert.Equal(t, perr.Error(), err.Error())
				return
			}
			require.NoError(t, err)
			got, err := lang.SyntaxKey("doc.tdf", out)
			require.NoError(t, err, "the formatted program does not parse:\n%s", out)
			assert.Equal(t, want, got, "the formatted program is another program")
			again, err := lang.Format("doc.tdf", out)
			require.NoError(t, err)
			assert.Equal(t, string(out), string(again), "formatting twice changes the text")
			if block.info == "tdf" {
				assert.Equal(t, src, string(out), "the program is not in tdc fmt's layout (tdc fmt formats standard input)")
			}
		})
	}
}

// TestFormattingExample checks the example of language.md's Formatting
// section: the first indented block formats to the second.
func TestFormattingExample(t *testing.T) {
	md, err := os.ReadFile("language.md")
	require.NoError(t, err)
	_, section, ok := strings.Cut(string(md), "\n## Formatting\n")
	require.True(t, ok, "language.md has no Formatting section")
	section, _, _ = strings.Cut(section, "\n## ")
	_, example, ok := strings.Cut(section, "For example, this file\n")
	require.True(t, ok, "the Formatting section has no example")
	var blocks []string
	var cur []string
	for _, line := range strings.Split(example+"\nend", "\n") {
		switch {
		case strings.HasPrefix(line, "    "):
			cur = append(cur, strings.TrimPrefix(line, "    "))
		case line == "" && cur != nil:
			cur = append(cur, "")
		case cur != nil:
			blocks = append(blocks, strings.TrimRight(strings.Join(cur, "\n"), "\n")+"\n")
			cur = nil
		}
	}
	require.Len(t, blocks, 2, "want the file before and after")
	out, err := lang.Format("demo.tdf", []byte(blocks[0]))
	require.NoError(t, err)
	assert.Equal(t, blocks[1], string(out))
}
