package wordcount

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkWordCount counts the words of a generated 8 MiB text with 1
// and 2 workers; it reports input bytes per second and words per second.
func BenchmarkWordCount(b *testing.B) {
	path := filepath.Join(b.TempDir(), "text.txt")
	text := randomText(7, 200000)
	for len(text) < 8<<20 {
		text += text
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		b.Fatal(err)
	}
	words := 0
	for _, l := range plainCounts(text) {
		var w string
		var n int
		fmt.Sscanf(l, "%s %d", &w, &n)
		words += n
	}
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("w%d", workers), func(b *testing.B) {
			cfg := DefaultWordCountConfig()
			cfg.Runtime.Workers = workers
			cfg.Runtime.Stdout = io.Discard
			cfg.Params.Input = path
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if err := RunWordCount(context.Background(), cfg); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(words)*float64(b.N)/b.Elapsed().Seconds(), "words/s")
		})
	}
}
