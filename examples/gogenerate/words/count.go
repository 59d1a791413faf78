package words

import (
	"context"
	"sort"
	"sync"

	tdrt "github.com/tdflow/tdc/runtime"
)

// Count counts the words of lines with dataflow Words on cfg's workers
// and processes, and returns the words this process counted, sorted. It
// feeds the lines right after Start and closes the input.
func Count(ctx context.Context, cfg WordsConfig, lines []string) ([]Freq, error) {
	var mu sync.Mutex
	var freqs []Freq
	cfg.OnFreqs = func(t tdrt.Time, f Freq) {
		mu.Lock() // called from several workers at once
		defer mu.Unlock()
		freqs = append(freqs, f)
	}
	df, err := NewWords(cfg)
	if err != nil {
		return nil, err
	}
	df.Start(ctx)
	df.Text.Send(lines...)
	if err := df.Text.Close(); err != nil {
		return nil, err
	}
	if err := df.Wait(); err != nil {
		return nil, err
	}
	sort.Slice(freqs, func(i, j int) bool { return freqs[i].Word < freqs[j].Word })
	return freqs, nil
}
