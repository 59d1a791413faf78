package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	tdrt "github.com/tdflow/tdc/runtime"
)

// sectionsElsewhere are the commands whose section of docs/cli.md is
// written with the command's own work, in another branch; each is
// still in the table of commands.
var sectionsElsewhere = map[string]bool{}

// TestCLIDocCommands checks that docs/cli.md has every command of tdc
// help in its table and in a section of its own, with each of the
// command's flags and an example, and that every command's -h shows a
// usage line and an example.
func TestCLIDocCommands(t *testing.T) {
	doc := readCLIDoc(t)
	status, stdout, _ := runTDC(t, "help")
	require.Equal(t, exitOK, status)
	listed := regexp.MustCompile(`(?m)^  tdc (\S+)`).FindAllStringSubmatch(stdout, -1)
	require.Len(t, listed, len(commands), "tdc help lists every command")
	for _, m := range listed {
		name := m[1]
		t.Run(name, func(t *testing.T) {
			c := lookup(name)
			require.NotNil(t, c)
			// A | inside a table cell is written \|.
			row := "| `" + strings.ReplaceAll(c.usage, "|", `\|`) + "` |"
			assert.True(t, strings.Contains(doc, row), "docs/cli.md's table of commands has no row %s", row)

			status, help, _ := runTDC(t, "help", name)
			require.Equal(t, exitOK, status)
			if name != "help" {
				assert.Contains(t, help, "usage: "+c.usage+"\n")
				assert.Contains(t, help, "\nExamples:\n  tdc ")
			}
			if sectionsElsewhere[name] {
				return
			}
			section := docSection(doc, "## tdc "+name)
			require.NotEmpty(t, section, "docs/cli.md has no section ## tdc %s", name)
			assert.True(t, strings.Contains(section, c.usage), "docs/cli.md, tdc %s: no usage line %s", name, c.usage)
			assert.True(t, strings.Contains(section, "    tdc "), "docs/cli.md, tdc %s: no example", name)
			for _, f := range regexp.MustCompile(`(?m)^  (-\S+)`).FindAllStringSubmatch(help, -1) {
				assert.True(t, strings.Contains(section, "`"+f[1]), "docs/cli.md, tdc %s: flag %s is not described", name, f[1])
			}
		})
	}
}

// TestCLIDocTranscripts checks the transcripts of docs/cli.md that show
// what tdc prints: each line after "$ tdc ARGS" up to the next "$ " line
// or the end of the block is a line tdc prints for ARGS.
func TestCLIDocTranscripts(t *testing.T) {
	doc := readCLIDoc(t)
	var blocks [][]string // lines of indented and fenced blocks
	var cur []string
	fenced := false
	for _, line := range strings.Split(doc, "\n") {
		switch {
		case strings.HasPrefix(line, "```"):
			if fenced {
				blocks, cur = append(blocks, cur), nil
			}
			fenced = !fenced
		case fenced:
			cur = append(cur, line)
		case strings.HasPrefix(line, "    "):
			cur = append(cur, strings.TrimPrefix(line, "    "))
		case len(cur) > 0:
			blocks, cur = append(blocks, cur), nil
		}
	}
	checked := 0
	for _, b := range blocks {
		for i := 0; i < len(b); i++ {
			args, ok := strings.CutPrefix(b[i], "$ tdc ")
			if !ok || strings.Contains(args, ".tdf") && !strings.Contains(b[i], "prog.tdf") || args == "version" {
				// A command that reads files the document does not
				// hold, or prints versions that change.
				continue
			}
			var want []string
			for i+1 < len(b) && !strings.HasPrefix(b[i+1], "$ ") {
				i++
				want = append(want, b[i])
			}
			if len(want) == 0 {
				continue
			}
			_, stdout, stderr := runTDC(t, strings.Fields(args)...)
			got := strings.Split(strings.TrimRight(stdout+stderr, "\n"), "\n")
			assert.Subset(t, got, want, "docs/cli.md: $ tdc %s", args)
			checked++
		}
	}
	assert.GreaterOrEqual(t, checked, 4, "transcripts checked")
}

// TestCLIDocBinaryFlags checks that docs/cli.md describes every flag
// that a generated binary defines (tdrt.Main's), in a table or in the
// text.
func TestCLIDocBinaryFlags(t *testing.T) {
	doc := readCLIDoc(t)
	require.NotEmpty(t, docSection(doc, "## Flags of a generated binary"))
	var fs *flag.FlagSet
	var stderr bytes.Buffer
	status := tdrt.Main("prog", []string{"-h"}, &stderr, func(f *flag.FlagSet) { fs = f }, func(context.Context, tdrt.Config) error {
		t.Error("-h ran the program")
		return nil
	})
	require.Equal(t, 0, status)
	require.NotNil(t, fs)
	n := 0
	fs.VisitAll(func(f *flag.Flag) {
		n++
		described := regexp.MustCompile("`-" + regexp.QuoteMeta(f.Name) + "[ `=]").MatchString(doc)
		assert.True(t, described, "docs/cli.md does not describe the binary's flag -%s", f.Name)
	})
	assert.Greater(t, n, 15, "the binary's flags")
}

// readCLIDoc returns docs/cli.md.
func readCLIDoc(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "docs", "cli.md"))
	require.NoError(t, err)
	return string(data)
}

// docSection returns the part of doc from the line heading to the next
// heading of the same or a higher level, or "".
func docSection(doc, heading string) string {
	level := strings.Index(heading, " ")
	start := strings.Index(doc, "\n"+heading+"\n")
	if start < 0 {
		return ""
	}
	rest := doc[start+1:]
	lines := strings.SplitAfter(rest, "\n")
	var b strings.Builder
	b.WriteString(lines[0])
	for _, l := range lines[1:] {
		if i := strings.Index(l, " "); strings.HasPrefix(l, "#") && i > 0 && i <= level && strings.Trim(l[:i], "#") == "" {
			break
		}
		b.WriteString(l)
	}
	return b.String()
}
