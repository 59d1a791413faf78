package pingpong

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// want is what PingPong prints for elements numbers going round iters times.
func want(elements, iters int) string {
	n := uint64(elements)
	return fmt.Sprintf("0 %d\n", n*(n-1)/2+n*uint64(iters))
}

func TestPingPong(t *testing.T) {
	for _, workers := range []int{1, 2, 4} {
		for _, c := range []struct{ elements, iters int }{{1, 1}, {1000, 10}, {10, 100}} {
			t.Run(fmt.Sprintf("w%d/e%d/i%d", workers, c.elements, c.iters), func(t *testing.T) {
				var out bytes.Buffer
				cfg := DefaultPingPongConfig()
				cfg.Runtime.Workers = workers
				cfg.Runtime.Stdout = &out
				cfg.Params.Elements = c.elements
				cfg.Params.Iters = c.iters
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				require.NoError(t, RunPingPong(ctx, cfg))
				assert.Equal(t, want(c.elements, c.iters), out.String())
			})
		}
	}
}

// BenchmarkPingPong sends 10000 numbers round the loop 100 times on 2
// workers, as timely's pingpong does with more; it reports records/s,
// one record per number per round.
func BenchmarkPingPong(b *testing.B) {
	const elements, iters = 10000, 100
	cfg := DefaultPingPongConfig()
	cfg.Runtime.Workers = 2
	cfg.Runtime.Stdout = io.Discard
	cfg.Params.Elements, cfg.Params.Iters = elements, iters
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if err := RunPingPong(context.Background(), cfg); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(elements*iters)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}
