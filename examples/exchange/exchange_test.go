package exchange

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// start starts the dataflow on workers workers.
func start(t testing.TB, workers int) (*Exchange, context.Context) {
	cfg := DefaultExchangeConfig()
	cfg.Runtime.Workers = workers
	df, err := NewExchange(cfg)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	df.Start(ctx)
	return df, ctx
}

func TestProbeFollowsEpochs(t *testing.T) {
	for _, workers := range []int{1, 2, 4} {
		t.Run(fmt.Sprintf("w%d", workers), func(t *testing.T) {
			df, ctx := start(t, workers)
			for e := uint64(0); e < 20; e++ {
				assert.False(t, df.Done.Done(e), "epoch %d done before it was sent", e)
				for v := uint64(0); v < 1000; v++ {
					df.Values.Send(v)
				}
				require.NoError(t, df.Values.AdvanceTo(e+1))
				require.NoError(t, df.Done.Wait(ctx, e))
				assert.True(t, df.Done.Done(e))
			}
			require.NoError(t, df.Values.Close())
			require.NoError(t, df.Wait())
			assert.True(t, df.Done.Done(1<<62), "every epoch is done at the end")
		})
	}
}

// BenchmarkExchange sends batches of 10000 numbers per worker per epoch
// through the exchange and waits for each epoch at the probe, as
// timely's exchange benchmark does; it reports records per second.
func BenchmarkExchange(b *testing.B) {
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("w%d", workers), func(b *testing.B) {
			df, ctx := start(b, workers)
			per := 10000 * workers
			values := make([]uint64, per)
			for v := range values {
				values[v] = uint64(v)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for e := 0; e < b.N; e++ {
				df.Values.Send(values...)
				if err := df.Values.AdvanceTo(uint64(e + 1)); err != nil {
					b.Fatal(err)
				}
				if err := df.Done.Wait(ctx, uint64(e)); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(per)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
			df.Values.Close()
			if err := df.Wait(); err != nil {
				b.Fatal(err)
			}
		})
	}
}

// BenchmarkEpochLatency sends one record per epoch and waits for it at
// the probe: the time of one round trip through the progress protocol.
func BenchmarkEpochLatency(b *testing.B) {
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("w%d", workers), func(b *testing.B) {
			df, ctx := start(b, workers)
			b.ResetTimer()
			for e := 0; e < b.N; e++ {
				df.Values.Send(uint64(e))
				if err := df.Values.AdvanceTo(uint64(e + 1)); err != nil {
					b.Fatal(err)
				}
				if err := df.Done.Wait(ctx, uint64(e)); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			df.Values.Close()
			if err := df.Wait(); err != nil {
				b.Fatal(err)
			}
		})
	}
}
