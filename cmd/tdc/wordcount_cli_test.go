package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWordCountCLI builds the word count example into a binary once, as
// tdc build does, and runs it with several worker counts on inputs whose
// counts a plain Go program computes.
func TestWordCountCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary with go build")
	}
	isolateBuildCache(t)
	dir := t.TempDir()
	bin := filepath.Join(dir, defaultBinary("wordcount.tdf"))
	var stderr bytes.Buffer
	st := run([]string{"build", "-o", bin, filepath.Join("..", "..", "examples", "wordcount", "wordcount.tdf")}, nil, new(bytes.Buffer), &stderr)
	require.Equal(t, exitOK, st, "tdc build: %s", stderr.String())

	inputs := []struct{ name, text string }{
		{"empty", ""},
		{"no_trailing_newline", "the fox\nthe dog"},
		{"blank_lines", "\n\n  \n\t\nword\n\n"},
		{"crlf", "a b\r\nb c\r\nC A\r\n"},
		{"unicode", "Über naïve ÜBER\nnaïve 日本 日本語\u3000日本\u00a0x\n"},
		{"random", randomWords(7, 5000)},
		{"one_1mb_line", strings.Repeat("long line Words ", 1<<16)},
	}
	for _, in := range inputs {
		path := filepath.Join(dir, in.name+".txt")
		require.NoError(t, os.WriteFile(path, []byte(in.text), 0o644))
		want := plainWordCounts(in.text)
		for _, workers := range []int{1, 2, 4} {
			t.Run(fmt.Sprintf("%s/w%d", in.name, workers), func(t *testing.T) {
				assert.Equal(t, want, runWordCount(t, bin, path, workers))
			})
		}
	}
}

// runWordCount runs the word count binary on the file at path and returns
// its output lines, sorted.
func runWordCount(t *testing.T, bin, path string, workers int) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-w", fmt.Sprint(workers), "-input", path)
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	require.NoError(t, ctx.Err(), "timed out")
	require.NoError(t, err, "stderr: %s", stderr.String())
	assert.Empty(t, stderr.String())
	if stdout.Len() == 0 {
		return nil
	}
	lines := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
	sort.Strings(lines)
	return lines
}

// plainWordCounts is the reference: the "word count" lines of text,
// sorted, computed by plain Go.
func plainWordCounts(text string) []string {
	counts := map[string]int{}
	for _, w := range strings.Fields(strings.ToLower(text)) {
		counts[w]++
	}
	var lines []string
	for w, n := range counts {
		lines = append(lines, fmt.Sprintf("%s %d", w, n))
	}
	sort.Strings(lines)
	return lines
}

// randomWords returns n lines of words from a small vocabulary, so that
// words repeat, with mixed case, spacing and line ends.
func randomWords(seed uint64, n int) string {
	r := rand.New(rand.NewPCG(seed, 2))
	vocab := []string{"a", "the", "Fox", "dog", "timely", "DATAFLOW", "über", "naïve", "x1", "42", "Ünïcödé"}
	seps := []string{" ", "  ", "\t"}
	var b strings.Builder
	for range n {
		for j := range r.IntN(10) {
			if j > 0 {
				b.WriteString(seps[r.IntN(len(seps))])
			}
			b.WriteString(vocab[r.IntN(len(vocab))])
		}
		if r.IntN(8) == 0 {
			b.WriteByte('\r')
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// isolateBuildCache points tdc's build modules, kept under the user cache
// directory, at a temporary directory for the test, while go build keeps
// using this machine's build cache.
func isolateBuildCache(t *testing.T) {
	t.Helper()
	for k, v := range goEnv(t) {
		t.Setenv(k, v)
	}
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
}
