package words

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

func TestCount(t *testing.T) {
	lines := []string{"A rose is a rose", "is a rose"}
	want := "a 3, is 2, rose 3"
	for _, workers := range []int{1, 2, 4} {
		t.Run(fmt.Sprintf("w%d", workers), func(t *testing.T) {
			cfg := DefaultWordsConfig()
			cfg.Runtime.Workers = workers
			freqs, err := Count(context.Background(), cfg, lines)
			if err != nil {
				t.Fatal(err)
			}
			if got := format(freqs); got != want {
				t.Errorf("got %s, want %s", got, want)
			}
		})
	}
}

func TestCountNothing(t *testing.T) {
	freqs, err := Count(context.Background(), DefaultWordsConfig(), nil)
	if err != nil || len(freqs) != 0 {
		t.Fatalf("Count(nil) = %v, %v; want nothing", freqs, err)
	}
}

func format(freqs []Freq) string {
	var parts []string
	for _, f := range freqs {
		parts = append(parts, fmt.Sprintf("%s %d", f.Word, f.N))
	}
	return strings.Join(parts, ", ")
}
