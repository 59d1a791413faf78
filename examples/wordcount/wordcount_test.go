package wordcount

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// plainCounts is the reference: the word counts of text computed by a
// plain Go program, as sorted "word count" lines.
func plainCounts(text string) []string {
	counts := map[string]int64{}
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

// runCounts runs the generated dataflow on the file at path with the given
// workers and returns its output lines, sorted.
func runCounts(t *testing.T, path string, workers int) []string {
	t.Helper()
	var out bytes.Buffer
	cfg := DefaultWordCountConfig()
	cfg.Runtime.Workers = workers
	cfg.Runtime.Stdout = &out
	cfg.Params.Input = path
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, RunWordCount(ctx, cfg))
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if out.Len() == 0 {
		lines = nil
	}
	sort.Strings(lines)
	return lines
}

// randomText returns n lines of words drawn from a small vocabulary, so
// that words repeat, with mixed case and spacing.
func randomText(seed uint64, n int) string {
	r := rand.New(rand.NewPCG(seed, 1))
	vocab := []string{"a", "the", "Fox", "dog", "timely", "DATAFLOW", "über", "naïve", "x1", "zebra", "Ünïcödé", "42"}
	var b strings.Builder
	for i := 0; i < n; i++ {
		words := r.IntN(12)
		for j := 0; j < words; j++ {
			if j > 0 {
				b.WriteString([]string{" ", "  ", "\t"}[r.IntN(3)])
			}
			b.WriteString(vocab[r.IntN(len(vocab))])
		}
		if r.IntN(10) == 0 {
			b.WriteString("\r")
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestWordCountMatchesPlainCount(t *testing.T) {
	sample, err := os.ReadFile("sample.txt")
	require.NoError(t, err)
	inputs := map[string]string{
		"empty":              "",
		"one word":           "word",
		"no trailing eol":    "the fox\nthe dog",
		"blank lines":        "\n\n  \n\t\n",
		"crlf":               "a b\r\nb c\r\n",
		"sample":             string(sample),
		"random small":       randomText(1, 40),
		"random large":       randomText(2, 5000),
		"one very long line": strings.Repeat("long line words ", 20000),
	}
	dir := t.TempDir()
	for name, text := range inputs {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".txt")
		require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
		want := plainCounts(text)
		for _, workers := range []int{1, 2, 4} {
			t.Run(fmt.Sprintf("%s/w%d", name, workers), func(t *testing.T) {
				assert.Equal(t, want, runCounts(t, path, workers))
			})
		}
	}
}

func TestWordCountMissingFile(t *testing.T) {
	cfg := DefaultWordCountConfig()
	cfg.Runtime.Workers = 2
	cfg.Params.Input = filepath.Join(t.TempDir(), "missing.txt")
	err := RunWordCount(context.Background(), cfg)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "missing.txt")
	assert.NotContains(t, err.Error(), "\n", "a one-line error")
}
