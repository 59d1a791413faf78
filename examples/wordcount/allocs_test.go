package wordcount

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lowerText returns n lines of lower-case words from a fixed vocabulary
// (so that strings.ToLower returns its argument and the count's state
// holds the same keys at any length), about 6 words a line.
func lowerText(seed uint64, n int) string {
	r := rand.New(rand.NewPCG(seed, 2))
	vocab := make([]string, 500)
	for i := range vocab {
		vocab[i] = fmt.Sprintf("w%dx", i)
	}
	var b strings.Builder
	for i := 0; i < n; i++ {
		for j := range 6 {
			if j > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(vocab[r.IntN(len(vocab))])
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// TestWordCountSteadyStateAllocations counts the allocations of whole
// runs on a short and a long text with the same words: what the long run
// allocates beyond the short one is the cost of its extra records, which
// must be well under one allocation per word (the reader's one copy per
// 256 KiB block, and the channels' batches, are all that may grow with
// the input). strings.Fields in the flat_map, one slice per line, was
// 0.17 a word here.
func TestWordCountSteadyStateAllocations(t *testing.T) {
	if testing.Short() {
		t.Skip("reads about 6 MB of text")
	}
	dir := t.TempDir()
	const short, long = 10000, 150000
	paths := map[int]string{}
	for _, n := range []int{short, long} {
		paths[n] = filepath.Join(dir, fmt.Sprintf("text%d.txt", n))
		require.NoError(t, os.WriteFile(paths[n], []byte(lowerText(3, n)), 0o644))
	}
	for _, workers := range []int{1, 2} {
		t.Run(fmt.Sprintf("w%d", workers), func(t *testing.T) {
			allocs := func(n int) float64 {
				cfg := DefaultWordCountConfig()
				cfg.Runtime.Workers = workers
				cfg.Runtime.Stdout = io.Discard
				cfg.Params.Input = paths[n]
				return testing.AllocsPerRun(3, func() {
					require.NoError(t, RunWordCount(context.Background(), cfg))
				})
			}
			extra := allocs(long) - allocs(short)
			perWord := extra / float64(6*(long-short))
			t.Logf("%.0f allocations for %d more words: %.2g a word", extra, 6*(long-short), perWord)
			assert.Less(t, perWord, 0.001, "allocations per word in steady state")
		})
	}
}
