package words

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	tdrt "github.com/tdflow/tdc/runtime"
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

// TestPanicNamesOperator checks that a panic in the output callback ends
// the run with a *tdrt.PanicError whose stack trace names the generated
// operator after its members and .tdf line (count, map and output at
// words.tdf:18), so that no decoder is needed to read it.
func TestPanicNamesOperator(t *testing.T) {
	cfg := DefaultWordsConfig()
	cfg.Runtime.Workers = 2
	cfg.OnFreqs = func(tdrt.Time, Freq) { panic("callback fails") }
	df, err := NewWords(cfg)
	if err != nil {
		t.Fatal(err)
	}
	df.Start(context.Background())
	df.Text.Send("a rose")
	if err := df.Text.Close(); err != nil {
		t.Fatal(err)
	}
	err = df.Wait()
	var perr *tdrt.PanicError
	if !errors.As(err, &perr) {
		t.Fatalf("Wait() = %v; want a *tdrt.PanicError", err)
	}
	if want := "(*wordsCountMapOutput18).Run"; !strings.Contains(string(perr.Stack), want) {
		t.Errorf("the stack trace does not name %s:\n%s", want, perr.Stack)
	}
}
